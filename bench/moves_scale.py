"""The scale run's moves on PostgreSQL: ``make bench-scale``'s workload (1,000 players x 24 months)
loaded cold into a new PostgreSQL database (a server it starts), then every month's moves read in
one run (``chess/game_moves``, ``chess/game_facts``), as ``bench.scale`` does on DuckDB.

Figures: games and move rows, the run's wall seconds and where they went (the asset's own
``read_s``, ``parse_s``, ``write_s``; the rest is start-up, building the Arrow tables and the
run's bookkeeping), peak RSS of the run's process tree (the PostgreSQL server is not in it), and
the space both move tables take per 1,000 games. ``--help`` for the knobs.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg2

from bench.backfill import fixture_api, month_keys, project_env, run_phase, source_run, workload_parser
from bench.moves import moves_mib
from bench.scale import moves_command, moves_counts, moves_seconds
from fixture import ChessUniverse
from fixture.dagster_home import new_dagster_home
from fixture.postgres import running_postgres


def measured(args: Any, months: list[str], scratch: Path) -> dict[str, Any]:
    """The cold load, then the moves run, into a new PostgreSQL database."""
    universe = ChessUniverse(players_per_title=args.players, games_per_month=args.games_per_month)
    home = new_dagster_home(scratch / "dagster_home")
    with fixture_api(args, universe, months) as fixture, running_postgres() as postgres:
        warehouse = postgres.create_database("chess")
        env = {
            **project_env(args, fixture, home, str(scratch / "unused.duckdb")),
            "DESTINATION__WAREHOUSE__DESTINATION_TYPE": "postgres",
            "DESTINATION__WAREHOUSE__CREDENTIALS": warehouse,
        }
        cold = run_phase(f"cold, {args.players} players", [source_run(months)], env, fixture, warehouse)
        moves = run_phase(f"moves, {len(months)} months", [moves_command(months)], env, fixture, warehouse)
        with psycopg2.connect(warehouse) as connection, connection.cursor() as cursor:
            move_rows, games = moves_counts(cursor)
        mib = moves_mib(warehouse, "")
    return {
        "cold_wall_s": cold.wall_s,
        "games": games,
        "move_rows": move_rows,
        "wall_s": moves.wall_s,
        **moves_seconds(home),
        "peak_rss_mib": moves.peak_rss_mib,
        "mib_per_1000_games": round(mib * 1000 / max(games, 1), 2),
    }


def main() -> None:
    from bench.render import moves_scale_report

    args = workload_parser(__doc__, players=1000, months=24, first_month="2023-01").parse_args()
    months = month_keys(args.first_month, args.months)
    scratch = Path(tempfile.mkdtemp(prefix="chess-bench-moves-scale-"))
    try:
        figures = measured(args, months, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result = {"args": vars(args), "months": months, "warehouse": "PostgreSQL", **figures}
    print(moves_scale_report(result))
    out = Path(args.out) / f"moves_scale-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
