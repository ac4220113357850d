{#- A roster player's repertoire: per month, colour and ECO code, their results and score. -#}

with player_games as (
    select * from {{ mart_ref('player_games') }}
    where {{ run_months_filter('month') }} and eco is not null
)

select
    player,
    month,
    colour,
    eco,
    count(*) as games,
    {{ outcome_counts('outcome') }},
    sum({{ score('outcome') }}) as points,
    {{ rounded_avg(score('outcome'), 3) }} as score
from player_games
group by player, month, colour, eco
