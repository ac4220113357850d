{#- One row per game and roster player in it, from that player's side; the outcome follows the
    game's winner, so the two models never disagree about a result. -#}

with games as (
    select * from {{ mart_ref('games') }}
    where {{ run_months_filter('month') }}
),

roster as (
    select * from {{ ref('stg_chess__players') }}
),

sides as (
    {%- for colour, opponent in [('white', 'black'), ('black', 'white')] %}
        select
            url,
            month,
            end_time,
            rules,
            time_class,
            rated,
            eco,
            plies,
            termination,
            winner,
            opening_line,
            end_phase,
            moves_read,
            {{ colour }}_clock_end as clock_end,
            {{ colour }}_castled as castled,
            {{ colour }}_time_trouble_ply as time_trouble_ply,
            '{{ colour }}' as colour,
            {{ colour }} as player,
            {{ colour }}_rating as rating,
            {{ colour }}_accuracy as accuracy,
            {{ opponent }} as opponent,
            {{ opponent }}_rating as opponent_rating
        from games
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select
    sides.player,
    sides.url,
    sides.month,
    sides.end_time,
    sides.rules,
    sides.time_class,
    sides.rated,
    sides.colour,
    case
        when sides.winner = sides.colour then 'win'
        when sides.winner = 'draw' then 'draw'
        else 'loss'
    end as outcome,
    sides.rating,
    sides.opponent,
    sides.opponent_rating,
    sides.rating - sides.opponent_rating as rating_diff,
    sides.eco,
    sides.plies,
    sides.opening_line,
    sides.end_phase,
    sides.moves_read,
    sides.clock_end,
    sides.castled,
    sides.time_trouble_ply,
    sides.termination,
    sides.accuracy
from sides
inner join roster on sides.player = roster.player
