{#- An opening tree's moves after a line were played in no more games than the line's last move:
    the rows whose children (the lines they lead to) hold more games than they do. -#}
{% test children_within_their_line(model) %}
with children as (
    select
        month,
        time_class,
        line,
        sum(games) as children_games
    from {{ model }}
    group by month, time_class, line
)

select parents.*, children.children_games
from {{ model }} as parents
inner join children
    on
        parents.month = children.month
        and parents.time_class = children.time_class
        and children.line = case
            when parents.line = '' then parents.next_move else parents.line || ' ' || parents.next_move
        end
where children.children_games > parents.games
{% endtest %}
