{#- A side's outcome from its result code: a win, one of Chess.com's draw codes, else a loss. -#}
{% macro outcome(result) -%}
    case
        when {{ result }} = 'win' then 'win'
        when {{ result }} in ('agreed', 'repetition', 'stalemate', 'insufficient', '50move', 'timevsinsufficient')
            then 'draw'
        else 'loss'
    end
{%- endmacro %}
