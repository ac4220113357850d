{#- One row per roster player, month, rules and time class, over the player's live games with clocks:
    seconds per move by the phase of the position moved from, time trouble (the clock under 10% of
    the base time) and how those games scored, games lost on time. -#}
{%- set phases = ['opening', 'middlegame', 'endgame'] -%}

with player_games as (
    select * from {{ mart_ref('player_games') }}
    where {{ run_months_filter('month') }} and time_class != 'daily' and clock_end is not null
),

moves as (
    select * from {{ ref('stg_chess__game_moves') }}
    where seconds_spent is not null
),

by_game as (
    select
        player,
        month,
        rules,
        time_class,
        count(*) as games,
        count(time_trouble_ply) as time_trouble_games,
        {{ rounded_avg('case when time_trouble_ply is not null then 1.0 else 0.0 end', 3) }}
            as time_trouble_share,
        {{ rounded_avg('case when time_trouble_ply is not null then ' ~ score('outcome') ~ ' end', 3) }}
            as time_trouble_score,
        count(case when outcome = 'loss' and termination = 'time' then 1 end) as lost_on_time
    from player_games
    group by player, month, rules, time_class
),

player_moves as (
    select
        player_games.player,
        player_games.month,
        player_games.rules,
        player_games.time_class,
        {%- for phase in phases %}
            case when moves.phase = '{{ phase }}' then moves.seconds_spent end as seconds_{{ phase }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from player_games
    inner join moves on player_games.url = moves.url and player_games.colour = moves.colour
),

by_move as (
    select
        player,
        month,
        rules,
        time_class,
        {%- for phase in phases %}
            {{ rounded_avg('seconds_' ~ phase, 2) }} as avg_seconds_{{ phase }},
            count(seconds_{{ phase }}) as moves_{{ phase }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from player_moves
    group by player, month, rules, time_class
)

select
    by_game.player,
    by_game.month,
    by_game.rules,
    by_game.time_class,
    by_game.games,
    by_move.avg_seconds_opening,
    by_move.avg_seconds_middlegame,
    by_move.avg_seconds_endgame,
    by_game.time_trouble_games,
    by_game.time_trouble_share,
    by_game.time_trouble_score,
    by_game.lost_on_time,
    coalesce(by_move.moves_opening, 0) as moves_opening,
    coalesce(by_move.moves_middlegame, 0) as moves_middlegame,
    coalesce(by_move.moves_endgame, 0) as moves_endgame
from by_game
left join by_move
    on
        by_game.player = by_move.player
        and by_game.month = by_move.month
        and by_game.rules = by_move.rules
        and by_game.time_class = by_move.time_class
