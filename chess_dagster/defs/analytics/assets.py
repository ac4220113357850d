"""A first analytics layer: DuckDB SQL over the raw chess tables, one month partition at a time.

DuckDB only for now (``arg_max``, ``regexp_extract``, ``group by all``, ``if()``): on another
warehouse these assets fail; the raw tables, their checks and the sensors do not depend on them.

Each asset rebuilds its month in one transaction (delete the month, insert it again), so a re-run
replaces rather than adds. They materialize on their own when their month of games changes, and
carry a row count and a markdown preview; ``chess_analytics_automation`` evaluates their
automation conditions.
"""

from collections.abc import Sequence

import dagster as dg

from chess_dagster.defs.ingest.keys import GAMES_KEY, PLAYERS_KEY
from chess_dagster.defs.ingest.partitions import monthly_partitions
from chess_dagster.defs.resources import ChessWarehouse
from chess_dagster.lib.settings import DUCKDB_POOL

SCHEMA = "chess_analytics"
DRAWS = ("agreed", "repetition", "stalemate", "insufficient", "50move", "timevsinsufficient")
PLAYER_MONTH_STATS = f"{SCHEMA}.player_month_stats"
OPENINGS = f"{SCHEMA}.openings"

PLAYER_MONTH_STATS_DDL = f"""
create table if not exists {PLAYER_MONTH_STATS} (
    month varchar, player varchar, games bigint,
    wins_as_white bigint, draws_as_white bigint, losses_as_white bigint,
    wins_as_black bigint, draws_as_black bigint, losses_as_black bigint,
    bullet_games bigint, blitz_games bigint, rapid_games bigint, daily_games bigint,
    avg_opponent_rating double, rating_at_month_end bigint
)"""

PLAYER_MONTH_STATS_SQL = f"""
insert into {PLAYER_MONTH_STATS}
with sides as (
    select p.username as player, g.time_class, g.end_time,
           lower(g.white__username) = p.username as as_white,
           if(lower(g.white__username) = p.username, g.white__result, g.black__result) as result,
           if(lower(g.white__username) = p.username, g.white__rating, g.black__rating) as rating,
           if(lower(g.white__username) = p.username, g.black__rating, g.white__rating) as opponent_rating
    from chess_data.players_games g
    join chess_data.players p on p.username in (lower(g.white__username), lower(g.black__username))
    where g.archive_month = $month
), scored as (
    select *,
           case when result = 'win' then 'win' when result in {DRAWS} then 'draw' else 'loss' end as outcome
    from sides
)
select $month, player, count(*),
       count(*) filter (as_white and outcome = 'win'), count(*) filter (as_white and outcome = 'draw'),
       count(*) filter (as_white and outcome = 'loss'),
       count(*) filter (not as_white and outcome = 'win'),
       count(*) filter (not as_white and outcome = 'draw'),
       count(*) filter (not as_white and outcome = 'loss'),
       count(*) filter (time_class = 'bullet'), count(*) filter (time_class = 'blitz'),
       count(*) filter (time_class = 'rapid'), count(*) filter (time_class = 'daily'),
       round(avg(opponent_rating), 1), arg_max(rating, end_time)
from scored group by player
"""

OPENINGS_DDL = f"""
create table if not exists {OPENINGS} (
    month varchar, eco varchar, opening varchar, games bigint, white_score double
)"""

# White's score: 1 for a white win, 0.5 for a draw, 0 for a loss. Games without `eco` (chess960,
# older archives) have no opening.
OPENINGS_SQL = f"""
insert into {OPENINGS}
select $month,
       split_part(regexp_extract(eco, '/openings/([^/?#]+)', 1), '/', 1) as eco,
       regexp_extract(eco, '/openings/([^/?#]+)', 1) as opening,
       count(*),
       round(avg(case when white__result = 'win' then 1.0
                      when white__result in {DRAWS} then 0.5 else 0.0 end), 3)
from chess_data.players_games
where archive_month = $month and eco is not null
group by all
"""


# Rebuild a month when its games change: eager() would only ever consider the latest month, and
# a weekly roster refresh must not rebuild every month.
ON_GAMES_MONTH_UPDATED = (
    dg.AutomationCondition.any_deps_updated().ignore(dg.AssetSelection.assets(PLAYERS_KEY))
    & ~dg.AutomationCondition.any_deps_missing()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()
)


def _markdown(columns: Sequence[str], rows: Sequence[tuple]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _rebuild_month(
    warehouse: ChessWarehouse, table: str, ddl: str, insert_sql: str, month: str, order_by: str
) -> dg.MaterializeResult:
    with warehouse.get_connection() as connection:
        connection.execute(f"create schema if not exists {SCHEMA}")
        connection.execute(ddl)
        connection.execute("begin transaction")
        connection.execute(f"delete from {table} where month = ?", [month])
        connection.execute(insert_sql, {"month": month})
        connection.execute("commit")
        rows = connection.execute(f"select count(*) from {table} where month = ?", [month]).fetchone()[0]
        preview = connection.execute(
            f"select * from {table} where month = ? order by {order_by} limit 5", [month]
        )
        columns = [description[0] for description in preview.description]
        markdown = _markdown(columns, preview.fetchall())
    return dg.MaterializeResult(
        metadata={"dagster/partition_row_count": rows, "preview": dg.MetadataValue.md(markdown)}
    )


def _analytics_asset(name: str, description: str, upstream: Sequence[dg.AssetKey]):
    return dg.asset(
        key=["chess", name],
        description=description,
        group_name="chess_analytics",
        deps=list(upstream),
        partitions_def=monthly_partitions,
        automation_condition=ON_GAMES_MONTH_UPDATED,
        pool=DUCKDB_POOL,
        kinds={"duckdb", "sql"},
    )


@_analytics_asset(
    "player_month_stats",
    "Per player and month: results by colour and time class, average opponent rating, rating at month end.",
    [GAMES_KEY, PLAYERS_KEY],
)
def player_month_stats(context: dg.AssetExecutionContext, warehouse: ChessWarehouse) -> dg.MaterializeResult:
    return _rebuild_month(
        warehouse,
        PLAYER_MONTH_STATS,
        PLAYER_MONTH_STATS_DDL,
        PLAYER_MONTH_STATS_SQL,
        context.partition_key,
        order_by="games desc, player",
    )


@_analytics_asset("openings", "Per month and ECO opening: games played and white's score.", [GAMES_KEY])
def openings(context: dg.AssetExecutionContext, warehouse: ChessWarehouse) -> dg.MaterializeResult:
    return _rebuild_month(
        warehouse, OPENINGS, OPENINGS_DDL, OPENINGS_SQL, context.partition_key, order_by="games desc, opening"
    )


def _no_rows_where(
    warehouse: ChessWarehouse, table: str, condition: str, problem: str
) -> dg.AssetCheckResult:
    """Pass when no row of ``table`` matches ``condition``; else say how many rows have ``problem``."""
    with warehouse.get_connection() as connection:
        bad = connection.execute(f"select count(*) from {table} where {condition}").fetchone()[0]
    return dg.AssetCheckResult(
        passed=bad == 0, metadata={"bad_rows": bad}, description=f"{bad} row(s) {problem}" if bad else None
    )


@dg.asset_check(
    asset=player_month_stats,
    blocking=True,
    pool=DUCKDB_POOL,
    description="Wins, draws and losses add up to the games of each player and month.",
)
def results_add_up(warehouse: ChessWarehouse) -> dg.AssetCheckResult:
    return _no_rows_where(
        warehouse,
        PLAYER_MONTH_STATS,
        "games != wins_as_white + draws_as_white + losses_as_white"
        " + wins_as_black + draws_as_black + losses_as_black",
        "where results do not add up to games",
    )


@dg.asset_check(
    asset=openings,
    blocking=True,
    pool=DUCKDB_POOL,
    description="White's score is between 0 and 1 and every opening has games.",
)
def scores_in_range(warehouse: ChessWarehouse) -> dg.AssetCheckResult:
    return _no_rows_where(warehouse, OPENINGS, "white_score not between 0 and 1 or games < 1", "out of range")


analytics_automation = dg.AutomationConditionSensorDefinition(
    "chess_analytics_automation",
    target=dg.AssetSelection.groups("chess_analytics"),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
)
