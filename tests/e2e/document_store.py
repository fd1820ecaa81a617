"""Choose the document store of the servers that the end-to-end tests start.

TALEGRAPH_E2E_DOCUMENTS selects it: "sqlite" (the default) gives each server
a SQLite file, and "firestore" points each server at the Firestore emulator
at FIRESTORE_EMULATOR_HOST, in a project of its own. Servers that should
share data (a restarted server, say) get the same `database` path, which
maps to the same SQLite file or emulator project.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

DOCUMENTS = os.environ.get("TALEGRAPH_E2E_DOCUMENTS", "sqlite")
EMULATOR_HOST = os.environ.get("FIRESTORE_EMULATOR_HOST", "")


def uses_firestore() -> bool:
    return DOCUMENTS == "firestore"


def unavailable_reason() -> str:
    """Return why the chosen store cannot be used, or "" when it can."""
    if DOCUMENTS not in ("sqlite", "firestore"):
        return f'TALEGRAPH_E2E_DOCUMENTS is "{DOCUMENTS}"; use "sqlite" or "firestore"'
    if uses_firestore() and not EMULATOR_HOST:
        return (
            "TALEGRAPH_E2E_DOCUMENTS is firestore but FIRESTORE_EMULATOR_HOST is not set; "
            "start the emulator with scripts/start-firestore-emulator.sh"
        )
    return ""


def project_for(database: Path) -> str:
    """Return the emulator project that maps to the SQLite file `database`."""
    digest = hashlib.sha256(str(database).encode()).hexdigest()[:16]
    return f"talegraph-e2e-{digest}"


def storage_settings(database: Path) -> dict[str, dict[str, Any]]:
    """Return the [storage] table, and [firestore] when it is chosen, for `database`."""
    if not uses_firestore():
        return {"storage": {"sqlite_path": str(database)}}
    return {
        "storage": {"documents": "firestore", "sqlite_path": str(database)},
        "firestore": {
            "project_id": project_for(database),
            "auth": "emulator",
            "emulator_host": EMULATOR_HOST,
        },
    }
