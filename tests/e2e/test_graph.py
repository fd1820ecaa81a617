"""The knowledge graph and chapters built from two synthesized stories.

Two stories of one user, spoken by flite, share their people (Martha,
George) and a place (Chicago) and each has topics of its own. A server of
this module's own, on the embedded defaults (SQLite, PocketSphinx, the
keyphrase extractor) but with shorter transcript chunks, processes both.
The tests check that the shared names are single nodes with chunks of both
recordings, that every chunk id of the graph is a stored transcript chunk,
that the chapters are the nodes of highest degree and include the central
names, that processing again adds nothing, and that deleting a recording
leaves a graph of the other recording only.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from process_helpers import HOST, ServerProcess, base_settings, find_free_port
from processing_helpers import (
    convert_audio,
    get_transcript,
    job_timeout,
    synthesize_speech,
    upload_audio,
    wait_for_job,
    wav_seconds,
)
from talegraph_client import Client, assert_error, unknown_id

# The first story: the farm, the horses, the train to Chicago. Martha and
# George come back in every paragraph, so that they are mentioned in every
# transcript chunk. Words are common words of PocketSphinx's dictionary.
FARM_STORY = """\
My aunt Martha lived on a farm far from Chicago. Every summer my brother
George and I took the train from Chicago to the farm of aunt Martha. Martha
met us at the station with her old truck, and George always sat in the front
with Martha.

Martha kept horses on the farm. George loved the horses more than anything,
and Martha taught George to ride the big brown horse. I was afraid of the
horses, so Martha gave me the chickens to feed. George laughed at me, but
Martha said that the chickens needed a friend too.

In the evening Martha cooked dinner for George and me. We ate potatoes and
corn from the garden, and Martha told us stories about Chicago when she was
young. George wanted to hear about the horses again and again, and Martha
never said no.

At the end of the summer Martha drove George and me back to the station. We
took the train home to Chicago, and George cried because he missed the horses
and Martha. Every winter George wrote letters to Martha about the horses.
"""

# The second story: the city, the bakery, the wedding. The same people and
# the same city, and topics of its own.
CITY_STORY = """\
When I was older I moved to Chicago to work in a bakery. My brother George
lived in Chicago too, and every Sunday George and I visited aunt Martha, who
had left the farm and bought a small house in Chicago.

The bakery was on a busy street in Chicago. I baked bread every morning
before the sun came up, and George came to the bakery for warm bread on his
way to work. Martha said that the bread of the bakery was almost as good as
her own bread.

George met his wife at the bakery. She bought bread every morning, and George
waited at the bakery every morning to see her. Martha told George to ask her
to dinner, and George finally did.

George and his wife were married in a church in Chicago. Martha sang at the
wedding, and I baked the wedding cake at the bakery. It was the best day for
George, and Martha danced with everyone until the music stopped.
"""

# Short chunks, so that each story gives several and the graph has
# structure beyond one clique a recording.
TARGET_CHUNK_SECONDS = 20.0

# The names the stories are built around, as the keyphrase extractor names
# them from PocketSphinx's lower-case output.
CENTRAL_NAMES = ("martha", "george", "chicago")
# Central names that both stories mention in every paragraph.
SHARED_NAMES = ("martha", "george", "chicago")

# Default chapter settings of config/talegraph.toml.
MIN_DEGREE = 3
MAX_CHAPTERS = 12


class Story(NamedTuple):
    recording_id: str
    job: dict


class Stories(NamedTuple):
    server: ServerProcess
    client: Client
    user_id: str
    farm: Story
    city: Story


def describe(server: ServerProcess) -> str:
    return f"server stderr tail:\n{server.stderr_tail(40)}"


def process_story(
    client: Client, server: ServerProcess, user_id: str, text: str, folder: Path, name: str
) -> Story:
    wav = synthesize_speech(text, folder / f"{name}.wav", voice="rms")
    m4a = convert_audio(wav, folder / f"{name}.m4a", "-c:a", "aac", "-b:a", "64k")
    result = upload_audio(client, user_id, m4a.read_bytes(), "audio/mp4", filename=f"{name}.m4a")
    job = wait_for_job(client, result["job_id"], job_timeout(wav_seconds(wav))).job
    assert job["status"] == "succeeded", f"{name} job: {job}\n{describe(server)}"
    return Story(result["recording_id"], job)


@pytest.fixture(scope="module")
def stories(binary: Path, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("graph")
    settings = base_settings(folder, find_free_port())
    settings["transcript"] = {"target_chunk_seconds": TARGET_CHUNK_SECONDS}
    server = ServerProcess(binary, folder, settings)
    try:
        server.wait_until_healthy()
        client = Client(HOST, server.port, timeout=30, log_path=server.stderr_path)
        user_id = client.create_user("Graph story teller")["id"]
        farm = process_story(client, server, user_id, FARM_STORY, folder, "farm")
        city = process_story(client, server, user_id, CITY_STORY, folder, "city")
        yield Stories(server, client, user_id, farm, city)
    finally:
        server.kill()


def get_ok(client: Client, path: str) -> dict:
    status, _, body = client.json("GET", path)
    assert status == 200, f"GET {path} returned {status}: {body}"
    return body


def get_graph(stories: Stories) -> dict:
    return get_ok(stories.client, f"/v1/users/{stories.user_id}/graph")


def get_chapters(stories: Stories) -> list[dict]:
    return get_ok(stories.client, f"/v1/users/{stories.user_id}/chapters")["chapters"]


def nodes_named(graph: dict, name: str) -> list[dict]:
    return [node for node in graph["nodes"] if node["name"].lower() == name]


def recording_of(chunk_id: str, recording_ids: list[str]) -> str | None:
    for recording_id in recording_ids:
        if chunk_id.startswith(recording_id + "_"):
            return recording_id
    return None


def graph_chunk_ids(graph: dict) -> set[str]:
    chunk_ids = set()
    for item in graph["nodes"] + graph["edges"]:
        chunk_ids.update(item["chunk_ids"])
    return chunk_ids


def transcript_chunks(stories: Stories, recording_id: str) -> dict[str, dict]:
    chunks = get_transcript(stories.client, recording_id)["chunks"]
    return {chunk["id"]: chunk for chunk in chunks}


def test_jobs_record_graph_stages(stories):
    for story in (stories.farm, stories.city):
        job = story.job
        assert job["stage"] == "graph", job
        assert job["progress"] == 1, job
        for stage in ("chunk", "extract", "graph"):
            assert stage in job["stage_seconds"], f"stage_seconds lacks {stage}: {job}"
            assert job["stage_seconds"][stage] >= 0, job


def test_each_story_has_several_chunks(stories):
    for story in (stories.farm, stories.city):
        chunks = transcript_chunks(stories, story.recording_id)
        assert len(chunks) >= 3, f"expected several {TARGET_CHUNK_SECONDS} s chunks: {chunks}"


def test_shared_names_are_single_nodes_of_both_recordings(stories):
    graph = get_graph(stories)
    recordings = [stories.farm.recording_id, stories.city.recording_id]
    names = sorted(node["name"] for node in graph["nodes"])
    for name in SHARED_NAMES:
        nodes = nodes_named(graph, name)
        assert len(nodes) == 1, f"expected one node named {name!r}, found {nodes}; names {names}"
        node = nodes[0]
        sources = {recording_of(chunk_id, recordings) for chunk_id in node["chunk_ids"]}
        assert sources == set(recordings), f"{name} has chunks of {sources}: {node}"
        assert sorted(node["recording_ids"]) == sorted(recordings), node
        assert node["mentions"] == len(node["chunk_ids"]), node


def test_node_ids_are_unique(stories):
    graph = get_graph(stories)
    ids = [node["id"] for node in graph["nodes"]]
    assert len(ids) == len(set(ids)), "a node id occurs twice"
    assert ids == sorted(ids), "nodes are not ordered by id"


def test_graph_chunk_ids_exist_in_transcripts(stories):
    graph = get_graph(stories)
    stored = {}
    for story in (stories.farm, stories.city):
        stored.update(transcript_chunks(stories, story.recording_id))
    missing = graph_chunk_ids(graph) - set(stored)
    assert not missing, f"graph chunk ids without a transcript chunk: {sorted(missing)}"


def test_edges_join_stored_nodes(stories):
    graph = get_graph(stories)
    ids = {node["id"] for node in graph["nodes"]}
    degrees = {node_id: 0 for node_id in ids}
    for edge in graph["edges"]:
        assert edge["source"] < edge["target"], edge
        assert edge["source"] in ids, edge
        assert edge["target"] in ids, edge
        assert edge["weight"] == len(edge["chunk_ids"]) >= 1, edge
        degrees[edge["source"]] += 1
        degrees[edge["target"]] += 1
    for node in graph["nodes"]:
        assert node["degree"] == degrees[node["id"]], node


def test_chapters_are_highest_degree_nodes(stories):
    graph = get_graph(stories)
    chapters = [node for node in graph["nodes"] if node["is_chapter"]]
    others = [node for node in graph["nodes"] if not node["is_chapter"]]
    assert chapters, f"no chapters among {len(graph['nodes'])} nodes"
    assert len(chapters) <= MAX_CHAPTERS
    lowest_chapter = min(node["degree"] for node in chapters)
    assert lowest_chapter >= MIN_DEGREE, chapters
    if len(chapters) == MAX_CHAPTERS and others:
        assert max(node["degree"] for node in others) <= lowest_chapter
    else:
        # Fewer than MAX_CHAPTERS: every node that reaches the minimum is one.
        assert all(node["degree"] < MIN_DEGREE for node in others), others


def test_chapters_include_central_names(stories):
    titles = {chapter["title"].lower() for chapter in get_chapters(stories)}
    for name in CENTRAL_NAMES:
        assert name in titles, f"{name} is not a chapter; chapters are {sorted(titles)}"


def test_node_chapters_are_adjacent_chapters(stories):
    graph = get_graph(stories)
    by_id = {node["id"]: node for node in graph["nodes"]}
    neighbours = {node_id: set() for node_id in by_id}
    for edge in graph["edges"]:
        neighbours[edge["source"]].add(edge["target"])
        neighbours[edge["target"]].add(edge["source"])
    for node in graph["nodes"]:
        if node["is_chapter"]:
            assert node["chapters"] == [node["id"]], node
        else:
            expected = sorted(n for n in neighbours[node["id"]] if by_id[n]["is_chapter"])
            assert node["chapters"] == expected, node


def test_chapters_route_lists_passages(stories):
    graph = get_graph(stories)
    by_id = {node["id"]: node for node in graph["nodes"]}
    stored = {}
    for story in (stories.farm, stories.city):
        stored.update(transcript_chunks(stories, story.recording_id))
    chapters = get_chapters(stories)

    assert {chapter["id"] for chapter in chapters} == {
        node["id"] for node in graph["nodes"] if node["is_chapter"]
    }
    for chapter in chapters:
        node = by_id[chapter["id"]]
        assert chapter["title"] == node["name"], chapter
        assert chapter["node_ids"][0] == chapter["id"], chapter
        members = {n["id"] for n in graph["nodes"] if chapter["id"] in n["chapters"]}
        assert set(chapter["node_ids"]) == members, chapter
        assert sorted(chapter["chunk_ids"]) == node["chunk_ids"], chapter
        assert [p["chunk_id"] for p in chapter["passages"]] == chapter["chunk_ids"], chapter
        for passage in chapter["passages"]:
            chunk = stored[passage["chunk_id"]]
            assert passage["recording_id"] == chunk["recording_id"], passage
            assert passage["start"] == chunk["start"], passage
            assert passage["end"] == chunk["end"], passage
        assert set(chapter["recording_ids"]) == {p["recording_id"] for p in chapter["passages"]}


def test_chapters_follow_first_appearance(stories):
    # No chunk has a temporal marker, so chapters follow their first chunk:
    # the farm story was uploaded first, then chunk index.
    recordings = [stories.farm.recording_id, stories.city.recording_id]

    def first_place(chapter):
        chunk_id = chapter["chunk_ids"][0]
        recording = recording_of(chunk_id, recordings)
        return (recordings.index(recording), int(chunk_id.rsplit("_", 1)[1]), chapter["id"])

    chapters = get_chapters(stories)
    assert chapters == sorted(chapters, key=first_place), [c["title"] for c in chapters]


def test_node_route_shows_neighbours_and_text(stories):
    graph = get_graph(stories)
    martha = nodes_named(graph, "martha")[0]
    body = get_ok(stories.client, f"/v1/users/{stories.user_id}/nodes/{martha['id']}")

    assert body["node"]["id"] == martha["id"]
    assert body["node"]["chunk_ids"] == martha["chunk_ids"]
    weights = [(-n["weight"], n["node"]["id"]) for n in body["neighbours"]]
    assert weights == sorted(weights), "neighbours are not ordered by weight, then id"
    assert len(body["neighbours"]) == martha["degree"]
    assert [chunk["id"] for chunk in body["chunks"]] == martha["chunk_ids"]
    for chunk in body["chunks"]:
        assert "martha" in chunk["text"].lower(), chunk


def test_unknown_ids_get_404(stories):
    client = stories.client
    missing_user = unknown_id()
    for suffix in ("graph", "chapters", "nodes/c0123"):
        response = client.json("GET", f"/v1/users/{missing_user}/{suffix}")
        assert_error(response, 404, "not_found", missing_user)
    missing_node = unknown_id()
    response = client.json("GET", f"/v1/users/{stories.user_id}/nodes/{missing_node}")
    assert_error(response, 404, "not_found", missing_node, stories.user_id)


def test_invalid_node_id_gets_400(stories):
    response = stories.client.json("GET", f"/v1/users/{stories.user_id}/nodes/bad%20id")
    assert_error(response, 400, "invalid_id", "node_id")


def test_other_user_sees_no_graph(stories):
    other = stories.client.create_user("Another story teller")["id"]
    graph = get_ok(stories.client, f"/v1/users/{other}/graph")
    assert graph["nodes"] == [], graph
    assert graph["edges"] == [], graph
    assert get_ok(stories.client, f"/v1/users/{other}/chapters")["chapters"] == []
    martha = nodes_named(get_graph(stories), "martha")[0]
    response = stories.client.json("GET", f"/v1/users/{other}/nodes/{martha['id']}")
    assert_error(response, 404, "not_found", martha["id"])


def graph_shape(graph: dict) -> tuple:
    nodes = sorted((n["id"], tuple(n["chunk_ids"]), n["is_chapter"]) for n in graph["nodes"])
    edges = sorted((e["source"], e["target"], tuple(e["chunk_ids"])) for e in graph["edges"])
    return nodes, edges


def test_processing_again_adds_nothing(stories):
    before = get_graph(stories)
    client = stories.client
    status, _, body = client.json("POST", f"/v1/recordings/{stories.city.recording_id}/process")
    assert status == 202, body
    job = wait_for_job(client, body["job_id"], job_timeout(120)).job
    assert job["status"] == "succeeded", f"{job}\n{describe(stories.server)}"

    after = get_graph(stories)
    assert graph_shape(after) == graph_shape(before)


def test_deleting_a_recording_leaves_the_other(stories):
    client = stories.client
    farm, city = stories.farm.recording_id, stories.city.recording_id
    status, _, body = client.json("DELETE", f"/v1/recordings/{farm}")
    assert status == 204, body

    graph = get_graph(stories)
    assert graph["nodes"], "deleting one recording emptied the graph"
    for node in graph["nodes"]:
        assert node["recording_ids"] == [city], node
        assert all(chunk_id.startswith(city + "_") for chunk_id in node["chunk_ids"]), node
    for edge in graph["edges"]:
        assert all(chunk_id.startswith(city + "_") for chunk_id in edge["chunk_ids"]), edge
    assert graph_chunk_ids(graph) <= set(transcript_chunks(stories, city))
    for chapter in get_chapters(stories):
        assert chapter["recording_ids"] == [city], chapter
    # Horses are a topic of the farm story only.
    assert not nodes_named(graph, "horse")
    assert not nodes_named(graph, "horses")


def test_deleting_the_user_removes_the_graph(stories):
    client = stories.client
    status, _, body = client.json("DELETE", f"/v1/users/{stories.user_id}")
    assert status == 204, body
    response = client.json("GET", f"/v1/users/{stories.user_id}/graph")
    assert_error(response, 404, "not_found", stories.user_id)
