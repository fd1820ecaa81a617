#!/usr/bin/env python3
"""Stand-in for an OpenAI-compatible POST /v1/chat/completions endpoint.

Usage: llm_stub_server.py PORT

The server listens on 127.0.0.1 at PORT (0 picks a free port) and prints the
port as the first line of stdout. It exits when its stdin closes, so that it
does not outlive the test that started it.

Each request must be Content-Type application/json with a non-empty
"model", a "messages" array whose items have a "role" and a string
"content", and response_format {"type": "json_schema", "json_schema":
{"name": ..., "schema": {...}}}. Otherwise the response is 400 with an
OpenAI error body. The model name selects the response:

  rate-limit-N        429 with retry-after-ms: 5 for the first N requests,
                      then success
  server-error-N      500 for the first N requests, then success
  always-500          500 every time
  bad-key             401 with OpenAI's invalid_api_key error
  malformed-json      200 whose message content is not JSON
  malformed-body      200 whose body is not JSON
  bad-kind            200 with an entity of kind "animal"
  missing-relations   200 with content that has no "relations"
  unknown-relation    200 with a relation to a name that is no entity
  invalid-then-valid  malformed-json for the first request, then success
  refusal             200 with a refusal and null content
  truncated           200 with finish_reason "length"
  anything else       success

Success is a chat completion whose content is {"entities": [Aunt Martha's
(person), Chicago (place), horses (topic), the (topic)], "relations":
[Aunt Martha lived in Chicago, Aunt Martha kept horses]}. The N of the first
two modes counts requests with that model since the last reset.

GET /requests returns the requests received as a JSON array of objects with
model, authorization (the header, or null), content_type, messages,
response_format and error (why the request was rejected, or null).
POST /reset clears the requests and the counters.
"""

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COMPLETIONS_PATH = "/v1/chat/completions"

SUCCESS_CONTENT = {
    "entities": [
        {"name": "Aunt Martha's", "kind": "person"},
        {"name": "Chicago", "kind": "place"},
        {"name": "horses", "kind": "topic"},
        {"name": "the", "kind": "topic"},
    ],
    "relations": [
        {"source": "Aunt Martha", "target": "Chicago", "label": "lived in"},
        {"source": "aunt martha", "target": "Horses", "label": "kept"},
    ],
}

state_lock = threading.Lock()
recorded_requests = []
model_counts = {}


class BadRequest(Exception):
    """A request that the real service would reject with status 400."""


def check_request(content_type, body):
    """Returns the request's record, or raises BadRequest."""
    if not (content_type or "").startswith("application/json"):
        raise BadRequest(f"Content-Type is {content_type!r}, not application/json")
    try:
        request = json.loads(body)
    except ValueError as error:
        raise BadRequest(f"body is not JSON: {error}") from error
    if not isinstance(request, dict):
        raise BadRequest("body is not a JSON object")
    record = {"model": request.get("model"), "messages": request.get("messages"),
              "response_format": request.get("response_format")}
    if not isinstance(record["model"], str) or not record["model"]:
        raise BadRequest("missing required parameter 'model'")
    messages = record["messages"]
    if not isinstance(messages, list) or not messages:
        raise BadRequest("missing required parameter 'messages'")
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ("system", "user"):
            raise BadRequest(f"messages[{index}] has no valid role")
        if not isinstance(message.get("content"), str):
            raise BadRequest(f"messages[{index}].content is not a string")
    response_format = record["response_format"]
    if not isinstance(response_format, dict) or response_format.get("type") != "json_schema":
        raise BadRequest("response_format.type is not 'json_schema'")
    schema = response_format.get("json_schema")
    if not isinstance(schema, dict) or not schema.get("name") or \
            not isinstance(schema.get("schema"), dict):
        raise BadRequest("response_format.json_schema needs a name and a schema object")
    return record


def completion(content, finish_reason="stop", refusal=None):
    """Returns a chat completion body whose one choice has `content`."""
    text = content if isinstance(content, str) or content is None else json.dumps(content)
    return {
        "id": "chatcmpl-stub", "object": "chat.completion", "created": 0, "model": "stub",
        "choices": [{"index": 0, "finish_reason": finish_reason,
                     "message": {"role": "assistant", "content": text, "refusal": refusal}}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


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
    return int(model[len(prefix):])


def broken_content(model):
    """Returns the message content of the modes that break the schema, or None."""
    if model == "bad-kind":
        return {"entities": [{"name": "Rex", "kind": "animal"}], "relations": []}
    if model == "missing-relations":
        return {"entities": [{"name": "Chicago", "kind": "place"}]}
    if model == "unknown-relation":
        return {"entities": [{"name": "Chicago", "kind": "place"}],
                "relations": [{"source": "Chicago", "target": "Denver", "label": "near"}]}
    return None


def choose_response(model):
    """Returns (status, headers, body) for an accepted request."""
    count = count_request(model)
    limit = mode_number(model, "rate-limit-")
    if limit is not None and count <= limit:
        return 429, {"retry-after-ms": "5"}, openai_error(
            "Rate limit reached for requests", "requests", "rate_limit_exceeded")
    limit = mode_number(model, "server-error-")
    if limit is not None and count <= limit:
        return 500, {}, openai_error("The server had an error", "server_error", None)
    if model == "always-500":
        return 500, {}, openai_error("The server had an error", "server_error", None)
    if model == "bad-key":
        return 401, {}, openai_error("Incorrect API key provided", "invalid_request_error",
                                     "invalid_api_key")
    if model == "malformed-json" or (model == "invalid-then-valid" and count == 1):
        return 200, {}, completion('{"entities": [{"name": "Chicago", "kind": ')
    if model == "malformed-body":
        return 200, {}, b'{"choices": [{"message": '
    if model == "refusal":
        return 200, {}, completion(None, refusal="I cannot help with that.")
    if model == "truncated":
        return 200, {}, completion('{"entities": [', finish_reason="length")
    content = broken_content(model)
    return 200, {}, completion(content if content is not None else SUCCESS_CONTENT)


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
            pass

    def read_body(self):
        length = self.headers.get("Content-Length")
        return self.rfile.read(int(length)) if length else b""

    def do_GET(self):
        if self.path != "/requests":
            self.send_json(404, openai_error("Not found", "invalid_request_error", None))
            return
        with state_lock:
            self.send_json(200, list(recorded_requests))

    def do_POST(self):
        body = self.read_body()
        if self.path == "/reset":
            with state_lock:
                recorded_requests.clear()
                model_counts.clear()
            self.send_json(200, {"reset": True})
            return
        if self.path != COMPLETIONS_PATH:
            self.send_json(404, openai_error(f"Unknown path {self.path}", "invalid_request_error",
                                             None))
            return
        content_type = self.headers.get("Content-Type")
        record = {"authorization": self.headers.get("Authorization"),
                  "content_type": content_type, "error": None}
        try:
            record.update(check_request(content_type, body))
        except BadRequest as error:
            record["error"] = str(error)
            with state_lock:
                recorded_requests.append(record)
            self.send_json(400, openai_error(str(error), "invalid_request_error", None))
            return
        with state_lock:
            recorded_requests.append(record)
        status, headers, response = choose_response(record["model"])
        self.send_json(status, response, headers)


def exit_when_stdin_closes():
    sys.stdin.buffer.read()
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
