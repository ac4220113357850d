{#- Which months of games are loaded for each roster player, and when: one row per roster player and
    month any player's archive was fetched for. The archive ledger keeps no time; the load that last
    wrote a player's month (dlt's `_dlt_loads`) does. Not by month: rebuilt whole. -#}

-- The games' loads write the ledger: rebuilt when games land.
-- depends_on: {{ source('chess_data', 'players_games') }}

with roster as (
    select * from {{ ref('stg_chess__players') }}
),

archives as (
    select * from {{ source('chess_data', 'players_archives') }}
),

loads as (
    select
        load_id,
        inserted_at
    from {{ source('chess_data', '_dlt_loads') }}
),

months as (
    select distinct month from archives
)

select
    roster.player,
    months.month,
    archives.archive is not null as loaded,
    archives.games,
    archives.closed,
    loads.inserted_at as loaded_at
from roster
cross join months
left join archives on roster.player = archives.username and months.month = archives.month
left join loads on archives._dlt_load_id = loads.load_id
