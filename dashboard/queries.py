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

# A player's clock by time class over their live games: seconds per move by the phase moved from
# (the months' averages weighted by their moves), time trouble and its score, games lost on time.
TIME_MANAGEMENT = """
    select time_class, sum(games) as games,
           sum(avg_seconds_opening * moves_opening) / nullif(sum(moves_opening), 0) as opening,
           sum(avg_seconds_middlegame * moves_middlegame) / nullif(sum(moves_middlegame), 0) as middlegame,
           sum(avg_seconds_endgame * moves_endgame) / nullif(sum(moves_endgame), 0) as endgame,
           sum(time_trouble_games) as time_trouble_games,
           cast(sum(time_trouble_games) as double precision) / sum(games) as time_trouble_share,
           sum(time_trouble_score * time_trouble_games) / nullif(sum(time_trouble_games), 0)
               as time_trouble_score,
           sum(lost_on_time) as lost_on_time
    from chess_analytics.player_time_management where player = %(player)s and rules = 'chess'
    group by time_class
    order by time_class
"""

# Where a player's games are decided: the phase of the final position, with the results.
PHASES = """
    select end_phase, sum(games) as games, sum(wins) as wins, sum(draws) as draws, sum(losses) as losses
    from chess_analytics.player_phases where player = %(player)s and rules = 'chess' and end_phase is not null
    group by end_phase
    order by end_phase
"""

# A player's score against the Elo expectation by the opponent's rating gap (buckets of 100).
RATING_GAP = """
    select gap_bucket, sum(games) as games,
           sum(score * games) / sum(games) as score,
           sum(expected_score * games) / sum(games) as expected_score
    from chess_analytics.player_rating_gap where player = %(player)s and rules = 'chess'
    group by gap_bucket
    order by gap_bucket
"""

# The moves played after a line in the opening explorer, with how the games ended.
NEXT_MOVES = """
    select next_move, sum(games) as games, sum(white_wins) as white_wins, sum(draws) as draws,
           sum(black_wins) as black_wins
    from chess_analytics.opening_tree
    where time_class = %(time_class)s and month between %(first_month)s and %(last_month)s and line = %(line)s
    group by next_move
    order by games desc, next_move
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

# The roster as loaded: everyone ever on it (who left, and when), what their profiles say, the months
# of games loaded for each.
ROSTER = """
    select
        player as username, is_current as on_roster, left_at, title, country, status,
        months_loaded, first_month, last_month, games
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
