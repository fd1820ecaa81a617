"""Run schemathesis against a talegraph server of its own, started on loopback.

Usage: run_schemathesis.py TALEGRAPH_BINARY [SCHEMATHESIS_EXECUTABLE]

The schemathesis executable defaults to the one that
scripts/install-test-tools.sh installs in build/test-venv.

schemathesis reads a copy of the server's own /openapi.json and sends
generated requests to every operation it lists. The copy gives the path
parameters examples that name real resources (schema_fixtures.py), and the
stateful phase follows the document's links from created resources. The
run fails on a 5xx, a response that breaks its documented schema, status or
content type, and on a server that is no longer healthy afterwards. TALEGRAPH_SCHEMATHESIS_EXAMPLES sets
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
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from process_helpers import HOST, ServerProcess, base_settings, find_free_port, get_status  # noqa: E402
from reliability_helpers import report_figures  # noqa: E402
from schema_fixtures import create_fixtures, with_examples  # noqa: E402
from talegraph_client import Client  # noqa: E402

CHECKS = [
    "not_a_server_error",
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
]
PHASES = "examples,coverage,fuzzing,stateful"
RUN_TIMEOUT_SECONDS = 600
DEFAULT_SCHEMATHESIS = Path(__file__).resolve().parents[2] / "build/test-venv/bin/schemathesis"


def count_responses(ndjson_path: Path) -> dict[str, int]:
    """Count the requests in schemathesis's NDJSON event log by status class ("2xx", "4xx")."""
    counts: dict[str, int] = {}
    for line in ndjson_path.read_text().splitlines():
        if '"ScenarioFinished"' not in line:
            continue
        event = json.loads(line)["ScenarioFinished"]
        for interaction in event.get("recorder", {}).get("interactions", {}).values():
            response = interaction.get("response") or {}
            status = response.get("status_code")
            name = f"{status // 100}xx" if isinstance(status, int) else "no response"
            counts[name] = counts.get(name, 0) + 1
    return counts


def write_schema(base: str, folder: Path) -> Path:
    """Create the fixtures and write the document with their ids as examples; return its path."""
    client = Client(HOST, int(base.rsplit(":", 1)[1]), timeout=30)
    fixtures = create_fixtures(client, folder)
    with urllib.request.urlopen(f"{base}/openapi.json", timeout=30) as response:
        document = json.loads(response.read())
    path = folder / "openapi-with-examples.json"
    path.write_text(json.dumps(with_examples(document, fixtures), indent=2))
    return path


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
            schema = write_schema(base, folder)
            command = [
                schemathesis, "run", str(schema),
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
            responses = count_responses(report)
            report_figures(
                "schemathesis",
                {
                    "examples an operation": examples,
                    "phases": PHASES,
                    "requests sent": sum(responses.values()),
                    **{f"{name} responses": count for name, count in sorted(responses.items())},
                    "checks": len(CHECKS),
                    "seed": seed,
                },
            )
            return 0
        finally:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
