"""``chess-load``: load months of games, or the roster, from a shell; every error in one line.

Not only ``dg launch``, which answers a month outside the partitions with a stack trace (docs/loads.md).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import dagster as dg

from chess_dagster.defs.ingest.keys import GAMES_KEY, PLAYERS_KEY
from chess_dagster.lib.errors import ExplainedError
from chess_dagster.lib.settings import settings
from chess_dagster.runs.dagster_private import ReconstructableJob
from chess_dagster.runs.failures import first_failure_reason
from chess_dagster.sources.chess_com.months import month_span, parse_month_range

# A failure's reason is this command's last line, so the console does not tell it as well.
QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "INFO", "reason_told_by_caller": True}}}}


class UsageError(ExplainedError):
    """The message says how to fix it."""


def _definitions() -> dg.Definitions:
    """Loaded only once the settings they read are known to be good."""
    from chess_dagster.ingest_definitions import ingest_definitions

    return ingest_definitions()


def games_job() -> dg.JobDefinition:
    return _definitions().resolve_job_def("chess_games_job")


def roster_job() -> dg.JobDefinition:
    return _definitions().resolve_job_def("chess_roster_job")


def source_job() -> dg.JobDefinition:
    return _definitions().resolve_job_def("chess_source_job")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="chess-load", description=__doc__.split("\n\n")[0])
    what = parser.add_subparsers(dest="what", required=True)
    games = what.add_parser("games", help="monthly game archives of the configured players")
    everything = what.add_parser("all", help="players, profiles and games, in one run")
    for parser_with_months in (games, everything):
        parser_with_months.add_argument("months", help="YYYY-MM, or a range YYYY-MM...YYYY-MM")
        parser_with_months.add_argument(
            "--recheck-closed-months",
            action="store_true",
            help="ask Chess.com again (conditionally) for closed months already loaded",
        )
    what.add_parser("roster", help="titled players and their profiles")
    return parser.parse_args(argv)


def run_request(args: argparse.Namespace) -> tuple[ReconstructableJob, dict[str, str], dict]:
    if args.what == "roster":
        return dg.reconstructable(roster_job), {}, QUIET_CONSOLE
    job = games_job if args.what == "games" else source_job
    from chess_dagster.defs.ingest.partitions import games_months  # reads the settings, as _definitions

    start, end = parse_month_range(args.months, games_months())
    tags = (
        {"dagster/partition": start}
        if start == end
        else {"dagster/asset_partition_range_start": start, "dagster/asset_partition_range_end": end}
    )
    run_config = {
        **QUIET_CONSOLE,
        "ops": {"chess_source": {"config": {"recheck_closed_months": args.recheck_closed_months}}},
    }
    return dg.reconstructable(job), tags, run_config


def summary(result) -> str:
    if not result.success:
        return f"run {result.run_id} failed: {first_failure_reason(result.all_events)}"
    games = [
        event.step_materialization_data.materialization
        for event in result.all_events
        if event.is_step_materialization and event.asset_key == GAMES_KEY
    ]
    roster = any(
        event.is_step_materialization and event.asset_key == PLAYERS_KEY for event in result.all_events
    )
    if not games:
        return f"run {result.run_id} loaded players and profiles"
    months = month_span(m.partition for m in games)
    rows = sum(games[0].metadata["rows_by_month"].value.values())  # one load for every month of the run
    loaded = f"players, profiles and {months}" if roster else months
    return f"run {result.run_id} loaded {loaded}: {rows} new or changed games"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        dagster_home = settings().dagster_home  # a bad setting is told here, in one line
        job, tags, run_config = run_request(args)
        if not dagster_home:
            raise UsageError(
                "DAGSTER_HOME is not set: export DAGSTER_HOME=$PWD/dagster_home (make does) and retry"
            )
        with dg.DagsterInstance.get() as instance:
            result = dg.execute_job(job, instance=instance, tags=tags, run_config=run_config)
    except ExplainedError as exc:  # a bad setting, a month outside the partitions, DAGSTER_HOME unset
        print(f"chess-load: {exc}", file=sys.stderr)
        return 2
    print(f"chess-load: {summary(result)}", file=sys.stderr if not result.success else sys.stdout)
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
