#!/usr/bin/env python3
"""Summarize the wrk outputs that bench/run.sh recorded.

Usage: summarize_wrk.py RESULTS_TSV

Each line of RESULTS_TSV is "run<TAB>level<TAB>benchmark<TAB>busy<TAB>
other<TAB>wrk output file". busy is the machine's CPU busy percentage just
before the benchmark, and other is the percentage of the machine's CPU time
that neither wrk nor the server used while wrk ran.

The script prints Markdown tables: one row per benchmark and run, then the
median with the min..max spread over the valid runs (see is_valid), then the
design budgets checked against those medians.
"""

from __future__ import annotations

import re
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

CHUNK_MIB = 1.0  # put_chunk.lua sends 1 MiB (2^20 bytes) per request.
READ_RATIO_BUDGET = 0.60
READ_P99_BUDGET_MS = 5.0
PUT_BUDGET_MIB_PER_S = 200.0
# A benchmark during which other processes used more than this percentage of
# the CPUs is flagged and left out of the medians, because that load skews
# wrk's numbers.
OTHER_LOAD_WARNING_PERCENT = 10

UNIT_TO_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


@dataclass
class Result:
    run: int
    level: str
    name: str
    busy_before: int
    other_during: int
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int

    @property
    def is_put(self) -> bool:
        return self.name.startswith("put")

    @property
    def mib_per_s(self) -> float | None:
        return self.rps * CHUNK_MIB if self.is_put else None


def parse_latency_ms(text: str) -> float:
    match = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"unrecognized wrk latency {text!r}")
    return float(match.group(1)) * UNIT_TO_MS[match.group(2)]


def parse_wrk(path: Path) -> tuple[float, float, float, int, int]:
    """Return rps, p50 ms, p99 ms, non-2xx count and socket errors of one wrk output."""
    text = path.read_text()
    rps = re.search(r"^Requests/sec:\s+([0-9.]+)", text, re.MULTILINE)
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.MULTILINE)
    if rps is None or p50 is None or p99 is None:
        raise ValueError(f"{path} has no Requests/sec or latency distribution; wrk output:\n{text}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    socket_errors = sum(int(count) for count in sockets.groups()) if sockets else 0
    return (
        float(rps.group(1)),
        parse_latency_ms(p50.group(1)),
        parse_latency_ms(p99.group(1)),
        int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors,
    )


def read_results(tsv: Path) -> list[Result]:
    results = []
    for line in tsv.read_text().splitlines():
        run, level, name, busy, other, output = line.split("\t")
        results.append(
            Result(int(run), level, name, int(busy), int(other), *parse_wrk(Path(output)))
        )
    return results


def format_mib(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def print_runs(results: list[Result]) -> None:
    print(
        "| run | log level | benchmark | requests/s | p50 ms | p99 ms | MiB/s | non-2xx "
        "| socket errors | other CPU load |"
    )
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r.run} | {r.level} | {r.name} | {r.rps:.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} "
            f"| {format_mib(r.mib_per_s)} | {r.non_2xx} | {r.socket_errors} | {r.other_during}% |"
        )


def is_valid(r: Result) -> bool:
    """Return whether a row counts towards the medians: no failed requests and a quiet machine."""
    return not r.non_2xx and not r.socket_errors and r.other_during <= OTHER_LOAD_WARNING_PERCENT


def spread(values: list[float], digits: int) -> str:
    median = statistics.median(values)
    if len(values) == 1:
        return f"{median:.{digits}f}"
    return f"{median:.{digits}f} ({min(values):.{digits}f}..{max(values):.{digits}f})"


def group(results: list[Result]) -> dict[tuple[str, str], list[Result]]:
    """Group the valid rows by (log level, benchmark). A group with no valid row keeps all rows."""
    everything: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        everything.setdefault((r.level, r.name), []).append(r)
    return {key: [r for r in rows if is_valid(r)] or rows for key, rows in everything.items()}


def read_ratios(results: list[Result], level: str) -> list[float]:
    """Return recording rps / bare rps of each run where both rows are valid.

    Without such a run, returns the ratio of the two medians alone.
    """
    bare = {r.run: r.rps for r in results if r.name == "bare" and is_valid(r)}
    ratios = [
        r.rps / bare[r.run]
        for r in results
        if r.level == level and r.name == "recording" and r.run in bare and is_valid(r)
    ]
    if ratios:
        return ratios
    groups = group(results)
    reads, bares = groups.get((level, "recording")), groups.get(("bare", "bare"))
    if not reads or not bares:
        return []
    return [statistics.median(r.rps for r in reads) / statistics.median(r.rps for r in bares)]


def print_medians(results: list[Result]) -> None:
    print(
        "\nMedian (min..max) over the valid rows: no failed requests and at most "
        f"{OTHER_LOAD_WARNING_PERCENT}% CPU load from other processes. A benchmark without a "
        "valid row uses all of its rows.\n"
    )
    print("| log level | benchmark | runs used | requests/s | p50 ms | p99 ms | MiB/s |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    totals: dict[tuple[str, str], int] = {}
    for r in results:
        totals[(r.level, r.name)] = totals.get((r.level, r.name), 0) + 1
    for (level, name), rows in group(results).items():
        mib = spread([r.mib_per_s for r in rows], 1) if rows[0].is_put else "-"
        print(
            f"| {level} | {name} | {len(rows)} of {totals[(level, name)]} "
            f"| {spread([r.rps for r in rows], 0)} "
            f"| {spread([r.p50_ms for r in rows], 2)} | {spread([r.p99_ms for r in rows], 2)} "
            f"| {mib} |"
        )
    print()
    for level in sorted({r.level for r in results if r.level != "bare"}):
        ratios = read_ratios(results, level)
        if ratios:
            print(f"recording / bare requests/s at log level {level}: {spread(ratios, 2)}")


def verdict(passed: bool) -> str:
    return "met" if passed else "MISSED"


def print_budgets(results: list[Result]) -> None:
    print("\nBudgets, on the medians:")
    groups = group(results)
    for level in sorted({r.level for r in results if r.level != "bare"}):
        ratios = read_ratios(results, level)
        if ratios:
            ratio = statistics.median(ratios)
            print(
                f"  {level}: metadata read at >= {READ_RATIO_BUDGET:.0%} of bare: "
                f"{ratio:.0%}, {verdict(ratio >= READ_RATIO_BUDGET)}"
            )
        reads = groups.get((level, "recording"))
        if reads:
            p99 = statistics.median(r.p99_ms for r in reads)
            print(
                f"  {level}: metadata read p99 < {READ_P99_BUDGET_MS:g} ms at 64 connections: "
                f"{p99:.2f} ms, {verdict(p99 < READ_P99_BUDGET_MS)}"
            )
        for name in sorted(n for (l, n) in groups if l == level and n.startswith("put")):
            mib = statistics.median(r.mib_per_s for r in groups[(level, name)])
            print(
                f"  {level}: {name} >= {PUT_BUDGET_MIB_PER_S:g} MiB/s: {mib:.1f} MiB/s, "
                f"{verdict(mib >= PUT_BUDGET_MIB_PER_S)}"
            )
    bare = groups.get(("bare", "bare"))
    if bare:
        p99 = statistics.median(r.p99_ms for r in bare)
        print(f"  (bare server p99 at 64 connections: {p99:.2f} ms)")

    for r in results:
        if r.non_2xx or r.socket_errors:
            print(
                f"  WARNING: run {r.run} {r.level} {r.name} had {r.non_2xx} non-2xx responses "
                f"and {r.socket_errors} socket errors, so it is left out of the medians"
            )
        if r.other_during > OTHER_LOAD_WARNING_PERCENT:
            print(
                f"  WARNING: run {r.run} {r.level} {r.name}: other processes used "
                f"{r.other_during}% of the CPUs during it (and {r.busy_before}% just "
                f"before), so it is left out of the medians; rerun on a quiet machine"
            )


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: summarize_wrk.py RESULTS_TSV", file=sys.stderr)
        return 2
    results = read_results(Path(sys.argv[1]))
    if not results:
        print(f"{sys.argv[1]} lists no wrk outputs; run bench/run.sh to produce it", file=sys.stderr)
        return 1
    print_runs(results)
    print_medians(results)
    print_budgets(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
