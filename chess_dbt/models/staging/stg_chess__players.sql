{#- Everyone who was ever on the roster, lower case: the players loaded now (chess_data.players) and
    those who have left (chess_data.roster_members, once a roster load has written it). A player who
    left keeps their games in the mart; `is_current` and `left_at` say who left and when. -#}

{%- set members = source('chess_data', 'roster_members') -%}
{%- set members_written = execute and adapter.get_relation(members.database, members.schema, members.identifier) %}

with current_players as (
    select distinct lower(username) as player
    from {{ source('chess_data', 'players') }}
),

stints as (
    {%- if members_written %}
        select
            lower(username) as player,
            min(first_seen) as first_seen,
            max(left_at) as left_at
        from {{ members }}
        group by lower(username)
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as player,
            cast(null as {{ dbt.type_timestamp() }}) as first_seen,
            cast(null as {{ dbt.type_timestamp() }}) as left_at
        where 1 = 0
    {%- endif %}
),

everyone as (
    select player from current_players
    union
    select player from stints
)

select
    everyone.player,
    current_players.player is not null as is_current,
    stints.first_seen,
    case when current_players.player is null then stints.left_at end as left_at
from everyone
left join current_players on everyone.player = current_players.player
left join stints on everyone.player = stints.player
