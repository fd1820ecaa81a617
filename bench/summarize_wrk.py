#!/usr/bin/env python3
"""Summarize the wrk outputs that bench/run.sh recorded.

Usage: summarize_wrk.py RESULTS_TSV

Each line of RESULTS_TSV is "run<TAB>level<TAB>benchmark<TAB>busy<TAB>wrk
output file", where busy is the machine's CPU busy percentage measured just
before the benchmark. The script prints Markdown tables: one row per benchmark and run,
then the median with the min..max spread over the runs, then the design
budgets checked against the medians.
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
# A benchmark that started while other processes kept the CPUs busier than
# this is flagged, because their load skews wrk's numbers.
BUSY_WARNING_PERCENT = 10

UNIT_TO_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


@dataclass
class Result:
    run: int
    level: str
    name: str
    busy_before: int
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
        run, level, name, busy, output = line.split("\t")
        results.append(Result(int(run), level, name, int(busy), *parse_wrk(Path(output))))
    return results


def format_mib(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def print_runs(results: list[Result]) -> None:
    print(
        "| run | log level | benchmark | requests/s | p50 ms | p99 ms | MiB/s | non-2xx "
        "| socket errors | CPU busy before |"
    )
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r.run} | {r.level} | {r.name} | {r.rps:.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} "
            f"| {format_mib(r.mib_per_s)} | {r.non_2xx} | {r.socket_errors} | {r.busy_before}% |"
        )


def spread(values: list[float], digits: int) -> str:
    median = statistics.median(values)
    if len(values) == 1:
        return f"{median:.{digits}f}"
    return f"{median:.{digits}f} ({min(values):.{digits}f}..{max(values):.{digits}f})"


def group(results: list[Result]) -> dict[tuple[str, str], list[Result]]:
    groups: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        groups.setdefault((r.level, r.name), []).append(r)
    return groups


def read_ratios(results: list[Result], level: str) -> list[float]:
    """Return recording rps / bare rps of each run that measured both."""
    bare = {r.run: r.rps for r in results if r.name == "bare"}
    return [
        r.rps / bare[r.run]
        for r in results
        if r.level == level and r.name == "recording" and r.run in bare
    ]


def print_medians(results: list[Result]) -> None:
    runs = len({r.run for r in results})
    print(f"\nMedian (min..max) over {runs} run(s):\n")
    print("| log level | benchmark | requests/s | p50 ms | p99 ms | MiB/s |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for (level, name), rows in group(results).items():
        mib = spread([r.mib_per_s for r in rows], 1) if rows[0].is_put else "-"
        print(
            f"| {level} | {name} | {spread([r.rps for r in rows], 0)} "
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
                f"and {r.socket_errors} socket errors; its numbers are not valid"
            )
        if r.busy_before > BUSY_WARNING_PERCENT:
            print(
                f"  WARNING: run {r.run} {r.level} {r.name} started with the CPUs "
                f"{r.busy_before}% busy from other processes; rerun it on a quiet machine"
            )


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: summarize_wrk.py RESULTS_TSV", file=sys.stderr)
        return 2
    results = read_results(Path(sys.argv[1]))
    if not results:
        print(f"{sys.argv[1]} lists no wrk outputs", file=sys.stderr)
        return 1
    print_runs(results)
    print_medians(results)
    print_budgets(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
