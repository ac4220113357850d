"""Backfill benchmark: the project against dlt's example way of loading and against the network floor.

Starts the fixture API (latency per request, 429 above a number of requests in flight), then, in
one process tree and one run, times as whole processes:

* baseline: dlt's chess example (one dlt run per month, serial requests, append);
* no-op run, bare Dagster: an asset that does nothing, alone in a code location;
* start-up: the same asset in the project's code location (fixed cost of a run; the difference to
  the bare run is what the project adds);
* project cold: players, profiles and all months in one `--partition-range` run, empty DuckDB;
* project warm: the same again, nothing changed at the source (fastest of 5, as the no-op runs:
  a warm run repeats exactly, and its start-up varies as theirs);
* project cold, PostgreSQL: the cold run again into a fresh PostgreSQL warehouse (a server it starts);
* 18 single-month runs at once, pool 1 / pool 4: a `chess-load games <month>` per month started
  together, as a team's schedules and users start them, on the team instance (deploy/dagster.yaml,
  PostgreSQL) with the ``chess_postgres`` pool limited to 1, then 4; each into a fresh warehouse.

Prints a table and writes it as JSON to bench/results/. `make bench`; `--help` for the knobs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import psycopg2

from bench.render import report as rendered_report
from chess_dagster.lib.settings import PROJECT_ROOT as ROOT
from fixture import ChessUniverse, Month
from fixture.dagster_home import TEAM_INSTANCE, new_dagster_home
from fixture.postgres import PostgresServer, running_postgres
from fixture.wait import wait_for

BIN = Path(sys.executable).parent
POSTGRES_POOL = "chess_postgres"
DATA_TABLES = ("players", "players_profiles", "players_games")


@dataclass
class Phase:
    name: str
    wall_s: float
    requests: int
    by_status: dict[str, int]
    month_downloads: int  # full month archives served (200)
    rows: int
    peak_rss_mib: float
    rows_per_s: float = field(init=False)

    def __post_init__(self) -> None:
        self.rows_per_s = round(self.rows / self.wall_s, 1) if self.wall_s else 0.0


class TreeRss:
    """Peak resident memory of process trees (the sum over their processes), sampled from /proc."""

    def __init__(self, *roots: int) -> None:
        self.roots, self.peak_kib, self._stop = roots, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            pids = _trees(self.roots)
            self.peak_kib = max(self.peak_kib, sum(_rss_kib(pid) for pid in pids))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return round(self.peak_kib / 1024, 1)


def _trees(roots: tuple[int, ...]) -> set[int]:
    """The processes of the trees under ``roots`` (one scan of /proc for all of them)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = set(), list(roots)
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo.extend(children.get(pid, []))
    return tree


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Fixture:
    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.pub = f"{self.base}/pub/"

    def call(self, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        with urllib.request.urlopen(
            urllib.request.Request(self.base + path, data=data), timeout=30
        ) as response:
            return json.load(response)


def rows_since(warehouse: str, since: float) -> int:
    """Rows in the data tables written by loads that finished after ``since``.

    ``warehouse`` is a DuckDB file or a ``postgresql://`` URL: the same SQL, each driver's parameter.
    """
    if warehouse.startswith("postgresql://"):
        with closing(psycopg2.connect(warehouse)) as postgres:
            return _rows_since(postgres.cursor(), "%s", since)
    if not Path(warehouse).exists():
        return 0
    with duckdb.connect(warehouse, read_only=True) as connection:
        return _rows_since(connection.cursor(), "?", since)


def _rows_since(cursor: Any, parameter: str, since: float) -> int:
    """``cursor``: a DB-API cursor of either driver (they share no type)."""
    total = 0
    cursor.execute("select table_name from information_schema.tables where table_schema = 'chess_data'")
    existing = {name for (name,) in cursor.fetchall()}
    for table in (t for t in DATA_TABLES if t in existing):
        cursor.execute(
            f"select count(*) from chess_data.{table} where _dlt_load_id in (select load_id "
            f"from chess_data._dlt_loads where inserted_at >= to_timestamp({parameter}))",
            [since],
        )
        total += cursor.fetchone()[0]
    return total


def normalize_and_load_s(database: str) -> float:
    """Seconds dlt spent normalizing and loading into DuckDB, from the traces the project stores."""
    with duckdb.connect(database, read_only=True) as connection:
        row = connection.execute(
            "select sum(epoch(finished_at) - epoch(started_at)) from chess_data._trace__steps "
            "where step in ('normalize', 'load')"
        ).fetchone()
    assert row is not None  # an aggregate without group by returns exactly one row
    seconds = row[0]
    return round(seconds or 0.0, 2)


def run_phase(
    name: str, commands: list[list[str]], env: dict, fixture: Fixture, database: str, together: bool = False
) -> Phase:
    """Run ``commands`` one after the other (or all at once: ``together``); fail on any failure."""
    fixture.call("/_fixture/reset", {})
    started = time.time()
    peak = 0.0
    batches = [commands] if together else [[command] for command in commands]
    for batch in batches:
        processes = [
            subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
            )
            for command in batch
        ]
        sampler = TreeRss(*(process.pid for process in processes))
        errors = [process.communicate()[1] for process in processes]
        peak = max(peak, sampler.stop())
        for command, process, stderr in zip(batch, processes, errors, strict=True):
            if process.returncode != 0:
                raise SystemExit(
                    f"{name}: {' '.join(command[:4])} failed (exit {process.returncode}):\n{stderr[-3000:]}"
                )
    wall = time.time() - started
    stats = fixture.call("/_fixture/stats")
    by_route_status = stats["by_route_status"]
    return Phase(
        name,
        round(wall, 2),
        stats["requests"],
        stats["by_status"],
        by_route_status.get("month 200", 0),
        rows_since(database, started),
        peak,
    )


# Runs of a repeatable phase (no-op, warm) of which the fastest counts: their start-up alone varies
# by ~0.2 s from run to run, a third of a warm run's work.
REPEATS = 5


def fastest_of(
    times: int, name: str, command: list[str], env: dict, fixture: Fixture, database: str
) -> Phase:
    """The fastest of ``times`` runs of ``command``: a run's start-up varies by ~0.2-0.4 s from run to
    run (the first of a benchmark reads Dagster's files from disk)."""
    return min(
        (run_phase(name, [command], env, fixture, database) for _ in range(times)), key=lambda p: p.wall_s
    )


def single_month_runs_at_once(
    pool_limit: int, months: list[str], env: dict, fixture: Fixture, postgres: PostgresServer, scratch: Path
) -> Phase:
    """One ``chess-load games <month>`` per month, all started together, on a new team instance
    whose ``chess_postgres`` pool takes ``pool_limit`` steps at once, into a new warehouse."""
    instance_url = postgres.create_database(f"dagster_pool_{pool_limit}")
    os.environ["DAGSTER_PG_URL"] = instance_url  # new_dagster_home opens the instance here
    home = new_dagster_home(scratch / f"team_home_pool_{pool_limit}", TEAM_INSTANCE)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        instance.event_log_storage.set_concurrency_slots(POSTGRES_POOL, pool_limit)
    warehouse = postgres.create_database(f"chess_pool_{pool_limit}")
    team_env = {
        **env,
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_URL": instance_url,
        "DESTINATION__WAREHOUSE__DESTINATION_TYPE": "postgres",
        "DESTINATION__WAREHOUSE__CREDENTIALS": warehouse,
    }
    commands = [[str(BIN / "chess-load"), "games", month] for month in months]
    name = f"{len(months)} runs at once, pool {pool_limit}"
    return run_phase(name, commands, team_env, fixture, warehouse, together=True)


def minimum_requests(universe: ChessUniverse, players: int, months: list[str]) -> int:
    """Titled list + profiles + the cheaper of (archives + months with games) and (every month)."""
    usernames = universe.titled_usernames("GM")[:players]
    with_games = sum(
        1 for username in usernames for month in months if universe.games(username, Month.parse(month))
    )
    return 1 + players + min(players + with_games, players * len(months))


DAGSTER_MATERIALIZE = [str(BIN / "dagster"), "asset", "materialize"]
NOOP_RUN = [*DAGSTER_MATERIALIZE, "-m", "bench.noop_location", "--select", "noop"]
BARE_NOOP_RUN = [*DAGSTER_MATERIALIZE, "-m", "bench.noop_bare", "--select", "noop"]


def source_run(months: list[str]) -> list[str]:
    """Players, profiles and every month in one run: what a first backfill is."""
    return [
        *DAGSTER_MATERIALIZE,
        "-m",
        "chess_dagster.definitions",
        "--select",
        "chess/players,chess/players_profiles,chess/players_games",
        "--partition-range",
        f"{months[0]}...{months[-1]}",
    ]


def month_keys(first: str, count: int) -> list[str]:
    months, month = [], Month.parse(first)
    for _ in range(count):
        months.append(month.key)
        month = month.next()
    return months


@contextmanager
def fixture_api(
    args: argparse.Namespace, universe: ChessUniverse, months: list[str], *options: str
) -> Iterator[Fixture]:
    """The fixture API in its own process (latency per request, 429 above ``allowed_in_flight``, the
    command line's other ``options``), its month cache warmed so that no phase pays for generating data."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fixture",
            "--port",
            str(args.port),
            "--players-per-title",
            str(universe.players_per_title),
            "--games-per-month",
            str(universe.games_per_month),
            "--latency-ms",
            str(args.latency_ms),
            "--max-in-flight",
            str(args.allowed_in_flight),
            *options,
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{args.port}/_fixture/stats")
        fixture = Fixture(args.port)
        first_player = universe.titled_usernames("GM")[0]
        for key in months:
            fixture.call(f"/pub/player/{first_player}/games/{key.replace('-', '/')}")
        yield fixture
    finally:
        process.terminate()
        process.wait()


def project_env(args: argparse.Namespace, fixture: Fixture, home: Path, database: str) -> dict[str, str]:
    return {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "CHESS_DUCKDB_PATH": database,
        "SOURCES__CHESS__CHESS_URL": fixture.pub,
        "SOURCES__CHESS__MAX_PLAYERS": str(args.players),
        "SOURCES__CHESS__MAX_CONCURRENCY": str(args.allowed_in_flight),
        "RUNTIME__LOG_LEVEL": "ERROR",
    }


def workload_parser(description: str, players: int, months: int, first_month: str) -> argparse.ArgumentParser:
    """The knobs every benchmark has: the workload, the fixture API's behaviour, where results go."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--players", type=int, default=players)
    parser.add_argument("--months", type=int, default=months)
    parser.add_argument("--first-month", default=first_month)
    parser.add_argument("--games-per-month", type=int, default=40)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--allowed-in-flight", type=int, default=8)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    return parser


def main() -> None:
    args = workload_parser(__doc__, players=50, months=18, first_month="2024-01").parse_args()

    months = month_keys(args.first_month, args.months)
    scratch = Path(tempfile.mkdtemp(prefix="chess-bench-"))
    home = new_dagster_home(scratch / "dagster_home")
    project_db, baseline_db = str(scratch / "project" / "chess.duckdb"), str(scratch / "baseline.duckdb")
    universe = ChessUniverse(players_per_title=max(args.players, 12), games_per_month=args.games_per_month)
    try:
        with fixture_api(args, universe, months) as fixture:
            env = project_env(args, fixture, home, project_db)
            project = [source_run(months)]
            baseline = [
                [
                    sys.executable,
                    "bench/baseline_example.py",
                    fixture.pub,
                    baseline_db,
                    str(args.players),
                    *months,
                ]
            ]
            phases = [
                run_phase("baseline (dlt example)", baseline, env, fixture, baseline_db),
                fastest_of(REPEATS, "no-op run, bare Dagster", BARE_NOOP_RUN, env, fixture, project_db),
                fastest_of(REPEATS, "start-up (no-op run)", NOOP_RUN, env, fixture, project_db),
                run_phase("project cold", project, env, fixture, project_db),
            ]
            load_s = normalize_and_load_s(project_db)
            phases.append(fastest_of(REPEATS, "project warm", project[0], env, fixture, project_db))
            with running_postgres() as postgres:
                warehouse = postgres.create_database("chess")
                on_postgres = {
                    **env,
                    "DESTINATION__WAREHOUSE__DESTINATION_TYPE": "postgres",
                    "DESTINATION__WAREHOUSE__CREDENTIALS": warehouse,
                    # dlt's working folder goes beside this path: a fresh one, no DuckDB file is written
                    "CHESS_DUCKDB_PATH": str(scratch / "on_postgres" / "chess.duckdb"),
                }
                phases.append(run_phase("project cold, PostgreSQL", project, on_postgres, fixture, warehouse))
                for pool_limit in (1, 4):
                    phases.append(
                        single_month_runs_at_once(pool_limit, months, env, fixture, postgres, scratch)
                    )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    report(args, months, phases, minimum_requests(universe, args.players, months), load_s)


def publish(
    kind: str,
    args: argparse.Namespace,
    months: list[str],
    phases: list[Phase],
    floor_requests: int,
    load_s: float,
    work: dict[str, float],
    figures: dict[str, Any],
    targets: dict[str, bool],
) -> None:
    """Write the workload, the phases and the figures to ``bench/results/<kind>-<time>.json`` and
    print them as the docs show them (``bench.render``)."""
    result = {
        "args": vars(args),
        "cores": os.cpu_count(),
        "months": months,
        "floor_requests": floor_requests,
        "floor_s": network_floor_s(args, floor_requests),
        "normalize_and_load_s": load_s,
        "work_s": work,
        "figures": figures,
        "targets_met": targets,
        "phases": [asdict(p) for p in phases],
    }
    print(f"\n{rendered_report(result)}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{kind}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"\nwritten to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def network_floor_s(args: argparse.Namespace, floor_requests: int) -> float:
    """Seconds the minimum requests take at the fixture's latency with every slot in flight."""
    return round(floor_requests * args.latency_ms / 1000 / args.allowed_in_flight, 2)


def work_s(startup: Phase, *phases: Phase) -> dict[str, float]:
    """Each phase's wall time minus one run's start-up: the work it did (every phase is one run)."""
    return {p.name: round(p.wall_s - startup.wall_s, 2) for p in phases}


def load_figures(
    cold: Phase, cold_work: float, floor_s: float, load_s: float
) -> tuple[dict[str, float], dict[str, bool]]:
    """How close a cold run comes to the network floor plus dlt's own normalize and load, and how
    fast those are; with their targets."""
    rate = round(cold.rows / load_s) if load_s else 0
    vs_floor = round(cold_work / (floor_s + load_s), 2)
    figures = {"cold work / (floor + normalize&load)": vs_floor, "normalize+load rows/s": rate}
    targets = {"cold work / (floor + normalize&load)": vs_floor <= 2, "normalize+load rows/s": rate >= 30_000}
    return figures, targets


def report(
    args: argparse.Namespace, months: list[str], phases: list[Phase], floor_requests: int, load_s: float
) -> None:
    baseline, bare_startup, startup, cold, warm, cold_on_postgres, pool_1, pool_4 = phases
    work = work_s(startup, cold, warm, cold_on_postgres)
    loading, loading_targets = load_figures(
        cold, work[cold.name], network_floor_s(args, floor_requests), load_s
    )
    figures = {
        "speedup cold vs baseline (wall)": round(baseline.wall_s / cold.wall_s, 1),
        **loading,
        "warm work / cold work": round(max(work[warm.name], 0) / work[cold.name], 3),
        "warm month downloads": warm.month_downloads,
        "start-up the project adds (s)": round(startup.wall_s - bare_startup.wall_s, 2),
        "cold 429s": cold.by_status.get("429", 0),
        "peak RSS MiB (max of one run)": max(
            p.peak_rss_mib for p in (baseline, bare_startup, startup, cold, warm, cold_on_postgres)
        ),
        "cold work PostgreSQL / DuckDB": round(work[cold_on_postgres.name] / work[cold.name], 2),
        "rows PostgreSQL - DuckDB (cold)": cold_on_postgres.rows - cold.rows,
        "runs at once: pool 1 / pool 4 (wall)": round(pool_1.wall_s / pool_4.wall_s, 2),
        "runs at once: peak RSS MiB, all runs": max(pool_1.peak_rss_mib, pool_4.peak_rss_mib),
        "runs at once: rows pool 4 - cold games": pool_4.rows - (cold.rows - 2 * args.players),
    }
    targets = {
        "speedup cold vs baseline (wall)": figures["speedup cold vs baseline (wall)"] >= 10,
        **loading_targets,
        "warm work / cold work": figures["warm work / cold work"] <= 0.10,
        "warm month downloads": warm.month_downloads == 0,
        "cold 429s": figures["cold 429s"] <= 5,
        "peak RSS MiB (max of one run)": figures["peak RSS MiB (max of one run)"] < 1024,
        "rows PostgreSQL - DuckDB (cold)": figures["rows PostgreSQL - DuckDB (cold)"] == 0,
        "runs at once: rows pool 4 - cold games": pool_1.rows == pool_4.rows == cold.rows - 2 * args.players,
    }
    publish("backfill", args, months, phases, floor_requests, load_s, work, figures, targets)


if __name__ == "__main__":
    main()
