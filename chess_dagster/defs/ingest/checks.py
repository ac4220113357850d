"""Asset checks on the chess tables in the warehouse: row counts against dlt's figures, and quality.

Checks that a wrong load must not get past are blocking ERROR checks: downstream assets of a run
do not start after one fails, and CI (``scripts/check_load.py``) fails on them. They read the
warehouse through dlt's SQL client in portable SQL (DuckDB, PostgreSQL), in the warehouse's pool,
so they never race a load for a DuckDB file.

Games checks look at the months of the run they are in (one partition, or a backfill's range);
run alone (``chess_checks`` job) they look at every month loaded.
"""

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from functools import cached_property
from typing import Any

import dagster as dg
import dlt
from dlt.destinations.sql_client import SqlClientBase

from chess_dagster.defs.ingest.keys import GAMES_KEY, PLAYERS_KEY, PROFILES_KEY
from chess_dagster.defs.ingest.partitions import monthly_partitions
from chess_dagster.defs.resources import ChessWarehouse
from chess_dagster.lib.months import month_bounds
from chess_dagster.lib.settings import DATASET_NAME, settings
from chess_dagster.lib.source import DEFAULT_MAX_PLAYERS
from chess_dagster.lib.warehouse import existing_tables, warehouse_pool

ERROR, WARN = dg.AssetCheckSeverity.ERROR, dg.AssetCheckSeverity.WARN
GAMES_TABLE, PROFILES_TABLE = f"{DATASET_NAME}.players_games", f"{DATASET_NAME}.players_profiles"
GAMES_KEY_COLUMNS = ("url", "end_time", "white__username", "black__username")


def _spec(asset: dg.AssetKey, name: str, description: str) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(name=name, asset=asset, description=description, blocking=True)


GAMES_CHECKS = [
    _spec(
        GAMES_KEY,
        "rows_match_dlt",
        "Rows each month's latest load wrote to the warehouse equal the rows dlt extracted.",
    ),
    _spec(GAMES_KEY, "month_not_empty", "Each month has games (WARN: a month can be empty at the source)."),
    _spec(GAMES_KEY, "url_unique", "No game twice: url, the merge key, is unique."),
    _spec(GAMES_KEY, "end_time_in_month", "Every game ended inside the month partition it was loaded for."),
    _spec(GAMES_KEY, "key_columns_not_null", f"No nulls in {', '.join(GAMES_KEY_COLUMNS)}."),
]
ROSTER_CHECKS = [
    _spec(PLAYERS_KEY, "players_row_count", "One row per player asked for (players list or max_players)."),
    _spec(PROFILES_KEY, "one_profile_per_player", "Every player has exactly one profile."),
    _spec(PROFILES_KEY, "player_id_unique", "player_id, the merge key, is unique."),
]


def _result(
    check: str, asset: dg.AssetKey, failures: list[str], severity=ERROR, **metadata
) -> dg.AssetCheckResult:
    """Pass when ``failures`` is empty; else fail with them as a one-line description."""
    return dg.AssetCheckResult(
        check_name=check,
        asset_key=asset,
        passed=not failures,
        severity=severity,
        description="; ".join(failures) if failures else None,
        metadata=metadata,
    )


class _Dataset:
    """The chess dataset through dlt's SQL client: portable SQL with ``%s`` parameters, so the same
    checks run on DuckDB and on any SQL warehouse dlt loads."""

    def __init__(self, client: SqlClientBase) -> None:
        self._client = client

    def table(self, name: str) -> str:
        return self._client.make_qualified_table_name(name)

    def rows(self, sql: str, *params: object) -> list[Sequence[Any]]:
        return list(self._client.execute_sql(sql, *params) or [])

    def scalar(self, sql: str, *params: object) -> int:
        return int(self.rows(sql, *params)[0][0])

    def exists(self, name: str) -> bool:
        return name in self._tables

    @cached_property
    def _tables(self) -> set[str]:
        return existing_tables(self._client)


@contextmanager
def _dataset(warehouse: ChessWarehouse) -> Iterator[_Dataset]:
    with warehouse.sql_client() as client:
        yield _Dataset(client)


def _in(values: Sequence[str]) -> str:
    """``%s, %s, ...`` for a SQL ``in (...)`` list of ``values`` (never empty)."""
    return ", ".join(["%s"] * len(values))


def _checked_months(context: dg.AssetCheckExecutionContext, dataset: _Dataset) -> list[str]:
    """The run's months (a partition or a range, also in a checks-only run tagged with them), else all.

    A checks-only run is not partitioned even when tagged with a partition, so its tags are read as
    a key or a range of the games partitions rather than through ``context.partition_keys``.
    """
    if context.has_partition_key_range:
        key_range = context.partition_key_range
        return list(monthly_partitions.get_partition_keys_in_range(key_range))
    if context.has_partition_key:
        return [context.partition_key]
    rows = dataset.rows(f"select distinct archive_month from {dataset.table('players_games')} order by 1")
    return [month for (month,) in rows]


def _latest_loads(instance: dg.DagsterInstance, months: Sequence[str]) -> dict[str, tuple[str, int]]:
    """Per month, (dlt load id, rows dlt extracted for it) of its latest materialization: newest
    first, a page at a time, so a backfill's months cost a query or two rather than one each."""
    latest: dict[str, tuple[str, int]] = {}
    seen: set[str] = set()
    cursor = None
    while len(seen) < len(months):
        page = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=GAMES_KEY, asset_partitions=list(months)),
            limit=max(len(months), 100),
            cursor=cursor,
        )
        for record in page.records:
            month, materialization = record.partition_key, record.asset_materialization
            if month is None or month in seen or materialization is None:
                continue
            seen.add(month)
            load_id, rows = (materialization.metadata.get(key) for key in ("dlt_load_id", "rows_by_month"))
            if load_id is not None and rows is not None and isinstance(rows.value, dict):
                latest[month] = str(load_id.value), int(rows.value.get(month, 0))
        if not page.has_more:
            break
        cursor = page.cursor
    return latest


def _superseded(dataset: _Dataset, month: str, load_id: str) -> bool:
    """Whether a load that completed after ``load_id`` (dlt's ``_dlt_loads``) wrote rows of ``month``.

    Two loads of one month at once (on PostgreSQL): the later merge replaces the rows of the earlier
    one, whose count then falls short; the later load's own check counts them.
    """
    games, loads = dataset.table("players_games"), dataset.table("_dlt_loads")
    ours = f"select inserted_at from {loads} where load_id = %s"
    later = f"select load_id from {loads} where inserted_at > ({ours})"
    return bool(
        dataset.scalar(
            f"select count(*) from {games} where archive_month = %s and _dlt_load_id in ({later})",
            month,
            load_id,
        )
    )


@dg.multi_asset_check(specs=GAMES_CHECKS, can_subset=True, pool=warehouse_pool())
def games_checks(
    context: dg.AssetCheckExecutionContext, warehouse: ChessWarehouse
) -> Iterator[dg.AssetCheckResult]:
    with _dataset(warehouse) as dataset:
        if not dataset.exists("players_games"):
            missing = [f"{GAMES_TABLE} does not exist: materialize chess/players_games first"]
            for spec in GAMES_CHECKS:
                yield _result(spec.name, GAMES_KEY, missing)
            return
        games = dataset.table("players_games")
        months = _checked_months(context, dataset)
        counts: dict[str, int] = {}
        if months:
            sql = f"select archive_month, count(*) from {games} where archive_month in ({_in(months)}) "
            counts = {month: int(n) for month, n in dataset.rows(sql + "group by archive_month", *months)}
        rows = {month: counts.get(month, 0) for month in months}

        # Rows a load writes carry its load id (merge replaces a re-fetched game's row), so the
        # month's rows with the latest load id must be exactly the rows dlt extracted for it,
        # unless a load of the month that completed later replaced them.
        mismatches, loaded, extracted = [], {}, {}
        latest = _latest_loads(context.instance, months)
        by_load: dict[tuple[str, str], int] = {}
        if months:
            sql = f"select archive_month, _dlt_load_id, count(*) from {games} where archive_month in "
            sql += f"({_in(months)}) group by archive_month, _dlt_load_id"
            by_load = {(m, load): int(n) for m, load, n in dataset.rows(sql, *months)}
        for month in months:
            if month not in latest:
                mismatches.append(f"{month}: no load recorded by dlt")
                continue
            load_id, extracted[month] = latest[month]
            loaded[month] = by_load.get((month, load_id), 0)
            if loaded[month] != extracted[month] and not _superseded(dataset, month, load_id):
                mismatches.append(
                    f"{month}: the warehouse has {loaded[month]} rows from load {load_id}, "
                    f"dlt extracted {extracted[month]}"
                )
        yield _result(
            "rows_match_dlt",
            GAMES_KEY,
            mismatches,
            rows_in_warehouse=dg.MetadataValue.json(loaded),
            rows_from_dlt=dg.MetadataValue.json(extracted),
        )

        empty = [f"{month}: 0 games" for month in months if not rows[month]]
        yield _result("month_not_empty", GAMES_KEY, empty, severity=WARN, months_checked=len(months))

        duplicates = dataset.scalar(f"select count(*) - count(distinct url) from {games}")
        yield _result(
            "url_unique",
            GAMES_KEY,
            _nonzero(f"{duplicates} duplicate url(s)", duplicates),
            duplicate_urls=duplicates,
        )

        outside = _games_outside_their_month(dataset, months)
        yield _result(
            "end_time_in_month",
            GAMES_KEY,
            [f"{month}: {n} game(s) ended outside the month" for month, n in sorted(outside.items()) if n],
            games_outside_month=sum(outside.values()),
        )

        null_counts = ", ".join(f"sum(case when {c} is null then 1 else 0 end)" for c in GAMES_KEY_COLUMNS)
        counted = dataset.rows(f"select {null_counts} from {games}")[0]
        nulls = {column: int(n or 0) for column, n in zip(GAMES_KEY_COLUMNS, counted, strict=True)}
        yield _result(
            "key_columns_not_null",
            GAMES_KEY,
            [f"{n} null {column}" for column, n in nulls.items() if n],
            **nulls,
        )


def _games_outside_their_month(dataset: _Dataset, months: Sequence[str]) -> dict[str, int]:
    """Per month, its games whose ``end_time`` is missing or outside it: one query for all months."""
    if not months:
        return {}
    bounds = ", ".join(["(%s, %s, %s)"] * len(months))
    rows = dataset.rows(
        f"with bounds(month, starts, ends) as (values {bounds}) "
        f"select b.month, count(g.url) from bounds b join {dataset.table('players_games')} g "
        "on g.archive_month = b.month "
        "and (g.end_time is null or g.end_time < b.starts or g.end_time >= b.ends) group by b.month",
        *(value for month in months for value in (month, *month_bounds(month))),
    )
    outside = {month: int(n) for month, n in rows}
    return {month: outside.get(month, 0) for month in months}


def players_asked_for() -> int:
    """How many players the configuration asks for: the explicit list's size, else max_players."""
    players = dlt.config.get("sources.chess.players", list)
    if players is not None:
        return len({name.lower() for name in players})
    return int(dlt.config.get("sources.chess.max_players", int) or DEFAULT_MAX_PLAYERS)


@dg.multi_asset_check(specs=ROSTER_CHECKS, can_subset=True, pool=warehouse_pool())
def roster_checks(
    context: dg.AssetCheckExecutionContext, warehouse: ChessWarehouse
) -> Iterator[dg.AssetCheckResult]:
    with _dataset(warehouse) as dataset:
        has_players, has_profiles = dataset.exists("players"), dataset.exists("players_profiles")
        players_table, profiles_table = dataset.table("players"), dataset.table("players_profiles")
        players = dataset.scalar(f"select count(*) from {players_table}") if has_players else 0
        asked = players_asked_for()
        yield _result(
            "players_row_count",
            PLAYERS_KEY,
            [f"{players} player row(s), {asked} asked for"] if players != asked else [],
            players=players,
            asked_for=asked,
        )

        if not has_profiles:
            missing = [f"{PROFILES_TABLE} does not exist: materialize chess/players_profiles first"]
            yield from (
                _result(name, PROFILES_KEY, missing)
                for name in ("one_profile_per_player", "player_id_unique")
            )
            return
        without_profile = (
            dataset.scalar(
                f"select count(*) from {players_table} p "
                f"left join {profiles_table} f on f.username = p.username "
                "where f.username is null",
            )
            if has_players
            else 0
        )
        profiles = dataset.scalar(f"select count(*) from {profiles_table}")
        yield _result(
            "one_profile_per_player",
            PROFILES_KEY,
            _nonzero(f"{without_profile} player(s) without a profile", without_profile),
            profiles=profiles,
            players_without_profile=without_profile,
        )
        duplicate_ids = dataset.scalar(f"select count(*) - count(distinct player_id) from {profiles_table}")
        yield _result(
            "player_id_unique",
            PROFILES_KEY,
            _nonzero(f"{duplicate_ids} duplicate player_id(s)", duplicate_ids),
            duplicate_player_ids=duplicate_ids,
        )


def _nonzero(message: str, count: int) -> list[str]:
    return [message] if count else []


# Freshness: fail when the latest load is older than the schedules allow (a missed day, a week).
# Dagster marks these builders superseded by FreshnessPolicy (public and on by default in 1.13), but
# a FreshnessPolicy is evaluated only by the freshness daemon into the asset's health state: it is
# not an asset check, so nothing a run, `materialize` in a test or CI without a daemon can evaluate
# or fail on. The checks stay, without the warning every CLI command would otherwise print.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.SupersessionWarning)
    freshness_checks = [
        *dg.build_last_update_freshness_checks(
            assets=[GAMES_KEY],
            lower_bound_delta=timedelta(hours=settings().games_freshness_hours),
        ),
        *dg.build_last_update_freshness_checks(
            assets=[PROFILES_KEY],
            lower_bound_delta=timedelta(days=settings().profiles_freshness_days),
        ),
    ]
    freshness_sensor = dg.build_sensor_for_freshness_checks(
        freshness_checks=freshness_checks, default_status=dg.DefaultSensorStatus.RUNNING
    )
