{#- One row per game of the run's months whose moves were read (chess/game_facts, by the move reader).
    Before a month's moves are read, or before any were, it holds none of that month's games: the
    games keep the header's facts and count plies from tcn until then. -#}
{%- set facts = source('chess_moves', 'game_facts') -%}
{%- set present = execute and adapter.get_relation(facts.database, facts.schema, facts.identifier) -%}

{%- if present %}
    select
        url,
        month,
        plies,
        opening_line,
        middlegame_ply,
        endgame_ply,
        end_phase,
        white_clock_end,
        black_clock_end,
        queens_off_ply,
        white_castled,
        black_castled,
        white_time_trouble_ply,
        black_time_trouble_ply,
        moves_read,
        moves_error
    from {{ facts }}
    where {{ run_months_filter('month') }}
{%- else %}
    select
        cast(null as varchar) as url,
        cast(null as varchar) as month,
        cast(null as integer) as plies,
        cast(null as varchar) as opening_line,
        cast(null as integer) as middlegame_ply,
        cast(null as integer) as endgame_ply,
        cast(null as varchar) as end_phase,
        cast(null as double precision) as white_clock_end,
        cast(null as double precision) as black_clock_end,
        cast(null as integer) as queens_off_ply,
        cast(null as varchar) as white_castled,
        cast(null as varchar) as black_castled,
        cast(null as integer) as white_time_trouble_ply,
        cast(null as integer) as black_time_trouble_ply,
        cast(null as varchar) as moves_read,
        cast(null as varchar) as moves_error
    where 1 = 0
{%- endif %}
