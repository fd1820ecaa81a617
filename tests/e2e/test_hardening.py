"""Regression tests for attacks on the API: request framing, numbers, echoed text and races.

Most tests use the session server. Tests that need other settings, a
signal or a look at the SQLite file start their own server.
"""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import threading
import time
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import Any, Callable

import pytest

from process_helpers import HOST, ServerProcess, Settings, base_settings, find_free_port
from talegraph_client import (
    Client,
    Response,
    assert_error,
    random_bytes,
    sha256_hex,
)


# Each race runs this many times, because one run often misses the window.
RACE_TRIALS = 8
# Race uploads have RACE_CHUNKS chunks of RACE_CHUNK_BYTES, several audio
# parts each, so that assembling and deleting them takes a while.
RACE_CHUNKS = 8
RACE_CHUNK_BYTES = 200000
ORIGIN = "https://app.example"


def start_own_server(binary: Path, folder: Path, overrides: Settings) -> ServerProcess:
    """Start a server in `folder` with base_settings plus `overrides`.

    Return once it is healthy, and kill it when it never becomes healthy.
    """
    settings = base_settings(folder, find_free_port())
    for table, values in overrides.items():
        settings.setdefault(table, {}).update(values)
    server = ServerProcess(binary, folder, settings)
    try:
        server.wait_until_healthy()
    except BaseException:
        server.kill()
        raise
    return server


@pytest.fixture(scope="module")
def counted_server(binary: Path, tmp_path_factory: pytest.TempPathFactory):
    """Yield a Client and the SQLite file of a server whose stored users the test can count."""
    folder = tmp_path_factory.mktemp("counted")
    server = start_own_server(binary, folder, {})
    yield Client(HOST, server.port), folder / "talegraph.db"
    server.kill()


def count_users(sqlite_path: Path) -> int:
    """Return the number of user documents in the SQLite store at `sqlite_path`."""
    with closing(sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)) as database:
        row = database.execute("SELECT COUNT(*) FROM documents WHERE parent = 'users'").fetchone()
    return row[0]


def run_together(*calls: Callable[[], Any]) -> list[Any]:
    """Run each call in its own thread, released together by a barrier.

    Return the results in the order of `calls`, or raise the first call's
    exception once every thread has finished.
    """
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException | None] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except BaseException as exc:  # Raised again in the main thread.
            errors[index] = exc

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for error in errors:
        if error is not None:
            raise error
    return results


def filled_upload(server: Client) -> tuple[str, list[bytes]]:
    """Start an upload, store all its chunks and return its id and the chunks."""
    owner = server.create_user("Race Owner")
    upload_id = server.start_upload(owner["id"], chunk_count=RACE_CHUNKS)["upload_id"]
    chunks = [random_bytes(RACE_CHUNK_BYTES) for _ in range(RACE_CHUNKS)]
    for index, chunk in enumerate(chunks):
        server.put_chunk_ok(upload_id, index, chunk)
    return upload_id, chunks


def audio_path(recording_id: str) -> str:
    return f"/v1/recordings/{recording_id}/audio"


def assert_audio(server: Client, recording_id: str, expected: bytes, trial: int) -> None:
    """Download the recording's audio and check that it equals `expected`."""
    audio = server.request("GET", audio_path(recording_id))
    assert (
        audio.status == 200
    ), f"trial {trial}: GET audio returned {audio.status}: {audio.body[:300]!r}"
    assert audio.body == expected, f"trial {trial}: the audio differs from the chunks"


def assert_utf8_json(response: Response) -> dict:
    """Check that the body is UTF-8 text that parses as a JSON object, and return it."""
    try:
        text = response.body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AssertionError(
            f"the {response.status} body is not valid UTF-8 ({exc}): {response.body[:300]!r}"
        ) from exc
    body = json.loads(text)
    assert isinstance(body, dict), f"the {response.status} body is not a JSON object: {text!r}"
    return body


def request_bytes(method: str, target: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """Return one HTTP/1.1 request as bytes, with exactly the headers given."""
    lines = [f"{method} {target} HTTP/1.1"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# Numbers too large for a 64-bit float

TOO_LARGE_NUMBERS = [
    pytest.param(b'{"name": "x", "profile": {"n": 1e400}}', id="1e400"),
    pytest.param(b'{"name": "x", "profile": {"n": -1e400}}', id="minus-1e400"),
    pytest.param(b'{"name": "x", "profile": {"n": ' + b"9" * 400 + b"}}", id="400-digits"),
]


@pytest.mark.parametrize("body", TOO_LARGE_NUMBERS)
def test_create_huge_number_rejected(counted_server, body):
    client, sqlite_path = counted_server
    users_before = count_users(sqlite_path)

    response = client.request("POST", "/v1/users", body, {"Content-Type": "application/json"})

    assert_error(response, 422, "invalid_field", "profile")
    assert (
        count_users(sqlite_path) == users_before
    ), "the rejected POST /v1/users still stored a user"


def test_patch_huge_number_rejected(server):
    created = server.create_user("Finite", profile={"a": 1})
    path = f"/v1/users/{created['id']}"
    body = b'{"profile": {"x": [1e309]}}'

    response = server.request("PATCH", path, body, {"Content-Type": "application/json"})

    assert_error(response, 422, "invalid_field", "profile")
    status, _, after = server.json("GET", path)
    assert status == 200, f"GET of the user after the rejected PATCH returned {status}: {after}"
    assert after == created, "the rejected PATCH changed the user"


# CORS


def test_preflight_single_cors_headers(server):
    headers = {
        "Host": f"{HOST}:{server.port}",
        "Origin": ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Connection": "close",
    }

    exchange = server.send_raw(request_bytes("OPTIONS", "/v1/users", headers))

    assert [r.status for r in exchange.responses] == [204], exchange
    preflight = exchange.responses[0]
    origins = preflight.header_values("Access-Control-Allow-Origin")
    assert len(origins) == 1, f"Access-Control-Allow-Origin sent {len(origins)} times: {origins}"
    exposed = preflight.header_values("Access-Control-Expose-Headers")
    assert len(exposed) == 1, f"Access-Control-Expose-Headers sent {len(exposed)} times: {exposed}"


# Request framing and smuggling


def patch_request(server: Client, user_id: str, name: str) -> bytes:
    """Return the bytes of a PATCH that renames the user, for hiding in another request's body."""
    body = json.dumps({"name": name}).encode()
    headers = {
        "Host": f"{HOST}:{server.port}",
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
    }
    return request_bytes("PATCH", f"/v1/users/{user_id}", headers, body)


def assert_user_unchanged(server: Client, before: dict) -> None:
    status, _, after = server.json("GET", f"/v1/users/{before['id']}")
    assert status == 200, f"GET of the user returned {status}: {after}"
    assert after == before, "the request hidden in the body was executed"


@pytest.mark.parametrize("with_length", [False, True], ids=["no-length", "with-length"])
@pytest.mark.parametrize("transfer_encoding", ["gzip", "identity", "chunked, gzip"])
def test_unsupported_transfer_encoding(server, user, transfer_encoding, with_length):
    hidden = patch_request(server, user["id"], "Smuggled")
    headers = {"Host": f"{HOST}:{server.port}", "Transfer-Encoding": transfer_encoding}
    if with_length:
        headers["Content-Length"] = str(len(hidden))

    exchange = server.send_raw(request_bytes("GET", "/health", headers, hidden))

    assert exchange.responses, f"no response arrived; the server sent {exchange.leftover[:300]!r}"
    assert_error(exchange.responses[0], 400, "invalid_request", "Transfer-Encoding")
    assert (
        len(exchange.responses) == 1
    ), f"the server answered the request hidden in the body: {exchange.responses[1:]}"
    assert exchange.closed, "the connection stayed open after the 400"
    assert_user_unchanged(server, user)


def test_chunked_http10_rejected(server, user):
    body = json.dumps({"name": "Chunked 1.0"}).encode()
    request = (
        f"PATCH /v1/users/{user['id']} HTTP/1.0\r\n"
        f"Host: {HOST}:{server.port}\r\n"
        "Content-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n"
        "\r\n"
    ).encode() + b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)

    exchange = server.send_raw(request)

    assert exchange.responses, f"no response arrived; the server sent {exchange.leftover[:300]!r}"
    assert_error(exchange.responses[0], 400, "invalid_request", "chunked")
    assert_user_unchanged(server, user)


def test_http11_without_host_rejected(server):
    exchange = server.send_raw(b"GET /health HTTP/1.1\r\n\r\n")

    assert exchange.responses, f"no response arrived; the server sent {exchange.leftover[:300]!r}"
    assert_error(exchange.responses[0], 400, "invalid_request", "Host")
    assert exchange.closed, "the connection stayed open after the 400"


@pytest.mark.parametrize(
    "chunked_body",
    [
        pytest.param(b'ZZ\r\n{"name":"a"}\r\n0\r\n\r\n', id="size-not-hex"),
        pytest.param(b'c\r\n{"name":"a"}XX0\r\n\r\n', id="no-crlf-after-data"),
    ],
)
def test_malformed_chunked_body(server, chunked_body):
    headers = {
        "Host": f"{HOST}:{server.port}",
        "Content-Type": "application/json",
        "Transfer-Encoding": "chunked",
    }

    exchange = server.send_raw(request_bytes("POST", "/v1/users", headers, chunked_body))

    assert exchange.responses, (
        f"the server closed the connection without a response; it sent "
        f"{exchange.leftover[:300]!r}"
    )
    assert_error(exchange.responses[0], 400, "invalid_request", "chunked")


def test_expect_without_body_no_interim(server):
    headers = {
        "Host": f"{HOST}:{server.port}",
        "Expect": "100-continue",
        "Connection": "close",
    }

    exchange = server.send_raw(request_bytes("GET", "/health", headers))

    statuses = [response.status for response in exchange.responses]
    assert statuses == [200], f"a GET without a body received the responses {statuses}"


# Races between requests on one upload or recording


def test_concurrent_completes_agree(server):
    for trial in range(RACE_TRIALS):
        upload_id, chunks = filled_upload(server)

        results = run_together(*[partial(server.complete, upload_id)] * 4)

        for result in results:
            assert (
                result.status == 202
            ), f"trial {trial}: complete returned {result.status}: {result.data}"
        recording_ids = {result.data["recording_id"] for result in results}
        assert recording_ids == {upload_id}, f"trial {trial}: completes disagree: {recording_ids}"
        assert_audio(server, upload_id, b"".join(chunks), trial)


def test_bad_sha256_complete_races_good(server):
    for trial in range(RACE_TRIALS):
        upload_id, chunks = filled_upload(server)
        data = b"".join(chunks)
        good = partial(server.complete, upload_id, {"sha256": sha256_hex(data)})
        bad = partial(server.complete, upload_id, {"sha256": "0" * 64})

        good_result, bad_result = run_together(good, bad)

        assert good_result.status == 202, (
            f"trial {trial}: the correct complete returned {good_result.status}: {good_result.data}"
        )
        # The wrong SHA-256 is checked only while the upload is open, so a
        # late bad complete gets the finished upload's 202.
        assert bad_result.status in (202, 422), (
            f"trial {trial}: the wrong-SHA-256 complete returned {bad_result.status}: "
            f"{bad_result.data}"
        )
        assert_audio(server, upload_id, data, trial)


def test_chunk_replace_races_complete(server):
    for trial in range(RACE_TRIALS):
        upload_id, chunks = filled_upload(server)
        replacement = random_bytes(RACE_CHUNK_BYTES)
        old_audio = b"".join(chunks)
        new_audio = b"".join(chunks[:3] + [replacement] + chunks[4:])

        put_result, complete_result = run_together(
            partial(server.put_chunk, upload_id, 3, replacement),
            partial(server.complete, upload_id),
        )

        assert put_result.status in (200, 409), (
            f"trial {trial}: the chunk PUT returned {put_result.status}: {put_result.data}"
        )
        assert complete_result.status in (202, 409), (
            f"trial {trial}: complete returned {complete_result.status}: {complete_result.data}"
        )
        status, _, recording = server.json("GET", f"/v1/recordings/{upload_id}")
        if status == 404:
            continue
        assert status == 200, f"trial {trial}: GET recording returned {status}: {recording}"
        audio = server.request("GET", audio_path(upload_id))
        assert (
            audio.status == 200
        ), f"trial {trial}: GET audio returned {audio.status}: {audio.body[:300]!r}"
        assert (
            sha256_hex(audio.body) == recording["sha256"]
        ), f"trial {trial}: the audio does not match the recording's sha256"
        assert audio.body in (old_audio, new_audio), (
            f"trial {trial}: the audio is neither the old nor the new set of chunks"
        )
        if put_result.status == 200:
            # A 200 means that the chunk was stored while the upload was open,
            # so complete read the new chunk.
            assert audio.body == new_audio, (
                f"trial {trial}: the chunk PUT returned 200 but the recording has the old chunk"
            )


def test_abort_races_complete(server):
    for trial in range(RACE_TRIALS):
        upload_id, chunks = filled_upload(server)

        complete_result, abort_result = run_together(
            partial(server.complete, upload_id),
            partial(server.request, "DELETE", f"/v1/uploads/{upload_id}"),
        )

        assert complete_result.status in (202, 409), (
            f"trial {trial}: complete returned {complete_result.status}: {complete_result.data}"
        )
        assert abort_result.status in (204, 409), (
            f"trial {trial}: abort returned {abort_result.status}: {abort_result.body[:300]!r}"
        )
        succeeded = [complete_result.status == 202, abort_result.status == 204]
        assert succeeded.count(True) == 1, (
            f"trial {trial}: complete returned {complete_result.status} and abort "
            f"{abort_result.status}; exactly one of them should succeed"
        )
        if complete_result.status == 202:
            assert_audio(server, upload_id, b"".join(chunks), trial)
        else:
            status = server.request("GET", audio_path(upload_id)).status
            assert status == 404, f"trial {trial}: the aborted upload has audio, status {status}"


def test_audio_download_races_delete(server):
    for trial in range(RACE_TRIALS):
        upload_id, chunks = filled_upload(server)
        assert server.complete(upload_id).status == 202, f"trial {trial}: complete failed"

        download, deletion = run_together(
            partial(server.request, "GET", audio_path(upload_id)),
            partial(server.request, "DELETE", f"/v1/recordings/{upload_id}"),
        )

        assert download.status in (200, 404), (
            f"trial {trial}: GET audio returned {download.status}: {download.body[:300]!r}"
        )
        if download.status == 200:
            assert download.body == b"".join(chunks), f"trial {trial}: the download is incomplete"
        assert deletion.status == 204, (
            f"trial {trial}: DELETE recording returned {deletion.status}: {deletion.body[:300]!r}"
        )


def test_concurrent_chunks_over_total_limit(binary, tmp_path):
    server = start_own_server(binary, tmp_path, {"uploads": {"max_total_bytes": 1500000}})
    client = Client(HOST, server.port)
    try:
        owner = client.create_user("Total Limit")
        for trial in range(RACE_TRIALS):
            upload_id = client.start_upload(owner["id"])["upload_id"]

            results = run_together(
                partial(client.put_chunk, upload_id, 0, random_bytes(1000000)),
                partial(client.put_chunk, upload_id, 1, random_bytes(1000000)),
            )

            statuses = sorted(result.status for result in results)
            assert statuses == [200, 413], (
                f"trial {trial}: two 1000000-byte chunks under a 1500000-byte limit returned "
                f"{[(result.status, result.data) for result in results]}"
            )
            rejected = next(result for result in results if result.status == 413)
            assert_error(rejected, 413, "payload_too_large", "max_total_bytes")
            upload = client.get_upload(upload_id)
            assert upload["received_bytes"] == 1000000, f"trial {trial}: {upload}"
            assert len(upload["received"]) == 1, f"trial {trial}: {upload}"
    finally:
        server.kill()


# Users deleted while uploads start


def test_upload_for_deleted_user(server, user):
    assert server.request("DELETE", f"/v1/users/{user['id']}").status == 204

    body = {"user_id": user["id"], "content_type": "audio/mp4"}
    assert_error(server.json("POST", "/v1/uploads", body), 404, "not_found", user["id"])


def start_uploads_until(
    server: Client, user_id: str, done: threading.Event
) -> list[tuple[int, Any]]:
    """Start uploads for `user_id` one after another until `done` is set.

    Return (status, body) of each start.
    """
    results = []
    body = {"user_id": user_id, "content_type": "audio/mp4"}
    while not done.is_set():
        status, _, data = server.json("POST", "/v1/uploads", body)
        results.append((status, data))
    return results


def test_upload_start_during_user_delete(server):
    for trial in range(3):
        owner = server.create_user("Deleted Owner")
        # Many uploads with chunks make the deletion take long enough to race.
        for _ in range(40):
            upload_id = server.start_upload(owner["id"])["upload_id"]
            server.put_chunk_ok(upload_id, 0, random_bytes(70000))
        done = threading.Event()

        def delete_owner() -> Response:
            try:
                return server.request("DELETE", f"/v1/users/{owner['id']}")
            finally:
                done.set()

        deletion, starts = run_together(
            delete_owner, partial(start_uploads_until, server, owner["id"], done)
        )

        assert deletion.status == 204, f"trial {trial}: DELETE user returned {deletion.status}"
        # 409 user_busy is the documented result of a start that keeps
        # losing the race against changes to the user.
        allowed = (201, 404, 409)
        for status, data in starts:
            assert status in allowed, f"trial {trial}: an upload start returned {status}: {data}"
        created = [data["upload_id"] for status, data in starts if status == 201]
        for upload_id in created:
            status, _, upload = server.json("GET", f"/v1/uploads/{upload_id}")
            assert status == 404, (
                f"trial {trial}: upload {upload_id}, started during the deletion, outlived "
                f"its user: GET returned {status}: {upload}"
            )


def test_delete_recording_deletes_upload(server, user):
    recording_id = server.upload_recording(user["id"], random_bytes(3000))
    upload_id = server.json("GET", f"/v1/recordings/{recording_id}").data["upload_id"]

    assert server.request("DELETE", f"/v1/recordings/{recording_id}").status == 204

    assert_error(server.json("GET", f"/v1/uploads/{upload_id}"), 404, "not_found")


# Range and If-Range

RANGE_AUDIO_BYTES = 5000


@pytest.fixture(scope="module")
def stored(server):
    """Upload one recording and return its id, bytes and ETag."""
    owner = server.create_user("Range Owner")
    data = random_bytes(RANGE_AUDIO_BYTES)
    recording_id = server.upload_recording(owner["id"], data)
    etag = server.request("GET", audio_path(recording_id)).headers["etag"]
    return recording_id, data, etag


def test_if_range_mismatch_sends_whole(server, stored):
    recording_id, data, _ = stored
    headers = {"Range": "bytes=0-9", "If-Range": '"not-the-etag"'}

    response = server.request("GET", audio_path(recording_id), headers=headers)

    assert response.status == 200, f"expected the whole body with 200, got {response.status}"
    assert response.body == data


def test_if_range_match_sends_part(server, stored):
    recording_id, data, etag = stored
    headers = {"Range": "bytes=0-9", "If-Range": etag}

    response = server.request("GET", audio_path(recording_id), headers=headers)

    assert response.status == 206, f"If-Range {etag} matches, yet the status is {response.status}"
    assert response.body == data[:10]


@pytest.mark.parametrize(
    "header, status, first, last",
    [
        pytest.param("Bytes=0-1", 206, 0, 1, id="unit-capitalized"),
        pytest.param("items=0-1", 200, 0, RANGE_AUDIO_BYTES - 1, id="unknown-unit"),
        pytest.param(
            "bytes=0-99999999999999999999", 206, 0, RANGE_AUDIO_BYTES - 1, id="last-overflows"
        ),
    ],
)
def test_range_unit_and_overflow(server, stored, header, status, first, last):
    recording_id, data, _ = stored

    response = server.request("GET", audio_path(recording_id), headers={"Range": header})

    assert (
        response.status == status
    ), f"Range {header!r} returned {response.status}: {response.body[:300]!r}"
    assert response.body == data[first : last + 1]
    if status == 206:
        expected = f"bytes {first}-{last}/{RANGE_AUDIO_BYTES}"
        assert response.headers.get("content-range") == expected


# Client text echoed in error details


def test_chunk_index_nul_escaped(server, user):
    upload_id = server.start_upload(user["id"])["upload_id"]

    response = server.request("PUT", f"/v1/uploads/{upload_id}/chunks/%00", b"abc")

    body = assert_error(response, 400, "invalid_chunk_index", "non-negative integer")
    assert "\\x00" in body["detail"], f"the NUL is not written as \\x00: {body['detail']!r}"


def test_unknown_field_nul_kept(server):
    body = b'{"name": "a", "\\u0000x": 1}'

    response = server.request("POST", "/v1/users", body, {"Content-Type": "application/json"})

    # The text after the field name shows that the detail was not cut at the NUL.
    assert_error(response, 422, "unknown_field", "accepted fields")


def test_invalid_id_error_utf8(server):
    response = server.request("GET", "/v1/users/%FF%FE")

    assert response.status == 400, f"GET /v1/users/%FF%FE returned {response.status}"
    assert_utf8_json(response)


def test_content_type_error_utf8(server):
    # http.client sends header values as Latin-1, so this is the byte 0xE9.
    headers = {"Content-Type": "text/\xe9"}

    response = server.request("POST", "/v1/users", b'{"name": "a"}', headers)

    assert response.status == 415, f"Content-Type text/\\xe9 returned {response.status}"
    assert_utf8_json(response)


def test_range_error_utf8(server, stored):
    recording_id, _, _ = stored

    response = server.request("GET", audio_path(recording_id), headers={"Range": "bytes=\xe9-1"})

    assert response.status == 416, f"Range bytes=\\xe9-1 returned {response.status}"
    assert_utf8_json(response)


# Shutdown


def test_second_sigterm_stops_stalled_shutdown(binary, tmp_path):
    server = start_own_server(
        binary,
        tmp_path,
        {"server": {"shutdown_timeout_seconds": 30, "body_timeout_seconds": 600}},
    )
    stalled = socket.create_connection((HOST, server.port), timeout=10)
    try:
        # The body never completes, so the first SIGTERM waits for it.
        stalled.sendall(
            f"POST /v1/users HTTP/1.1\r\nHost: {HOST}:{server.port}\r\n"
            "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
            '{"name": '.encode()
        )
        time.sleep(0.3)
        server.send_signal(signal.SIGTERM)
        assert server.wait_exit(1) is None, (
            "talegraph exited within 1 s of SIGTERM although a request was in flight; "
            f"stderr tail:\n{server.stderr_tail()}"
        )

        sent_at = server.send_signal(signal.SIGTERM)
        status = server.wait_exit(3)
        seconds = time.monotonic() - sent_at
        assert status is not None, (
            "talegraph still ran 3 s after a second SIGTERM; "
            f"stderr tail:\n{server.stderr_tail()}"
        )
        assert seconds < 3, f"talegraph took {seconds:.1f} s to exit after the second SIGTERM"
    finally:
        stalled.close()
        server.kill()
