"""A first analytics layer: SQL over the raw chess tables, one month partition at a time.

The SQL is portable (no ``arg_max``, ``regexp_extract``, ``group by all`` or ``if()``, DuckDB's
own) and runs through dlt's SQL client, so the same statements build the tables on DuckDB and on
PostgreSQL: one source of truth, tested on both, without a translation layer to trust.

Each asset rebuilds its month in one transaction (delete the month, insert it again), so a re-run
replaces rather than adds. They materialize on their own when their month of games changes, and
carry a row count and a markdown preview; ``chess_analytics_automation`` evaluates their
automation conditions.
"""

from collections.abc import Sequence

import dagster as dg
from dlt.destinations.sql_client import SqlClientBase

from chess_dagster.defs.ingest.keys import GAMES_KEY, PLAYERS_KEY
from chess_dagster.defs.ingest.partitions import monthly_partitions
from chess_dagster.defs.resources import ChessWarehouse
from chess_dagster.lib.warehouse import warehouse_pool

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
    avg_opponent_rating double precision, rating_at_month_end bigint
)"""

# Parameters (%s): the month, twice. The rating at month end is the rating of the player's last
# game with a rating (a window, where DuckDB alone would say arg_max). Averages are rounded from an
# exact decimal: DuckDB's plain `numeric` has 3 digits and would round twice.
PLAYER_MONTH_STATS_SQL = f"""
insert into {PLAYER_MONTH_STATS}
with sides as (
    select p.username as player, g.time_class, g.end_time,
           lower(g.white__username) = p.username as as_white,
           case when lower(g.white__username) = p.username then g.white__result else g.black__result end
               as result,
           case when lower(g.white__username) = p.username then g.white__rating else g.black__rating end
               as rating,
           case when lower(g.white__username) = p.username then g.black__rating else g.white__rating end
               as opponent_rating
    from chess_data.players_games g
    join chess_data.players p on p.username in (lower(g.white__username), lower(g.black__username))
    where g.archive_month = %s
), scored as (
    select *,
           case when result = 'win' then 'win' when result in {DRAWS} then 'draw' else 'loss' end as outcome,
           first_value(rating) over (
               partition by player order by rating is null, end_time is null, end_time desc
           ) as rating_at_month_end
    from sides
)
select %s, player, count(*),
       count(*) filter (where as_white and outcome = 'win'),
       count(*) filter (where as_white and outcome = 'draw'),
       count(*) filter (where as_white and outcome = 'loss'),
       count(*) filter (where not as_white and outcome = 'win'),
       count(*) filter (where not as_white and outcome = 'draw'),
       count(*) filter (where not as_white and outcome = 'loss'),
       count(*) filter (where time_class = 'bullet'), count(*) filter (where time_class = 'blitz'),
       count(*) filter (where time_class = 'rapid'), count(*) filter (where time_class = 'daily'),
       round(cast(avg(opponent_rating) as decimal(38, 10)), 1), max(rating_at_month_end)
from scored group by player
"""

OPENINGS_DDL = f"""
create table if not exists {OPENINGS} (
    month varchar, eco varchar, opening varchar, games bigint, white_score double precision
)"""

# The opening is the path segment after /openings/ in the game's `eco` URL, up to /, ? or #.
_OPENING = "split_part(split_part(split_part(split_part(eco, '/openings/', 2), '?', 1), '#', 1), '/', 1)"

# Parameters (%s): the month, twice. White's score: 1 for a white win, 0.5 for a draw, 0 for a
# loss. Games without `eco` (chess960, older archives) have no opening.
OPENINGS_SQL = f"""
insert into {OPENINGS}
select %s,
       split_part({_OPENING}, '/', 1) as eco,
       {_OPENING} as opening,
       count(*),
       round(cast(avg(case when white__result = 'win' then 1.0
                           when white__result in {DRAWS} then 0.5 else 0.0 end) as decimal(38, 10)), 3)
from chess_data.players_games
where archive_month = %s and eco is not null
group by 2, 3
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
    with warehouse.sql_client() as client:
        client.execute_sql(f"create schema if not exists {SCHEMA}")
        client.execute_sql(ddl)
        with client.begin_transaction():
            client.execute_sql(f"delete from {table} where month = %s", month)
            client.execute_sql(insert_sql, month, month)
        rows = _count(client, f"select count(*) from {table} where month = %s", month)
        preview_sql = f"select * from {table} where month = %s order by {order_by} limit 5"
        with client.execute_query(preview_sql, month) as cursor:
            columns = [description[0] for description in cursor.native_cursor.description]
            markdown = _markdown(columns, cursor.fetchall())
    return dg.MaterializeResult(
        metadata={"dagster/partition_row_count": rows, "preview": dg.MetadataValue.md(markdown)}
    )


def _count(client: SqlClientBase, sql: str, *params: object) -> int:
    return int((client.execute_sql(sql, *params) or [(0,)])[0][0])


def _analytics_asset(name: str, description: str, upstream: Sequence[dg.AssetKey]):
    return dg.asset(
        key=["chess", name],
        description=description,
        group_name="chess_analytics",
        deps=list(upstream),
        partitions_def=monthly_partitions,
        automation_condition=ON_GAMES_MONTH_UPDATED,
        pool=warehouse_pool(),
        # Months rebuild side by side on PostgreSQL, and its `create ... if not exists` is not safe
        # against a concurrent create (one fails on a duplicate key): the retry finds it made.
        retry_policy=dg.RetryPolicy(max_retries=2, delay=1, jitter=dg.Jitter.PLUS_MINUS),
        kinds={"sql"},
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
    with warehouse.sql_client() as client:
        bad = _count(client, f"select count(*) from {table} where {condition}")
    return dg.AssetCheckResult(
        passed=bad == 0, metadata={"bad_rows": bad}, description=f"{bad} row(s) {problem}" if bad else None
    )


@dg.asset_check(
    asset=player_month_stats,
    blocking=True,
    pool=warehouse_pool(),
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
    pool=warehouse_pool(),
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
