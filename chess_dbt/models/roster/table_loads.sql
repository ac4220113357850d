{#- When each raw table last received rows: the newest dlt load that wrote to it and when that load
    finished (dlt's `_dlt_loads`). Not by month: rebuilt whole. -#}

with last_loads as (
    {%- for table in ['players', 'players_profiles', 'players_games', 'players_archives'] %}
        select
            '{{ table }}' as table_name,
            max(_dlt_load_id) as load_id
        from {{ source('chess_data', table) }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

loads as (
    select
        load_id,
        inserted_at
    from {{ source('chess_data', '_dlt_loads') }}
)

select
    last_loads.table_name,
    last_loads.load_id,
    loads.inserted_at as loaded_at
from last_loads
left join loads on last_loads.load_id = loads.load_id
