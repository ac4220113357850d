{#- The value of a PGN header tag, `[Tag "value"]`; NULL when the tag or the PGN is absent. -#}
{% macro pgn_tag(pgn, tag) -%}
    {{ return(adapter.dispatch('pgn_tag', 'chess')(pgn, tag)) }}
{%- endmacro %}

{% macro default__pgn_tag(pgn, tag) -%}
    nullif(substring({{ pgn }} from '\[{{ tag }} "([^"]*)"\]'), '')
{%- endmacro %}

{% macro duckdb__pgn_tag(pgn, tag) -%}
    nullif(regexp_extract({{ pgn }}, '\[{{ tag }} "([^"]*)"\]', 1), '')
{%- endmacro %}

{#- A raw column, or a typed NULL when no load has brought it yet (older archives lack tcn, accuracies). -#}
{% macro column_or_null(relation, column, data_type) -%}
    {%- set present = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
    {%- if column in present -%}
        {{ column }}
    {%- else -%}
        cast(null as {{ data_type }})
    {%- endif -%}
{%- endmacro %}
