{#- One row per roster player, month, rules, time class and the phase of the final position
    (`end_phase`; NULL in crazyhouse and before a month's moves are read): where games are decided. -#}

with player_games as (
    select * from {{ mart_ref('player_games') }}
    where {{ run_months_filter('month') }}
)

select
    player,
    month,
    rules,
    time_class,
    end_phase,
    count(*) as games,
    {{ outcome_counts('outcome') }}
from player_games
group by player, month, rules, time_class, end_phase
