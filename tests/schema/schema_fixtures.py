"""Real resources for schemathesis, and a copy of the OpenAPI document that uses their ids.

Generated path parameters almost never name a stored resource, so most
generated requests end in 404. The examples phase sends each operation's
parameter examples, and these name a user, a processed recording with its
job, transcript chunk and graph node, and open uploads that the fixtures
create first. Operations that delete or abort get resources of their own,
so that they do not remove what the other operations read.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from processing_helpers import synthesize_speech, upload_audio, wait_for_job
from talegraph_client import Client

HTTP_METHODS = {"get", "put", "post", "patch", "delete"}
SPEECH = "My grandmother Martha grew up on a farm near Chicago with her brother George."
JOB_TIMEOUT_SECONDS = 300


@dataclass
class Fixtures:
    """Ids of the resources the examples name, by path parameter."""

    shared: dict[str, str | int]
    # Parameters of one operation that differ from `shared`, by operationId.
    own: dict[str, dict[str, str]]

    def for_operation(self, operation_id: str) -> dict[str, str | int]:
        return {**self.shared, **self.own.get(operation_id, {})}


def create_fixtures(client: Client, folder: Path) -> Fixtures:
    """Create the resources through the API and return their ids."""
    audio = synthesize_speech(SPEECH, folder / "fixture.wav").read_bytes()
    user_id = client.create_user("Schema Fixture")["id"]
    result = upload_audio(client, user_id, audio, "audio/wav")
    job = wait_for_job(client, result["job_id"], JOB_TIMEOUT_SECONDS).job
    assert job["status"] == "succeeded", f"the fixture recording's job failed: {job}"
    recording_id = result["recording_id"]

    status, _, transcript = client.json("GET", f"/v1/recordings/{recording_id}/transcript")
    assert status == 200, f"GET transcript returned {status}: {transcript}"
    assert transcript["chunks"], f"the fixture recording has no transcript chunks: {transcript}"
    status, _, graph = client.json("GET", f"/v1/users/{user_id}/graph")
    assert status == 200, f"GET graph returned {status}: {graph}"
    assert graph["nodes"], f"the fixture user's graph has no nodes: {graph}"

    spare_recording = upload_audio(client, user_id, audio, "audio/wav")["recording_id"]
    open_upload = client.start_upload(user_id, "audio/wav", chunk_count=2)["upload_id"]
    spare_upload = client.start_upload(user_id, "audio/wav", chunk_count=2)["upload_id"]
    spare_user = client.create_user("Schema Fixture To Delete")["id"]
    return Fixtures(
        shared={
            "user_id": user_id,
            "upload_id": open_upload,
            "recording_id": recording_id,
            "job_id": result["job_id"],
            "chunk_id": transcript["chunks"][0]["id"],
            "node_id": graph["nodes"][0]["id"],
            "n": 0,
        },
        own={
            "deleteUser": {"user_id": spare_user},
            "deleteRecording": {"recording_id": spare_recording},
            "abortUpload": {"upload_id": spare_upload},
        },
    )


def with_examples(document: dict, fixtures: Fixtures) -> dict:
    """Return a copy of `document` whose path parameters have the fixtures' ids as examples.

    Parameters declared on a path move to each of its operations, because
    operations of one path may need different examples.
    """
    result = copy.deepcopy(document)
    for item in result["paths"].values():
        shared = item.pop("parameters", [])
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            parameters = {
                (parameter["name"], parameter["in"]): copy.deepcopy(parameter)
                for parameter in shared + operation.get("parameters", [])
            }
            ids = fixtures.for_operation(operation["operationId"])
            for (name, location), parameter in parameters.items():
                if location == "path" and name in ids:
                    parameter["example"] = ids[name]
            operation["parameters"] = list(parameters.values())
    return result
