{#- The months of this run, from the vars Dagster passes; none: every month. -#}
{% macro run_months_filter(column) -%}
    {%- if var('start_month') -%}
        {{ column }} between '{{ var("start_month") }}' and '{{ var("end_month") or var("start_month") }}'
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#- Before an incremental model appends its months, delete what it held for them. -#}
{% macro delete_run_months() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ run_months_filter('month') }}
    {%- endif -%}
{%- endmacro %}
