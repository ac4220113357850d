"""Month partitions for the games asset: keys ``YYYY-MM``, the current (growing) month included."""

from collections.abc import Iterable

import dagster as dg

from chess_dagster.settings import games_start_month

monthly_partitions = dg.MonthlyPartitionsDefinition(
    start_date=games_start_month(),
    fmt="%Y-%m",
    # end_offset=1 adds the month in progress: Chess.com archives a game in the month it ended.
    end_offset=1,
)


def month_span(months: Iterable[str]) -> str:
    """``2022-01`` for one month, ``2022-01...2022-03`` for several: how Dagster writes a range."""
    ordered = sorted(months)
    return ordered[0] if len(ordered) == 1 else f"{ordered[0]}...{ordered[-1]}"
