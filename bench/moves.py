"""Move reader benchmark: games read per second, start-up included, against python-chess's own PGN
reader in the same process tree; then what the moves cost to write and to keep, on DuckDB and on
PostgreSQL.

The fixture API's games of a few months (every rules, clocks, a few broken move texts) are written
to a file first; each reading phase is then a new Python process that imports what it needs, reads
the file and replays every game, timed as a whole (start-up included):

* baseline: python-chess's ``chess.pgn.read_game`` (the game tree, then its main line), one process;
* floor: python-chess's SAN parse and push alone over the same moves (no clocks, no columns);
* reader, one process; reader, one worker process per core (``read_games_in_processes``).

Then the reader's tables go through the asset's write (dlt: parquet on DuckDB, COPY on PostgreSQL)
into a new DuckDB file and a new PostgreSQL database (a server it starts): seconds, rows, and the
space they take per 1,000 games. `make bench` runs it; ``--help`` for the knobs.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PHASES = ("baseline", "floor", "reader, 1 process", "reader, a process per core")
GOAL_GAMES_PER_S = 1000


def games_file(path: Path, players_per_title: int, months: list[str]) -> int:
    """The fixture's games of ``months`` with their rules and clocks, once each: how many."""
    from fixture import ChessUniverse, Month

    universe = ChessUniverse(players_per_title=players_per_title)
    games: dict[str, dict] = {}
    for username in universe.players:
        for month in months:
            for game in universe.games(username, Month.parse(month)) or []:
                games[game["url"]] = {
                    "month": month,
                    **{
                        key: game.get(key, "")
                        for key in ("url", "pgn", "rules", "time_control", "initial_setup")
                    },
                }
    path.write_text(json.dumps(list(games.values())))
    return len(games)


def read_phase(phase: str, path: Path) -> dict[str, Any]:
    """What one phase's process does: read every game of ``path``; how many games and moves, and
    the seconds the reading itself took (``work_s``: no start-up, no file read)."""
    logging.getLogger("chess.pgn").setLevel(logging.CRITICAL)  # the broken move texts, told once each
    games = json.loads(path.read_text())
    if phase == "baseline":
        return _python_chess_read_game(games)
    if phase == "floor":
        return _parse_and_push(games)
    from chess_dagster.moves import GameText, read_games_in_processes

    texts = [GameText(g["url"], g["pgn"], g["rules"], g["time_control"], g["initial_setup"]) for g in games]
    workers = 1 if phase == "reader, 1 process" else os.cpu_count() or 1
    started = time.perf_counter()
    read = read_games_in_processes(texts, workers=workers)
    work = time.perf_counter() - started
    return {"games": len(read.facts["url"]), "moves": len(read.moves["url"]), "work_s": round(work, 2)}


def _python_chess_read_game(games: list[dict]) -> dict[str, Any]:
    import chess.pgn

    started, moves = time.perf_counter(), 0
    for game in games:
        read = chess.pgn.read_game(io.StringIO(game["pgn"])) if game["pgn"] else None
        moves += sum(1 for _ in read.mainline_moves()) if read else 0
    return {"games": len(games), "moves": moves, "work_s": round(time.perf_counter() - started, 2)}


def _parse_and_push(games: list[dict]) -> dict[str, Any]:
    """The least a reader on python-chess does: each move's SAN parsed and pushed. The SAN comes
    from python-chess's own read first, outside ``work_s``."""
    import chess.pgn

    lines = []
    for game in games:
        read = chess.pgn.read_game(io.StringIO(game["pgn"])) if game["pgn"] else None
        if read is not None:
            board = read.board()
            lines.append((board.copy(), [board.san_and_push(move) for move in read.mainline_moves()]))
    started, moves = time.perf_counter(), 0
    for board, sans in lines:
        for san in sans:
            board.push(board.parse_san(san))
            moves += 1
    return {"games": len(games), "moves": moves, "work_s": round(time.perf_counter() - started, 2)}


def timed_phase(phase: str, path: Path) -> dict[str, Any]:
    """One phase as a new process, timed whole; its peak resident memory (the tree's)."""
    from bench.backfill import TreeRss  # here, not above: a phase's process imports only what it reads with

    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.moves", "--phase", phase, "--games-file", str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    memory = TreeRss(process.pid)
    output, _ = process.communicate()
    wall = time.perf_counter() - started
    counts = json.loads(output)
    return {
        "name": phase,
        "wall_s": round(wall, 2),
        **counts,
        "games_per_s": round(counts["games"] / wall),
        "work_games_per_s": round(counts["games"] / max(counts["work_s"], 0.01)),
        "peak_rss_mib": memory.stop(),
    }


def written(path: Path, warehouse_env: dict[str, str], database: str) -> dict[str, Any]:
    """The games of ``path`` read in this process, then written as the asset writes them into a
    new warehouse: seconds, rows, and the space per 1,000 games."""
    import pyarrow.compute as pc

    from chess_dagster.defs.moves.assets import Pending, move_tables, write_months
    from chess_dagster.defs.resources import ChessWarehouse
    from chess_dagster.moves import GameText, read_games

    games = [
        (g["month"], GameText(g["url"], g["pgn"], g["rules"], g["time_control"], g["initial_setup"]))
        for g in json.loads(path.read_text())
    ]
    moves, facts = move_tables(games, read_games(game for _, game in games))
    os.environ.update(warehouse_env)
    pending = Pending()
    for month in sorted({month for month, _ in games}):  # as the asset gathers them, month by month
        in_month = (pc.equal(moves["month"], month), pc.equal(facts["month"], month))
        pending.add(month, [moves.filter(in_month[0])], [facts.filter(in_month[1])])
    started = time.perf_counter()
    write_months(ChessWarehouse(database=database), pending)  # one load, as the asset's for 4 months
    seconds = time.perf_counter() - started
    for name in warehouse_env:
        del os.environ[name]
    size = moves_mib(warehouse_env.get("DESTINATION__WAREHOUSE__CREDENTIALS"), database)
    return {
        "name": "PostgreSQL" if warehouse_env else "DuckDB",
        "write_s": round(seconds, 2),
        "move_rows": moves.num_rows,
        "fact_rows": facts.num_rows,
        "mib_per_1000_games": round(size * 1000 / facts.num_rows, 2),
    }


def moves_mib(postgres_url: str | None, database: str) -> float:
    """The moves' space: the DuckDB file (only they are in it), or both PostgreSQL tables."""
    if postgres_url is None:
        import duckdb

        with duckdb.connect(database) as warehouse:
            warehouse.execute("checkpoint")
        return Path(database).stat().st_size / 2**20
    import psycopg2

    with psycopg2.connect(postgres_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "select sum(pg_total_relation_size(format('chess_moves.%I', table_name))) "
            "from information_schema.tables where table_schema = 'chess_moves' and table_name like 'game_%'"
        )
        row = cursor.fetchone()
    return float(row[0]) / 2**20 if row else 0.0


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every phase in this process tree, then both warehouses' writes."""
    from fixture.postgres import running_postgres

    with tempfile.TemporaryDirectory(prefix="bench-moves-") as scratch:
        path = Path(scratch) / "games.json"
        games = games_file(path, args.players_per_title, args.months)
        phases = [timed_phase(phase, path) for phase in PHASES]
        writes = [written(path, {}, str(Path(scratch) / "moves.duckdb"))]
        with running_postgres() as postgres:
            url = postgres.create_database("moves")
            postgres_env = {
                "DESTINATION__WAREHOUSE__DESTINATION_TYPE": "postgres",
                "DESTINATION__WAREHOUSE__CREDENTIALS": url,
            }
            writes.append(written(path, postgres_env, str(Path(scratch) / "unused.duckdb")))
    baseline = phases[0]["wall_s"]
    for phase in phases:
        phase["vs_baseline"] = round(baseline / phase["wall_s"], 2)
    best = max(phase["games_per_s"] for phase in phases if phase["name"].startswith("reader"))
    return {
        "args": {"players_per_title": args.players_per_title, "months": args.months},
        "cores": os.cpu_count(),
        "games": games,
        "phases": phases,
        "writes": writes,
        "figures": {"reader games/s, start-up included": best},
        "targets_met": {"reader games/s, start-up included": best >= GOAL_GAMES_PER_S},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--players-per-title", type=int, default=12)
    parser.add_argument("--months", nargs="+", default=["2024-01", "2024-02", "2024-03", "2024-04"])
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--games-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(read_phase(args.phase, args.games_file)))
        return
    from bench.render import moves_report

    result = run(args)
    print(moves_report(result))
    out = Path(args.out) / f"moves-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
