"""Jobs beyond the implicit asset job: the checks alone, on data already loaded."""

import dagster as dg

chess_checks_job = dg.define_asset_job(
    "chess_checks",
    selection=dg.AssetSelection.all_asset_checks(),
    description="Run every chess asset check against what is already in DuckDB, without loading.",
)
