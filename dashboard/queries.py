"""The SQL behind every chart and table of the dashboard, over the mart (``chess_analytics``).

Portable SQL (DuckDB and PostgreSQL), parameters as ``%(name)s``; averages cast to double
precision so both warehouses hand back floats; scores are computed by the pages from the counts.
One query per figure, named after what it shows.
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

# A player's figures beside the charts: games, score, months, last rating per time class.
PLAYER_SUMMARY = """
    select count(*) as games,
           sum(case when outcome = 'win' then 1 else 0 end) as wins,
           sum(case when outcome = 'draw' then 1 else 0 end) as draws,
           sum(case when outcome = 'loss' then 1 else 0 end) as losses,
           count(distinct month) as months
    from chess_analytics.player_games where player = %(player)s
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
           count(*) as games,
           sum(case when outcome = 'win' then 1 else 0 end) as wins,
           sum(case when outcome = 'draw' then 1 else 0 end) as draws,
           sum(case when outcome = 'loss' then 1 else 0 end) as losses
    from chess_analytics.player_games where player = %(player)s
    group by month, time_class, colour
    order by month, time_class, colour
"""

PLAYER_OPENINGS = """
    select eco, sum(games) as games, sum(wins) as wins, sum(draws) as draws, sum(losses) as losses
    from chess_analytics.player_openings
    where player = %(player)s and colour = %(colour)s
    group by eco
    order by games desc, eco
"""

HEAD_TO_HEAD = """
    select opponent,
           sum(games) as games, sum(wins) as wins, sum(draws) as draws, sum(losses) as losses
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

# The most played ECO codes of a month in one time class, and how white scored with them.
TOP_OPENINGS = """
    select eco, min(opening) as opening, count(*) as games,
           cast(avg(case winner when 'white' then 1.0 when 'draw' then 0.5 else 0.0 end)
                as double precision) as white_score
    from chess_analytics.games
    where month = %(month)s and time_class = %(time_class)s and eco is not null
    group by eco
    order by games desc, eco
    limit 20
"""

# The roster as loaded: players, what their profiles say, the months of games loaded for each.
ROSTER = """
    select players.username, profiles.title, profiles.country, profiles.status,
           count(archives.month) as months_loaded,
           min(archives.month) as first_month, max(archives.month) as last_month,
           coalesce(sum(archives.games), 0) as games
    from chess_data.players as players
    left join chess_data.players_profiles as profiles on profiles.username = players.username
    left join chess_data.players_archives as archives on archives.username = players.username
    group by players.username, profiles.title, profiles.country, profiles.status
    order by players.username
"""

# When each raw table last received rows: the newest dlt load that wrote to it.
LAST_LOADS = """
    select 'players' as table_name, max(_dlt_load_id) as load_id from chess_data.players
    union all select 'players_profiles', max(_dlt_load_id) from chess_data.players_profiles
    union all select 'players_games', max(_dlt_load_id) from chess_data.players_games
    union all select 'players_archives', max(_dlt_load_id) from chess_data.players_archives
"""

# A player's ratings now by kind, as Chess.com's stats give them (rated kinds first).
PLAYER_RATINGS = """
    select kind, rating, rating_date, best_rating, best_date, games, wins, draws, losses
    from chess_analytics.player_ratings where player = %(player)s
    order by rules is null, rules, time_class, kind
"""
