"""Processing of input that is not audio, broken audio and unusual but valid audio.

Every job must finish, succeeded or failed, within its time limit. Input
that cannot be decoded fails in the decode stage with a message that names
the problem. Speech at unusual sample rates and channel layouts must still
be transcribed, and the server must keep serving after all of it.
"""

from __future__ import annotations

import math
import wave
from pathlib import Path
from typing import Callable, NamedTuple

import pytest

from processing_helpers import (
    JOB_FIXED_SECONDS,
    convert_audio,
    generate_audio,
    get_recording,
    get_transcript,
    job_timeout,
    log_tail,
    normalized_words,
    synthesize_speech,
    transcript_text,
    upload_audio,
    wait_for_job,
    wav_seconds,
    word_error_rate,
)
from talegraph_client import MAX_CHUNK_BYTES, Client, random_bytes

SPEECH = (
    "My grandmother lived in a small house near the sea. Every morning she walked "
    "to the market and bought fresh fish for dinner. In the evening she sat by the "
    "window and told us stories about her father and the old boats."
)

# Maximum word error rate on the short flite speech in every format that
# must succeed. It is looser than the story's bound because 8 kHz audio
# lacks the upper half of the band that the 16 kHz model expects. The debug
# build measured 11.9 % at 8 kHz, and 2.4 % for 96 kHz, stereo and 5.1.
MAX_SPEECH_WER = 0.25

# At most this many words may be recognized in pure silence. PocketSphinx
# may hear a filler word in digital silence, and that is not a failure.
MAX_SILENCE_WORDS = 2

SILENCE_SECONDS = 10


class Sample(NamedTuple):
    data: bytes
    content_type: str
    # Duration of the audio in seconds, 0 for input without audio.
    seconds: float


class Speech(NamedTuple):
    wav_path: Path
    seconds: float
    folder: Path


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Speech:
    folder = tmp_path_factory.mktemp("bad-input")
    wav_path = synthesize_speech(SPEECH, folder / "speech.wav", voice="awb")
    return Speech(wav_path, wav_seconds(wav_path), folder)


def make_m4a(speech: Speech, name: str, *options: str) -> Path:
    options = ("-c:a", "aac", "-b:a", "64k", *options)
    return convert_audio(speech.wav_path, speech.folder / name, *options)


def not_audio(speech: Speech) -> Sample:
    return Sample(random_bytes(65536), "audio/mp4", 0)


def truncated_m4a(speech: Speech) -> Sample:
    # ffmpeg writes the moov index after the samples, as phone recorders
    # do, so the first 30 % lacks the index.
    data = make_m4a(speech, "index-last.m4a").read_bytes()
    return Sample(data[: len(data) * 3 // 10], "audio/mp4", 0)


def truncated_faststart_m4a(speech: Speech) -> Sample:
    # With the moov index first, the index is whole and declares the full
    # duration, but the samples end after 30 % of it.
    data = make_m4a(speech, "index-first.m4a", "-movflags", "+faststart").read_bytes()
    return Sample(data[: len(data) * 3 // 10], "audio/mp4", 0)


def wav_without_samples(speech: Speech) -> Sample:
    path = speech.folder / "no-samples.wav"
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(16000)
        audio.writeframes(b"")
    return Sample(path.read_bytes(), "audio/wav", 0)


def video_without_audio(speech: Speech) -> Sample:
    path = generate_audio(
        speech.folder / "video-only.mp4",
        "-f",
        "lavfi",
        "-i",
        "testsrc=duration=3:size=160x120",
        "-an",
        "-c:v",
        "mpeg4",
    )
    return Sample(path.read_bytes(), "video/mp4", 0)


class Failure(NamedTuple):
    build: Callable[[Speech], Sample]
    # The error message must contain one of these, ignoring case.
    mentions: tuple[str, ...]


FAILURES = {
    "not-audio": Failure(not_audio, ("not an audio file",)),
    "truncated-index-last": Failure(truncated_m4a, ("truncated",)),
    "truncated-index-first": Failure(truncated_faststart_m4a, ("truncated",)),
    "wav-no-samples": Failure(wav_without_samples, ("no audio samples", "empty")),
    "video-no-audio": Failure(video_without_audio, ("no audio stream",)),
}


class Variant(NamedTuple):
    # Output file name and ffmpeg options that convert the 16 kHz speech.
    name: str
    options: tuple[str, ...]
    content_type: str
    codec: str
    sample_rate: int
    channels: int


VARIANTS = {
    "wav-8k": Variant("speech-8k.wav", ("-ar", "8000"), "audio/wav", "pcm_s16le", 8000, 1),
    "wav-96k": Variant("speech-96k.wav", ("-ar", "96000"), "audio/wav", "pcm_s16le", 96000, 1),
    "aac-stereo": Variant(
        "speech-stereo.m4a",
        ("-c:a", "aac", "-b:a", "96k", "-ar", "48000", "-ac", "2"),
        "audio/mp4",
        "aac",
        48000,
        2,
    ),
    # ffmpeg puts mono input in the centre channel of 5.1, where films put
    # dialogue, so a server that only kept the front left channel would
    # hear nothing.
    "aac-5.1": Variant(
        "speech-5.1.m4a",
        ("-c:a", "aac", "-b:a", "192k", "-ar", "48000", "-ac", "6"),
        "audio/mp4",
        "aac",
        48000,
        6,
    ),
}


def context(client: Client, job: dict, recording: dict | None = None) -> str:
    text = f"job document: {job}"
    if recording is not None:
        text += f"\nrecording: {recording}"
    return text + f"\nserver log tail:\n{log_tail(client)}"


def process_sample(client: Client, sample: Sample, filename: str) -> tuple[str, dict]:
    """Upload `sample` in two or more chunks, wait for its job and return (recording id, job)."""
    user_id = client.create_user("Bad input")["id"]
    chunk_count = min(len(sample.data), max(2, math.ceil(len(sample.data) / MAX_CHUNK_BYTES)))
    result = upload_audio(
        client, user_id, sample.data, sample.content_type, chunk_count, filename=filename
    )
    timeout = job_timeout(sample.seconds) if sample.seconds else JOB_FIXED_SECONDS
    return result["recording_id"], wait_for_job(client, result["job_id"], timeout).job


@pytest.mark.parametrize("case", FAILURES.keys())
def test_undecodable_input_fails(server, speech, case):
    failure = FAILURES[case]
    recording_id, job = process_sample(server, failure.build(speech), case)
    recording = get_recording(server, recording_id)
    about = context(server, job, recording)

    assert job["status"] == "failed", about
    error = job["error"]
    assert isinstance(error, dict), about
    assert error.get("stage") == "decode", about
    message = error.get("message")
    assert isinstance(message, str) and message, about
    assert any(mention in message.lower() for mention in failure.mentions), (
        f"the error message names none of {failure.mentions}; {about}"
    )
    assert job["finished_at"] is not None, about

    assert recording["status"] == "failed", about
    recording_error = recording["error"]
    if isinstance(recording_error, dict):
        recording_error = recording_error.get("message")
    assert recording_error == message, f"the recording's error differs from the job's; {about}"
    assert get_transcript(server, recording_id)["chunks"] == [], about


@pytest.mark.parametrize("case", VARIANTS.keys())
def test_speech_variant_succeeds(server, speech, case):
    variant = VARIANTS[case]
    path = convert_audio(speech.wav_path, speech.folder / variant.name, *variant.options)
    sample = Sample(path.read_bytes(), variant.content_type, speech.seconds)
    recording_id, job = process_sample(server, sample, variant.name)
    recording = get_recording(server, recording_id)
    about = context(server, job, recording)

    assert job["status"] == "succeeded", about
    assert recording["status"] == "ready", about
    assert recording["codec"] == variant.codec, about
    assert recording["sample_rate"] == variant.sample_rate, about
    assert recording["channels"] == variant.channels, about
    assert abs(recording["duration_seconds"] - speech.seconds) <= 1.0, about

    text = transcript_text(get_transcript(server, recording_id))
    assert normalized_words(text), f"the transcript is empty; {about}"
    rate = word_error_rate(SPEECH, text)
    print(f"{case}: word error rate {rate:.1%}; transcript: {text}")
    assert rate <= MAX_SPEECH_WER, f"{case}: word error rate {rate:.1%}; transcript: {text}"


def test_silence_succeeds(server, speech):
    path = generate_audio(
        speech.folder / "silence.wav",
        "-f",
        "lavfi",
        "-i",
        "anullsrc=r=16000:cl=mono",
        "-t",
        str(SILENCE_SECONDS),
    )
    sample = Sample(path.read_bytes(), "audio/wav", SILENCE_SECONDS)
    recording_id, job = process_sample(server, sample, "silence.wav")
    recording = get_recording(server, recording_id)
    about = context(server, job, recording)

    assert job["status"] == "succeeded", about
    assert recording["status"] == "ready", about
    assert abs(recording["duration_seconds"] - SILENCE_SECONDS) <= 0.1, about
    words = normalized_words(transcript_text(get_transcript(server, recording_id)))
    assert len(words) <= MAX_SILENCE_WORDS, f"heard {words} in silence; {about}"


def test_server_serves_after_bad_input(server, speech):
    """Check, after the cases above, that /health returns 200 and good audio still processes."""
    status, _, health = server.json("GET", "/health")
    assert status == 200, f"GET /health returned {status}: {health}\n{log_tail(server)}"

    sample = Sample(speech.wav_path.read_bytes(), "audio/wav", speech.seconds)
    recording_id, job = process_sample(server, sample, "speech.wav")
    assert job["status"] == "succeeded", context(server, job)
    text = transcript_text(get_transcript(server, recording_id))
    rate = word_error_rate(SPEECH, text)
    assert rate <= MAX_SPEECH_WER, f"word error rate {rate:.1%}; transcript: {text}"
