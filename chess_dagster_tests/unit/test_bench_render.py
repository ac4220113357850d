"""The benchmarks' figures in the docs are what their JSON renders (``bench/render.py``)."""

from __future__ import annotations

from typing import Any

from bench.render import BLOCK, DOCS, moves_scale_report, report, soak_report, stale_blocks

RESULT = {
    "args": {"players": 2, "latency_ms": 20.0, "allowed_in_flight": 8},
    "months": ["2024-01", "2024-02"],
    "floor_requests": 10,
    "floor_s": 0.03,
    "normalize_and_load_s": 0.5,
    "work_s": {"cold": 1.5},
    "figures": {"warm work / cold work": 0.1, "cold 429s": 0},
    "targets_met": {"cold 429s": True},
    "phases": [
        {
            "name": "start-up (no-op run)",
            "wall_s": 1.0,
            "requests": 0,
            "by_status": {},
            "rows": 0,
            "rows_per_s": 0.0,
            "peak_rss_mib": 300.0,
        },
        {
            "name": "cold",
            "wall_s": 2.5,
            "requests": 12,
            "by_status": {"200": 10, "503": 2},
            "rows": 80,
            "rows_per_s": 32.0,
            "peak_rss_mib": 400.0,
        },
    ],
}


def test_every_benchmark_block_in_the_docs_equals_what_its_json_renders() -> None:
    assert stale_blocks() == []


def test_the_docs_hold_every_benchmark_and_the_soak() -> None:
    kinds = {block.group("kind") for page in DOCS.glob("*.md") for block in BLOCK.finditer(page.read_text())}
    assert kinds == {"backfill", "scale", "soak", "moves", "moves_scale", "rosters"}


def test_a_soak_report_has_a_row_per_round_and_counts_the_rounds_that_held() -> None:
    held = {"number": 1, "fault": "none", "months": "2022-01...2022-02", "exit_codes": "0", "requests": 24}
    held |= {"faults_injected": 0, "rows_expected": 398, "rows_found": 398, "exact": True, "seconds": 3.84}
    lost = held | {"number": 2, "rows_found": 397, "exact": False, "faults_injected": 3, "ok": False}
    lines = soak_report([held | {"ok": True}, lost]).splitlines()
    assert lines[2] == "| 1 | none | 2022-01...2022-02 | 0 | 24 | 0 | 398 | 398 | yes | 3.8 |"
    assert lines[3] == "| 2 | none | 2022-01...2022-02 | 0 | 24 | 3 | 398 | 397 | NO | 3.8 |"
    assert lines[-1] == "1 of 2 rounds hold exactly the fixture's games; 3 faults injected in 48 requests"


def test_a_report_tells_the_workload_each_phase_and_each_figures_verdict() -> None:
    lines = report(RESULT).splitlines()
    assert lines[0] == "2 players x 2 months (2024-01..2024-02), 20 ms latency, 8 requests in flight allowed"
    assert lines[1].endswith("start-up of one run: 1.0 s")
    (cold,) = [line for line in lines if line.startswith("| cold ")]
    assert [cell.strip() for cell in cold.split("|")[1:-1]] == [
        "cold",
        "2.50",
        "1.5",
        "12",
        "10",
        "0",
        "0",
        "2",
        "80",
        "32.0",
        "400.0",
    ]
    assert lines[-2].split() == ["warm", "work", "/", "cold", "work", "0.1", "no", "target"]
    assert lines[-1].split() == ["cold", "429s", "0", "target", "met"]


def test_a_moves_scale_report_counts_the_seconds_the_asset_did_not_account_for_as_other() -> None:
    result: dict[str, Any] = {"args": {"players": 2}, "months": ["2024-01", "2024-02"]}
    result |= {"warehouse": "PostgreSQL", "cold_wall_s": 9.5, "games": 1000, "move_rows": 80000}
    result |= {"wall_s": 20.0, "read_s": 1.5, "parse_s": 10.0, "write_s": 4.0, "peak_rss_mib": 512.0}
    result |= {"mib_per_1000_games": 12.5}
    lines = moves_scale_report(result).splitlines()
    assert lines[0] == "2 players x 2 months (2024-01..2024-02), PostgreSQL; the cold load before it: 9.50 s"
    assert [cell.strip() for cell in lines[-1].split("|")[1:-1]] == [
        "1,000",
        "80,000",
        "20.00",
        "1.50",
        "10.00",
        "4.00",
        "4.50",
        "50",
        "512.0",
        "12.5",
    ]
