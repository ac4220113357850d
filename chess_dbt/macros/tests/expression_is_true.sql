{#- Every row satisfies `expression` (dbt_utils' expression_is_true, without a package to fetch). -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not ({{ expression }})
{% endtest %}
