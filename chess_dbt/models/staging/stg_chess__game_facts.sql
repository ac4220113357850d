{#- One row per game of the run's months whose moves were read (chess/game_facts, by the move reader).
    Before a month's moves are read, or before any were, it holds none of that month's games: the
    games keep the header's facts and count plies from tcn until then. -#}
{%- set facts = source('chess_moves', 'game_facts') -%}
{%- set present = execute and adapter.get_relation(facts.database, facts.schema, facts.identifier) -%}
{%- set columns = [
    ('url', 'varchar'), ('month', 'varchar'), ('plies', 'integer'), ('opening_line', 'varchar'),
    ('middlegame_ply', 'integer'), ('endgame_ply', 'integer'), ('end_phase', 'varchar'),
    ('white_clock_end', 'double precision'), ('black_clock_end', 'double precision'),
    ('queens_off_ply', 'integer'), ('white_castled', 'varchar'), ('black_castled', 'varchar'),
    ('white_time_trouble_ply', 'integer'), ('black_time_trouble_ply', 'integer'),
    ('moves_read', 'varchar'), ('moves_error', 'varchar'),
] -%}

select
    {%- for name, data_type in columns %}
        {% if present %}{{ name }}{% else %}cast(null as {{ data_type }}) as {{ name }}{% endif %}
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- if present %}
    from {{ facts }}
    where {{ run_months_filter('month') }}
{%- else %}
    where 1 = 0
{%- endif %}
