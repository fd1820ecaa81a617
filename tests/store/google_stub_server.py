#!/usr/bin/env python3
"""Local stand-in for the Google endpoints that the Firestore store calls.

Usage: google_stub_server.py PORT

The server listens on 127.0.0.1 at PORT (0 picks a free port), prints the
port as the first line of stdout, and exits when its stdin closes, so that it
does not outlive the test that started it.

POST /token
    An OAuth 2.0 token endpoint for the JWT bearer grant (RFC 7523), as a
    service-account key's token_uri names it. The form body needs
    grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer and an assertion;
    otherwise the response is 400 with an OAuth error body. It responds with
    {"access_token": "sa-token-N", "expires_in": E, "token_type": "Bearer"}.
GET /computeMetadata/v1/instance/service-accounts/default/token
    The metadata server's token URL. It needs the header
    "Metadata-Flavor: Google" (403 otherwise) and responds like /token with
    "metadata-token-N".
POST /v1/...
    A Firestore endpoint that first responds with each queued failure, then
    responds to a batchGet with every document missing and to anything else with
    {}.
POST /control/fail
    Queues failures: {"failures": [[503, "UNAVAILABLE"], [409, "ABORTED"]]}.
POST /control/expires_in
    Sets E, the token lifetime in seconds (default 3600): {"seconds": 400}.
GET /control/requests
    The requests received, as a JSON array of {method, path, authorization,
    metadata_flavor, form, body}.
POST /control/reset
    Clears the requests, the failures and the token counter.
"""

import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.requests = []
        self.failures = []
        self.tokens_issued = 0
        self.expires_in = 3600


STATE = State()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def send_json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        length = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(length).decode("utf-8", "replace")

    def record(self, body, form=None):
        with STATE.lock:
            STATE.requests.append({
                "method": self.command,
                "path": self.path,
                "authorization": self.headers.get("Authorization"),
                "metadata_flavor": self.headers.get("Metadata-Flavor"),
                "form": form,
                "body": body,
            })

    def issue_token(self, prefix):
        with STATE.lock:
            STATE.tokens_issued += 1
            token = f"{prefix}-{STATE.tokens_issued}"
            expires_in = STATE.expires_in
        self.send_json(200, {"access_token": token, "expires_in": expires_in,
                             "token_type": "Bearer"})

    def do_GET(self):
        if self.path == "/control/requests":
            with STATE.lock:
                self.send_json(200, STATE.requests)
            return
        if self.path == "/computeMetadata/v1/instance/service-accounts/default/token":
            self.record("")
            if self.headers.get("Metadata-Flavor") != "Google":
                self.send_json(403, {"error": "missing Metadata-Flavor: Google header"})
                return
            self.issue_token("metadata-token")
            return
        self.send_json(404, {"error": f"no route GET {self.path}"})

    def do_POST(self):
        body = self.read_body()
        if self.path == "/control/reset":
            with STATE.lock:
                STATE.reset()
            self.send_json(200, {})
        elif self.path == "/control/fail":
            with STATE.lock:
                STATE.failures.extend(json.loads(body)["failures"])
            self.send_json(200, {})
        elif self.path == "/control/expires_in":
            with STATE.lock:
                STATE.expires_in = json.loads(body)["seconds"]
            self.send_json(200, {})
        elif self.path == "/token":
            self.token(body)
        elif self.path.startswith("/v1/"):
            self.firestore(body)
        else:
            self.send_json(404, {"error": f"no route POST {self.path}"})

    def token(self, body):
        form = {key: values[0] for key, values in urllib.parse.parse_qs(body).items()}
        self.record(body, form)
        if self.headers.get("Content-Type") != "application/x-www-form-urlencoded":
            self.send_json(400, {"error": "invalid_request",
                                 "error_description": "expected a form body"})
        elif form.get("grant_type") != JWT_BEARER:
            self.send_json(400, {"error": "unsupported_grant_type"})
        elif not form.get("assertion"):
            self.send_json(400, {"error": "invalid_request",
                                 "error_description": "missing assertion"})
        else:
            self.issue_token("sa-token")

    def firestore(self, body):
        self.record(body)
        with STATE.lock:
            failure = STATE.failures.pop(0) if STATE.failures else None
        if failure is not None:
            code, status = failure
            self.send_json(code, {"error": {"code": code, "status": status,
                                            "message": f"stub failure {status}"}})
        elif self.path.endswith(":batchGet"):
            names = json.loads(body).get("documents", [])
            self.send_json(200, [{"missing": name, "readTime": "2026-01-01T00:00:00Z"}
                                 for name in names])
        else:
            self.send_json(200, {})


def main():
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # returns when the test closes the pipe
    server.shutdown()


if __name__ == "__main__":
    main()
