{#- One row per game: when and how it was played, its opening, how it ended, who won. -#}

with games as (
    select * from {{ ref('stg_chess__games') }}
),

decided as (
    select
        *,
        -- the side that did not win tells how the game ended (a draw: both sides say it)
        case when white_result = 'win' then black_result else white_result end as ending_result,
        split_part(split_part(split_part(opening_url, '/openings/', 2), '?', 1), '#', 1) as opening_slug
    from games
)

select
    url,
    month,
    end_time,
    time_class,
    rules,
    rated,
    time_control,
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
    case when tcn != '' then cast(length(tcn) / 2 as integer) end as plies,
    case
        when termination_tag like '%won by resignation' then 'resignation'
        when termination_tag like '%won by checkmate' then 'checkmate'
        when termination_tag like '%won on time' then 'time'
        when termination_tag like '%game abandoned' then 'abandoned'
        when termination_tag like '%drawn by agreement' then 'agreement'
        when termination_tag like '%drawn by repetition' then 'repetition'
        when termination_tag like '%drawn by timeout vs insufficient material' then 'timeout vs insufficient material'
        when termination_tag like '%drawn by insufficient material' then 'insufficient material'
        when termination_tag like '%drawn by stalemate' then 'stalemate'
        when termination_tag like '%drawn by 50-move rule' then '50-move rule'
        when termination_tag like '%won by three-check' then 'three-check'
        when termination_tag like '%won by king of the hill' then 'king of the hill'
        when ending_result = 'resigned' then 'resignation'
        when ending_result = 'checkmated' then 'checkmate'
        when ending_result = 'timeout' then 'time'
        when ending_result = 'abandoned' then 'abandoned'
        when ending_result = 'agreed' then 'agreement'
        when ending_result = 'repetition' then 'repetition'
        when ending_result = 'timevsinsufficient' then 'timeout vs insufficient material'
        when ending_result = 'insufficient' then 'insufficient material'
        when ending_result = 'stalemate' then 'stalemate'
        when ending_result = '50move' then '50-move rule'
        when ending_result = 'threecheck' then 'three-check'
        when ending_result = 'kingofthehill' then 'king of the hill'
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
