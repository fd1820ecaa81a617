"""`talegraph process FILE` prints the transcript, then the user's chapters.

The command runs the whole pipeline in its own process on a SQLite file
in the test's temporary folder, once with text output and once with
--json on a second recording of the same user.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from process_helpers import base_settings, find_free_port, run_command, write_settings
from processing_helpers import job_timeout, synthesize_speech, wav_seconds

SPEECH = """\
My grandmother Rose lived by the sea. Every morning Rose walked to the harbor
to buy fish, and in the afternoon Rose sat in the garden and told us stories
about the ships and the storms.
"""

# A transcript line of the text output: "[00:00.0 - 00:12.3] text".
TRANSCRIPT_LINE = re.compile(r"^\[\d{2}:\d{2}\.\d - \d{2}:\d{2}\.\d\] \S")
# A chapter line: " 1. rose (person, 7 edges, 1 passages)".
CHAPTER_LINE = re.compile(r"^ *\d+\. (.+) \((\w+), (\d+) edges, (\d+) passages\)$")


def test_process_prints_transcript_then_chapters(binary: Path, tmp_path: Path):
    settings = write_settings(tmp_path / "talegraph.toml", base_settings(tmp_path, find_free_port()))
    wav = synthesize_speech(SPEECH, tmp_path / "speech.wav")
    timeout = job_timeout(wav_seconds(wav))

    text_run = run_command(
        binary, ["process", str(wav), "--config", str(settings)], tmp_path, timeout=timeout
    )
    assert text_run.returncode == 0, text_run.stderr[-2000:]
    lines = text_run.stdout.splitlines()
    heading = next((i for i, line in enumerate(lines) if line.startswith("chapters of user ")), None)
    assert heading is not None, f"no chapters heading in:\n{text_run.stdout}"
    assert heading >= 1 and all(TRANSCRIPT_LINE.match(line) for line in lines[: heading - 1]), (
        text_run.stdout
    )
    chapters = [CHAPTER_LINE.match(line) for line in lines[heading + 1 :]]
    assert chapters and all(chapters), f"unexpected chapter lines:\n{text_run.stdout}"
    titles = [match.group(1).lower() for match in chapters]
    assert "rose" in titles, titles

    user_id = lines[heading].removeprefix("chapters of user ").rstrip(":")
    json_run = run_command(
        binary,
        ["process", str(wav), "--config", str(settings), "--user", user_id, "--json"],
        tmp_path,
        timeout=timeout,
    )
    assert json_run.returncode == 0, json_run.stderr[-2000:]
    result = json.loads(json_run.stdout)
    assert result["chunks"], result
    chunk_ids = {chunk["id"] for chunk in result["chunks"]}
    assert result["chapters"], f"no chapters in the JSON output: {result}"
    for chapter in result["chapters"]:
        assert chapter["node_ids"][0] == chapter["id"], chapter
        assert [p["chunk_id"] for p in chapter["passages"]] == chapter["chunk_ids"], chapter
    # The second recording's chunks are part of the user's chapters.
    passages = {p["chunk_id"] for c in result["chapters"] for p in c["passages"]}
    assert passages & chunk_ids, f"no chapter has a passage of {sorted(chunk_ids)}"
