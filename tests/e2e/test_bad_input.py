"""Rejected uploads, chunks, completions and path ids.

The last test checks that the server still works after all of them.
"""

import re
from urllib.parse import unquote

import pytest

from talegraph_client import (
    MAX_CHUNK_BYTES,
    assert_error,
    random_bytes,
    sha256_hex,
    unknown_id,
)


def assert_detail_has_number(body, number):
    """Check that the detail contains `number` on its own, not as part of an id."""
    detail = body["detail"]
    pattern = rf"(?<![A-Za-z0-9]){number}(?![A-Za-z0-9])"
    assert re.search(pattern, detail), f"detail {detail!r} does not mention {number}"


@pytest.fixture
def upload(server, user):
    """Start an open upload that declares 4 chunks."""
    return server.start_upload(user["id"], chunk_count=4)


# Starting an upload


def test_start_unknown_user(server):
    user_id = unknown_id()
    body = {"user_id": user_id, "content_type": "audio/mp4"}
    assert_error(server.json("POST", "/v1/uploads", body), 404, "not_found", user_id)


@pytest.mark.parametrize(
    "content_type",
    [
        "audio/mp4",
        "audio/mpeg",
        "audio/aac",
        "video/mp4",
        "video/3gpp",
        "video/webm",
        "application/ogg",
    ],
)
def test_start_audio_content_types(server, user, content_type):
    upload = server.start_upload(user["id"], content_type)
    assert upload["content_type"] == content_type


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/json", "image/png", "video/quicktime"]
)
def test_start_non_audio_content_type(server, user, content_type):
    body = {"user_id": user["id"], "content_type": content_type}
    assert_error(
        server.json("POST", "/v1/uploads", body),
        415,
        "unsupported_media_type",
        content_type,
    )


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"sha256": "not-hex"}, "sha256"),
        ({"sha256": "g" * 64}, "sha256"),
        ({"sha256": "a" * 63}, "sha256"),
        ({"chunk_count": 0}, "chunk_count"),
        ({"chunk_count": 10001}, "chunk_count"),
        ({"chunk_count": "4"}, "chunk_count"),
        ({"chunk_count": 1.5}, "chunk_count"),
        ({"total_bytes": 0}, "total_bytes"),
        ({"total_bytes": -5}, "total_bytes"),
        ({"filename": 12}, "filename"),
        ({"title": ["a"]}, "title"),
    ],
    ids=[
        "sha256-not-hex",
        "sha256-g",
        "sha256-63",
        "chunk_count-0",
        "chunk_count-over-max",
        "chunk_count-string",
        "chunk_count-fraction",
        "total_bytes-0",
        "total_bytes-negative",
        "filename-number",
        "title-array",
    ],
)
def test_start_invalid_field(server, user, fields, field):
    body = {"user_id": user["id"], "content_type": "audio/mp4", **fields}
    assert_error(server.json("POST", "/v1/uploads", body), 422, "invalid_field", field)


@pytest.mark.parametrize("field", ["user_id", "content_type"])
def test_start_missing_field(server, user, field):
    body = {"user_id": user["id"], "content_type": "audio/mp4"}
    del body[field]
    assert_error(server.json("POST", "/v1/uploads", body), 422, "missing_field", field)


def test_start_unknown_field(server, user):
    body = {"user_id": user["id"], "content_type": "audio/mp4", "chunks": 3}
    assert_error(
        server.json("POST", "/v1/uploads", body), 422, "unknown_field", "chunks"
    )


# Chunks


@pytest.mark.parametrize("index", ["-1", "abc", "1.5", "0x1", "1e2", "%201"])
def test_chunk_index_not_decimal(server, upload, index):
    response = server.put_chunk(upload["upload_id"], index, b"data")
    assert_error(response, 400, "invalid_chunk_index", (index, unquote(index), "index"))


def test_chunk_index_at_chunk_count(server, upload):
    response = server.put_chunk(upload["upload_id"], 4, b"data")
    body = assert_error(response, 422, "chunk_index_out_of_range")
    assert_detail_has_number(body, 4)


def test_chunk_index_at_max_chunks(server, user):
    # Without a declared chunk_count the limit is uploads.max_chunks, 4096 by default.
    upload_id = server.start_upload(user["id"])["upload_id"]

    body = assert_error(
        server.put_chunk(upload_id, 4096, b"data"), 422, "chunk_index_out_of_range"
    )
    assert_detail_has_number(body, 4096)
    assert server.put_chunk(upload_id, 4095, b"data").status == 200


def test_chunk_index_overflowing_integer(server, upload):
    response = server.put_chunk(upload["upload_id"], "9" * 30, b"data")

    assert (response.status, response.data["code"]) in (
        (400, "invalid_chunk_index"),
        (422, "chunk_index_out_of_range"),
    ), response.data


def test_chunk_over_limit_leaves_upload_unchanged(server, upload):
    upload_id = upload["upload_id"]
    server.put_chunk_ok(upload_id, 1, b"kept")

    response = server.send_oversized(
        "PUT",
        f"/v1/uploads/{upload_id}/chunks/0",
        random_bytes(MAX_CHUNK_BYTES + 1),
        {"Content-Type": "application/octet-stream"},
    )

    assert_error(
        response,
        413,
        "payload_too_large",
        (str(MAX_CHUNK_BYTES), "max_chunk_bytes", "1 MiB"),
    )
    after = server.get_upload(upload_id)
    assert after["received"] == [1]
    assert after["received_bytes"] == 4


def test_chunk_at_limit_accepted(server, upload):
    server.put_chunk_ok(upload["upload_id"], 0, random_bytes(MAX_CHUNK_BYTES))


def test_chunk_empty(server, upload):
    body = assert_error(
        server.put_chunk(upload["upload_id"], 2, b""), 422, "empty_chunk"
    )
    assert_detail_has_number(body, 2)
    assert server.get_upload(upload["upload_id"])["received"] == []


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_chunk_wrong_content_type(server, upload, content_type):
    response = server.put_chunk(
        upload["upload_id"], 0, b"data", content_type=content_type
    )
    assert_error(response, 415, "unsupported_media_type", content_type)


# Completing


def test_complete_missing_chunk(server, user):
    upload_id = server.start_upload(user["id"], chunk_count=3)["upload_id"]
    server.put_chunk_ok(upload_id, 0, b"zero")
    server.put_chunk_ok(upload_id, 2, b"two")

    body = assert_error(server.complete(upload_id), 409, "missing_chunks")

    assert body["missing"] == [1]
    assert_detail_has_number(body, 1)
    assert server.get_upload(upload_id)["status"] == "open"


def test_complete_missing_below_highest(server, user):
    # Without chunk_count, n is one past the highest received index.
    upload_id = server.start_upload(user["id"])["upload_id"]
    server.put_chunk_ok(upload_id, 0, b"zero")
    server.put_chunk_ok(upload_id, 3, b"three")

    body = assert_error(server.complete(upload_id), 409, "missing_chunks")

    assert body["missing"] == [1, 2]
    assert server.get_upload(upload_id)["missing"] == [1, 2]


def test_complete_no_chunks(server, user):
    upload_id = server.start_upload(user["id"], chunk_count=2)["upload_id"]

    body = assert_error(server.complete(upload_id), 409, "missing_chunks")

    assert body["missing"] == [0, 1]


def test_complete_mismatch_then_success(server, user):
    data = random_bytes(10000)
    upload_id = server.start_upload(user["id"], chunk_count=2)["upload_id"]
    server.put_chunk_ok(upload_id, 0, data[:6000])
    server.put_chunk_ok(upload_id, 1, data[6000:])

    wrong_size = {"total_bytes": len(data) + 1, "sha256": sha256_hex(data)}
    assert_error(
        server.complete(upload_id, wrong_size),
        422,
        "size_mismatch",
        ("total_bytes", str(len(data) + 1)),
    )
    wrong_hash = {"total_bytes": len(data), "sha256": sha256_hex(b"other bytes")}
    assert_error(
        server.complete(upload_id, wrong_hash), 422, "sha256_mismatch", "sha256"
    )

    still_open = server.get_upload(upload_id)
    assert still_open["status"] == "open"
    assert still_open["recording_id"] is None

    status, _, result = server.complete(
        upload_id, {"total_bytes": len(data), "sha256": sha256_hex(data)}
    )
    assert status == 202, result


def test_complete_declared_mismatch(server, user):
    # The values declared at start are checked when complete sends none.
    upload = server.start_upload(user["id"], chunk_count=1, total_bytes=99)
    upload_id = upload["upload_id"]
    server.put_chunk_ok(upload_id, 0, b"12345")

    assert_error(
        server.complete(upload_id), 422, "size_mismatch", ("total_bytes", "99")
    )


@pytest.mark.parametrize(
    "body, code, field",
    [
        ({"total_bytes": "5"}, "invalid_field", "total_bytes"),
        ({"sha256": "xyz"}, "invalid_field", "sha256"),
        ({"chunk_count": 0}, "invalid_field", "chunk_count"),
        ({"title": "not accepted here"}, "unknown_field", "title"),
    ],
    ids=["total_bytes-string", "sha256-not-hex", "chunk_count-0", "unknown-title"],
)
def test_complete_invalid_body(server, upload, body, code, field):
    server.put_chunk_ok(upload["upload_id"], 0, b"data")
    assert_error(server.complete(upload["upload_id"], body), 422, code, field)


def test_complete_malformed_json(server, upload):
    response = server.request(
        "POST",
        f"/v1/uploads/{upload['upload_id']}/complete",
        b"{",
        {"Content-Type": "application/json"},
    )
    assert_error(response, 400, "invalid_json")


# Uploads that are no longer open


def completed_upload(server, user_id):
    upload_id = server.start_upload(user_id, chunk_count=1)["upload_id"]
    server.put_chunk_ok(upload_id, 0, b"only chunk")
    assert server.complete(upload_id).status == 202
    return upload_id


def test_chunk_after_complete(server, user):
    upload_id = completed_upload(server, user["id"])

    response = server.put_chunk(upload_id, 0, b"late")

    assert_error(response, 409, "upload_not_open", (upload_id, "completed"))


def test_abort_after_complete(server, user):
    upload_id = completed_upload(server, user["id"])

    response = server.request("DELETE", f"/v1/uploads/{upload_id}")

    assert_error(response, 409, "upload_not_open", (upload_id, "completed"))
    assert server.get_upload(upload_id)["status"] == "completed"


# Unknown and malformed ids


def test_unknown_upload(server):
    upload_id = unknown_id()
    path = f"/v1/uploads/{upload_id}"
    assert_error(server.json("GET", path), 404, "not_found", upload_id)
    assert_error(server.put_chunk(upload_id, 0, b"data"), 404, "not_found", upload_id)
    assert_error(server.complete(upload_id), 404, "not_found", upload_id)
    assert_error(server.request("DELETE", path), 404, "not_found", upload_id)


BAD_IDS = {
    "dot-dot": "..",
    "encoded-slash": "a%2Fb",
    "encoded-nul": "a%00b",
    "dot": "a.b",
    "encoded-space": "a%20b",
    "129-chars": "a" * 129,
    "200-chars": "a" * 200,
}

ID_ROUTES = [
    ("GET", "/v1/users/{id}", "user_id"),
    ("PATCH", "/v1/users/{id}", "user_id"),
    ("DELETE", "/v1/users/{id}", "user_id"),
    ("GET", "/v1/users/{id}/recordings", "user_id"),
    ("GET", "/v1/uploads/{id}", "upload_id"),
    ("DELETE", "/v1/uploads/{id}", "upload_id"),
    ("PUT", "/v1/uploads/{id}/chunks/0", "upload_id"),
    ("POST", "/v1/uploads/{id}/complete", "upload_id"),
    ("GET", "/v1/recordings/{id}", "recording_id"),
    ("GET", "/v1/recordings/{id}/audio", "recording_id"),
    ("DELETE", "/v1/recordings/{id}", "recording_id"),
]


@pytest.mark.parametrize("bad_id", BAD_IDS.values(), ids=BAD_IDS.keys())
@pytest.mark.parametrize(
    "method, template, parameter", ID_ROUTES, ids=[f"{m} {t}" for m, t, _ in ID_ROUTES]
)
def test_invalid_path_id(server, method, template, parameter, bad_id):
    path = template.format(id=bad_id)
    body = None
    headers = {}
    if method == "PATCH":
        body, headers = b'{"name": "x"}', {"Content-Type": "application/json"}
    elif method == "PUT":
        body, headers = b"data", {"Content-Type": "application/octet-stream"}

    response = server.request(method, path, body, headers)

    # The detail may name the parameter or quote the value, raw or decoded.
    mentions = (parameter, parameter.replace("_", " "), bad_id, unquote(bad_id), "128")
    assert_error(response, 400, "invalid_id", mentions)


def test_id_of_128_chars_is_well_formed(server):
    # 128 characters is the maximum length, so this id is valid but unknown.
    assert_error(server.json("GET", f"/v1/users/{'a' * 128}"), 404, "not_found")
    assert_error(server.json("GET", f"/v1/uploads/{'A_-9' * 32}"), 404, "not_found")


def test_server_healthy_after_bad_input(server):
    status, _, health = server.json("GET", "/health")

    assert status == 200, health
    assert health["status"] == "ok"
