#!/usr/bin/env python3
"""Stand-in for an OpenAI-compatible POST /v1/audio/transcriptions endpoint.

Usage: openai_stub_server.py PORT

The server listens on 127.0.0.1 at PORT (0 picks a free port) and prints the
port as the first line of stdout. It exits when its stdin closes, so that it
does not outlive the test that started it.

Each transcription request must be multipart/form-data with a non-empty
"model", response_format=verbose_json and a "file" that is a WAV file of
16 kHz mono 16-bit PCM with the canonical 44-byte header. Otherwise the
response is 400 with an OpenAI error body. The model name selects the
response:

  rate-limit-N       429 with Retry-After: 1 for the first N requests, then success
  server-error-N     500 for the first N requests, then success
  always-503         503 every time
  bad-key            401 with OpenAI's invalid_api_key error
  malformed-json     200 with a body that is not JSON
  missing-segments   200 with JSON that has no "segments"
  slow-S             success after a pause of S seconds
  whisper-cpp        success in the form of whisper.cpp's server: no top-level
                     "words", tokens with leading spaces in each segment
  no-words           success without "words"
  anything else      success

Success is verbose_json with one segment per 5 s of audio, each with up to
five words "word0" to "word4" that start 1 s apart and last 0.5 s. The N of
the first two modes counts requests with that model since the last reset.

GET /requests returns the requests received as a JSON array of objects with
model, response_format, timestamp_granularities, language (or null),
authorization (the header, or null), file_name, file_content_type,
audio_seconds and error (why the request was rejected, or null).
POST /reset clears the requests and the counters.
"""

import io
import json
import math
import os
import sys
import threading
import time
import wave
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SAMPLE_RATE = 16000
SEGMENT_SECONDS = 5.0
WORDS_PER_SEGMENT = 5
WORD_SECONDS = 0.5
TRANSCRIPTIONS_PATH = "/v1/audio/transcriptions"

state_lock = threading.Lock()
recorded_requests = []
model_counts = {}


class BadRequest(Exception):
    """A request that the real service would reject with status 400."""


def parse_disposition(header):
    """Returns the name and filename parameters of a Content-Disposition value."""
    params = {}
    for item in header.split(";")[1:]:
        key, _, value = item.strip().partition("=")
        params[key.lower()] = value.strip('"')
    return params.get("name"), params.get("filename")


def parse_multipart(content_type, body):
    """Returns the parts of a multipart/form-data body as a list of dicts."""
    if not content_type.startswith("multipart/form-data"):
        raise BadRequest(f"Content-Type is {content_type!r}, not multipart/form-data")
    boundary = None
    for item in content_type.split(";")[1:]:
        key, _, value = item.strip().partition("=")
        if key.lower() == "boundary":
            boundary = value.strip('"')
    if not boundary:
        raise BadRequest("multipart Content-Type without a boundary")
    delimiter = b"--" + boundary.encode()
    chunks = body.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        raise BadRequest("multipart body without a closing delimiter")
    parts = []
    for chunk in chunks[1:-1]:
        if not chunk.startswith(b"\r\n") or not chunk.endswith(b"\r\n"):
            raise BadRequest("multipart part not framed by CRLF")
        head, separator, content = chunk[2:-2].partition(b"\r\n\r\n")
        if not separator:
            raise BadRequest("multipart part without a blank line after its headers")
        headers = {}
        for line in head.decode("utf-8").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        name, filename = parse_disposition(headers.get("content-disposition", ""))
        parts.append({"name": name, "filename": filename,
                      "content_type": headers.get("content-type"), "content": content})
    return parts


def check_wav(data):
    """Returns the duration in seconds of a canonical 16 kHz mono s16le WAV file."""
    if len(data) < 44:
        raise BadRequest(f"file has {len(data)} bytes, fewer than a WAV header")
    expected = [
        (0, 4, b"RIFF", "RIFF tag"), (8, 4, b"WAVE", "WAVE tag"), (12, 4, b"fmt ", "fmt tag"),
        (36, 4, b"data", "data tag"),
    ]
    for offset, size, value, field_name in expected:
        if data[offset:offset + size] != value:
            raise BadRequest(f"WAV header: bad {field_name} {data[offset:offset + size]!r}")
    fields = {
        "RIFF size": (4, 4, len(data) - 8), "fmt size": (16, 4, 16), "format": (20, 2, 1),
        "channels": (22, 2, 1), "sample rate": (24, 4, SAMPLE_RATE),
        "byte rate": (28, 4, SAMPLE_RATE * 2), "block align": (32, 2, 2),
        "bits per sample": (34, 2, 16), "data size": (40, 4, len(data) - 44),
    }
    for field_name, (offset, size, value) in fields.items():
        actual = int.from_bytes(data[offset:offset + size], "little")
        if actual != value:
            raise BadRequest(f"WAV header: {field_name} is {actual}, expected {value}")
    with wave.open(io.BytesIO(data)) as reader:
        frames = reader.getnframes()
    if frames * 2 != len(data) - 44:
        raise BadRequest(f"WAV file: {frames} frames do not fill {len(data) - 44} data bytes")
    return frames / SAMPLE_RATE


def read_fields(parts):
    """Checks the form fields and returns the request's record."""
    values = {}
    for part in parts:
        if part["name"] != "file":
            values.setdefault(part["name"], []).append(part["content"].decode("utf-8"))
    files = [part for part in parts if part["name"] == "file"]
    record = {
        "model": values.get("model", [None])[0],
        "response_format": values.get("response_format", [None])[0],
        "timestamp_granularities": values.get("timestamp_granularities[]", []),
        "language": values.get("language", [None])[0],
        "file_name": files[0]["filename"] if files else None,
        "file_content_type": files[0]["content_type"] if files else None,
    }
    if not record["model"]:
        raise BadRequest("missing required field 'model'")
    if record["response_format"] != "verbose_json":
        raise BadRequest(f"response_format is {record['response_format']!r}, not verbose_json")
    if len(files) != 1 or not files[0]["filename"]:
        raise BadRequest("missing required file part 'file'")
    record["audio_seconds"] = check_wav(files[0]["content"])
    return record


def fake_segments(duration):
    """Returns (segment, words) pairs covering `duration` seconds."""
    pairs = []
    for index in range(math.ceil(duration / SEGMENT_SECONDS)):
        start = index * SEGMENT_SECONDS
        end = min(start + SEGMENT_SECONDS, duration)
        words = []
        for position in range(WORDS_PER_SEGMENT):
            word_start = start + position
            if word_start + WORD_SECONDS > end:
                break
            words.append({"word": f"word{position}", "start": word_start,
                          "end": word_start + WORD_SECONDS})
        text = "".join(" " + word["word"] for word in words)
        segment = {"id": index, "seek": 0, "start": start, "end": end, "text": text,
                   "tokens": [], "temperature": 0.0, "avg_logprob": -0.25,
                   "compression_ratio": 1.2, "no_speech_prob": 0.01}
        pairs.append((segment, words))
    return pairs


def whisper_cpp_tokens(words):
    """Splits each word in two tokens, the first with a leading space."""
    tokens = []
    for word in words:
        middle = (word["start"] + word["end"]) / 2
        tokens.append({"word": " " + word["word"][:2], "start": word["start"], "end": middle,
                       "probability": 0.9})
        tokens.append({"word": word["word"][2:], "start": middle, "end": word["end"],
                       "probability": 0.9})
    return tokens


def success_body(record, style):
    pairs = fake_segments(record["audio_seconds"])
    segments = []
    for segment, words in pairs:
        if style == "whisper-cpp":
            segment = dict(segment, words=whisper_cpp_tokens(words))
        segments.append(segment)
    body = {"task": "transcribe", "language": record["language"] or "english",
            "duration": record["audio_seconds"],
            "text": "".join(segment["text"] for segment in segments), "segments": segments}
    if style == "openai":
        body["words"] = [word for _, words in pairs for word in words]
    return body


def openai_error(message, error_type, code):
    return {"error": {"message": message, "type": error_type, "param": None, "code": code}}


def count_request(model):
    with state_lock:
        model_counts[model] = model_counts.get(model, 0) + 1
        return model_counts[model]


def mode_number(model, prefix):
    """Returns N of a model named PREFIX-N, or None."""
    if not model.startswith(prefix):
        return None
    return float(model[len(prefix):])


def choose_response(record):
    """Returns (status, headers, body) for an accepted request."""
    model = record["model"]
    count = count_request(model)
    limit = mode_number(model, "rate-limit-")
    if limit is not None and count <= limit:
        return 429, {"Retry-After": "1"}, openai_error(
            "Rate limit reached for requests", "requests", "rate_limit_exceeded")
    limit = mode_number(model, "server-error-")
    if limit is not None and count <= limit:
        return 500, {}, openai_error("The server had an error", "server_error", None)
    if model == "always-503":
        return 503, {}, openai_error("The engine is currently overloaded", "server_error", None)
    if model == "bad-key":
        return 401, {}, openai_error("Incorrect API key provided", "invalid_request_error",
                                     "invalid_api_key")
    if model == "malformed-json":
        return 200, {}, b'{"task": "transcribe", "segments": [{"start": 0,'
    if model == "missing-segments":
        return 200, {}, {"task": "transcribe", "text": "word0"}
    pause = mode_number(model, "slow-")
    if pause is not None:
        time.sleep(pause)
    style = model if model in ("whisper-cpp", "no-words") else "openai"
    return 200, {}, success_body(record, style)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 (name fixed by the base class)
        pass

    def send_json(self, status, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as in the timeout test

    def read_body(self):
        length = self.headers.get("Content-Length")
        if length is None:
            raise BadRequest("request without Content-Length")
        return self.rfile.read(int(length))

    def do_GET(self):
        if self.path != "/requests":
            self.send_json(404, openai_error("Not found", "invalid_request_error", None))
            return
        with state_lock:
            self.send_json(200, list(recorded_requests))

    def do_POST(self):
        if self.path == "/reset":
            self.read_body()
            with state_lock:
                recorded_requests.clear()
                model_counts.clear()
            self.send_json(200, {"reset": True})
            return
        if self.path != TRANSCRIPTIONS_PATH:
            self.send_json(404, openai_error(f"Unknown path {self.path}", "invalid_request_error",
                                             None))
            return
        self.transcribe()

    def transcribe(self):
        record = {"authorization": self.headers.get("Authorization"), "error": None}
        try:
            parts = parse_multipart(self.headers.get("Content-Type", ""), self.read_body())
            record.update(read_fields(parts))
        except (BadRequest, UnicodeDecodeError, ValueError, wave.Error) as error:
            record["error"] = str(error)
            with state_lock:
                recorded_requests.append(record)
            self.send_json(400, openai_error(str(error), "invalid_request_error", None))
            return
        with state_lock:
            recorded_requests.append(record)
        status, headers, body = choose_response(record)
        self.send_json(status, body, headers)


def exit_when_stdin_closes():
    sys.stdin.buffer.read()
    # os._exit skips waiting for request threads, such as a slow response's.
    os._exit(0)


def main():
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} PORT", file=sys.stderr)
        return 2
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
