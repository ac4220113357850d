"""How far a load is: the figures of a progress line, its pace, and the line that ends each phase."""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

import dlt
import pytest
from dlt.common import pendulum
from dlt.pipeline.trace import PipelineStepTrace
from dlt.pipeline.typing import TPipelineStep

from chess_dagster.lib.errors import ChessConfigError
from chess_dagster.sources.chess_com.client import RequestStats
from chess_dagster.sources.chess_com.progress import (
    MONTHS,
    PLAYERS,
    PROFILES,
    LoadProgress,
    SourceProgress,
    seconds,
    time_left,
)

PROGRESS_LOGGER = "chess_dagster.sources.chess_com.progress"


@pytest.fixture
def progress_lines(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO, logger=PROGRESS_LOGGER)

    def lines() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == PROGRESS_LOGGER]

    return lines


def _step_trace(step: TPipelineStep, seconds_taken: float, failed: bool = False):
    """dlt's trace of a pipeline step that took ``seconds_taken`` and ended now."""
    finished = pendulum.now()
    started = finished.subtract(microseconds=int(seconds_taken * 1e6))
    return PipelineStepTrace("span", step, started, finished, step_exception="boom" if failed else None)


def test_time_left_follows_the_slowest_kind_of_work():
    # 10 s in: players half done (10 s more), months a quarter done (30 s more).
    assert time_left(10.0, [(PLAYERS, 50, 100), (MONTHS, 150, 600)]) == "~30 s left"


def test_time_left_is_unknown_until_each_kind_of_work_is_a_twentieth_done_and_once_all_is():
    assert time_left(5.0, [(PLAYERS, 0, 100)]) is None
    assert time_left(5.0, [(PLAYERS, 50, 100), (MONTHS, 4, 100)]) is None
    assert time_left(5.0, [(PLAYERS, 50, 100), (MONTHS, 5, 100)]) == "~1 min 35 s left"
    assert time_left(5.0, [(PLAYERS, 100, 100)]) is None
    assert time_left(5.0, []) is None


def test_durations_read_in_seconds_then_minutes():
    assert [seconds(s) for s in (0.4, 7.6, 125.2)] == ["0 s", "8 s", "2 min 5 s"]


def test_a_kind_of_work_is_counted_once_however_many_threads_plan_it():
    progress = SourceProgress()
    totals = iter([4, 99])
    progress.planned(PLAYERS, lambda: next(totals))
    progress.planned(PLAYERS, lambda: next(totals))
    progress.advanced(PLAYERS)
    assert progress.kinds() == [(PLAYERS, 1, 4)]


def test_kinds_of_work_are_named_in_one_order_whichever_thread_began_first():
    progress = SourceProgress()
    for kind in (MONTHS, PLAYERS, PROFILES):
        progress.planned(kind, lambda: 1)
    assert [kind for kind, _, _ in progress.kinds()] == [PROFILES, PLAYERS, MONTHS]


def test_the_extract_line_tells_work_done_requests_by_status_in_flight_limit_and_rows():
    requests, source = RequestStats(), SourceProgress()
    for status in (200, 200, 304, 429, 503, 200):
        requests.answered(status, 100)
    requests.slot_taken(in_flight=1, limit=2, limit_max=4)
    source.planned(PLAYERS, lambda: 3)
    source.planned(MONTHS, lambda: 6)
    source.advanced(PLAYERS)
    source.advanced(MONTHS, 2)
    progress = LoadProgress(requests, source)
    progress.on_start_trace_step(None, "extract", None)
    progress.update("players_games", 40)
    progress.update("Resources", 1)
    progress.update("_dlt_pipeline_state", 1)

    line = progress.line()

    assert line.startswith("extract 0 s: players 1/3, archive months 2/6, ")
    assert "6 requests (304: 1, 429: 1, 5xx: 1), in-flight limit 2/4, 40 rows, ~" in line
    progress.on_end_trace_step(None, _step_trace("extract", 0.5), None, None, False)


def test_a_running_phase_logs_a_line_every_few_seconds(progress_lines):
    requests = RequestStats()
    progress = LoadProgress(requests, SourceProgress(), every_s=0.05)
    progress.on_start_trace_step(None, "extract", None)
    for _ in range(10):
        requests.answered(200, 100)
        time.sleep(0.05)
    progress.on_end_trace_step(None, _step_trace("extract", 0.5), None, None, False)

    running = [line for line in progress_lines() if re.match(r"extract \d+ s: ", line)]
    assert len(running) >= 4
    assert progress_lines()[-1].startswith("extract done in 0.5 s: ")


def test_a_stalled_phase_still_logs_at_its_pace(progress_lines):
    progress = LoadProgress(RequestStats(), SourceProgress(), every_s=0.05)
    progress.on_start_trace_step(None, "extract", None)
    time.sleep(0.4)
    progress.on_end_trace_step(None, _step_trace("extract", 0.4), None, None, False)

    assert progress_lines().count("extract 0 s: 0 requests (304: 0, 429: 0, 5xx: 0), 0 rows") >= 3


def test_a_phase_that_failed_says_so_with_how_long_it_ran(progress_lines):
    progress = LoadProgress(RequestStats(), SourceProgress(), every_s=10)
    progress.on_start_trace_step(None, "load", None)
    progress.on_end_trace_step(None, _step_trace("load", 2.25, failed=True), None, None, False)

    assert progress_lines() == ["load failed in 2.2 s"]


def test_a_phase_interrupted_by_a_terminated_run_says_stopped(progress_lines):
    progress = LoadProgress(RequestStats(), SourceProgress(), every_s=10)
    progress.on_start_trace_step(None, "extract", None)

    with pytest.raises(KeyboardInterrupt):
        try:
            raise KeyboardInterrupt  # dlt's trace calls the hook in a finally, the interrupt in flight
        finally:
            progress.on_end_trace_step(None, _step_trace("extract", 1.0), None, None, False)

    assert progress_lines()[-1].startswith("extract stopped in 1.0 s: ")


def test_a_dlt_pipeline_with_it_ends_each_phase_with_one_line(progress_lines, tmp_path: Path):
    progress = LoadProgress(RequestStats(), SourceProgress(), every_s=10)
    pipeline = dlt.pipeline(
        pipeline_name="progress_test",
        pipelines_dir=str(tmp_path / "pipelines"),
        destination=dlt.destinations.duckdb(str(tmp_path / "progress.duckdb")),
        progress=progress,
    )

    pipeline.run([{"id": n} for n in range(25)], table_name="numbers")

    extract, normalize, load = progress_lines()
    assert re.fullmatch(r"extract done in \d+\.\d s: 0 requests \(304: 0, 429: 0, 5xx: 0\), 25 rows", extract)
    assert re.fullmatch(r"normalize done in \d+\.\d s: 25 rows, files (\d+)/\1", normalize)
    assert re.fullmatch(r"load done in \d+\.\d s: jobs (\d+)/\1", load)


def test_a_pace_of_zero_seconds_is_refused_in_one_line():
    with pytest.raises(ChessConfigError, match=r"progress_every_s=0 must be above 0"):
        LoadProgress(RequestStats(), SourceProgress(), every_s=0)
