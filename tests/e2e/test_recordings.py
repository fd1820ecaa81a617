"""Recordings: metadata, audio with byte ranges, listing and deletion."""

import pytest

from talegraph_client import AUDIO_PART_BYTES, assert_error, random_bytes, unknown_id

# Three audio parts and a bit, uploaded in chunks that cross part boundaries.
AUDIO_SIZE = 3 * AUDIO_PART_BYTES + 1000
AUDIO_CHUNKS = [100000, 60000, AUDIO_SIZE - 160000]


@pytest.fixture(scope="module")
def stored(server):
    """Upload one recording for the whole module and return (recording id, its bytes)."""
    owner = server.create_user("Range Owner")
    data = random_bytes(AUDIO_SIZE)
    return server.upload_recording(owner["id"], data, AUDIO_CHUNKS), data


def audio_path(recording_id):
    return f"/v1/recordings/{recording_id}/audio"


@pytest.mark.parametrize(
    "header, first, last",
    [
        ("bytes=0-99", 0, 99),
        ("bytes=-10", AUDIO_SIZE - 10, AUDIO_SIZE - 1),
        (f"bytes={AUDIO_SIZE - 5}-", AUDIO_SIZE - 5, AUDIO_SIZE - 1),
        ("bytes=0-", 0, AUDIO_SIZE - 1),
        (
            f"bytes={AUDIO_PART_BYTES - 50}-{AUDIO_PART_BYTES + 49}",
            AUDIO_PART_BYTES - 50,
            AUDIO_PART_BYTES + 49,
        ),
        (
            f"bytes={AUDIO_PART_BYTES}-{AUDIO_PART_BYTES}",
            AUDIO_PART_BYTES,
            AUDIO_PART_BYTES,
        ),
        (
            f"bytes={AUDIO_PART_BYTES - 1}-{3 * AUDIO_PART_BYTES + 10}",
            AUDIO_PART_BYTES - 1,
            3 * AUDIO_PART_BYTES + 10,
        ),
        (f"bytes={AUDIO_SIZE - 1}-{AUDIO_SIZE - 1}", AUDIO_SIZE - 1, AUDIO_SIZE - 1),
    ],
    ids=[
        "first-100",
        "suffix-10",
        "open-end",
        "whole",
        "across-part",
        "part-start",
        "three-parts",
        "last-byte",
    ],
)
def test_audio_range(server, stored, header, first, last):
    recording_id, data = stored

    response = server.request(
        "GET", audio_path(recording_id), headers={"Range": header}
    )

    assert response.status == 206, response.body[:200]
    assert response.headers["content-range"] == f"bytes {first}-{last}/{AUDIO_SIZE}"
    assert int(response.headers["content-length"]) == last - first + 1
    assert response.body == data[first : last + 1]
    assert response.headers["content-type"].startswith("audio/mp4")
    assert response.headers["accept-ranges"] == "bytes"


@pytest.mark.parametrize(
    "header",
    [
        f"bytes={AUDIO_SIZE}-",
        f"bytes={AUDIO_SIZE + 100}-{AUDIO_SIZE + 200}",
        "bytes=abc",
        "bytes=",
    ],
    ids=["start-at-size", "start-past-size", "letters", "empty"],
)
def test_audio_range_not_satisfiable(server, stored, header):
    recording_id, _ = stored

    response = server.request(
        "GET", audio_path(recording_id), headers={"Range": header}
    )

    assert_error(response, 416, "range_not_satisfiable")
    assert response.headers["content-range"] == f"bytes */{AUDIO_SIZE}"


def test_audio_whole_without_range(server, stored):
    recording_id, data = stored

    response = server.request("GET", audio_path(recording_id))

    assert response.status == 200
    assert int(response.headers["content-length"]) == AUDIO_SIZE
    assert response.body == data
    assert response.headers["etag"]


def test_unknown_recording(server):
    recording_id = unknown_id()
    assert_error(
        server.json("GET", f"/v1/recordings/{recording_id}"),
        404,
        "not_found",
        recording_id,
    )
    assert_error(
        server.request("GET", audio_path(recording_id)), 404, "not_found", recording_id
    )
    assert_error(
        server.request("DELETE", f"/v1/recordings/{recording_id}"),
        404,
        "not_found",
        recording_id,
    )


def test_delete_recording(server, user):
    recording_id = server.upload_recording(user["id"], random_bytes(3000))
    path = f"/v1/recordings/{recording_id}"

    response = server.request("DELETE", path)

    assert response.status == 204, response.body
    assert response.body == b""
    assert_error(server.json("GET", path), 404, "not_found", recording_id)
    assert_error(
        server.request("GET", audio_path(recording_id)), 404, "not_found", recording_id
    )
    listing = server.json("GET", f"/v1/users/{user['id']}/recordings").data
    assert recording_id not in [item["id"] for item in listing["recordings"]]


def test_delete_user_deletes_recordings(server):
    owner = server.create_user("Short-lived")
    recording_id = server.upload_recording(owner["id"], random_bytes(2000))
    upload_id = server.json("GET", f"/v1/recordings/{recording_id}").data["upload_id"]

    assert server.request("DELETE", f"/v1/users/{owner['id']}").status == 204

    assert_error(server.json("GET", f"/v1/recordings/{recording_id}"), 404, "not_found")
    assert_error(server.request("GET", audio_path(recording_id)), 404, "not_found")
    assert_error(server.json("GET", f"/v1/uploads/{upload_id}"), 404, "not_found")


def test_list_recordings_pages(server, user):
    created = {
        server.upload_recording(user["id"], random_bytes(100 + index))
        for index in range(3)
    }
    path = f"/v1/users/{user['id']}/recordings"

    status, _, first = server.json("GET", f"{path}?limit=2")
    assert status == 200, first
    assert len(first["recordings"]) == 2
    assert isinstance(first["next_page_token"], str) and first["next_page_token"]

    status, _, second = server.json(
        "GET", f"{path}?limit=2&page_token={first['next_page_token']}"
    )
    assert status == 200, second
    assert len(second["recordings"]) == 1
    assert second["next_page_token"] is None

    listed = [item["id"] for item in first["recordings"] + second["recordings"]]
    assert sorted(listed) == sorted(created)
    for item in first["recordings"] + second["recordings"]:
        assert item["user_id"] == user["id"]


def test_list_recordings_empty(server, user):
    status, _, listing = server.json("GET", f"/v1/users/{user['id']}/recordings")

    assert status == 200, listing
    assert listing["recordings"] == []
    assert listing["next_page_token"] is None


@pytest.mark.parametrize("limit", ["0", "1001", "abc", "-1"])
def test_list_recordings_invalid_limit(server, user, limit):
    response = server.json("GET", f"/v1/users/{user['id']}/recordings?limit={limit}")

    # NOTE: the API document gives no status for a bad query parameter, so
    # both 400 and 422 pass.
    assert response.status in (400, 422), response.data
    assert (
        isinstance(response.data.get("code"), str) and response.data["code"]
    ), response.data
    assert "limit" in response.data["detail"], response.data
