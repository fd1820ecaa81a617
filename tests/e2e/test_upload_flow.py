"""Chunked upload from start to a stored recording and back to its audio."""

from talegraph_client import (
    GENERATED_ID,
    MAX_CHUNK_BYTES,
    TIMESTAMP,
    assert_error,
    random_bytes,
    sha256_hex,
    split_bytes,
)

# 3 MiB in four chunks of uneven size. The first one is exactly the test
# server's max_chunk_bytes (16 audio parts), and the other chunk boundaries
# fall inside audio parts.
CHUNK_SIZES = [MAX_CHUNK_BYTES, 700001, 1000000, 397151]


def test_chunked_upload_out_of_order(server, user):
    data = random_bytes(sum(CHUNK_SIZES))
    chunks = split_bytes(data, CHUNK_SIZES)

    upload = server.start_upload(
        user["id"],
        "audio/mp4",
        chunk_count=4,
        filename="story.m4a",
        title="Grandpa's farm",
    )
    upload_id = upload["upload_id"]
    assert GENERATED_ID.match(upload_id), upload_id
    assert upload["user_id"] == user["id"]
    assert upload["status"] == "open"
    assert upload["content_type"] == "audio/mp4"
    assert upload["chunk_count"] == 4
    assert upload["chunk_max_bytes"] == MAX_CHUNK_BYTES
    assert upload["received"] == []
    assert upload["missing"] == [0, 1, 2, 3]
    assert upload["received_bytes"] == 0
    assert upload["recording_id"] is None
    assert TIMESTAMP.match(upload["created_at"]), upload["created_at"]

    server.put_chunk_ok(upload_id, 3, chunks[3])
    server.put_chunk_ok(upload_id, 0, chunks[0])
    midway = server.get_upload(upload_id)
    assert midway["received"] == [0, 3]
    assert midway["missing"] == [1, 2]
    assert midway["received_bytes"] == CHUNK_SIZES[0] + CHUNK_SIZES[3]

    # Chunk 2 first arrives with the wrong bytes. The correct bytes replace
    # them, so the final SHA-256 only matches if the replacement took effect.
    server.put_chunk_ok(upload_id, 2, random_bytes(1234))
    server.put_chunk_ok(upload_id, 2, chunks[2])
    server.put_chunk_ok(upload_id, 1, chunks[1])
    # Re-sending a chunk with the same bytes is a harmless retry.
    server.put_chunk_ok(upload_id, 0, chunks[0])

    full = server.get_upload(upload_id)
    assert full["status"] == "open"
    assert full["received"] == [0, 1, 2, 3]
    assert full["missing"] == []
    assert full["received_bytes"] == len(data)
    chunk_table = {chunk["index"]: chunk for chunk in full["chunks"]}
    assert sorted(chunk_table) == [0, 1, 2, 3]
    for index, chunk in enumerate(chunks):
        assert chunk_table[index]["size"] == len(chunk)
        assert chunk_table[index]["sha256"].lower() == sha256_hex(chunk)

    declared = {"total_bytes": len(data), "sha256": sha256_hex(data)}
    status, _, result = server.complete(upload_id, declared)
    assert status == 202, result
    recording_id = result["recording_id"]
    assert GENERATED_ID.match(recording_id), recording_id
    assert result["upload_id"] == upload_id
    assert result["status"] == "uploaded"

    status, _, again = server.complete(upload_id, declared)
    assert status == 202, again
    assert again == result

    completed = server.get_upload(upload_id)
    assert completed["status"] == "completed"
    assert completed["recording_id"] == recording_id

    status, _, recording = server.json("GET", f"/v1/recordings/{recording_id}")
    assert status == 200, recording
    assert recording["id"] == recording_id
    assert recording["user_id"] == user["id"]
    assert recording["upload_id"] == upload_id
    assert recording["size_bytes"] == len(data)
    assert recording["sha256"].lower() == sha256_hex(data)
    # The processing job starts at once, and random bytes fail to decode.
    assert recording["status"] in ("uploaded", "processing", "failed"), recording
    assert recording["content_type"] == "audio/mp4"
    assert recording["filename"] == "story.m4a"
    assert recording["title"] == "Grandpa's farm"
    for field in ("duration_seconds", "codec", "sample_rate", "channels"):
        value = recording[field]
        assert value is None, f"{field} is set before processing: {value!r}"

    audio = server.request("GET", f"/v1/recordings/{recording_id}/audio")
    assert audio.status == 200
    assert audio.body == data, "the audio differs from the uploaded bytes"
    assert audio.headers["accept-ranges"] == "bytes"
    assert audio.headers["content-type"].startswith("audio/mp4")
    assert sha256_hex(data) in audio.headers["etag"].lower()

    status, _, listing = server.json("GET", f"/v1/users/{user['id']}/recordings")
    assert status == 200, listing
    assert recording_id in [item["id"] for item in listing["recordings"]]


def test_complete_without_body(server, user):
    data = random_bytes(5000)
    upload_id = server.start_upload(user["id"])["upload_id"]
    server.put_chunk_ok(upload_id, 0, data[:3000])
    server.put_chunk_ok(upload_id, 1, data[3000:])

    # No chunk_count was declared, so the chunks needed are 0 up to the highest received.
    status, _, result = server.complete(upload_id)

    assert status == 202, result
    recording = server.json("GET", f"/v1/recordings/{result['recording_id']}").data
    assert recording["size_bytes"] == len(data)
    assert recording["sha256"].lower() == sha256_hex(data)


def test_complete_overrides_declared_values(server, user):
    data = random_bytes(4000)
    # The declared total is larger than the data because a server may reject
    # a chunk early once the stored bytes exceed the declared total_bytes.
    upload = server.start_upload(
        user["id"], total_bytes=99999, sha256="0" * 64, chunk_count=5
    )
    upload_id = upload["upload_id"]
    server.put_chunk_ok(upload_id, 0, data)

    declared = {"total_bytes": len(data), "sha256": sha256_hex(data), "chunk_count": 1}
    status, _, result = server.complete(upload_id, declared)

    assert status == 202, result


def test_chunk_without_content_type(server, user):
    upload_id = server.start_upload(user["id"], chunk_count=1)["upload_id"]

    status, _, receipt = server.put_chunk(upload_id, 0, b"abc", content_type=None)

    assert status == 200, receipt
    assert receipt["size"] == 3


def test_chunk_with_audio_content_type(server, user):
    upload_id = server.start_upload(user["id"], chunk_count=1)["upload_id"]

    status, _, receipt = server.put_chunk(
        upload_id, 0, b"abc", content_type="audio/mp4"
    )

    assert status == 200, receipt


def test_abort_upload(server, user):
    upload_id = server.start_upload(user["id"], chunk_count=2)["upload_id"]
    server.put_chunk_ok(upload_id, 0, b"first")

    response = server.request("DELETE", f"/v1/uploads/{upload_id}")

    assert response.status == 204, response.body
    assert response.body == b""
    aborted = server.get_upload(upload_id)
    assert aborted["status"] == "aborted"
    assert aborted["received"] == []
    assert aborted["recording_id"] is None
    assert_error(server.put_chunk(upload_id, 1, b"late"), 409, "upload_not_open")
    assert_error(server.complete(upload_id), 409, "upload_not_open")
    assert_error(
        server.request("DELETE", f"/v1/uploads/{upload_id}"), 409, "upload_not_open"
    )
