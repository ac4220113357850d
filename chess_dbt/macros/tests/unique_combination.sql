{#- No two rows share the values of `columns` (dbt_utils' unique_combination_of_columns, without a package to fetch). -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as rows_with_these_values
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
