"""What the mart's ``defs.yaml`` takes from Python: the objects the rest of the project defines once."""

import dagster as dg

from chess_dagster.defs.analytics.automation import BUILT_WITHOUT, ON_GAMES_MONTH_UPDATED
from chess_dagster.defs.ingest.keys import GAMES_KEY
from chess_dagster.defs.ingest.partitions import monthly_partitions
from chess_dagster.lib.warehouse import warehouse_pool


@dg.template_var
def chess_months() -> dg.PartitionsDefinition:
    """The games' month partitions (Chess.com's US Pacific months): a model's month is its games'."""
    return monthly_partitions


@dg.template_var
def chess_pool() -> str:
    """The warehouse's pool: dbt writes the DuckDB file, which takes one writing process."""
    return warehouse_pool()


@dg.template_var
def chess_automation() -> dg.AutomationCondition:
    """Rebuild a month when its games change (eager() would only ever consider the latest month)."""
    return ON_GAMES_MONTH_UPDATED


def _written_by_no_asset_or_by_month() -> dg.AssetSelection:
    """Dependencies a model not by month cannot wait for: the games' months (most are never loaded),
    the tables dlt writes beside the data (the archive ledger, its loads), which no asset
    materializes, and what the mart builds without."""
    every_asset = dg.AssetSelection.all(include_sources=True)
    return dg.AssetSelection.assets(GAMES_KEY) | (every_asset - every_asset.materializable()) | BUILT_WITHOUT


@dg.template_var
def chess_eager() -> dg.AutomationCondition:
    """Rebuild a model not by month when what it reads is updated and the rest of it exists. Not
    eager(): it would build a missing model before anything is loaded (a failed run on a new
    instance), and wait for every games month."""
    return (
        dg.AutomationCondition.any_deps_updated()
        & ~dg.AutomationCondition.any_deps_missing().ignore(_written_by_no_asset_or_by_month())
        & ~dg.AutomationCondition.any_deps_in_progress()
        & ~dg.AutomationCondition.in_progress()
    )


@dg.template_var
def chess_eager_once_games_loaded() -> dg.AutomationCondition:
    """``chess_eager`` for a model that reads the games or the tables written with them: not before
    a first month of games has landed (a roster loaded first has no archive ledger yet)."""
    games_loaded = dg.AutomationCondition.any_deps_match(~dg.AutomationCondition.missing()).allow(
        dg.AssetSelection.assets(GAMES_KEY)
    )
    return chess_eager() & games_loaded
