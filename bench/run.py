"""Run every benchmark, then print one table: each figure beside its ceiling and its target.

`make bench` runs this. Each benchmark runs as its own command (the one that
reproduces its figures, kept beside them in bench/results.json), at sizes that suit a
2-core machine in about a quarter of an hour; the table is printed at the end and
written to bench/results.md.

    .venv/bin/python bench/run.py                       # every benchmark
    .venv/bin/python bench/run.py --only intake,worker  # some of them
    .venv/bin/python bench/run.py --args worker="--deliveries 10000" --args admin="--rounds 200"
    .venv/bin/python bench/run.py --no-postgres         # SQLite only
    .venv/bin/python bench/run.py --table               # the table of the last figures, no run

The sizes of each run are its command's options; --args replaces them for one
benchmark. A benchmark that finds its own work wrong (a lost delivery, a doubled
message) exits non-zero, and so does this runner after the rest have run; a missed
target never does.

bench/shopify_actions.py prints its figures without keeping them: the runner reads
them off its report and keeps them under "shopify_actions", with its command.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import benchkit
from rich.console import Console
from rich.table import Table

ROOT = benchkit.ROOT
TABLE_FILE = benchkit.RESULTS_FILE.with_suffix(".md")  # beside the figures


@dataclass(frozen=True)
class Benchmark:
    """One benchmark: its script, the options `make bench` gives it, what it takes."""

    name: str  # its key in bench/results.json
    script: str
    options: str  # the sizes `make bench` runs it at
    tiny: str  # the smallest run that still exercises it: the smoke test's
    databases: bool = True  # takes --no-postgres


BENCHMARKS = [
    Benchmark("intake", "intake.py", "--duration 5 --rounds 2", "--duration 1 --rounds 1"),
    Benchmark("pipeline", "pipeline.py", "--incidents 100", "--incidents 3"),
    Benchmark(
        "worker",
        "worker.py",
        "--deliveries 2000 --memory-deliveries 5000",
        "--deliveries 60 --memory-deliveries 0 --workers 1",
    ),
    Benchmark("scheduler", "scheduler.py", "--sizes 10000,200000", "--sizes 2000,2000 --rounds 1"),
    Benchmark("reports", "reports.py", "--rows 200000", "--rows 500 --repeat 1"),
    Benchmark("admin", "admin.py", "--incidents 20000 --rounds 40", "--incidents 100 --rounds 20"),
    Benchmark(
        "webvitals",
        "webvitals.py",
        "--incidents 20000",
        "--incidents 100",
        databases=False,
    ),
    Benchmark(
        "shopify_actions",
        "shopify_actions.py",
        "--actions 200",
        "--actions 10",
        databases=False,
    ),
]
BY_NAME = {benchmark.name: benchmark for benchmark in BENCHMARKS}


# --- running -----------------------------------------------------------------------


def command_of(benchmark: Benchmark, options: str, no_postgres: bool) -> list[str]:
    """Return the command that runs `benchmark` with `options`, as one types it."""
    extra = ["--no-postgres"] if no_postgres and benchmark.databases else []
    python = Path(sys.executable)
    if python.is_relative_to(ROOT):
        python = python.relative_to(ROOT)
    return [str(python), f"bench/{benchmark.script}", *shlex.split(options), *extra]


def run(command: list[str]) -> tuple[int, str]:
    """Run a benchmark from the repository; echo its report and return it with its exit code."""
    benchkit.progress(f"\n$ {shlex.join(command)}")
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        print(line, end="", flush=True)
        lines.append(line)
    return process.wait(), "".join(lines)


def read_results() -> dict[str, Any]:
    """Return bench/results.json, or nothing when there is none yet."""
    try:
        return json.loads(benchkit.RESULTS_FILE.read_text())
    except (FileNotFoundError, ValueError):
        return {}


def recorded_since(name: str, started: datetime) -> bool:
    """Say whether the benchmark `name` recorded figures after `started`."""
    entry = read_results().get(name) or {}
    measured = entry.get("measured_at")
    return bool(measured) and datetime.fromisoformat(measured) >= started.replace(microsecond=0)


def record_shopify_actions(report: str, command: list[str]) -> None:
    """Keep the figures bench/shopify_actions.py printed, as the other benchmarks keep theirs."""
    first = re.search(
        r"^first\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)%",
        report,
        re.M,
    )
    duplicated = re.search(r"^duplicated: (\d+)", report, re.M)
    failed = re.search(r"^failed: (\d+)", report, re.M)
    target = re.search(r"first pass: [\d.]+% \(target >= ([\d.]+)%\)", report)
    if not (first and duplicated and failed and target):
        benchkit.progress("bench: cannot read bench/shopify_actions.py's report; not recorded")
        return
    actions, created, failures, seconds, per_s, points, points_per_s, ceiling, share = (
        float(value) for value in first.groups()
    )
    results = {
        "actions": int(actions),
        "seconds": seconds,
        "actions_per_s": per_s,
        "points": int(points),
        "points_per_s": points_per_s,
        "ceiling_points_per_s": ceiling,
        "share": share / 100,
        "duplicated": int(duplicated.group(1)),
        "failed": int(failed.group(1)),
    }
    wanted = float(target.group(1))
    targets = [
        benchkit.Target("share of the bucket's ceiling", share, f">= {wanted:g}%", share >= wanted),
        benchkit.Target("duplicated", results["duplicated"], "0", results["duplicated"] == 0),
        benchkit.Target("failed", results["failed"], "0", results["failed"] == 0),
    ]
    arguments = {"options": command[2:]}
    benchkit.record("shopify_actions", arguments, results, targets, shlex.join(command))


# --- the table ---------------------------------------------------------------------


@dataclass
class Row:
    """One line of the table."""

    benchmark: str
    figure: str
    measured: str
    ceiling: str = ""
    ratio: str = ""
    target: str = ""
    verdict: str = ""  # "met", "missed", or "" for a figure shown for the record
    target_names: tuple[str, ...] = ()  # the recorded targets this row shows


def number(value: float, unit: str = "") -> str:
    """Format a figure with thousands separators and no more digits than it deserves."""
    text = (
        f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}" if value >= 10 else f"{value:.2f}"
    )
    return f"{text}{unit}"


def targets_by_name(entry: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return a benchmark's targets by name."""
    return {target["name"]: target for target in entry.get("targets", [])}


def judged(row: Row, target: dict[str, Any] | None) -> Row:
    """Put a recorded target and whether it held beside a row."""
    if target is not None:
        row.target, row.verdict = target["target"], "met" if target["met"] else "missed"
        row.target_names = (target["name"],)
    return row


def intake_rows(entry: dict[str, Any]) -> list[Row]:
    """Max req/s against bare Flask + HMAC, and p99 at half the max, per database."""
    results = entry["results"]
    bare = next(r for r in results if "bare" in r["server"])
    targets = targets_by_name(entry)
    rows = []
    for r in results:
        if r is bare:
            continue
        ratio = r["max_requests_per_s"] / bare["max_requests_per_s"]
        rows.append(
            judged(
                Row(
                    "intake",
                    f"{r['server']}: max requests/s",
                    number(r["max_requests_per_s"], "/s"),
                    number(bare["max_requests_per_s"], "/s") + " bare Flask + HMAC",
                    f"{ratio:.2f}",
                ),
                targets.get(f"{r['server']}: amends/bare max throughput"),
            )
        )
        (paced,) = r["paced"]
        bare_paced = next(
            (p for p in bare["paced"] if p["rate_per_s"] == paced["rate_per_s"]), None
        )
        name = f"{r['server']}: p99 at {paced['rate_per_s']}/s (half its max)"
        rows.append(
            judged(
                Row(
                    "intake",
                    name,
                    number(paced["p99_ms"], " ms"),
                    number(bare_paced["p99_ms"], " ms") if bare_paced else "",
                ),
                next((t for n, t in targets.items() if n.startswith(f"{r['server']}: p99")), None),
            )
        )
    return rows


def pipeline_rows(entry: dict[str, Any]) -> list[Row]:
    """Incidents/s from webhook to SMTP beside bare SMTP sends; peak memory under that load."""
    targets = targets_by_name(entry)
    rows = []
    for r in entry["results"]:
        db = r["backend"]
        rows.append(
            Row(
                "pipeline",
                f"{db}: webhook -> incident -> message at SMTP, incidents/s "
                f"(intake alone {number(r['intake_per_s'])}, worker alone "
                f"{number(r['worker_per_s'])})",
                number(r["pipeline_per_s"], "/s"),
                number(r["ceiling_per_s"], "/s") + " bare SMTP sends",
                f"{r['pipeline_per_s'] / r['ceiling_per_s']:.1%}" if r["ceiling_per_s"] else "",
            )
        )
        for figure, value in (
            ("peak memory of a web worker", max(r["web_peak_mb"], default=0.0)),
            ("peak memory of the worker process", r["worker_peak_mb"]),
        ):
            name = f"{db}: {figure}"
            rows.append(judged(Row("pipeline", name, number(value, " MB")), targets.get(name)))
    return rows


def worker_rows(entry: dict[str, Any]) -> list[Row]:
    """Deliveries/s per database and process count, beside the bare driver's claim-and-commit."""
    rows = []
    for r in entry["results"]["runs"]:
        ceiling = r.get("ceiling_per_s")
        plural = "es" if r["processes"] > 1 else ""
        wanted = f"{r['backend']}, {r['processes']} process{plural}"
        target = next(
            (t for t in entry.get("targets", []) if t["name"].lower().endswith(wanted)), None
        )
        rows.append(
            judged(
                Row(
                    "worker",
                    f"{wanted}: deliveries/s ({number(r['per_cpu_second'])} per CPU-second)",
                    number(r["total_per_s"], "/s"),
                    number(ceiling, "/s") + " bare driver" if ceiling else "",
                    f"{r['total_per_s'] / ceiling:.2f}" if ceiling else "",
                ),
                target,
            )
        )
    memory = entry["results"].get("memory")
    target = next(
        (t for t in entry.get("targets", []) if t["name"].startswith("peak resident")), None
    )
    if memory and target:
        rows.append(
            judged(
                Row(
                    "worker",
                    f"peak resident memory, draining {memory['deliveries']:,} deliveries "
                    f"({number(memory['total_per_s'], '/s')})",
                    number(float(target["value"]), " MB"),
                ),
                target,
            )
        )
    return rows


def scheduler_rows(entry: dict[str, Any]) -> list[Row]:
    """The tick at the largest size beside the tick at the smallest: O(due), not O(orders)."""
    by_backend: dict[str, list[dict[str, Any]]] = {}
    for m in entry["results"]["measurements"]:
        by_backend.setdefault(m["backend"], []).append(m)
    targets = list(entry.get("targets", []))
    rows = []
    for backend, found in by_backend.items():
        small, large = min(found, key=lambda m: m["orders"]), max(found, key=lambda m: m["orders"])
        due = entry["results"].get("due_orders", 0)
        row = Row(
            "scheduler",
            f"{backend}: tick with {due:,} due among {large['orders']:,} orders",
            number(large["tick_ms"], " ms"),
            number(small["tick_ms"], f" ms among {small['orders']:,}"),
            f"{large['tick_ms'] / small['tick_ms']:.2f}",
        )
        target = next((t for t in targets if t["name"].lower().startswith(backend)), None)
        rows.append(judged(row, target))
    return rows


def reports_rows(entry: dict[str, Any]) -> list[Row]:
    """The reason x product report beside the same figures in plain SQL."""
    targets = targets_by_name(entry)
    return [
        judged(
            Row(
                "reports",
                f"{r['backend']}: reason x product report, {r['rows']:,} returned lines",
                number(r["report_seconds"], " s"),
                number(r["plain_sql_seconds"], " s") + " plain SQL",
                f"{r['ratio']:.2f}",
            ),
            targets.get(f"report / plain SQL on {r['backend']}"),
        )
        for r in entry["results"]
    ]


def admin_rows(entry: dict[str, Any]) -> list[Row]:
    """Each panel request's p95 beside a bare Flask page's."""
    results = entry["results"]
    bare = next(r for r in results if r["database"] == "none")
    targets = targets_by_name(entry)
    incidents = entry.get("arguments", {}).get("incidents")
    rows = []
    for r in results:
        if r is bare:
            continue
        name = f"{r['database']} {r['request']} p95 ms"
        figure = f"{r['database']}: {r['request']}, p95" + (
            f" ({incidents:,} incidents)" if incidents and not rows else ""
        )
        rows.append(
            judged(
                Row(
                    "admin",
                    figure,
                    number(r["p95_ms"], " ms"),
                    number(bare["p95_ms"], " ms") + " bare Flask page",
                    f"{r['p95_ms'] / bare['p95_ms']:.1f}",
                ),
                targets.get(name),
            )
        )
    return rows


def shopify_actions_rows(entry: dict[str, Any]) -> list[Row]:
    """Points spent per second beside what the cost bucket could give; nothing doubled."""
    r = entry["results"]
    targets = targets_by_name(entry)
    return [
        judged(
            Row(
                "shopify_actions",
                f"{r['actions']} actions, {number(r['actions_per_s'])} actions/s: "
                "cost points spent/s",
                number(r["points_per_s"], "/s"),
                number(r["ceiling_points_per_s"], "/s") + " the bucket's",
                f"{r['share']:.1%}",
            ),
            targets.get("share of the bucket's ceiling"),
        ),
        Row(
            "shopify_actions",
            "actions done twice / failed (both passes)",
            f"{r['duplicated']} / {r['failed']}",
            target="0 / 0",
            verdict="met" if r["duplicated"] == r["failed"] == 0 else "missed",
            target_names=("duplicated", "failed"),
        ),
    ]


def webvitals_rows(entry: dict[str, Any]) -> list[Row]:
    """Each page's LCP, CLS and INP (or TBT) beside a static page's, against Shopify's."""
    results = entry["results"]
    bare = results["ceiling"]
    steps = {step["name"]: step for step in results["steps"]}
    rows = []
    for target in entry.get("targets", []):
        page, figure = target["name"].split(" ", 1)
        step = steps[f"{page}: load"] if figure.startswith(("LCP", "CLS")) else None
        ceiling = ""
        if figure.startswith("LCP"):
            ceiling = number(bare["lcp_ms"], " ms") + " static page"
        elif figure.startswith("CLS"):
            ceiling = f"{bare['cls']:.3f} static page"
        elif figure.startswith("TBT"):
            ceiling = number(bare["tbt_ms"], " ms") + " static page"
        unit = "" if figure.startswith("CLS") else " ms"
        shown = f"{target['value']:.3f}" if not unit else number(float(target["value"]), unit)
        label = f"{page}: {figure.removesuffix(' ms')}" + (" (load)" if step else " (working it)")
        rows.append(judged(Row("webvitals", label, shown, ceiling), target))
    return rows


SUMMARIES: dict[str, Callable[[dict[str, Any]], list[Row]]] = {
    "intake": intake_rows,
    "pipeline": pipeline_rows,
    "worker": worker_rows,
    "scheduler": scheduler_rows,
    "reports": reports_rows,
    "admin": admin_rows,
    "shopify_actions": shopify_actions_rows,
    "webvitals": webvitals_rows,
}


def rows_of(name: str, entry: dict[str, Any]) -> list[Row]:
    """Summarise one benchmark; then add every target no row showed yet.

    A benchmark whose figures changed shape still shows its targets.
    """
    try:
        rows = SUMMARIES[name](entry)
    except (KeyError, TypeError, ValueError, StopIteration, ZeroDivisionError):
        rows = []
    shown = {name for row in rows for name in row.target_names}
    for target in entry.get("targets", []):
        if target["name"] not in shown:
            verdict = "met" if target["met"] else "missed"
            value = number(float(target["value"]))
            rows.append(Row(name, target["name"], value, "", "", target["target"], verdict))
    return rows


def table_rows(names: list[str]) -> tuple[list[Row], dict[str, str]]:
    """Return the rows of the named benchmarks' last figures, and each one's command."""
    stored = read_results()
    rows, commands = [], {}
    for name in names:
        entry = stored.get(name)
        if not entry:
            rows.append(Row(name, "not measured yet", ""))
            continue
        rows += rows_of(name, entry)
        command = entry.get("command") or "(recorded before the command was kept)"
        commands[name] = f"{command}   # {entry.get('measured_at', '')}"
    return rows, commands


def show(rows: list[Row], commands: dict[str, str]) -> None:
    """Print the table with rich, and write it to bench/results.md."""
    table = Table(title="Amends benchmarks: each figure beside a ceiling measured in the same run")
    for heading, justify in (
        ("benchmark", "left"),
        ("figure", "left"),
        ("measured", "right"),
        ("ceiling, same run", "right"),
        ("ratio", "right"),
        ("target", "left"),
        ("", "left"),
    ):
        table.add_column(heading, justify=justify)  # type: ignore[arg-type]
    colour = {"met": "[green]met[/green]", "missed": "[red]missed[/red]", "": ""}
    for row in rows:
        table.add_row(
            row.benchmark,
            row.figure,
            row.measured,
            row.ceiling,
            row.ratio,
            row.target,
            colour[row.verdict],
        )
    console = Console(width=max(Console().width, 160))
    console.print(table)
    console.print("To reproduce a benchmark's figures:")
    for name, command in commands.items():
        console.print(f"  {name}: {command}", markup=False, highlight=False)
    TABLE_FILE.write_text(markdown(rows, commands))
    console.print(
        f"The table is in {TABLE_FILE}, the figures in {benchkit.RESULTS_FILE}.",
        markup=False,
        highlight=False,
    )


def markdown(rows: list[Row], commands: dict[str, str]) -> str:
    """Return the table as Markdown, with the commands below it."""
    lines = [
        "| benchmark | figure | measured | ceiling, same run | ratio | target | |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        cells = (
            row.benchmark,
            row.figure,
            row.measured,
            row.ceiling,
            row.ratio,
            row.target,
            row.verdict,
        )
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    lines += ["", "```sh"]
    lines += [f"{command}" for command in commands.values()]
    lines += ["```", ""]
    return "\n".join(lines)


# --- entry point -------------------------------------------------------------------


def parse_arguments() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    names = ",".join(BY_NAME)
    parser.add_argument(
        "--only", default=names, help=f"benchmarks to run, comma-separated ({names})"
    )
    parser.add_argument(
        "--args",
        action="append",
        default=[],
        metavar='NAME="OPTIONS"',
        help="options for one benchmark instead of make bench's (repeatable)",
    )
    parser.add_argument("--tiny", action="store_true", help="the smallest sizes: a smoke run")
    parser.add_argument("--no-postgres", action="store_true", help="run on SQLite only")
    parser.add_argument("--table", action="store_true", help="show the last figures; run nothing")
    args = parser.parse_args()
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in args.only if name not in BY_NAME]
    if unknown:
        parser.error(f"no benchmark named {', '.join(unknown)}; there are {names}")
    args.options = {}
    for given in args.args:
        name, equals, options = given.partition("=")
        if not equals or name not in BY_NAME:
            parser.error(f'--args takes NAME="OPTIONS" with NAME one of {names}; got {given!r}')
        args.options[name] = options
    return args


def main() -> int:
    """Run the chosen benchmarks in turn, then show the table of their figures."""
    args = parse_arguments()
    failed = []
    if not args.table:
        for name in args.only:
            benchmark = BY_NAME[name]
            default = benchmark.tiny if args.tiny else benchmark.options
            command = command_of(benchmark, args.options.get(name, default), args.no_postgres)
            started = datetime.now(UTC)
            clock = time.monotonic()
            code, report = run(command)
            if code == 0 and name == "shopify_actions" and not recorded_since(name, started):
                record_shopify_actions(report, command)
            if code != 0:
                failed.append(f"{name} (exit {code})")
            benchkit.progress(f"bench: {name} took {time.monotonic() - clock:.0f} s")
    show(*table_rows(args.only))
    if failed:
        print(f"bench: these found their own work wrong or could not run: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
