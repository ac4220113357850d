"""How far a load is, told while it runs. Not dlt's ``LogCollector``: it is silent while the source
waits on the network and knows nothing of requests or months (docs/loads.md)."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from dlt.common.runtime.collector import Collector

from chess_dagster.lib.errors import ChessConfigError
from chess_dagster.sources.chess_com.client import RequestStats

log = logging.getLogger(__name__)

PHASES = ("extract", "normalize", "load")
DLT_COUNTERS = ("Resources", "Files", "Items", "Jobs")
KINDS = PROFILES, STATS, PLAYERS, MONTHS = "profiles", "stats", "players", "archive months"


class SourceProgress:
    def __init__(self) -> None:
        self.done: dict[str, int] = {}
        self.total: dict[str, int] = {}
        self._lock = threading.Lock()

    def planned(self, kind: str, total: Callable[[], int]) -> None:
        with self._lock:
            if kind not in self.total:
                self.total[kind] = total()
                self.done[kind] = 0

    def advanced(self, kind: str, units: int = 1) -> None:
        with self._lock:
            self.done[kind] = self.done.get(kind, 0) + units

    def kinds(self) -> list[tuple[str, int, int]]:
        with self._lock:
            begun = [(kind, self.done[kind], total) for kind, total in self.total.items()]
        return sorted(begun, key=lambda k: KINDS.index(k[0]) if k[0] in KINDS else len(KINDS))


def _bookkeeping(counter: str) -> bool:
    return counter in DLT_COUNTERS or counter.startswith("_dlt")


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def seconds(value: float) -> str:
    whole = round(value)
    return f"{whole} s" if whole < 60 else f"{whole // 60} min {whole % 60} s"


def time_left(elapsed_s: float, kinds: list[tuple[str, int, int]]) -> str | None:
    """None below 5% done: the first answers' pace is noise (they wait for the titled list). A kind
    not begun yet is not counted, so a first estimate can be short."""
    unfinished = [(done, total) for _, done, total in kinds if done < total]
    if not unfinished or any(done * 20 < total for done, total in unfinished):
        return None
    return f"~{seconds(max(1.0, *(elapsed_s * (total - done) / done for done, total in unfinished)))} left"


def extract_figures(requests: RequestStats, source: SourceProgress, rows: int) -> list[str]:
    answers = requests.answers()
    notable = ", ".join(f"{status}: {answers[status]}" for status in ("304", "429", "5xx"))
    figures = [f"{kind} {done:,}/{total:,}" for kind, done, total in source.kinds()]
    figures.append(f"{plural(requests.attempts, 'request')} ({notable})")
    if requests.limit_now is not None:
        figures.append(f"in-flight limit {requests.limit_now}/{requests.limit_max}")
    figures.append(f"{rows:,} rows")
    return figures


class LoadProgress(Collector):
    """Phases are dlt's traced steps, not the collector's own context, which dlt opens per source and
    per package (the pipeline's state is a second source)."""

    def __init__(self, requests: RequestStats, source: SourceProgress, every_s: float = 3.0) -> None:
        if every_s <= 0:
            raise ChessConfigError(
                f"progress_every_s={every_s} must be above 0 (seconds between progress lines)"
            )
        self.requests = requests
        self.source = source
        self.every_s = every_s
        self.step = ""
        self.phase = ""
        self._counters: Counter[str] = Counter()
        self._totals: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._started = 0.0
        self._stopped = threading.Event()
        self._clock: threading.Thread | None = None

    def update(
        self,
        name: str,
        inc: int = 1,
        total: int | None = None,
        inc_total: int | None = None,
        message: str | None = None,
        label: str | None = None,
    ) -> None:
        if label:  # labelled counters (failed jobs) are parts of a counter counted already
            return
        with self._lock:
            self._counters[name] += inc
            if total is not None:
                self._totals[name] = total
            self._totals[name] += inc_total or 0

    def rows(self) -> int:
        with self._lock:
            return sum(n for name, n in self._counters.items() if not _bookkeeping(name))

    def figures(self) -> list[str]:
        if self.phase == "extract":
            return extract_figures(self.requests, self.source, self.rows())
        with self._lock:
            counted = [
                f"{name.lower()} {n:,}/{self._totals[name]:,}"
                if self._totals[name]
                else f"{name.lower()} {n:,}"
                for name, n in self._counters.items()
                if name in DLT_COUNTERS
            ]
        return [f"{self.rows():,} rows", *counted] if self.phase == "normalize" else counted

    def line(self, ended: str = "", elapsed_s: float | None = None) -> str:
        elapsed = elapsed_s if elapsed_s is not None else time.monotonic() - self._started
        figures = self.figures()
        if ended:
            head = f"{self.phase} {ended} in {elapsed:.1f} s"
        else:
            head = f"{self.phase} {seconds(elapsed)}"
            left = time_left(elapsed, self.source.kinds()) if self.phase == "extract" else None
            figures += [left] if left else []
        return f"{head}: {', '.join(figures)}" if figures else head

    def _tick(self) -> None:
        """A line also when nothing moved: a stalled load says so by its clock."""
        while not self._stopped.wait(self.every_s):
            log.info(self.line())

    def on_start_trace_step(self, trace: Any, step: str, pipeline: Any) -> None:
        if step not in PHASES:
            return
        with self._lock:
            self._counters.clear()
            self._totals.clear()
        self.phase = step
        self._started = time.monotonic()
        self._stopped.clear()
        self._clock = threading.Thread(target=self._tick, name=f"progress-{step}", daemon=True)
        self._clock.start()

    def on_end_trace_step(
        self, trace: Any, step: Any, pipeline: Any, step_info: Any, send_state: bool
    ) -> None:
        if step.step not in PHASES:
            return
        self._stopped.set()
        if self._clock is not None:
            self._clock.join()
            self._clock = None
        elapsed = (step.finished_at - step.started_at).total_seconds()
        # dlt traces Exceptions only: a terminated or interrupted run has no step_exception.
        interrupted = not isinstance(sys.exc_info()[1], Exception | None)
        ended = "failed" if step.step_exception else "stopped" if interrupted else "done"
        log.info(self.line(ended=ended, elapsed_s=elapsed))

    def _start(self, step: str) -> None:
        """The trace hooks count the phases."""

    def _stop(self) -> None:
        """See ``_start``."""
