"""When the moves and the mart rebuild a month on its own: when that month's games change, not the
roster (a newcomer's months change through their own games run, defs/rosters). A month whose moves
were never read still builds (its games count plies from tcn); reading them later rebuilds it."""

import dagster as dg

from chess_dagster.defs.ingest.keys import PLAYERS_KEY, ROSTER_MEMBERS_KEY
from chess_dagster.defs.moves.keys import GAME_FACTS_KEY, GAME_MOVES_KEY

# What the mart builds without (its SQL reads them once they exist): a month's moves before they are
# read, and the roster's memberships before a roster load has written them.
BUILT_WITHOUT = dg.AssetSelection.assets(GAME_MOVES_KEY, GAME_FACTS_KEY, ROSTER_MEMBERS_KEY)

# eager() would only ever consider the latest month, and a weekly roster refresh must not rebuild
# every month.
ON_GAMES_MONTH_UPDATED = (
    dg.AutomationCondition.any_deps_updated().ignore(
        dg.AssetSelection.assets(PLAYERS_KEY, ROSTER_MEMBERS_KEY)
    )
    & ~dg.AutomationCondition.any_deps_missing().ignore(BUILT_WITHOUT)
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()
)

analytics_automation = dg.AutomationConditionSensorDefinition(
    "chess_analytics_automation",
    target=dg.AssetSelection.groups("chess_moves", "chess_analytics"),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
)
