{#- One row per game of the run's months: the raw columns named for the mart, lower-case usernames,
    and the PGN header's tags. Columns older archives lack (tcn, accuracies, eco) are NULL until a
    load brings them. -#}
{%- set raw = source('chess_data', 'players_games') -%}
{%- set start_fen = 'rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1' -%}

with raw_games as (
    select
        url,
        archive_month,
        end_time,
        time_class,
        rules,
        rated,
        time_control,
        white__username,
        black__username,
        white__rating,
        black__rating,
        white__result,
        black__result,
        {{ column_or_null(raw, 'pgn', 'varchar') }} as pgn,
        {{ column_or_null(raw, 'eco', 'varchar') }} as eco_url,
        {{ column_or_null(raw, 'tcn', 'varchar') }} as tcn,
        {{ column_or_null(raw, 'initial_setup', 'varchar') }} as initial_setup,
        {{ column_or_null(raw, 'accuracies__white', 'double precision') }} as white_accuracy,
        {{ column_or_null(raw, 'accuracies__black', 'double precision') }} as black_accuracy
    from {{ raw }}
    where {{ run_months_filter('archive_month') }}
)

select
    url,
    archive_month as month,
    end_time,
    time_class,
    rules,
    rated,
    time_control,
    {{ pgn_tag('pgn', 'ECO') }} as eco,
    coalesce({{ pgn_tag('pgn', 'ECOUrl') }}, eco_url) as opening_url,
    {{ pgn_tag('pgn', 'Termination') }} as termination_tag,
    tcn,
    -- not from a set-up position: no [FEN] header (odds, thematic, chess960 carry one) and no other initial_setup
    {{ pgn_tag('pgn', 'FEN') }} is null and coalesce(initial_setup, '') in ('', '{{ start_fen }}') as from_start,
    lower(white__username) as white,
    lower(black__username) as black,
    white__rating as white_rating,
    black__rating as black_rating,
    white__result as white_result,
    black__result as black_result,
    white_accuracy,
    black_accuracy
from raw_games
