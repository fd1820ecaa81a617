"""Helpers shared by the load and fault tests under tests/load and tests/faults.

They start their own servers with process_helpers.ServerProcess, read the
server's memory from /proc and append their figures to the run's summary.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BINARY = REPO_ROOT / "build" / "debug" / "src" / "talegraph"


def add_binary_option(parser: pytest.Parser) -> None:
    parser.addoption(
        "--talegraph",
        default=None,
        help=(
            "Path of the talegraph executable to test. Defaults to $TALEGRAPH_BIN, "
            f"else {DEFAULT_BINARY.relative_to(REPO_ROOT)} in the repository."
        ),
    )


@pytest.fixture(scope="module")
def binary(request: pytest.FixtureRequest) -> Path:
    """The talegraph executable."""
    chosen = request.config.getoption("--talegraph") or os.environ.get("TALEGRAPH_BIN")
    path = Path(chosen).resolve() if chosen else DEFAULT_BINARY
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(f"talegraph executable not found at {path}", pytrace=False)
    return path


def peak_rss_bytes(pid: int) -> int:
    """Return the peak resident set size (VmHWM in /proc/PID/status) of a running process."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            # The line reads "VmHWM:	  123456 kB".
            return int(line.split()[1]) * 1024
    raise AssertionError(f"/proc/{pid}/status has no VmHWM line")


def percentile(values: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of `values`, such as fraction 0.99 for p99."""
    assert values, "no values to take a percentile of"
    ordered = sorted(values)
    rank = max(1, int(-(-fraction * len(ordered) // 1)))
    return ordered[rank - 1]


def seeded_random(name: str) -> tuple[random.Random, int]:
    """Return a generator seeded from TALEGRAPH_TEST_SEED, else a fresh seed, and the seed.

    Tests print the seed, so a failing run can be repeated exactly.
    """
    text = os.environ.get("TALEGRAPH_TEST_SEED")
    seed = int(text) if text else random.SystemRandom().randrange(2**32)
    print(f"{name}: seed {seed} (repeat with TALEGRAPH_TEST_SEED={seed})")
    return random.Random(seed), seed


def report_figures(title: str, figures: dict[str, object]) -> str:
    """Print `figures` and append them to the file named by TALEGRAPH_TEST_SUMMARY, if set."""
    text = f"{title}: " + ", ".join(f"{name} {value}" for name, value in figures.items())
    print(text)
    summary = os.environ.get("TALEGRAPH_TEST_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as output:
            output.write(text + "\n")
    return text
