"""The SQL behind every chart and table of the dashboard, over the mart (``chess_analytics``).

Portable SQL (DuckDB and PostgreSQL), parameters as ``%(name)s``. The mart is the dashboard's only
door: every rule (a score's 1, ½ and 0, an outcome, a month loaded) is written once, in dbt, and a
query only sums what a model holds. One query per figure, named after what it shows.
"""

PLAYERS = """
    select distinct player from chess_analytics.player_games order by player
"""

TIME_CLASSES = """
    select distinct time_class from chess_analytics.games order by time_class
"""

MONTHS = """
    select distinct month from chess_analytics.games order by month desc
"""

# A player's figures beside the charts: games, results, points, months.
PLAYER_SUMMARY = """
    select sum(games) as games, sum(wins) as wins, sum(draws) as draws, sum(losses) as losses,
           sum(points) as points, count(distinct month) as months
    from chess_analytics.player_results where player = %(player)s
"""

RATING_HISTORY = """
    select day, rules, time_class, rating, games
    from chess_analytics.rating_history where player = %(player)s
    order by rules, time_class, day
"""

LATEST_RATINGS = """
    select rules, time_class, rating, day
    from (
        select rules, time_class, rating, day,
               row_number() over (partition by rules, time_class order by day desc) as newest
        from chess_analytics.rating_history where player = %(player)s
    ) as ranked
    where newest = 1
    order by rules, time_class
"""

RESULTS_BY_MONTH = """
    select month, time_class, colour,
           sum(games) as games, sum(wins) as wins, sum(draws) as draws, sum(losses) as losses,
           sum(points) as points
    from chess_analytics.player_results where player = %(player)s
    group by month, time_class, colour
    order by month, time_class, colour
"""

PLAYER_OPENINGS = """
    select eco, sum(games) as games, sum(wins) as wins, sum(draws) as draws, sum(losses) as losses,
           sum(points) as points
    from chess_analytics.player_openings
    where player = %(player)s and colour = %(colour)s
    group by eco
    order by games desc, eco
"""

HEAD_TO_HEAD = """
    select opponent,
           sum(games) as games, sum(wins) as wins, sum(draws) as draws, sum(losses) as losses,
           sum(points) as points
    from chess_analytics.head_to_head where player = %(player)s
    group by opponent
    order by games desc, opponent
"""

TERMINATIONS = """
    select termination, outcome, count(*) as games
    from chess_analytics.player_games where player = %(player)s
    group by termination, outcome
    order by games desc, termination, outcome
"""

# The most played ECO codes of a month in one time class, and white's points with them.
TOP_OPENINGS = """
    select eco, min(opening) as opening, sum(games) as games, sum(white_points) as white_points
    from chess_analytics.openings
    where month = %(month)s and time_class = %(time_class)s
    group by eco
    order by games desc, eco
    limit 20
"""

# The roster as loaded: players, what their profiles say, the months of games loaded for each.
ROSTER = """
    select player as username, title, country, status, months_loaded, first_month, last_month, games
    from chess_analytics.roster
    order by player
"""

# When each raw table last received rows, and the load that wrote them.
LAST_LOADS = """
    select table_name, load_id, loaded_at from chess_analytics.table_loads order by table_name
"""

# A player's ratings now by kind, as Chess.com's stats give them (rated kinds first).
PLAYER_RATINGS = """
    select kind, rating, rating_date, best_rating, best_date, games, wins, draws, losses
    from chess_analytics.player_ratings where player = %(player)s
    order by rules is null, rules, time_class, kind
"""
