#!/usr/bin/env python3
"""Print a user's chapters from a running talegraph server.

Usage: print_chapters.py BASE_URL USER_ID, for example
print_chapters.py http://127.0.0.1:8080 USER. Each chapter shows its
title, kind and degree, the names of its member nodes and the audio time
range of its first passages.
"""

import json
import sys
import urllib.request

MAX_MEMBERS = 12
MAX_PASSAGES = 3


def get_json(url):
    with urllib.request.urlopen(url) as response:
        return json.load(response)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    base, user_id = sys.argv[1], sys.argv[2]
    graph = get_json(f"{base}/v1/users/{user_id}/graph")
    chapters = get_json(f"{base}/v1/users/{user_id}/chapters")["chapters"]

    names = {node["id"]: node["name"] for node in graph["nodes"]}
    print(f"   graph: {len(graph['nodes'])} nodes, {len(graph['edges'])} edges")
    if not chapters:
        print("   no chapters: no node has chapters.min_degree edges")
    for number, chapter in enumerate(chapters, 1):
        members = [names.get(node_id, node_id) for node_id in chapter["node_ids"][1:]]
        more = " ..." if len(members) > MAX_MEMBERS else ""
        print(f"{number:2d}. {chapter['title']} ({chapter['kind']}, {chapter['degree']} edges)")
        print(f"    with: {', '.join(members[:MAX_MEMBERS])}{more}")
        for passage in chapter["passages"][:MAX_PASSAGES]:
            print(f"    passage {passage['start']:7.1f} - {passage['end']:7.1f} s")


if __name__ == "__main__":
    main()
