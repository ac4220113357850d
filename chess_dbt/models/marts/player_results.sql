{#- A roster player's results per month, rules, time class and colour: the counts and points every
    figure of the player's results adds up (the dashboard sums them, it does not score games). -#}

with player_games as (
    select * from {{ mart_ref('player_games') }}
    where {{ run_months_filter('month') }}
)

select
    player,
    month,
    rules,
    time_class,
    colour,
    count(*) as games,
    {{ outcome_counts('outcome') }},
    sum({{ score('outcome') }}) as points
from player_games
group by player, month, rules, time_class, colour
