{#- One row per game and roster player in it, from that player's side. -#}

with games as (
    select * from {{ ref('games') }}
    where {{ run_months_filter('month') }}
),

roster as (
    select distinct lower(username) as player
    from {{ source('chess_data', 'players') }}
),

sides as (
    select
        url,
        month,
        end_time,
        rules,
        time_class,
        eco,
        plies,
        termination,
        'white' as colour,
        white as player,
        white_rating as rating,
        white_result as result,
        white_accuracy as accuracy,
        black as opponent,
        black_rating as opponent_rating
    from games
    union all
    select
        url,
        month,
        end_time,
        rules,
        time_class,
        eco,
        plies,
        termination,
        'black' as colour,
        black as player,
        black_rating as rating,
        black_result as result,
        black_accuracy as accuracy,
        white as opponent,
        white_rating as opponent_rating
    from games
)

select
    sides.player,
    sides.url,
    sides.month,
    sides.end_time,
    sides.rules,
    sides.time_class,
    sides.colour,
    {{ outcome('sides.result') }} as outcome,
    sides.rating,
    sides.opponent,
    sides.opponent_rating,
    sides.rating - sides.opponent_rating as rating_diff,
    sides.eco,
    sides.plies,
    sides.termination,
    sides.accuracy
from sides
inner join roster on sides.player = roster.player
