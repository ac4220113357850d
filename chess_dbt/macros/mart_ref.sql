{#- ref() to a mart table another model reads; a build or run fails in one line when it was never built: a
    model selected on its own (the UI, `dg launch --assets`) otherwise fails on a missing table. -#}
{% macro mart_ref(model_name) -%}
    {%- set relation = ref(model_name) -%}
    {%- if execute and flags.WHICH in ['build', 'run'] and adapter.get_relation(relation.database, relation.schema, relation.identifier) is none -%}
        {{ exceptions.raise_compiler_error(
            relation ~ " is not built yet: build chess/" ~ model_name ~ " for these months first, or with this model"
        ) }}
    {%- endif -%}
    {{ relation }}
{%- endmacro %}
