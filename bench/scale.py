"""Scale benchmark: does a backfill stay at the speed of the network as the players grow?

The fixture API serves ``--players`` titled players (default 1,000) with ~40 games per player-month.
In one process tree and one run, timed as whole processes (``dagster asset materialize`` of players,
profiles and every month, one run each):

* start-up: a run of an asset that does nothing (fixed cost of a run);
* cold, few players: ``--few-players`` (default 50) into an empty DuckDB, for the memory baseline;
* cold: every player, every month, into an empty DuckDB;
* warm: the same again, nothing changed at the source (fastest of 5, as the start-up);
* the moves: every month's moves read (chess/game_moves, chess/game_facts: one run);
* the mart: every dbt model by month for the last month, then for every month (one run, one dbt build);
* the dashboard: each page's seconds on that warehouse, cold and warm (``bench.dashboard_pages``).

Figures: rows/s (the mart: games through every model per second), requests and 429s, cold work
against the network floor plus dlt's own normalize and load seconds, peak RSS from few to many
players, and what dlt stores for bookkeeping per load (the state blob, the ``players_archives`` rows
a load writes). `make bench-scale`; `--help`.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import duckdb

from bench.backfill import (
    DAGSTER_MATERIALIZE,
    NOOP_RUN,
    REPEATS,
    Phase,
    fastest_of,
    fixture_api,
    load_figures,
    minimum_requests,
    month_keys,
    network_floor_s,
    normalize_and_load_s,
    project_env,
    publish,
    run_phase,
    source_run,
    work_s,
    workload_parser,
)
from chess_dagster.lib.settings import PROJECT_ROOT
from fixture import ChessUniverse
from fixture.dagster_home import new_dagster_home

# The moves run's own figures of where its seconds went (chess_dagster/defs/moves/assets.py).
MOVES_SECONDS = ("read_s", "parse_s", "write_s")


def bookkeeping(database: str) -> dict[str, int]:
    """What the newest load stored besides the data: dlt's state blob and the archives it wrote."""
    with duckdb.connect(database, read_only=True) as connection:
        state = connection.execute(
            "select length(state) from chess_data._dlt_pipeline_state order by created_at desc limit 1"
        ).fetchone()
        archives = connection.execute(
            "select count(*) from chess_data.players_archives where _dlt_load_id = "
            "(select max(load_id) from chess_data._dlt_loads)"
        ).fetchone()
    return {
        "state blob bytes": state[0] if state else 0,
        "archive rows written by the newest load": archives[0] if archives else 0,
    }


def mart_by_month() -> str:
    """The mart's models by month, as ``--select`` takes them (the ratings, not by month, read the
    stats, which the benchmark's load leaves out to stay comparable with earlier runs)."""
    from chess_dagster.definitions import defs

    return ",".join(
        spec.key.to_user_string()
        for spec in defs.resolve_all_asset_specs()
        if spec.group_name == "chess_analytics" and spec.partitions_def is not None
    )


def mart_phase(name: str, months: list[str], env: dict, fixture, database: str) -> Phase:
    """Every model of the dbt mart by month for ``months`` in one run; its rows: the games it went
    through."""
    command = [
        *DAGSTER_MATERIALIZE,
        *("-m", "chess_dagster.definitions", "--select", mart_by_month()),
        *("--partition-range", f"{months[0]}...{months[-1]}"),
    ]
    phase = run_phase(name, [command], env, fixture, database)
    with duckdb.connect(database, read_only=True) as connection:
        games = connection.execute(
            "select count(*) from chess_analytics.games where month between ? and ?", [months[0], months[-1]]
        ).fetchone()
    return dataclasses.replace(phase, rows=games[0] if games else 0)


def moves_command(months: list[str]) -> list[str]:
    """Every month's moves read in one run: chess/game_moves and chess/game_facts."""
    return [
        *DAGSTER_MATERIALIZE,
        *("-m", "chess_dagster.definitions", "--select", "chess/game_moves,chess/game_facts"),
        *("--partition-range", f"{months[0]}...{months[-1]}"),
    ]


def moves_seconds(home: Path) -> dict[str, float]:
    """Where the newest moves run's seconds went, as its materialization of chess/game_moves tells:
    reading the month's PGNs, parsing them, writing the tables."""
    import dagster as dg

    from chess_dagster.defs.moves.keys import GAME_MOVES_KEY

    with dg.DagsterInstance.from_config(str(home)) as instance:
        (record,) = instance.fetch_materializations(GAME_MOVES_KEY, limit=1).records
    metadata = record.asset_materialization.metadata if record.asset_materialization else {}
    return {name: float(metadata[name].value) for name in MOVES_SECONDS}  # type: ignore[arg-type]


def moves_counts(cursor: Any) -> tuple[int, int]:
    """Move rows and game rows of the moves tables; ``cursor``: a DB-API cursor of DuckDB or
    PostgreSQL (they share no type)."""
    cursor.execute(
        "select (select count(*) from chess_moves.game_moves), (select count(*) from chess_moves.game_facts)"
    )
    moves, games = cursor.fetchone() or (0, 0)
    return moves, games


def moves_phase(
    months: list[str], env: dict, fixture, database: str
) -> tuple[Phase, float, dict[str, float]]:
    """The moves run; its rows: the move rows. Also the MiB the moves add to the DuckDB file per
    1,000 games, and where the run's seconds went."""
    before = Path(database).stat().st_size
    phase = run_phase(f"moves, {len(months)} months", [moves_command(months)], env, fixture, database)
    with duckdb.connect(database) as connection:
        connection.execute("checkpoint")
        moves, games = moves_counts(connection.cursor())
    added_mib = (Path(database).stat().st_size - before) / 2**20
    seconds = moves_seconds(Path(env["DAGSTER_HOME"]))
    return dataclasses.replace(phase, rows=moves), round(added_mib * 1000 / max(games, 1), 2), seconds


def roster_models(env: dict, database: str) -> None:
    """The mart's models not by month that the dashboard's coverage page reads (the ratings read
    the stats, which the benchmark's load leaves out)."""
    select = "chess/coverage,chess/roster,chess/table_loads"
    command = [*DAGSTER_MATERIALIZE, "-m", "chess_dagster.definitions", "--select", select]
    subprocess.run(command, cwd=PROJECT_ROOT, env={**env, "CHESS_DUCKDB_PATH": database}, check=True)


def dashboard_pages(env: dict, database: str) -> dict[str, dict[str, float]]:
    """Each dashboard page's seconds, cold and warm, over ``database`` (``bench.dashboard_pages``)."""
    measured = subprocess.run(
        [sys.executable, "-m", "bench.dashboard_pages"],
        cwd=PROJECT_ROOT,
        env={**env, "CHESS_DUCKDB_PATH": database, "DAGSTER_WEBSERVER_URL": "http://127.0.0.1:9"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(measured.stdout.splitlines()[-1])


def main() -> None:
    parser = workload_parser(__doc__, players=1000, months=24, first_month="2023-01")
    parser.add_argument("--few-players", type=int, default=50)
    args = parser.parse_args()

    months = month_keys(args.first_month, args.months)
    universe = ChessUniverse(players_per_title=args.players, games_per_month=args.games_per_month)
    scratch = Path(tempfile.mkdtemp(prefix="chess-bench-scale-"))
    home = new_dagster_home(scratch / "dagster_home")
    few_db, many_db = str(scratch / "few" / "chess.duckdb"), str(scratch / "many" / "chess.duckdb")
    run = [source_run(months)]
    try:
        with fixture_api(args, universe, months) as fixture:
            many = project_env(args, fixture, home, many_db)
            few = {
                **project_env(args, fixture, home, few_db),
                "SOURCES__CHESS__MAX_PLAYERS": str(args.few_players),
            }
            phases = [
                fastest_of(REPEATS, "start-up (no-op run)", NOOP_RUN, many, fixture, many_db),
                run_phase(f"cold, {args.few_players} players", run, few, fixture, few_db),
                run_phase(f"cold, {args.players} players", run, many, fixture, many_db),
            ]
            load_s = normalize_and_load_s(many_db)
            moves, moves_mib_per_1000_games, moves_s = moves_phase(months, many, fixture, many_db)
            mart_month = mart_phase("mart, last month", months[-1:], many, fixture, many_db)
            mart_all = mart_phase(f"mart, {len(months)} months", months, many, fixture, many_db)
            roster_models(many, many_db)
            pages = dashboard_pages(many, many_db)
            after_cold = bookkeeping(many_db)
            phases.append(
                fastest_of(REPEATS, f"warm, {args.players} players", run[0], many, fixture, many_db)
            )
            after_warm = bookkeeping(many_db)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    startup, few_cold, cold, warm = phases
    phases += [moves, mart_month, mart_all]
    floor_requests = minimum_requests(universe, args.players, months)
    work = work_s(startup, few_cold, cold, warm)
    loading, loading_targets = load_figures(
        cold, work[cold.name], network_floor_s(args, floor_requests), load_s
    )
    figures = {
        "cold rows/s (wall)": cold.rows_per_s,
        "moves: rows / s / peak RSS MiB": f"{moves.rows} / {moves.wall_s} / {moves.peak_rss_mib}",
        "moves: DuckDB MiB per 1,000 games": moves_mib_per_1000_games,
        "moves: read / parse / write s": " / ".join(f"{moves_s[name]:g}" for name in MOVES_SECONDS),
        "mart s, last month / all months": f"{mart_month.wall_s} / {mart_all.wall_s}",
        "mart games/s, all months": mart_all.rows_per_s,
        "mart s / cold load s, all months": round(mart_all.wall_s / cold.wall_s, 2),
        **{
            f"dashboard {page} page s, cold / warm": f"{s['cold']} / {s['warm']}" for page, s in pages.items()
        },
        **loading,
        "warm work / cold work": round(max(work[warm.name], 0) / work[cold.name], 3),
        "warm month downloads": warm.month_downloads,
        "cold 429s": cold.by_status.get("429", 0),
        f"peak RSS MiB, {args.players} players": cold.peak_rss_mib,
        f"peak RSS {args.players} / {args.few_players} players": round(
            cold.peak_rss_mib / few_cold.peak_rss_mib, 2
        ),
        "state blob bytes after cold / warm": (
            f"{after_cold['state blob bytes']} / {after_warm['state blob bytes']}"
        ),
        "archive rows written: cold / warm": (
            f"{after_cold['archive rows written by the newest load']} / "
            f"{after_warm['archive rows written by the newest load'] if warm.rows else 0}"
        ),
    }
    targets = {
        **loading_targets,
        **{
            f"dashboard {page} page s, cold / warm": s["cold"] < 3 and s["warm"] < 1
            for page, s in pages.items()
        },
        "warm month downloads": warm.month_downloads == 0,
        f"peak RSS MiB, {args.players} players": cold.peak_rss_mib < 1024,
        f"peak RSS {args.players} / {args.few_players} players": cold.peak_rss_mib
        <= 1.5 * few_cold.peak_rss_mib,
    }
    publish("scale", args, months, phases, floor_requests, load_s, work, figures, targets)


if __name__ == "__main__":
    main()
