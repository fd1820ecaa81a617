"""Speech synthesis, audio conversion, job polling and word error rate for the processing tests.

Speech comes from Debian's flite and conversions from the ffmpeg command,
so every test generates its audio in a temporary folder at run time.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import time
import wave
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from talegraph_client import MAX_CHUNK_BYTES, Client, sha256_hex, split_bytes

FINISHED_STATUSES = ("succeeded", "failed")
JOB_STATUSES = ("queued", "running", "succeeded", "failed")
STAGES = ("decode", "transcribe", "chunk", "extract", "graph")

# Seconds between two polls of GET /v1/jobs/{job_id}.
POLL_INTERVAL_SECONDS = 0.2

# Time allowed for one job: a fixed part for queueing and model loading,
# plus a factor of the audio's length for decoding and speech recognition.
# NOTE: the factor is a guess with margin. The debug build took 0.1 s per
# second of audio on an idle 2-core machine and 0.6 s while other builds
# ran. A slower machine may need more, which
# TALEGRAPH_TEST_JOB_SECONDS_PER_AUDIO_SECOND sets.
JOB_FIXED_SECONDS = 30.0
JOB_SECONDS_PER_AUDIO_SECOND = float(
    os.environ.get("TALEGRAPH_TEST_JOB_SECONDS_PER_AUDIO_SECOND", "1.5")
)

# Debian package of each command that the helpers run.
TOOL_PACKAGES = {"flite": "flite", "ffmpeg": "ffmpeg", "ffprobe": "ffmpeg"}


def job_timeout(audio_seconds: float) -> float:
    """Return the seconds that a job on `audio_seconds` of audio may take."""
    return JOB_FIXED_SECONDS + JOB_SECONDS_PER_AUDIO_SECOND * audio_seconds


def require_tool(name: str) -> None:
    """Fail the test with the install command when `name` is not on PATH."""
    if shutil.which(name) is None:
        pytest.fail(
            f"{name} is not installed; install it with `apt-get install {TOOL_PACKAGES[name]}`",
            pytrace=False,
        )


def run_tool(command: list[str]) -> None:
    """Run an audio tool and raise AssertionError with its stderr when it fails."""
    require_tool(command[0])
    completed = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, (
        f"{' '.join(command)} exited with status {completed.returncode}:\n"
        f"{completed.stderr[-2000:]}"
    )


def synthesize_speech(text: str, path: Path, voice: str = "rms") -> Path:
    """Write `text` spoken by flite's `voice` to the WAV file `path` (16 kHz mono) and return it."""
    text_path = path.with_suffix(".txt")
    text_path.write_text(text)
    run_tool(["flite", "-voice", voice, "-f", str(text_path), "-o", str(path)])
    return path


def convert_audio(source: Path, target: Path, *options: str) -> Path:
    """Convert `source` to `target` with ffmpeg, `options` going before the output name."""
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", str(source)]
    run_tool([*command, *options, str(target)])
    return target


def generate_audio(target: Path, *arguments: str) -> Path:
    """Run ffmpeg with `arguments` (inputs and options) and write its output to `target`."""
    run_tool(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *arguments, str(target)])
    return target


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as audio:
        return audio.getnframes() / audio.getframerate()


NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def spoken_number(number: int) -> list[str]:
    """Return the words for 0..99 as a recognizer writes them, such as ["forty", "two"]."""
    if number < 20:
        return [NUMBER_WORDS[number]]
    tens, ones = divmod(number, 10)
    return [TENS_WORDS[tens - 2]] + ([NUMBER_WORDS[ones]] if ones else [])


def normalized_words(text: str) -> list[str]:
    """Return the words of `text` lowercased, without punctuation and apostrophes.

    Numbers below 100 written in digits become words, because speech
    recognizers write "one" for the "1" of a reference transcript.
    """
    words = []
    for token in re.findall(r"[a-z0-9]+", text.lower().replace("'", "")):
        if token.isdigit() and int(token) < 100:
            words += spoken_number(int(token))
        else:
            words.append(token)
    return words


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Return the word-level Levenshtein distance divided by the reference's word count."""
    reference_words = normalized_words(reference)
    hypothesis_words = normalized_words(hypothesis)
    assert reference_words, "the reference transcript has no words"
    # previous[j] is the distance between the reference words so far and
    # the first j hypothesis words.
    previous = list(range(len(hypothesis_words) + 1))
    for i, reference_word in enumerate(reference_words, start=1):
        current = [i] + [0] * len(hypothesis_words)
        for j, hypothesis_word in enumerate(hypothesis_words, start=1):
            substitution = previous[j - 1] + (reference_word != hypothesis_word)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        previous = current
    return previous[-1] / len(reference_words)


def log_tail(client: Client, lines: int = 30) -> str:
    """Return the last `lines` lines of the server's log, for failure messages.

    The request lines of job polls are left out, because they would fill
    the tail and hide the job's own log lines.
    """
    if client.log_path is None:
        return "(the server's log file is unknown)"
    try:
        text = Path(client.log_path).read_text(errors="replace")
    except FileNotFoundError:
        return "(no log was written)"
    kept = [line for line in text.splitlines() if " GET /v1/jobs/" not in line]
    return "\n".join(kept[-lines:]) or "(the log is empty)"


class JobPoll(NamedTuple):
    # The last job document read.
    job: dict
    # Every job document read that differed from the one before, in order.
    snapshots: list[dict]
    # Seconds from the first poll to the last.
    seconds: float


def get_job(client: Client, job_id: str) -> dict:
    status, _, job = client.json("GET", f"/v1/jobs/{job_id}")
    assert status == 200, f"GET /v1/jobs/{job_id} returned {status}: {job}\n{log_tail(client)}"
    return job


def wait_for_job(
    client: Client,
    job_id: str,
    timeout: float,
    statuses: tuple[str, ...] = FINISHED_STATUSES,
) -> JobPoll:
    """Poll the job until its status is one of `statuses` and return what was seen.

    Raise AssertionError with the last job document and the server's log
    tail when `timeout` seconds pass first.
    """
    started = time.monotonic()
    snapshots: list[dict] = []
    while True:
        job = get_job(client, job_id)
        if not snapshots or job != snapshots[-1]:
            snapshots.append(job)
        if job["status"] in statuses:
            return JobPoll(job, snapshots, time.monotonic() - started)
        if time.monotonic() - started > timeout:
            raise AssertionError(
                f"job {job_id} did not reach {' or '.join(statuses)} within {timeout:.0f} s; "
                f"last document: {job}\nserver log tail:\n{log_tail(client)}"
            )
        time.sleep(POLL_INTERVAL_SECONDS)


def upload_audio(
    client: Client,
    user_id: str,
    data: bytes,
    content_type: str = "audio/mp4",
    chunk_count: int = 1,
    order: list[int] | None = None,
    filename: str | None = None,
) -> dict:
    """Upload `data` in `chunk_count` nearly equal chunks sent in `order`, complete it
    and return the complete response: recording_id, job_id, upload_id and status.
    """
    size = len(data) // chunk_count
    sizes = [size] * (chunk_count - 1) + [len(data) - size * (chunk_count - 1)]
    chunks = split_bytes(data, sizes)
    fields: dict[str, Any] = {"chunk_count": chunk_count}
    if filename is not None:
        fields["filename"] = filename
    upload_id = client.start_upload(user_id, content_type, **fields)["upload_id"]
    for index in order if order is not None else range(chunk_count):
        client.put_chunk_ok(upload_id, index, chunks[index])
    declared = {"total_bytes": len(data), "sha256": sha256_hex(data)}
    status, _, result = client.complete(upload_id, declared)
    assert status == 202, f"complete returned {status}: {result}\n{log_tail(client)}"
    return result


def get_recording(client: Client, recording_id: str) -> dict:
    status, _, recording = client.json("GET", f"/v1/recordings/{recording_id}")
    assert status == 200, f"GET recording {recording_id} returned {status}: {recording}"
    return recording


def get_transcript(client: Client, recording_id: str) -> dict:
    path = f"/v1/recordings/{recording_id}/transcript"
    status, _, transcript = client.json("GET", path)
    assert status == 200, f"GET {path} returned {status}: {transcript}"
    return transcript


def transcript_text(transcript: dict) -> str:
    """Join the text of every chunk, in order."""
    return " ".join(chunk["text"] for chunk in transcript["chunks"])


def process_file(
    client: Client, user_id: str, path: Path, content_type: str
) -> tuple[dict, JobPoll]:
    """Upload the file at `path`, wait for its job and return (complete body, poll).

    The file goes in as few chunks as the test server's max_chunk_bytes
    allows, and the job gets job_timeout() of its duration as ffprobe reads it.
    """
    data = path.read_bytes()
    chunk_count = max(1, math.ceil(len(data) / MAX_CHUNK_BYTES))
    result = upload_audio(client, user_id, data, content_type, chunk_count, filename=path.name)
    return result, wait_for_job(client, result["job_id"], job_timeout(audio_seconds_of(path)))


def audio_seconds_of(path: Path) -> float:
    """Return the duration of `path` as ffprobe reads it, or 0 when ffprobe cannot read it."""
    require_tool("ffprobe")
    completed = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "default=noprint_wrappers=1:nokey=1",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    try:
        return float(completed.stdout.strip())
    except ValueError:
        return 0.0
