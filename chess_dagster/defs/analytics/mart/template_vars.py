"""What the mart's ``defs.yaml`` takes from Python: the objects the rest of the project defines once."""

import dagster as dg

from chess_dagster.defs.analytics.automation import ON_GAMES_MONTH_UPDATED
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


@dg.template_var
def chess_eager() -> dg.AutomationCondition:
    """Rebuild a model not by month when what it reads is updated. Not eager() as it is: it waits
    until no dependency is missing, and a model that reads the games reads whatever months are
    loaded (most partitions never are), and the ledgers no asset writes are never materialized."""
    return dg.AutomationCondition.eager().without(~dg.AutomationCondition.any_deps_missing())
