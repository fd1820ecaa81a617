"""Options and fixtures of the load test, which reuses the e2e helpers.

The executable comes from --talegraph, else TALEGRAPH_BIN, else
build/debug/src/talegraph in the repository.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "tests" / "e2e"))

from reliability_helpers import add_binary_option, binary  # noqa: E402,F401


def pytest_addoption(parser):
    add_binary_option(parser)
