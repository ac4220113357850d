{#- One row per month, time class, line (the moves so far in SAN, space-separated: '' is the start, up
    to 11 plies) and the move played next: an opening explorer of the roster's standard games from the
    standard start, each game once. By move sequence: a transposition is a line of its own. `line` is
    a keyword to sqlfluff, and the column's name in the explorer's vocabulary. -#}
{%- set depth = 12 -%}

with games as (
    select * from {{ mart_ref('games') }}
    where {{ run_months_filter('month') }} and rules = 'chess' and from_start
),

first_moves as (
    select
        moves.url,
        {%- for ply in range(1, depth + 1) %}
            max(case when moves.ply = {{ ply }} then moves.san end) as san_{{ ply }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref('stg_chess__game_moves') }} as moves
    inner join games on moves.url = games.url
    where moves.ply <= {{ depth }}
    group by moves.url
),

steps as (
    {%- for ply in range(1, depth + 1) %}
        select
            url,
            {% if ply == 1 -%}
                ''
            {%- else -%}
                concat_ws(
                    ' ',
                    {%- for before in range(1, ply) %}
                        san_{{ before }}{% if not loop.last %},{% endif %}
                    {%- endfor %}
                )
            {%- endif %} as line,  -- noqa: RF04
            san_{{ ply }} as next_move
        from first_moves
        where san_{{ ply }} is not null
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select
    games.month,
    games.time_class,
    steps.line,
    steps.next_move,
    count(*) as games,
    count(case when games.winner = 'white' then 1 end) as white_wins,
    count(case when games.winner = 'draw' then 1 end) as draws,
    count(case when games.winner = 'black' then 1 end) as black_wins,
    {{ rounded_avg(score('games.winner', 'white'), 3) }} as white_score
from steps
inner join games on steps.url = games.url
group by games.month, games.time_class, steps.line, steps.next_move
