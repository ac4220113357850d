"""Load a few months from the fixture API into a throw-away DuckDB and Dagster home, run every
asset check, print a table of results and exit 1 when an ERROR check failed.

    python -m scripts.check_load                      # load + check (what `make check` runs in CI)
    python -m scripts.check_load --checks-only --duckdb data/chess.duckdb --dagster-home dagster_home
                                                      # check data already loaded, load nothing
    python -m scripts.check_load -v                   # also the loads' logs
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from fixture.dagster_home import new_dagster_home

MONTHS = ("2022-01", "2022-03")  # a partition range: three months in one run
log = logging.getLogger("check_load")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--checks-only", action="store_true", help="check existing data, load nothing")
    parser.add_argument("--duckdb", help="DuckDB file (default: a temporary one)")
    parser.add_argument("--dagster-home", help="Dagster home (default: a temporary one)")
    parser.add_argument("--players", type=int, default=4, help="players to load from the fixture API")
    parser.add_argument("-v", "--verbose", action="store_true", help="also the loads' and libraries' logs")
    args = parser.parse_args(argv)
    # Records of the managed loggers (chess_dagster, dlt) reach the root handler too: its level decides.
    handler = logging.StreamHandler()
    handler.setLevel(logging.INFO if args.verbose else logging.WARNING)
    logging.basicConfig(level=handler.level, format="%(message)s", handlers=[handler])

    scratch = Path(tempfile.mkdtemp(prefix="chess-checks-"))
    home = Path(args.dagster_home or scratch / "dagster_home")
    if not args.dagster_home:
        new_dagster_home(home)
    os.environ["DAGSTER_HOME"] = str(home.resolve())
    os.environ["CHESS_DUCKDB_PATH"] = str(Path(args.duckdb or scratch / "chess.duckdb").resolve())
    try:
        return run(args.checks_only, args.players, args.verbose)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(checks_only: bool, players: int, verbose: bool) -> int:
    import dagster as dg

    from chess_dagster.ingest_definitions import ingest_definitions
    from chess_dagster.runs.dlt_logs import dlt_records_through_dagster
    from chess_dagster.runs.failures import first_failure_reason
    from fixture import running_fixture_api

    defs = ingest_definitions()  # the raw tables' jobs and checks: what this command runs
    # The runs' console: everything with -v, else nothing (the table says what the checks found).
    console = {"loggers": {"console": {"config": {"log_level": "INFO" if verbose else "CRITICAL"}}}}
    with dg.DagsterInstance.get() as instance, dlt_records_through_dagster():
        if not checks_only:
            with running_fixture_api() as api:
                os.environ["SOURCES__CHESS__CHESS_URL"] = api.base_url
                os.environ["SOURCES__CHESS__MAX_PLAYERS"] = str(players)
                log.info("loading players and %s..%s from the fixture API at %s", *MONTHS, api.base_url)
                for job_name, tags in (
                    ("chess_roster_job", {}),
                    (
                        "chess_games_job",
                        {
                            "dagster/asset_partition_range_start": MONTHS[0],
                            "dagster/asset_partition_range_end": MONTHS[1],
                        },
                    ),
                ):
                    job = defs.resolve_job_def(job_name)
                    result = job.execute_in_process(
                        instance=instance, tags=tags, run_config=console, raise_on_error=False
                    )
                    failed_checks = [e for e in result.get_asset_check_evaluations() if not e.passed]
                    if not result.success and not failed_checks:
                        log.error(
                            "%s failed before its checks ran: %s",
                            job_name,
                            first_failure_reason(result.all_events),
                        )
                        return 1
        # A blocking check that fails stops its load run; the checks job then reports every check.
        result = defs.resolve_job_def("chess_checks").execute_in_process(
            instance=instance, run_config=console, raise_on_error=False
        )
    return report(result.get_asset_check_evaluations())


def report(evaluations) -> int:
    """Print one row per check; return 1 when an ERROR check failed."""
    import dagster as dg

    from chess_dagster.defs.ingest.checks import figures

    evaluations = sorted(evaluations, key=lambda e: (e.asset_key.to_user_string(), e.check_name))
    rows = [
        (
            e.asset_key.to_user_string(),
            e.check_name,
            "PASS" if e.passed else f"FAIL ({e.severity.value})",
            e.description or figures(e.metadata),
        )
        for e in evaluations
    ]
    header = ("asset", "check", "result", "figures / reason")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[3])
    failed = [e for e in evaluations if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR]
    for e in failed:
        print(f"ERROR {e.asset_key.to_user_string()}:{e.check_name}: {e.description}", file=sys.stderr)
    print(f"{len(evaluations) - len(failed)} of {len(evaluations)} checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
