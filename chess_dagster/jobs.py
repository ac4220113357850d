"""Jobs beyond the implicit asset job: the raw tables' checks alone, on data already loaded."""

import dagster as dg

from chess_dagster.checks import games_checks, roster_checks

chess_checks_job = dg.define_asset_job(
    "chess_checks",
    # Freshness checks and the analytics' own checks run on their own schedule and assets.
    selection=dg.AssetSelection.checks(games_checks, roster_checks),
    description="Run every check of the raw chess tables against what is already in DuckDB, without loading.",
)
