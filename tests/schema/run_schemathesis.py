"""Run schemathesis against a talegraph server of its own, started on loopback.

Usage: run_schemathesis.py TALEGRAPH_BINARY [SCHEMATHESIS_EXECUTABLE]

The schemathesis executable defaults to the one that
scripts/install-test-tools.sh installs in build/test-venv.

schemathesis reads the server's own /openapi.json and sends generated
requests to every operation it lists. The run fails on a 5xx, a response
that breaks its documented schema, status or content type, and on a server
that is no longer healthy afterwards. TALEGRAPH_SCHEMATHESIS_EXAMPLES sets
the examples an operation (default 20) and TALEGRAPH_TEST_SEED the seed.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from process_helpers import HOST, ServerProcess, base_settings, find_free_port, get_status  # noqa: E402
from reliability_helpers import report_figures  # noqa: E402

CHECKS = [
    "not_a_server_error",
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
]
PHASES = "examples,coverage,fuzzing"
RUN_TIMEOUT_SECONDS = 600
DEFAULT_SCHEMATHESIS = Path(__file__).resolve().parents[2] / "build/test-venv/bin/schemathesis"


def count_test_cases(ndjson_path: Path) -> int:
    """Return the number of requests that schemathesis sent, from its NDJSON event log."""
    count = 0
    for line in ndjson_path.read_text().splitlines():
        if '"ScenarioFinished"' in line:
            event = json.loads(line)["ScenarioFinished"]
            count += len(event.get("recorder", {}).get("interactions", {}))
    return count


def main() -> int:
    binary = Path(sys.argv[1]).resolve()
    schemathesis = sys.argv[2] if len(sys.argv) > 2 else str(DEFAULT_SCHEMATHESIS)
    if not Path(schemathesis).is_file():
        print(f"schemathesis not found at {schemathesis}; run scripts/install-test-tools.sh")
        return 1
    examples = int(os.environ.get("TALEGRAPH_SCHEMATHESIS_EXAMPLES", "20"))
    seed = int(os.environ.get("TALEGRAPH_TEST_SEED") or random.SystemRandom().randrange(2**31))
    with tempfile.TemporaryDirectory(prefix="talegraph-schemathesis-") as name:
        folder = Path(name)
        server = ServerProcess(binary, folder, base_settings(folder, find_free_port()))
        try:
            server.wait_until_healthy()
            base = f"http://{HOST}:{server.port}"
            report = folder / "events.ndjson"
            command = [
                schemathesis, "run", f"{base}/openapi.json",
                "--url", base,
                "--checks", ",".join(CHECKS),
                "--phases", PHASES,
                "--max-examples", str(examples),
                "--seed", str(seed),
                "--workers", "1",
                "--generation-database", "none",
                "--report", "ndjson", "--report-ndjson-path", str(report),
                "--no-color",
            ]
            print(" ".join(command), flush=True)
            # Run in the temporary folder, where schemathesis writes its .schemathesis cache.
            completed = subprocess.run(command, cwd=folder, timeout=RUN_TIMEOUT_SECONDS)
            healthy = server.process.poll() is None and get_status(server.port, "/health") == 200
            if not healthy:
                print(f"talegraph died during the run:\n{server.stderr_tail()}")
                return 1
            if completed.returncode != 0:
                print(f"schemathesis found failures (exit status {completed.returncode}), seed {seed}")
                return completed.returncode
            if server.stop(signal.SIGTERM, timeout=30) != 0:
                print(f"talegraph did not exit cleanly:\n{server.stderr_tail()}")
                return 1
            report_figures(
                "schemathesis",
                {
                    "examples an operation": examples,
                    "requests sent": count_test_cases(report),
                    "checks": len(CHECKS),
                    "seed": seed,
                },
            )
            return 0
        finally:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
