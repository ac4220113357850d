{#- One row per month, time class, line (the moves so far in SAN, space-separated: '' is the start, up
    to 11 plies) and the move played next: an opening explorer of the roster's standard games from the
    standard start, each game once. By move sequence: a transposition is a line of its own. `line` is
    a keyword to sqlfluff, and the column's name in the explorer's vocabulary. Each move's line is the
    moves before it in its game, a window over the game's first plies: a pivot of them by game held a
    group per game in memory, beyond DuckDB's limit at the 1,000-player scale. -#}
{%- set depth = 12 -%}

with games as (
    select * from {{ mart_ref('games') }}
    where {{ run_months_filter('month') }} and rules = 'chess' and from_start
),

steps as (
    select
        url,
        san as next_move,
        coalesce(
            string_agg(san, ' ') over (
                partition by url order by ply rows between unbounded preceding and 1 preceding
            ),
            ''
        ) as line  -- noqa: RF04
    from {{ ref('stg_chess__game_moves') }}
    where ply <= {{ depth }}
)

select
    games.month,
    games.time_class,
    steps.line,
    steps.next_move,
    count(*) as games,
    count(case when games.winner = 'white' then 1 end) as white_wins,
    count(case when games.winner = 'draw' then 1 end) as draws,
    count(case when games.winner = 'black' then 1 end) as black_wins,
    {{ rounded_avg(score('games.winner', 'white'), 3) }} as white_score
from steps
inner join games on steps.url = games.url
group by games.month, games.time_class, steps.line, steps.next_move
