"""Collect and tabulate the results of bench/pipeline.sh.

`record` reads one run's SQLite database (the job and recording documents)
and GNU time's output, and prints one JSON line. `table` prints a Markdown
table of those lines: seconds and real-time factor of each stage, the share
of the job spent outside speech recognition, and the peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

# The stage that does speech recognition. Every other stage counts as
# overhead against the budget of 10 % of the job's time.
RECOGNITION_STAGE = "transcribe"


def read_documents(database: Path, collection: str) -> list[dict]:
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute(
            "SELECT fields FROM documents WHERE parent = ?", (collection,)
        ).fetchall()
    finally:
        connection.close()
    return [json.loads(fields) for (fields,) in rows]


def record(args: argparse.Namespace) -> None:
    jobs = read_documents(args.database, "jobs")
    recordings = read_documents(args.database, "recordings")
    if len(jobs) != 1 or len(recordings) != 1:
        sys.exit(f"expected one job and one recording in {args.database}, "
                 f"found {len(jobs)} and {len(recordings)}")
    job, recording = jobs[0], recordings[0]
    if job["status"] != "succeeded":
        sys.exit(f"the job did not succeed: {json.dumps(job.get('error'))}")
    peak_kib, wall_seconds = args.time.read_text().split()[-2:]
    print(json.dumps({
        "minutes": args.minutes,
        "audio_seconds": recording["duration_seconds"],
        "stage_seconds": job["stage_seconds"],
        "wall_seconds": float(wall_seconds),
        "peak_rss_mib": int(peak_kib) / 1024,
        "chunks": recording.get("transcript_chunks"),
    }))


def table(args: argparse.Namespace) -> None:
    runs = [json.loads(line) for line in args.results.read_text().splitlines() if line]
    stages: list[str] = []
    for run in runs:
        stages += [stage for stage in run["stage_seconds"] if stage not in stages]

    header = ["speech", "audio s", "wall s"]
    header += [f"{stage} s (RTF)" for stage in stages]
    header += ["not recognition", "peak RSS"]
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for run in runs:
        audio = run["audio_seconds"]
        seconds = run["stage_seconds"]
        job_seconds = sum(seconds.values())
        overhead = job_seconds - seconds.get(RECOGNITION_STAGE, 0.0)
        cells = [f"{run['minutes']} min", f"{audio:.0f}", f"{run['wall_seconds']:.1f}"]
        for stage in stages:
            value = seconds.get(stage)
            cells.append("-" if value is None else f"{value:.2f} ({value / audio:.4f})")
        cells.append(f"{100 * overhead / job_seconds:.1f} %")
        cells.append(f"{run['peak_rss_mib']:.0f} MiB")
        print("| " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    record_parser = commands.add_parser("record", help="print one run as a JSON line")
    record_parser.add_argument("--minutes", type=int, required=True)
    record_parser.add_argument("--database", type=Path, required=True)
    record_parser.add_argument("--time", type=Path, required=True,
                               help="output of GNU time -f '%%M %%e'")
    table_parser = commands.add_parser("table", help="print the runs as a Markdown table")
    table_parser.add_argument("results", type=Path, help="file of JSON lines from record")
    args = parser.parse_args()
    {"record": record, "table": table}[args.command](args)


if __name__ == "__main__":
    main()
