"""Months as Chess.com names them: ``YYYY-MM`` strings, the games partitions' keys.

Chess.com files a game in the month it ended in **US Pacific time** (America/Los_Angeles,
daylight saving included), not UTC: a November archive holds games that ended up to 07:59 UTC on
1 December, a March one up to 06:59 UTC on 1 April. Every notion of month in the platform comes
from here: the month in progress, when an archive has closed, the bounds the checks use, the
months the schedule asks for, and ``chess-load``'s range checks.

The platform has one clock, :func:`now`; tests move it with :func:`clock_at` to evaluate months
in progress and closings at the instants that matter.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

from chess_dagster.lib.errors import ExplainedError
from chess_dagster.lib.month_format import MONTH

# The time zone of Chess.com's archive months.
CHESS_TIMEZONE = "America/Los_Angeles"
CHESS_TZ = ZoneInfo(CHESS_TIMEZONE)
# A month is closed (its archive stops changing) this long after it ends: Chess.com refreshes
# archives at most every 12-24 hours.
CLOSED_AFTER_S = 2 * 86400

_frozen_now: float | None = None


class MonthRangeError(ExplainedError, ValueError):
    """A month or a range of months that cannot be loaded; the message says what to write."""


def now() -> float:
    """The platform's clock in epoch seconds: the real time unless a test holds it (:func:`clock_at`)."""
    return time.time() if _frozen_now is None else _frozen_now


@contextmanager
def clock_at(instant: float) -> Iterator[None]:
    """Hold the platform's clock at ``instant`` (epoch seconds) while the block runs."""
    global _frozen_now
    before, _frozen_now = _frozen_now, instant
    try:
        yield
    finally:
        _frozen_now = before


def current_month(at: float | None = None) -> str:
    """The month in progress at Chess.com at ``at`` (default :func:`now`): its Pacific month."""
    return datetime.fromtimestamp(now() if at is None else at, CHESS_TZ).strftime("%Y-%m")


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """When ``month`` starts and when the next one starts: Pacific midnights, as aware datetimes."""
    year, mm = (int(part) for part in month.split("-"))
    starts = datetime(year, mm, 1, tzinfo=CHESS_TZ)
    return starts, datetime(year + mm // 12, mm % 12 + 1, 1, tzinfo=CHESS_TZ)


def is_closed(month: str, at: float | None = None) -> bool:
    """Whether ``month``'s archive has stopped changing at ``at`` (default :func:`now`)."""
    month_end = month_bounds(month)[1].timestamp()
    return month_end + CLOSED_AFTER_S < (now() if at is None else at)


def previous_month(month: str) -> str:
    year, mm = (int(part) for part in month.split("-"))
    return f"{year - 1}-12" if mm == 1 else f"{year}-{mm - 1:02d}"


def months_to_finish(at: float, open_in_ledger: Iterable[str], first: str) -> tuple[str, str]:
    """The months a scheduled load at ``at`` asks for, as a range (first, last): the month in
    progress, the month before it until it has closed by the clock, and every earlier month the
    ledger holds as fetched before it closed (``open_in_ledger``), none before ``first``.

    A month is so asked for again until a fetch after it settled records it closed: its last
    hours' games (Pacific midnight comes 7-8 hours after UTC's) land even when a run was missed.
    """
    in_progress = current_month(at)
    before = previous_month(in_progress)
    unfinished = [m for m in open_in_ledger if m < in_progress]
    if not is_closed(before, at):
        unfinished.append(before)
    earliest = min([in_progress, *unfinished])
    return max(earliest, min(first, in_progress)), in_progress


def month_path(username: str, month: str) -> str:
    """The PubAPI path of ``username``'s archive for ``month``."""
    year, mm = month.split("-")
    return f"player/{username}/games/{year}/{mm}"


def month_span(months: Iterable[str]) -> str:
    """``2022-01`` for one month, ``2022-01...2022-03`` for several: how Dagster writes a range."""
    ordered = sorted(months)
    return ordered[0] if len(ordered) == 1 else f"{ordered[0]}...{ordered[-1]}"


def parse_month_range(spec: str, partitions: Sequence[str]) -> tuple[str, str]:
    """``YYYY-MM`` or ``YYYY-MM...YYYY-MM`` as (first, last), checked against ``partitions``.

    ``partitions`` are the games partitions in order: the first configured month to the month in
    progress at Chess.com.
    """
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
