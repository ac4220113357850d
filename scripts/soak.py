"""Fault soak: many `chess-load` runs against a misbehaving fixture API, rows checked after each.

Each round loads two new months through the real CLI into one DuckDB file and one Dagster home
(both new for the soak) while the fixture API injects one kind of fault; three kinds of round
kill the run with SIGKILL during extract, normalize or load and run it again. After every round
the whole games table must equal the fixture's games for every month loaded so far: no month
missing, no game twice, no game extra.

    python -m scripts.soak [--rounds 22] [--players 8]     # what `make soak` runs

Prints a markdown table (`make soak` renders it into docs/reliability.md) and exits 1 if any
round lost or duplicated rows.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from bench.render import soak_report
from chess_dagster.lib.settings import PROJECT_ROOT
from fixture import ChessUniverse, FixtureServer, Month, running_fixture_api
from fixture.crash import kill_in
from fixture.dagster_home import new_dagster_home

CHESS_LOAD = str(Path(sys.executable).parent / "chess-load")
FIRST_MONTH = Month(2022, 1)
log = logging.getLogger("soak")


@dataclass(frozen=True)
class Fault:
    name: str
    knobs: dict
    kill_during: str = ""  # "extract", "normalize" or "load": SIGKILL the run then, and run it again


FAULTS = (
    Fault("none", {}),
    Fault("503 at random (30%)", {"error_rate": 0.3}),
    Fault("429 + Retry-After at random (30%)", {"throttle_rate": 0.3}),
    Fault("429 storm (2 in flight allowed)", {"max_in_flight": 2}),
    Fault("malformed JSON + truncated bodies (15% each)", {"malformed_rate": 0.15, "truncate_rate": 0.15}),
    Fault("slow responses (250 ms)", {"latency_ms": 250}),
    Fault("stalls past the 2 s timeout (10%)", {"stall_rate": 0.1, "stall_s": 3}),
    Fault(
        "everything at 8%",
        {
            "error_rate": 0.08,
            "throttle_rate": 0.08,
            "malformed_rate": 0.08,
            "truncate_rate": 0.08,
            "latency_ms": 20,
        },
    ),
    Fault("SIGKILL during extract, then re-run", {"latency_ms": 150}, kill_during="extract"),
    Fault("SIGKILL during normalize, then re-run", {}, kill_during="normalize"),
    Fault("SIGKILL during load, then re-run", {}, kill_during="load"),
)
QUIET = {
    "latency_ms": 0,
    "error_rate": 0,
    "throttle_rate": 0,
    "max_in_flight": 0,
    "malformed_rate": 0,
    "truncate_rate": 0,
    "stall_rate": 0,
}


@dataclass
class Round:
    number: int
    fault: str
    months: str
    exit_codes: str
    requests: int
    faults_injected: int
    rows_expected: int
    rows_found: int
    exact: bool  # the urls in DuckDB are the fixture's, no more, no fewer
    seconds: float

    @property
    def ok(self) -> bool:
        return self.exact and self.rows_found == self.rows_expected and self.exit_codes.endswith("0")


def injected(stats: dict) -> int:
    """Answers that were not plain successes: 429s, 5xx, malformed or truncated bodies, stalls."""
    bad_status = sum(n for status, n in stats["by_status"].items() if status not in ("200", "304", "404"))
    broken = sum(
        n
        for key, n in stats["by_route_status"].items()
        if key.endswith(("malformed", "truncated", "stalled"))
    )
    return bad_status + broken


def loaded(duckdb_path: str) -> list[str]:
    """The url of every game row in DuckDB (a url twice would be a duplicate)."""
    with duckdb.connect(duckdb_path, read_only=True) as connection:
        return [url for (url,) in connection.sql("select url from chess_data.players_games").fetchall()]


def chess_load(months: str, env: dict, api: FixtureServer, kill_during: str) -> list[int]:
    """Exit codes of the runs it took: one, or the killed one (-9; 0 if it ended first) and its re-run."""
    command = [CHESS_LOAD, "games", months]
    codes = []
    if kill_during:
        run = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        kill_in(kill_during, run, api, env["TMPDIR"])
        codes.append(run.returncode)
        api.state.configure(QUIET)
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600)
    if result.returncode:
        log.warning("%s", result.stderr.strip().splitlines()[-1])
    return [*codes, result.returncode]


def soak(rounds: int, players: int, scratch: Path) -> list[Round]:
    universe = ChessUniverse(players_per_title=max(players, 12), games_per_month=25)
    usernames = universe.titled_usernames("GM")[:players]
    duckdb_path = str(scratch / "chess.duckdb")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(new_dagster_home(scratch / "dagster_home")),
        "CHESS_DUCKDB_PATH": duckdb_path,
        "TMPDIR": str(scratch),  # dlt's working folders, watched by kill_in
        "CHESS_RETRY_DELAY_S": "0.5",
        "SOURCES__CHESS__MAX_PLAYERS": str(players),
        "RUNTIME__REQUEST_BACKOFF_FACTOR": "0.05",
        "RUNTIME__REQUEST_MAX_RETRY_DELAY": "2",
        "RUNTIME__REQUEST_TIMEOUT": "2",
    }
    results, months_loaded, month = [], [], FIRST_MONTH
    with running_fixture_api(universe) as api:
        env["SOURCES__CHESS__CHESS_URL"] = api.base_url
        for number in range(rounds):
            fault = FAULTS[number % len(FAULTS)]
            months, month = [month.key, month.next().key], month.next().next()
            api.state.configure({**QUIET, **fault.knobs})
            api.state.reset_stats()
            started = time.monotonic()
            codes = chess_load(f"{months[0]}...{months[1]}", env, api, fault.kill_during)
            seconds = time.monotonic() - started
            stats = api.state.stats()
            months_loaded += months
            truth = universe.game_urls(usernames, months_loaded)
            urls = loaded(duckdb_path)
            results.append(
                Round(
                    number + 1,
                    fault.name,
                    f"{months[0]}...{months[1]}",
                    "→".join(map(str, codes)),
                    stats["requests"],
                    injected(stats),
                    len(truth),
                    len(urls),
                    set(urls) == truth,
                    seconds,
                )
            )
            log.info("%s", results[-1])
    return results


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=2 * len(FAULTS))
    parser.add_argument("--players", type=int, default=8)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    log.setLevel(logging.INFO)
    with tempfile.TemporaryDirectory(prefix="chess-soak-") as scratch:
        results = soak(args.rounds, args.players, Path(scratch))
    rounds = [{**vars(r), "ok": r.ok} for r in results]
    print(soak_report(rounds))
    out = PROJECT_ROOT / "bench" / "results" / f"soak-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(rounds, indent=1))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
