{#- One row per month, time class, ECO code and opening: games played, white's points and score (1 a
    win, 0.5 a draw). Games without an ECO code (chess960, odds, older archives) have no opening. -#}

with games as (
    select * from {{ mart_ref('games') }}
    where {{ run_months_filter('month') }} and eco is not null
)

select
    month,
    time_class,
    eco,
    opening,
    count(*) as games,
    sum({{ score('winner', 'white') }}) as white_points,
    {{ rounded_avg(score('winner', 'white'), 3) }} as white_score
from games
group by month, time_class, eco, opening
