"""Month partitions for the games asset: keys ``YYYY-MM``, the current (growing) month included."""

import dagster as dg

from chess_dagster.lib.settings import settings

monthly_partitions = dg.MonthlyPartitionsDefinition(
    start_date=settings().start_month,
    fmt="%Y-%m",
    # end_offset=1 adds the month in progress: Chess.com archives a game in the month it ended.
    end_offset=1,
)
