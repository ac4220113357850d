{#- One row per game: when and how it was played, its opening, how it ended, who won. -#}

{#- How a game ends: the end of the [Termination] sentence, the result code of the side that did not
    win (for PGNs without the tag), and the name the mart gives it. -#}
{%- set endings = [
    {'sentence': 'won by resignation', 'result': 'resigned', 'name': 'resignation'},
    {'sentence': 'won by checkmate', 'result': 'checkmated', 'name': 'checkmate'},
    {'sentence': 'won on time', 'result': 'timeout', 'name': 'time'},
    {'sentence': 'game abandoned', 'result': 'abandoned', 'name': 'abandoned'},
    {'sentence': 'drawn by agreement', 'result': 'agreed', 'name': 'agreement'},
    {'sentence': 'drawn by repetition', 'result': 'repetition', 'name': 'repetition'},
    {'sentence': 'drawn by timeout vs insufficient material', 'result': 'timevsinsufficient',
     'name': 'timeout vs insufficient material'},
    {'sentence': 'drawn by insufficient material', 'result': 'insufficient', 'name': 'insufficient material'},
    {'sentence': 'drawn by stalemate', 'result': 'stalemate', 'name': 'stalemate'},
    {'sentence': 'drawn by 50-move rule', 'result': '50move', 'name': '50-move rule'},
    {'sentence': 'won by three-check', 'result': 'threecheck', 'name': 'three-check'},
    {'sentence': 'won by king of the hill', 'result': 'kingofthehill', 'name': 'king of the hill'},
] -%}

with games as (
    select * from {{ ref('stg_chess__games') }}
),

facts as (
    select * from {{ ref('stg_chess__game_facts') }}
),

decided as (
    select
        games.*,
        facts.url is not null as moves_were_read,
        facts.plies as plies_read,
        facts.opening_line,
        facts.middlegame_ply,
        facts.endgame_ply,
        facts.end_phase,
        facts.white_clock_end,
        facts.black_clock_end,
        facts.queens_off_ply,
        facts.white_castled,
        facts.black_castled,
        facts.white_time_trouble_ply,
        facts.black_time_trouble_ply,
        facts.moves_read,
        facts.moves_error,
        -- the side that did not win tells how the game ended (a draw: both sides say it)
        case
            when games.white_result = 'win' then games.black_result else games.white_result
        end as ending_result,
        split_part(split_part(split_part(games.opening_url, '/openings/', 2), '?', 1), '#', 1) as opening_slug
    from games
    left join facts on games.url = facts.url
)

select
    url,
    month,
    end_time,
    time_class,
    rules,
    rated,
    time_control,
    from_start,
    case
        when time_control not like '%/%'
            then cast(nullif(split_part(time_control, '+', 1), '') as integer)
    end as base_seconds,
    case
        when time_control like '%+%' then cast(split_part(time_control, '+', 2) as integer)
        when time_control not like '%/%' then 0
    end as increment_seconds,
    case
        when time_control like '%/%' then cast(split_part(time_control, '/', 2) as integer)
    end as seconds_per_move,
    eco,
    case
        when opening_slug not in ('', 'Undefined') then replace(opening_slug, '-', ' ')
    end as opening,
    -- the moves python-chess read; tcn's count only until the month's moves are read
    case
        when moves_were_read then plies_read
        when tcn != '' then cast(length(tcn) / 2 as integer)
    end as plies,
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
    moves_error,
    case
        {%- for ending in endings %}
            when termination_tag like '%{{ ending.sentence }}' then '{{ ending.name }}'
        {%- endfor %}
        {%- for ending in endings %}
            when ending_result = '{{ ending.result }}' then '{{ ending.name }}'
        {%- endfor %}
        else 'other'
    end as termination,
    white,
    black,
    white_rating,
    black_rating,
    white_result,
    black_result,
    white_accuracy,
    black_accuracy,
    case
        when white_result = 'win' then 'white'
        when black_result = 'win' then 'black'
        else 'draw'
    end as winner
from decided
