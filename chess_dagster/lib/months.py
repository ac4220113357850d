"""Months as the platform names them: ``YYYY-MM`` strings, the games partitions' keys.

Plain string arithmetic (``YYYY-MM`` sorts like the months it names), so it can be checked
without a Dagster partitions definition or a clock.
"""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from chess_dagster.lib.errors import ExplainedError

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
# A month is closed (its archive stops changing) this long after it ends: Chess.com refreshes
# archives at most every 12-24 hours.
CLOSED_AFTER_S = 2 * 86400


class MonthRangeError(ExplainedError, ValueError):
    """A month or a range of months that cannot be loaded; the message says what to write."""


def current_month(now: float | None = None) -> str:
    return time.strftime("%Y-%m", time.gmtime(time.time() if now is None else now))


def is_closed(month: str, now: float | None = None) -> bool:
    """Whether ``month``'s archive has stopped changing."""
    year, mm = (int(part) for part in month.split("-"))
    month_end = calendar.timegm((year + mm // 12, mm % 12 + 1, 1, 0, 0, 0))
    return month_end + CLOSED_AFTER_S < (time.time() if now is None else now)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """When ``month`` starts and when the next one starts, in UTC (Chess.com's archive months)."""
    year, mm = (int(part) for part in month.split("-"))
    starts = datetime(year, mm, 1, tzinfo=UTC)
    return starts, datetime(year + mm // 12, mm % 12 + 1, 1, tzinfo=UTC)


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
    progress.
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
                f"{month} has not started yet: the last games partition is {partitions[-1]}, "
                "the month in progress"
            )
    if start > end:
        raise MonthRangeError(f"the range {spec} ends before it starts: write {end}...{start}")
    return start, end
