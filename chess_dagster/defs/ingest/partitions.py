"""Month partitions for the games asset: keys ``YYYY-MM``, Chess.com's Pacific months, the month in
progress included."""

from collections.abc import Sequence
from datetime import datetime

import dagster as dg

from chess_dagster.lib.settings import settings
from chess_dagster.sources.chess_com.months import CHESS_TIMEZONE, CHESS_TZ, now

monthly_partitions = dg.MonthlyPartitionsDefinition(
    start_date=settings().start_month,
    fmt="%Y-%m",
    # Chess.com's archive months: a game ending at 03:00 UTC on the 1st belongs to the month before.
    timezone=CHESS_TIMEZONE,
    # end_offset=1 adds the month in progress: Chess.com archives a game in the month it ended.
    end_offset=1,
)


def games_months() -> Sequence[str]:
    """The games partitions' keys by the platform's clock (``sources/chess_com/months.now``): the first
    configured month to the month in progress at Chess.com."""
    return monthly_partitions.get_partition_keys(current_time=datetime.fromtimestamp(now(), CHESS_TZ))
