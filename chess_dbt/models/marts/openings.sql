{#- One row per month, ECO code and opening: games played and white's score (1 a win, 0.5 a draw).
    Games without an ECO code (chess960, odds, older archives) have no opening. -#}

with games as (
    select * from {{ mart_ref('games') }}
    where {{ run_months_filter('month') }} and eco is not null
)

select
    month,
    eco,
    opening,
    count(*) as games,
    {{ rounded_avg(score('winner', 'white'), 3) }} as white_score
from games
group by month, eco, opening
