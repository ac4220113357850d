{#- A roster player's rating per rules, time class and day: the rating the archive gives them in
    their last rated game of the day. The day is Chess.com's (US Pacific), so it never straddles two
    archive months. -#}

with rated_games as (
    select
        *,
        cast(end_time at time zone 'America/Los_Angeles' as date) as day  -- noqa: RF04
    from {{ mart_ref('player_games') }}
    where {{ run_months_filter('month') }} and rated and rating is not null
),

ranked as (
    select
        *,
        row_number() over (
            partition by player, rules, time_class, day
            order by end_time desc, url desc
        ) as recency,
        count(*) over (partition by player, rules, time_class, day) as games
    from rated_games
)

select
    player,
    rules,
    time_class,
    day,
    month,
    rating,
    games
from ranked
where recency = 1
