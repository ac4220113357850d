{#- The roster as loaded: each player who was ever on it (`is_current`, `left_at`), what their profile
    says (title, country code, status) and the months of games loaded for them (`coverage`). Not by
    month: rebuilt whole. -#}

with roster as (
    select * from {{ ref('stg_chess__players') }}
),

profiles as (
    select * from {{ source('chess_data', 'players_profiles') }}
),

coverage as (
    select * from {{ ref('coverage') }}
    where loaded
)

select
    roster.player,
    roster.is_current,
    roster.first_seen,
    roster.left_at,
    profiles.title,
    {#- Chess.com gives a profile's country as its API URL (.../country/NO): the code. -#}
    {{ dbt.split_part('profiles.country', "'/'", -1) }} as country,
    profiles.status,
    count(coverage.month) as months_loaded,
    min(coverage.month) as first_month,
    max(coverage.month) as last_month,
    coalesce(sum(coverage.games), 0) as games
from roster
left join profiles on roster.player = profiles.username
left join coverage on roster.player = coverage.player
group by
    roster.player,
    roster.is_current,
    roster.first_seen,
    roster.left_at,
    profiles.title,
    profiles.country,
    profiles.status
