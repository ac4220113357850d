"""The mart as one job: every model for a month, or for a range of months in one dbt build."""

import dagster as dg

chess_mart_job = dg.define_asset_job(
    "chess_mart_job",
    selection=dg.AssetSelection.groups("chess_analytics"),
    description="Build every model of the dbt mart (chess_analytics) for a month or a range of months.",
)
