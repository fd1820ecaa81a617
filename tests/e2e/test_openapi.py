"""The served OpenAPI document and the docs page, checked against the real routes."""

import json
from pathlib import Path

import pytest

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}

# Every route of docs/api.md. This list checks the document against the API
# description, and test_allow_header_matches_document checks the router
# against the document.
API_ROUTES = {
    ("/health", "get"),
    ("/ready", "get"),
    ("/openapi.json", "get"),
    ("/docs", "get"),
    ("/v1/users", "post"),
    ("/v1/users/{user_id}", "get"),
    ("/v1/users/{user_id}", "patch"),
    ("/v1/users/{user_id}", "delete"),
    ("/v1/users/{user_id}/recordings", "get"),
    ("/v1/uploads", "post"),
    ("/v1/uploads/{upload_id}", "get"),
    ("/v1/uploads/{upload_id}", "delete"),
    ("/v1/uploads/{upload_id}/chunks/{n}", "put"),
    ("/v1/uploads/{upload_id}/complete", "post"),
    ("/v1/recordings/{recording_id}", "get"),
    ("/v1/recordings/{recording_id}", "delete"),
    ("/v1/recordings/{recording_id}/audio", "get"),
    ("/v1/recordings/{recording_id}/process", "post"),
    ("/v1/recordings/{recording_id}/transcript", "get"),
    ("/v1/transcript-chunks/{chunk_id}", "patch"),
    ("/v1/jobs/{job_id}", "get"),
    ("/v1/users/{user_id}/graph", "get"),
    ("/v1/users/{user_id}/chapters", "get"),
    ("/v1/users/{user_id}/nodes/{node_id}", "get"),
}

SOURCE_DOCUMENT = Path(__file__).resolve().parents[2] / "src" / "http" / "openapi.json"


@pytest.fixture(scope="module")
def document(server):
    status, headers, body = server.json("GET", "/openapi.json")
    assert status == 200, body
    assert headers["content-type"].startswith("application/json")
    return body


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def concrete_path(template):
    """Fill the path parameters of a template with well-formed values."""
    return (
        template.replace("{user_id}", "u1")
        .replace("{upload_id}", "up1")
        .replace("{recording_id}", "r1")
        .replace("{job_id}", "j1")
        .replace("{chunk_id}", "c1")
        .replace("{node_id}", "n1")
        .replace("{n}", "0")
    )


def test_document_version(document):
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] == "talegraph"
    assert document["info"]["version"] == "0.1.0"


def test_document_matches_source_file(document):
    # The build embeds src/http/openapi.json, so a difference means a stale build.
    assert document == json.loads(SOURCE_DOCUMENT.read_text())


def test_document_routes_match_api(document):
    documented = {(path, method) for path, method, _ in operations(document)}

    assert documented - API_ROUTES == set(), "documented but not in docs/api.md"
    assert API_ROUTES - documented == set(), "in docs/api.md but not documented"


def test_operation_ids_unique(document):
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids)), ids


def test_schema_references_resolve(document):
    schemas = document["components"]["schemas"]
    text = json.dumps(document)
    prefix = '"#/components/schemas/'
    names = {part.split('"')[0] for part in text.split(prefix)[1:]}
    assert names <= set(schemas), f"unresolved: {names - set(schemas)}"


def test_links_match_operations(document):
    # Parameters of each operation, including those its path declares.
    accepted_by_id = {
        operation["operationId"]: {
            parameter["name"]
            for parameter in document["paths"][path].get("parameters", [])
            + operation.get("parameters", [])
        }
        for path, _, operation in operations(document)
    }
    link_count = 0
    for path, method, operation in operations(document):
        for code, response in operation["responses"].items():
            for name, link in response.get("links", {}).items():
                where = f"{method.upper()} {path} {code} link {name}"
                assert link["operationId"] in accepted_by_id, f"{where} names an unknown operation"
                accepted = accepted_by_id[link["operationId"]]
                for parameter in link.get("parameters", {}):
                    assert parameter in accepted, f"{where}: {parameter} is not a parameter"
                link_count += 1
    assert link_count > 0, "the document has no links"


@pytest.mark.parametrize("template", sorted({path for path, _ in API_ROUTES}))
def test_allow_header_matches_document(server, document, template):
    methods = {
        method.upper()
        for method in document["paths"][template]
        if method in HTTP_METHODS
    }
    unused = next(
        name
        for name in ("PATCH", "PUT", "POST", "DELETE", "GET")
        if name not in methods
    )

    response = server.request(unused, concrete_path(template))

    assert response.status == 405, response.body[:200]
    allow = {name.strip() for name in response.headers["allow"].split(",")}
    assert (
        methods <= allow
    ), f"Allow {response.headers['allow']!r} lacks some of {methods}"
    assert allow <= methods | {
        "OPTIONS",
        "HEAD",
    }, f"Allow {response.headers['allow']!r} has extra methods"


def test_docs_page(server):
    response = server.request("GET", "/docs")

    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    assert b"swagger-ui" in response.body.lower()
    assert b"openapi.json" in response.body
