{#- One row per roster player and month: results by colour, games by time class, the average
    opponent and the rating of the player's last rated game of the month. -#}

with player_games as (
    select * from {{ mart_ref('player_games') }}
    where {{ run_months_filter('month') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by player, month
            order by rating is null, end_time is null, end_time desc
        ) as recency
    from player_games
)

select
    month,
    player,
    count(*) as games,
    {%- for colour in ['white', 'black'] %}
        {%- for outcome, plural in [('win', 'wins'), ('draw', 'draws'), ('loss', 'losses')] %}
            count(case when colour = '{{ colour }}' and outcome = '{{ outcome }}' then 1 end)
                as {{ plural }}_as_{{ colour }},
        {%- endfor %}
    {%- endfor %}
    {%- for time_class in ['bullet', 'blitz', 'rapid', 'daily'] %}
        count(case when time_class = '{{ time_class }}' then 1 end) as {{ time_class }}_games,
    {%- endfor %}
    {{ rounded_avg('opponent_rating', 1) }} as avg_opponent_rating,
    max(case when recency = 1 then rating end) as rating_at_month_end
from ranked
group by month, player
