"""Users: create, read, update, delete, and validation of their JSON bodies."""

import re

import pytest

from talegraph_client import GENERATED_ID, TIMESTAMP, assert_error, unknown_id


def test_create_user_returns_user(server):
    body = {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "profile": {"language": "en"},
    }
    status, headers, user = server.json("POST", "/v1/users", body)

    assert status == 201, user
    assert headers["content-type"].startswith("application/json")
    assert GENERATED_ID.match(user["id"]), user["id"]
    assert user["name"] == "Ada Lovelace"
    assert user["email"] == "ada@example.com"
    assert user["profile"] == {"language": "en"}
    assert TIMESTAMP.match(user["created_at"]), user["created_at"]
    assert TIMESTAMP.match(user["updated_at"]), user["updated_at"]


def test_create_user_optional_fields_null(server):
    status, _, user = server.json("POST", "/v1/users", {"name": "Only Name"})

    assert status == 201, user
    assert user["email"] is None
    assert user["profile"] is None


def test_create_user_json_charset_accepted(server):
    # Many HTTP clients, OkHttp among them, send "application/json; charset=utf-8".
    response = server.request(
        "POST",
        "/v1/users",
        b'{"name": "Charset"}',
        {"Content-Type": "application/json; charset=utf-8"},
    )

    assert response.status == 201, response.body


def test_get_user(server, user):
    status, _, fetched = server.json("GET", f"/v1/users/{user['id']}")

    assert status == 200, fetched
    assert fetched == user


def test_get_unknown_user(server):
    user_id = unknown_id()
    assert_error(server.json("GET", f"/v1/users/{user_id}"), 404, "not_found", user_id)


def test_patch_user_name(server, user):
    status, _, updated = server.json(
        "PATCH", f"/v1/users/{user['id']}", {"name": "Renamed"}
    )

    assert status == 200, updated
    assert updated["name"] == "Renamed"
    assert updated["id"] == user["id"]
    assert updated["created_at"] == user["created_at"]
    assert updated["updated_at"] >= user["created_at"]
    assert server.json("GET", f"/v1/users/{user['id']}").data["name"] == "Renamed"


def test_patch_email_null_clears(server):
    user = server.create_user("Has Email", email="has@example.com", profile={"a": 1})
    path = f"/v1/users/{user['id']}"

    status, _, updated = server.json("PATCH", path, {"email": None})

    assert status == 200, updated
    assert updated["email"] is None
    assert updated["profile"] == {"a": 1}
    assert server.json("GET", path).data["email"] is None


def test_patch_profile_null_clears(server):
    user = server.create_user("Has Profile", profile={"a": 1})

    status, _, updated = server.json(
        "PATCH", f"/v1/users/{user['id']}", {"profile": None}
    )

    assert status == 200, updated
    assert updated["profile"] is None


def test_patch_unknown_field(server, user):
    response = server.json("PATCH", f"/v1/users/{user['id']}", {"nickname": "x"})
    assert_error(response, 422, "unknown_field", "nickname")


def test_patch_empty_body(server, user):
    response = server.json("PATCH", f"/v1/users/{user['id']}", {})

    assert response.status == 422, response.data
    assert response.data["code"] in ("missing_field", "invalid_field"), response.data
    assert any(
        field in response.data["detail"] for field in ("name", "email", "profile")
    ), response.data


def test_patch_name_null_rejected(server, user):
    # Only email and profile can be cleared. A null name may be reported as
    # missing or as invalid.
    response = server.json("PATCH", f"/v1/users/{user['id']}", {"name": None})

    assert response.status == 422, response.data
    assert response.data["code"] in ("missing_field", "invalid_field"), response.data
    assert "name" in response.data["detail"], response.data


def test_patch_unknown_user(server):
    user_id = unknown_id()
    response = server.json("PATCH", f"/v1/users/{user_id}", {"name": "x"})
    assert_error(response, 404, "not_found", user_id)


def test_delete_user(server, user):
    path = f"/v1/users/{user['id']}"

    response = server.request("DELETE", path)

    assert response.status == 204, response.body
    assert response.body == b""
    assert_error(server.json("GET", path), 404, "not_found", user["id"])
    assert_error(server.request("DELETE", path), 404, "not_found", user["id"])


def test_create_missing_name(server):
    response = server.json("POST", "/v1/users", {"email": "a@example.com"})
    assert_error(response, 422, "missing_field", "name")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": 42}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "ok", "email": "no-at-sign"}, "email"),
        ({"name": "ok", "email": 7}, "email"),
        ({"name": "ok", "profile": "not an object"}, "profile"),
        ({"name": "ok", "profile": {"text": "x" * 17000}}, "profile"),
    ],
    ids=[
        "name-number",
        "name-empty",
        "name-201-chars",
        "email-no-at",
        "email-number",
        "profile-string",
        "profile-over-16KiB",
    ],
)
def test_create_invalid_field(server, body, field):
    assert_error(server.json("POST", "/v1/users", body), 422, "invalid_field", field)


def test_create_name_200_chars_accepted(server):
    status, _, user = server.json("POST", "/v1/users", {"name": "x" * 200})

    assert status == 201, user
    assert user["name"] == "x" * 200


def test_create_unknown_field(server):
    response = server.json("POST", "/v1/users", {"name": "ok", "nmae": "typo"})
    assert_error(response, 422, "unknown_field", "nmae")


def test_create_malformed_json(server):
    response = server.request(
        "POST", "/v1/users", b'{"name": ', {"Content-Type": "application/json"}
    )

    body = assert_error(response, 400, "invalid_json")
    assert re.search(
        r"\d+", body["detail"]
    ), f"detail gives no byte offset: {body['detail']!r}"


def test_create_body_array(server):
    response = server.json("POST", "/v1/users", [{"name": "in an array"}])

    assert response.status in (400, 422), response.data
    assert (
        isinstance(response.data.get("code"), str) and response.data["code"]
    ), response.data
    assert response.data.get("detail"), response.data


def test_create_wrong_content_type(server):
    response = server.request(
        "POST", "/v1/users", b'{"name": "plain"}', {"Content-Type": "text/plain"}
    )
    assert_error(response, 415, "unsupported_media_type", "text/plain")


def test_create_body_over_json_limit(server):
    # The default server.max_json_body_bytes is 1 MiB.
    body = b'{"name": "big", "profile": {"text": "' + b"x" * (1024 * 1024) + b'"}}'
    response = server.send_oversized(
        "POST", "/v1/users", body, {"Content-Type": "application/json"}
    )
    assert_error(response, 413, "payload_too_large")
