"""What the fixture API's stats answers call for in ``players_stats``: the truth the tests compare with."""

from fixture import ChessUniverse

RATED = ("chess_daily", "chess960_daily", "chess_rapid", "chess_blitz", "chess_bullet")


def fixture_stats(universe: ChessUniverse, usernames: list[str]) -> set[tuple]:
    """``(username, kind, last rating, best rating, wins, time per move)`` for every kind each
    player's stats answer holds, read from the answers as CHESS_API.md describes them."""
    rows = set()
    for name in usernames:
        stats = universe.stats(name) or {}
        for kind in RATED:
            if kind in stats:
                block = stats[kind]
                best = block.get("best", {}).get("rating")
                record = block["record"]
                rows.add(
                    (name, kind, block["last"]["rating"], best, record["win"], record.get("time_per_move"))
                )
        if stats.get("fide"):
            rows.add((name, "fide", stats["fide"], None, None, None))
        if stats.get("tactics"):
            rows.add((name, "tactics", None, stats["tactics"]["highest"]["rating"], None, None))
        if stats.get("puzzle_rush"):
            rows.add((name, "puzzle_rush", None, stats["puzzle_rush"]["best"]["score"], None, None))
    return rows
