"""The mart as one job: every model for a month, or for a range of months in one dbt build."""

import dagster as dg

chess_mart_job = dg.define_asset_job(
    "chess_mart_job",
    selection=dg.AssetSelection.groups("chess_moves", "chess_analytics"),
    description="Read the moves of a month or a range of months, then build every model of the dbt mart "
    "(chess_analytics) for them.",
)
