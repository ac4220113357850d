{#- A table the move reader writes (source chess_moves), the run's months of it. Before the reader has
    written it: no rows, in the same columns, so the mart builds before any month's moves are read. -#}
{% macro moves_table(name, columns) -%}
    {%- set relation = source('chess_moves', name) -%}
    {%- set present = execute and adapter.get_relation(relation.database, relation.schema, relation.identifier) -%}
    select
        {%- for column, data_type in columns %}
            {% if present %}{{ column }}{% else %}cast(null as {{ data_type }}) as {{ column }}{% endif %}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    {%- if present %}
        from {{ relation }}
        where {{ run_months_filter('month') }}
    {%- else %}
        where 1 = 0
    {%- endif %}
{%- endmacro %}
