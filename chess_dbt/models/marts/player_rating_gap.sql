{#- One row per roster player, month, rules, time class and rating gap (the opponent's rating minus the
    player's, in buckets of 100 by floor: -100 holds -100..-1), over rated games with both ratings:
    the score against the Elo expectation 1 / (1 + 10^(gap / 400)). -#}

with player_games as (
    select
        *,
        opponent_rating - rating as gap
    from {{ mart_ref('player_games') }}
    where
        {{ run_months_filter('month') }}
        and rated
        and rating is not null
        and opponent_rating is not null
)

select
    player,
    month,
    rules,
    time_class,
    cast(floor(gap / 100.0) * 100 as integer) as gap_bucket,
    count(*) as games,
    {{ rounded_avg(score('outcome'), 3) }} as score,
    {{ rounded_avg('1.0 / (1 + power(10.0, gap / 400.0))', 3) }} as expected_score
from player_games
group by player, month, rules, time_class, cast(floor(gap / 100.0) * 100 as integer)
