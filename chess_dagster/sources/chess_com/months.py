"""Every notion of month in the platform comes from here: Chess.com files a game in the month it
ended in US Pacific time, not UTC (docs/months.md). One clock, :func:`now`, which tests hold."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

from chess_dagster.lib.errors import ExplainedError
from chess_dagster.lib.month_format import MONTH

CHESS_TIMEZONE = "America/Los_Angeles"
CHESS_TZ = ZoneInfo(CHESS_TIMEZONE)
# Chess.com refreshes archives every 12-24 hours.
CLOSED_AFTER_S = 2 * 86400

_frozen_now: float | None = None


class MonthRangeError(ExplainedError, ValueError):
    """The message says what to write."""


def now() -> float:
    return time.time() if _frozen_now is None else _frozen_now


@contextmanager
def clock_at(instant: float) -> Iterator[None]:
    global _frozen_now
    before, _frozen_now = _frozen_now, instant
    try:
        yield
    finally:
        _frozen_now = before


def current_month(at: float | None = None) -> str:
    return datetime.fromtimestamp(now() if at is None else at, CHESS_TZ).strftime("%Y-%m")


def month_bounds(month: str) -> tuple[datetime, datetime]:
    year, mm = (int(part) for part in month.split("-"))
    starts = datetime(year, mm, 1, tzinfo=CHESS_TZ)
    return starts, datetime(year + mm // 12, mm % 12 + 1, 1, tzinfo=CHESS_TZ)


def is_closed(month: str, at: float | None = None) -> bool:
    month_end = month_bounds(month)[1].timestamp()
    return month_end + CLOSED_AFTER_S < (now() if at is None else at)


def previous_month(month: str) -> str:
    year, mm = (int(part) for part in month.split("-"))
    return f"{year - 1}-12" if mm == 1 else f"{year}-{mm - 1:02d}"


def months_to_finish(at: float, open_in_ledger: Iterable[str], first: str) -> tuple[str, str]:
    """Months are asked for again until a fetch after they settled records them closed, so their
    last hours' games land even when a run was missed (docs/months.md)."""
    in_progress = current_month(at)
    before = previous_month(in_progress)
    unfinished = [m for m in open_in_ledger if m < in_progress]
    if not is_closed(before, at):
        unfinished.append(before)
    earliest = min([in_progress, *unfinished])
    return max(earliest, min(first, in_progress)), in_progress


def month_path(username: str, month: str) -> str:
    year, mm = month.split("-")
    return f"player/{username}/games/{year}/{mm}"


def month_span(months: Iterable[str]) -> str:
    ordered = sorted(months)
    return ordered[0] if len(ordered) == 1 else f"{ordered[0]}...{ordered[-1]}"


def parse_month_range(spec: str, partitions: Sequence[str]) -> tuple[str, str]:
    start, dots, end = spec.partition("...")
    end = end if dots else start
    for month in (start, end):
        if not MONTH.fullmatch(month):
            raise MonthRangeError(
                f"{month!r} is not a month: write YYYY-MM (2022-01) or a range (2022-01...2022-03)"
            )
        if month < partitions[0]:
            raise MonthRangeError(
                f"{month} is before the first games partition {partitions[0]}: "
                f"set CHESS_START_MONTH={month} to load it"
            )
        if month > partitions[-1]:
            raise MonthRangeError(
                f"{month} has not started yet at Chess.com: the last games partition is "
                f"{partitions[-1]}, the month in progress in US Pacific time"
            )
    if start > end:
        raise MonthRangeError(f"the range {spec} ends before it starts: write {end}...{start}")
    return start, end
