"""Read what talegraph wrote to the Firestore emulator with Google's official
Python client (google-cloud-firestore), and compare fields and types with
what the API returns, so that other services and apps can read the data.

Runs only with TALEGRAPH_E2E_DOCUMENTS=firestore. The client comes from the
virtual environment of scripts/setup-python-tools.sh.
"""

from __future__ import annotations

import datetime
import hashlib
import os

import pytest

from document_store import project_for, uses_firestore
from talegraph_client import AUDIO_PART_BYTES, Client

pytestmark = pytest.mark.skipif(
    not uses_firestore(), reason="needs TALEGRAPH_E2E_DOCUMENTS=firestore"
)


@pytest.fixture(scope="module")
def database(server: Client):
    """A google-cloud-firestore client on the session server's emulator project."""
    try:
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import firestore
    except ImportError as error:
        message = (
            f"google-cloud-firestore is not importable ({error}); run the tests with the "
            "python of scripts/setup-python-tools.sh"
        )
        if os.environ.get("TALEGRAPH_REQUIRE_SERVICES") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    # Explicit anonymous credentials and project keep google-auth from looking for
    # credentials anywhere, the metadata server included; the client finds the emulator
    # through FIRESTORE_EMULATOR_HOST.
    os.environ["NO_GCE_CHECK"] = "True"
    project = project_for(server.log_path.parent / "talegraph.db")
    return firestore.Client(project=project, credentials=AnonymousCredentials())


def parse_rfc3339(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_user_fields_and_types(server: Client, database):
    user = server.create_user("Ada Lovelace", profile={"city": "London", "born": 1815})

    snapshot = database.collection("users").document(user["id"]).get()

    assert snapshot.exists, f"users/{user['id']} is missing in the emulator"
    stored = snapshot.to_dict()
    assert stored["name"] == "Ada Lovelace"
    assert stored["profile"] == {"city": "London", "born": 1815}
    assert type(stored["profile"]["born"]) is int
    # Timestamps are Firestore timestamps, not strings.
    assert isinstance(stored["created_at"], datetime.datetime)
    assert stored["created_at"] == parse_rfc3339(user["created_at"])
    assert isinstance(stored["_revision"], str)
    assert "data" not in stored


def test_recording_audio_parts_read_back(server: Client, database, user):
    audio = os.urandom(AUDIO_PART_BYTES * 2 + 1000)
    half = len(audio) // 2
    recording_id = server.upload_recording(user["id"], audio, [half, len(audio) - half])

    recording = database.collection("recordings").document(recording_id).get().to_dict()
    assert recording["user_id"] == user["id"]
    assert recording["size_bytes"] == len(audio)
    assert type(recording["size_bytes"]) is int
    assert recording["sha256"] == hashlib.sha256(audio).hexdigest()
    assert isinstance(recording["created_at"], datetime.datetime)

    parts = (
        database.collection("recordings")
        .document(recording_id)
        .collection("audio_parts")
        .order_by("__name__")
        .stream()
    )
    stored = [part.to_dict() for part in parts]
    assert len(stored) == 3, f"expected 3 parts of at most {AUDIO_PART_BYTES} bytes"
    assert all(type(part["data"]) is bytes for part in stored)
    assert all(len(part["data"]) <= AUDIO_PART_BYTES for part in stored)
    assert b"".join(part["data"] for part in stored) == audio
    assert [part["size"] for part in stored] == [len(part["data"]) for part in stored]


def test_api_matches_official_client(server: Client, database, user):
    status, _, from_api = server.json("GET", f"/v1/users/{user['id']}")
    assert status == 200, from_api

    stored = database.collection("users").document(user["id"]).get().to_dict()

    for key in ("name", "email", "profile"):
        assert stored.get(key) == from_api.get(key), key
    assert stored["updated_at"] == parse_rfc3339(from_api["updated_at"])
