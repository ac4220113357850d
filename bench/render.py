"""The benchmarks' figures in the docs, rendered from ``bench/results/*.json``, never typed by hand.

A docs page holds a benchmark's report between two markers::

    <!-- bench:backfill -->
    ...what `python -m bench.render` writes from the latest bench/results/backfill-*.json...
    <!-- /bench:backfill -->

``make bench``, ``make bench-scale`` and ``make soak`` write the JSON and print the same report
(``report``, ``soak_report``), then rewrite every block; ``python -m bench.render --check`` exits
1 naming each block that differs from its JSON (a unit test runs the same check).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DOCS = ROOT / "docs"
BLOCK = re.compile(r"(<!-- bench:(?P<kind>[a-z_]+) -->\n)(?P<body>.*?)(<!-- /bench:(?P=kind) -->)", re.DOTALL)
# The phases table's columns and their widths.
COLUMNS = {
    "wall s": 7,
    "work s": 7,
    "requests": 8,
    "200": 5,
    "304": 4,
    "429": 4,
    "5xx": 4,
    "rows": 7,
    "rows/s": 8,
    "peak RSS MiB": 12,
}

log = logging.getLogger("bench.render")


def latest_result(kind: str, results: Path = RESULTS) -> tuple[Path, Any]:
    """The newest ``<kind>-<time>.json`` (the time sorts as text) and what it holds."""
    paths = sorted(results.glob(f"{kind}-*.json"))
    if not paths:
        raise FileNotFoundError(f"no bench/results/{kind}-*.json: run `make bench` or `make bench-scale`")
    return paths[-1], json.loads(paths[-1].read_text())


def report(result: dict[str, Any]) -> str:
    """The workload, the phases as a Markdown table, then each figure with its verdict."""
    args, months = result["args"], result["months"]
    startup = next(p for p in result["phases"] if p["name"].startswith("start-up"))
    cores = f", {result['cores']} cores" if "cores" in result else ""
    latency, in_flight = f"{args['latency_ms']:g} ms", args["allowed_in_flight"]
    lines = [
        f"{args['players']} players x {len(months)} months ({months[0]}..{months[-1]}), "
        f"{latency} latency, {in_flight} requests in flight allowed{cores}",
        f"floor: {result['floor_requests']} requests x {latency} / {in_flight} = {result['floor_s']} s; "
        f"DuckDB normalize+load in the cold run: {result['normalize_and_load_s']} s; "
        f"start-up of one run: {startup['wall_s']} s",
        "",
        *_phase_table(result["phases"], result["work_s"]),
        "",
    ]
    for name, value in result["figures"].items():
        met = result["targets_met"].get(name)
        verdict = "no target" if met is None else "target " + ("met" if met else "NOT met")
        lines.append(f"{name:38} {value!s:>8}   {verdict}")
    return "\n".join(lines)


def _phase_table(phases: list[dict[str, Any]], work: dict[str, float]) -> list[str]:
    header = f"| {'phase':28} | " + " | ".join(f"{name:>{width}}" for name, width in COLUMNS.items()) + " |"
    rule = "|" + "|".join("-" * len(cell) for cell in header.split("|")[1:-1]) + "|"
    rows = [header, rule]
    for phase in phases:
        status = phase["by_status"]
        cells = (
            f"{phase['wall_s']:.2f}",
            work.get(phase["name"], ""),
            phase["requests"],
            status.get("200", 0),
            status.get("304", 0),
            status.get("429", 0),
            sum(count for code, count in status.items() if code.startswith("5")),
            phase["rows"],
            phase["rows_per_s"],
            phase["peak_rss_mib"],
        )
        aligned = (f"{cell!s:>{width}}" for cell, width in zip(cells, COLUMNS.values(), strict=True))
        rows.append(f"| {phase['name']:28} | " + " | ".join(aligned) + " |")
    return rows


def soak_report(rounds: list[dict[str, Any]]) -> str:
    """The soak's rounds as a Markdown table, then how many held exactly the fixture's games."""
    lines = [
        "| # | fault | months | exit | requests | faults injected | rows expected | rows found "
        "| same urls | s |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['number']} | {r['fault']} | {r['months']} | {r['exit_codes']} | {r['requests']} | "
        f"{r['faults_injected']} | {r['rows_expected']} | {r['rows_found']} | "
        f"{'yes' if r['exact'] else 'NO'} | {r['seconds']:.1f} |"
        for r in rounds
    ]
    passed = sum(r["ok"] for r in rounds)
    lines.append(
        f"\n{passed} of {len(rounds)} rounds hold exactly the fixture's games; "
        f"{sum(r['faults_injected'] for r in rounds)} faults injected "
        f"in {sum(r['requests'] for r in rounds)} requests"
    )
    return "\n".join(lines)


def moves_report(result: dict[str, Any]) -> str:
    """The move reader's phases (games read per second, start-up included, and without it), then
    what the moves cost to write and keep on each warehouse."""
    months = result["args"]["months"]
    lines = [
        f"{result['games']:,} games of the fixture API ({months[0]}..{months[-1]}, "
        f"{result['args']['players_per_title']} players per title), {result['cores']} cores",
        "",
        "| phase | wall s | games/s | work s | games/s of work | moves | peak RSS MiB | vs baseline |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {p['name']} | {p['wall_s']:.2f} | {p['games_per_s']:,} | {p['work_s']:.2f} | "
        f"{p['work_games_per_s']:,} | {p['moves']:,} | {p['peak_rss_mib']} | {p['vs_baseline']}x |"
        for p in result["phases"]
    ]
    lines += [
        "",
        "| warehouse | write s | move rows | game rows | MiB per 1,000 games |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {w['name']} | {w['write_s']:.2f} | {w['move_rows']:,} | {w['fact_rows']:,} | "
        f"{w['mib_per_1000_games']} |"
        for w in result["writes"]
    ]
    phases = {p["name"]: p for p in result["phases"]}
    share = phases["floor"]["work_s"] / phases["reader, 1 process"]["work_s"]
    lines += [
        "",
        f"Where the reader's time goes: python-chess's SAN parse and push alone take {share:.0%} of its "
        "work in one process; the rest is the clocks, the columns, check and mate, and the phases.",
        "",
    ]
    for name, value in result["figures"].items():
        verdict = "target " + ("met" if result["targets_met"][name] else "NOT met")
        lines.append(f"{name}: {value:,} ({verdict}: at least 1,000)")
    return "\n".join(lines)


def moves_scale_report(result: dict[str, Any]) -> str:
    """The scale run's moves on PostgreSQL: the run's seconds and where they went, rows, memory, space."""
    args, months = result["args"], result["months"]
    other = result["wall_s"] - result["read_s"] - result["parse_s"] - result["write_s"]
    return "\n".join(
        [
            f"{args['players']} players x {len(months)} months ({months[0]}..{months[-1]}), "
            f"{result['warehouse']}; the cold load before it: {result['cold_wall_s']:.2f} s",
            "",
            "| games | move rows | wall s | read s | parse s | write s | other s | games/s | "
            "peak RSS MiB | MiB per 1,000 games |",
            "|---|---|---|---|---|---|---|---|---|---|",
            f"| {result['games']:,} | {result['move_rows']:,} | {result['wall_s']:.2f} | "
            f"{result['read_s']:.2f} | {result['parse_s']:.2f} | {result['write_s']:.2f} | {other:.2f} | "
            f"{round(result['games'] / result['wall_s']):,} | {result['peak_rss_mib']} | "
            f"{result['mib_per_1000_games']} |",
        ]
    )


TABLE_REPORTS: dict[str, Callable[[Any], str]] = {
    "soak": soak_report,
    "moves": moves_report,
    "moves_scale": moves_scale_report,
}


def rendered_block(kind: str) -> str:
    """A docs block's body: the report (the soak's and the moves' as tables, the others' in a text
    fence) and the file it comes from."""
    path, result = latest_result(kind)
    body = TABLE_REPORTS[kind](result) if kind in TABLE_REPORTS else f"```text\n{report(result)}\n```"
    return f"{body}\n\nFrom `{path.relative_to(ROOT)}`.\n"


def render(page: str) -> str:
    """``page`` with each benchmark block rewritten from its latest JSON."""
    return BLOCK.sub(lambda m: m.group(1) + rendered_block(m.group("kind")) + m.group(4), page)


def stale_blocks(docs: Path = DOCS) -> list[str]:
    """``page: kind`` for each block whose text is not what its JSON renders."""
    stale = []
    for page in sorted(docs.glob("*.md")):
        for block in BLOCK.finditer(page.read_text()):
            if block.group("body") != rendered_block(block.group("kind")):
                stale.append(f"{page.relative_to(ROOT)}: {block.group('kind')}")
    return stale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a block differs from its JSON")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.check:
        stale = stale_blocks()
        for block in stale:
            log.error("%s differs from its JSON: run python -m bench.render", block)
        sys.exit(1 if stale else 0)
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text()
        if (new := render(text)) != text:
            page.write_text(new)
            log.info("rendered %s", page.relative_to(ROOT))


if __name__ == "__main__":
    main()
