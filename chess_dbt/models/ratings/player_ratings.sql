{#- A roster player's ratings now, by rating kind, as Chess.com's stats give them: rated kinds split
    into rules and time class, FIDE, tactics and puzzle rush beside them. Not by month: rebuilt whole. -#}

with stats as (
    select * from {{ source('chess_data', 'players_stats') }}
),

roster as (
    select * from {{ ref('stg_chess__players') }}
)

select
    stats.username as player,
    stats.kind,
    case
        when stats.kind like 'chess960%' then 'chess960'
        when stats.kind like 'chess%' then 'chess'
    end as rules,
    case when stats.kind like 'chess%' then {{ dbt.split_part('stats.kind', "'_'", 2) }} end as time_class,
    stats.last_rating as rating,
    stats.last_date as rating_date,
    stats.last_rd as rating_deviation,
    stats.best_rating,
    stats.best_date,
    stats.best_game,
    stats.wins,
    stats.draws,
    stats.losses,
    stats.wins + stats.draws + stats.losses as games
from stats
inner join roster on stats.username = roster.player
