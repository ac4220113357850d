"""Asset checks on the chess tables (docs/checks.md): blocking, so a bad month is not passed
downstream; in the warehouse's pool, so they never race a load for a DuckDB file."""

import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import timedelta
from functools import cached_property
from typing import Any

import dagster as dg
import dlt
from dlt.destinations.sql_client import SqlClientBase

from chess_dagster.defs.ingest.keys import (
    GAMES_KEY,
    PLAYERS_ASKED_FOR,
    PLAYERS_KEY,
    PROFILES_KEY,
    ROSTER_MEMBERS_KEY,
    STATS_KEY,
)
from chess_dagster.defs.ingest.partitions import monthly_partitions
from chess_dagster.defs.resources import ChessWarehouse
from chess_dagster.lib.settings import DATASET_NAME, settings
from chess_dagster.lib.warehouse import existing_tables, warehouse_pool
from chess_dagster.sources.chess_com.ledgers import (
    STATS_FETCHED_TABLE,
    read_archive_counts,
    read_months_listed,
)
from chess_dagster.sources.chess_com.months import month_bounds
from chess_dagster.sources.chess_com.roster import DEFAULT_MAX_PLAYERS
from chess_dagster.sources.chess_com.source_state import SIDES

ERROR, WARN = dg.AssetCheckSeverity.ERROR, dg.AssetCheckSeverity.WARN
GAMES_TABLE, PROFILES_TABLE = f"{DATASET_NAME}.players_games", f"{DATASET_NAME}.players_profiles"
# end_time is not among them: archives always carry it, other endpoints' games may not.
GAMES_KEY_COLUMNS = ("url", "white__username", "black__username")


def _spec(asset: dg.AssetKey, name: str, description: str) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(name=name, asset=asset, description=description, blocking=True)


GAMES_CHECKS = [
    _spec(
        GAMES_KEY,
        "games_match_archives",
        "Per month and player, the warehouse holds at least the games Chess.com's archive listed at "
        "its last fetch (players_archives.games), whatever load wrote them.",
    ),
    _spec(GAMES_KEY, "month_not_empty", "Each month has games (WARN: a month can be empty at the source)."),
    _spec(GAMES_KEY, "url_unique", "No game twice: url, the merge key, is unique."),
    _spec(
        GAMES_KEY,
        "end_time_in_month",
        "Every game ended inside its archive month, a US Pacific month as Chess.com files them "
        "(grouped by end_time in UTC, a month's last 7-8 hours fall in the next). Games without "
        "an end_time are counted, not failed.",
    ),
    _spec(GAMES_KEY, "key_columns_not_null", f"No nulls in {', '.join(GAMES_KEY_COLUMNS)}."),
]
ROSTER_CHECKS = [
    _spec(
        PLAYERS_KEY,
        "players_row_count",
        "One row per player the latest load asked for (the union of the roster's lists, at most "
        "max_players).",
    ),
    _spec(PROFILES_KEY, "one_profile_per_player", "Every player has exactly one profile."),
    _spec(PROFILES_KEY, "player_id_unique", "player_id, the merge key, is unique."),
]


STATS_CHECKS = [
    _spec(
        STATS_KEY,
        "stats_match_endpoint",
        "A row for every player and rating kind player/{username}/stats returned at its last fetch "
        "(players_stats_fetched.kinds), none for kinds it did not.",
    ),
    _spec(STATS_KEY, "ratings_positive", "Every rating held (last and best) is above 0."),
]


def _result(
    check: str, asset: dg.AssetKey, failures: list[str], severity=ERROR, **metadata
) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        check_name=check,
        asset_key=asset,
        passed=not failures,
        severity=severity,
        description="; ".join(failures) if failures else None,
        metadata=metadata,
    )


def figures(metadata: Mapping[str, Any], width: int = 100) -> str:
    text = ", ".join(
        f"{key}={value.value if isinstance(value, dg.MetadataValue) else value}"
        for key, value in sorted(metadata.items())
    )
    return text if len(text) <= width else text[: width - 3] + "..."


def _told(
    context: dg.AssetCheckExecutionContext, results: Iterator[dg.AssetCheckResult]
) -> Iterator[dg.AssetCheckResult]:
    """So a checks run on the command line says what passed and failed, not only the UI."""
    for result in results:
        target = f"{result.asset_key.to_user_string() if result.asset_key else ''}:{result.check_name}"
        if result.passed:
            context.log.info(f"check {target} passed: {figures(result.metadata or {})}")
        else:
            severity = result.severity.value if result.severity else "ERROR"
            context.log.warning(f"check {target} FAILED ({severity}): {result.description}")
        yield result


class _Dataset:
    """Through dlt's SQL client, so the same checks run on every warehouse dlt loads."""

    def __init__(self, client: SqlClientBase) -> None:
        self.client = client

    def table(self, name: str) -> str:
        return self.client.make_qualified_table_name(name)

    def rows(self, sql: str, *params: object) -> list[Sequence[Any]]:
        return list(self.client.execute_sql(sql, *params) or [])

    def scalar(self, sql: str, *params: object) -> int:
        return int(self.rows(sql, *params)[0][0])

    def exists(self, name: str) -> bool:
        return name in self._tables

    @cached_property
    def _tables(self) -> set[str]:
        return existing_tables(self.client)


@contextmanager
def _dataset(warehouse: ChessWarehouse) -> Iterator[_Dataset]:
    with warehouse.sql_client() as client:
        yield _Dataset(client)


def _in(values: Sequence[str]) -> str:
    return ", ".join(["%s"] * len(values))


def _checked_months(context: dg.AssetCheckExecutionContext, dataset: _Dataset) -> list[str]:
    """A checks-only run is not partitioned even when tagged with a partition, so not
    ``context.partition_keys``."""
    if context.has_partition_key_range:
        key_range = context.partition_key_range
        return list(monthly_partitions.get_partition_keys_in_range(key_range))
    if context.has_partition_key:
        return [context.partition_key]
    loaded = dataset.rows(f"select distinct archive_month from {dataset.table('players_games')}")
    # And months whose archives listed games: the warehouse may have lost every one of them.
    return sorted({month for (month,) in loaded} | set(read_months_listed(dataset.client)))


@dg.multi_asset_check(specs=GAMES_CHECKS, can_subset=True, pool=warehouse_pool())
def games_checks(
    context: dg.AssetCheckExecutionContext, warehouse: ChessWarehouse
) -> Iterator[dg.AssetCheckResult]:
    yield from _told(context, _games_results(context, warehouse))


def _games_results(
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

        yield _games_match_archives(dataset, months)

        empty = [f"{month}: 0 games" for month in months if not rows[month]]
        yield _result("month_not_empty", GAMES_KEY, empty, severity=WARN, months_checked=len(months))

        duplicates = dataset.scalar(f"select count(*) - count(distinct url) from {games}")
        yield _result(
            "url_unique",
            GAMES_KEY,
            _nonzero(f"{duplicates} duplicate url(s)", duplicates),
            duplicate_urls=duplicates,
        )

        outside, without_end_time = _games_outside_their_month(dataset, months)
        yield _result(
            "end_time_in_month",
            GAMES_KEY,
            [f"{month}: {n} game(s) ended outside the month" for month, n in sorted(outside.items()) if n],
            games_outside_month=sum(outside.values()),
            games_without_end_time=without_end_time,
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


def _games_match_archives(dataset: _Dataset, months: Sequence[str]) -> dg.AssetCheckResult:
    """At least, not exactly, as many as listed: Chess.com caches each archive apart, so a game
    between two roster players may come through one's archive before the other's."""
    listed = read_archive_counts(dataset.client, months)
    found = _games_by_player(dataset, months)
    missing, surplus = [], 0
    for month in months:
        archives = listed.get(month, {})
        if not archives and any(n for (games_month, _), n in found.items() if games_month == month):
            missing.append(f"{month}: games but no archive of the month recorded; load it again")
        short = {u: n for u, n in archives.items() if n is not None and found.get((month, u), 0) < n}
        surplus += sum(1 for u, n in archives.items() if n is not None and found.get((month, u), 0) > n)
        if short:
            user, n = sorted(short.items())[0]
            others = f" (and {len(short) - 1} more player(s))" if len(short) > 1 else ""
            missing.append(
                f"{month}: the warehouse has {found.get((month, user), 0)} of {user}'s games, "
                f"Chess.com listed {n}{others}"
            )
    counts = [n for archives in listed.values() for n in archives.values()]
    return _result(
        "games_match_archives",
        GAMES_KEY,
        missing,
        archives_checked=sum(n is not None for n in counts),
        archives_without_count=sum(n is None for n in counts),
        archives_with_more_games=surplus,
        games_listed=dg.MetadataValue.json(
            {m: sum(n or 0 for n in listed.get(m, {}).values()) for m in months}
        ),
    )


def _games_by_player(dataset: _Dataset, months: Sequence[str]) -> dict[tuple[str, str], int]:
    if not months:
        return {}
    games = dataset.table("players_games")
    sides = " union all ".join(
        f"select archive_month, lower({side}__username) as username from {games} "
        f"where archive_month in ({_in(months)})"
        for side in SIDES
    )
    rows = dataset.rows(
        f"select archive_month, username, count(*) from ({sides}) s group by archive_month, username",
        *months,
        *months,
    )
    return {(month, username): int(n) for month, username, n in rows}


def _games_outside_their_month(dataset: _Dataset, months: Sequence[str]) -> tuple[dict[str, int], int]:
    if not months:
        return {}, 0
    bounds = ", ".join(["(%s, %s, %s)"] * len(months))
    rows = dataset.rows(
        f"with bounds(month, starts, ends) as (values {bounds}) "
        "select b.month, sum(case when g.end_time < b.starts or g.end_time >= b.ends then 1 else 0 end), "
        "sum(case when g.end_time is null then 1 else 0 end) "
        f"from bounds b join {dataset.table('players_games')} g on g.archive_month = b.month "
        "group by b.month",
        *(value for month in months for value in (month, *month_bounds(month))),
    )
    outside = {month: int(n or 0) for month, n, _ in rows}
    without_end_time = sum(int(n or 0) for _, _, n in rows)
    return {month: outside.get(month, 0) for month in months}, without_end_time


def players_asked_for(instance: dg.DagsterInstance) -> int:
    """The configuration's answer only for a load recorded before ``players_asked_for`` existed."""
    latest = instance.get_latest_materialization_event(PLAYERS_KEY)
    recorded = (
        latest.asset_materialization.metadata.get(PLAYERS_ASKED_FOR)
        if latest and latest.asset_materialization
        else None
    )
    if recorded is not None and isinstance(recorded.value, int):
        return recorded.value
    players = dlt.config.get("sources.chess.players", list)
    if players is not None:
        return len({name.lower() for name in players})
    return int(dlt.config.get("sources.chess.max_players", int) or DEFAULT_MAX_PLAYERS)


@dg.multi_asset_check(specs=ROSTER_CHECKS, can_subset=True, pool=warehouse_pool())
def roster_checks(
    context: dg.AssetCheckExecutionContext, warehouse: ChessWarehouse
) -> Iterator[dg.AssetCheckResult]:
    yield from _told(context, _roster_results(context, warehouse))


def _roster_results(
    context: dg.AssetCheckExecutionContext, warehouse: ChessWarehouse
) -> Iterator[dg.AssetCheckResult]:
    with _dataset(warehouse) as dataset:
        has_players, has_profiles = dataset.exists("players"), dataset.exists("players_profiles")
        players_table, profiles_table = dataset.table("players"), dataset.table("players_profiles")
        players = dataset.scalar(f"select count(*) from {players_table}") if has_players else 0
        asked = players_asked_for(context.instance)
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


@dg.asset_check(
    asset=ROSTER_MEMBERS_KEY,
    name="players_on_a_list",
    blocking=True,
    pool=warehouse_pool(),
    description="Every player of chess/players is on a list now (a membership without left_at), and "
    "every player on a list now is in chess/players.",
)
def players_on_a_list(
    context: dg.AssetCheckExecutionContext, warehouse: ChessWarehouse
) -> dg.AssetCheckResult:
    (result,) = _told(context, iter([_memberships_result(warehouse)]))
    return result


def _memberships_result(warehouse: ChessWarehouse) -> dg.AssetCheckResult:
    with _dataset(warehouse) as dataset:
        if not (dataset.exists("players") and dataset.exists("roster_members")):
            missing = ["chess/players or chess/roster_members does not exist: materialize the roster first"]
            return _result("players_on_a_list", ROSTER_MEMBERS_KEY, missing)
        players, members = dataset.table("players"), dataset.table("roster_members")
        listed_now = f"(select distinct username from {members} where left_at is null)"
        on_no_list = dataset.scalar(f"select count(*) from {players} where username not in {listed_now}")
        not_players = dataset.scalar(
            f"select count(*) from {listed_now} m where m.username not in (select username from {players})"
        )
    failures = _nonzero(f"{on_no_list} player(s) on no list", on_no_list) + _nonzero(
        f"{not_players} player(s) on a list but not in chess/players", not_players
    )
    return _result(
        "players_on_a_list",
        ROSTER_MEMBERS_KEY,
        failures,
        players_on_no_list=on_no_list,
        listed_not_players=not_players,
    )


@dg.multi_asset_check(specs=STATS_CHECKS, can_subset=True, pool=warehouse_pool())
def stats_checks(
    context: dg.AssetCheckExecutionContext, warehouse: ChessWarehouse
) -> Iterator[dg.AssetCheckResult]:
    yield from _told(context, _stats_results(warehouse))


def _stats_results(warehouse: ChessWarehouse) -> Iterator[dg.AssetCheckResult]:
    with _dataset(warehouse) as dataset:
        if not dataset.exists("players_stats") or not dataset.exists(STATS_FETCHED_TABLE):
            missing = [f"{DATASET_NAME}.players_stats does not exist: materialize chess/players_stats first"]
            yield from (_result(spec.name, STATS_KEY, missing) for spec in STATS_CHECKS)
            return
        stats = dataset.table("players_stats")
        held = {(user, kind) for user, kind in dataset.rows(f"select username, kind from {stats}")}
        answered = {
            (user, kind)
            for user, kinds in dataset.rows(
                f"select username, kinds from {dataset.table(STATS_FETCHED_TABLE)}"
            )
            for kind in (kinds or "").split(",")
            if kind
        }
        extra, lacking = sorted(held - answered), sorted(answered - held)
        yield _result(
            "stats_match_endpoint",
            STATS_KEY,
            [f"{len(lacking)} kind(s) returned but not held, e.g. {lacking[:3]}"] * bool(lacking)
            + [f"{len(extra)} row(s) of kinds not returned, e.g. {extra[:3]}"] * bool(extra),
            rows=len(held),
            players=len({user for user, _ in held}),
        )
        not_positive = dataset.scalar(
            f"select count(*) from {stats} where last_rating <= 0 or best_rating <= 0"
        )
        yield _result(
            "ratings_positive",
            STATS_KEY,
            _nonzero(f"{not_positive} row(s) with a rating not above 0", not_positive),
            rows_not_positive=not_positive,
        )


def _nonzero(message: str, count: int) -> list[str]:
    return [message] if count else []


# Not Dagster's FreshnessPolicy, which only its daemon evaluates: a run, a test or CI could not fail
# on it. Its supersession warning is silenced, or every CLI command would print it.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.SupersessionWarning)
    freshness_checks = [
        *dg.build_last_update_freshness_checks(
            assets=[GAMES_KEY],
            lower_bound_delta=timedelta(hours=settings().games_freshness_hours),
        ),
        *dg.build_last_update_freshness_checks(
            assets=[PROFILES_KEY, STATS_KEY],
            lower_bound_delta=timedelta(days=settings().profiles_freshness_days),
        ),
    ]
    freshness_sensor = dg.build_sensor_for_freshness_checks(
        freshness_checks=freshness_checks, default_status=dg.DefaultSensorStatus.RUNNING
    )
