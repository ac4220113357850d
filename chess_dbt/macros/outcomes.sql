{#- A game's points for a side: 1 a win, 0.5 a draw, 0 a loss. `outcome` holds win/draw/loss, or,
    given `side`, the winner (white/black/draw) scored for that side. -#}
{% macro score(outcome, side=none) -%}
    {%- set win = side if side else 'win' -%}
    case {{ outcome }} when '{{ win }}' then 1.0 when 'draw' then 0.5 else 0.0 end
{%- endmacro %}

{#- Wins, draws and losses, counted from a win/draw/loss column. -#}
{% macro outcome_counts(outcome) -%}
    count(case when {{ outcome }} = 'win' then 1 end) as wins,
    count(case when {{ outcome }} = 'draw' then 1 end) as draws,
    count(case when {{ outcome }} = 'loss' then 1 end) as losses
{%- endmacro %}

{#- The mean of `expression` to `digits` decimals, rounded from an exact decimal (a plain numeric
    would round twice), as a double. -#}
{% macro rounded_avg(expression, digits) -%}
    cast(round(cast(avg({{ expression }}) as decimal(38, 10)), {{ digits }}) as double precision)
{%- endmacro %}
