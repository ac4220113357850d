{#- Two roster players against each other, per month, from `player`'s side: both directions present. -#}

with player_games as (
    select * from {{ mart_ref('player_games') }}
    where {{ run_months_filter('month') }}
),

roster as (
    select * from {{ ref('stg_chess__players') }}
)

select
    player_games.month,
    player_games.player,
    player_games.opponent,
    count(*) as games,
    {{ outcome_counts('player_games.outcome') }},
    sum({{ score('player_games.outcome') }}) as points
from player_games
inner join roster on player_games.opponent = roster.player
group by player_games.month, player_games.player, player_games.opponent
