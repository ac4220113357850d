"""When the mart rebuilds a month on its own: when that month's games change, not the roster."""

import dagster as dg

from chess_dagster.defs.ingest.keys import PLAYERS_KEY

# eager() would only ever consider the latest month, and a weekly roster refresh must not rebuild
# every month.
ON_GAMES_MONTH_UPDATED = (
    dg.AutomationCondition.any_deps_updated().ignore(dg.AssetSelection.assets(PLAYERS_KEY))
    & ~dg.AutomationCondition.any_deps_missing()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()
)

analytics_automation = dg.AutomationConditionSensorDefinition(
    "chess_analytics_automation",
    target=dg.AssetSelection.groups("chess_analytics"),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
)
