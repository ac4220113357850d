{#- The analytics before this mart were hand-written tables under two of its models' names, with
    other values (`openings.eco` held a URL slug): drop them, so the first build makes its own.
    The mart's tables carry their description as a comment (persist_docs); those tables had none. -#}
{% macro drop_tables_the_mart_did_not_build() -%}
    {%- if execute -%}
        {%- for name in ['player_month_stats', 'openings'] -%}
            {%- set relation = adapter.get_relation(target.database, target.schema, name) -%}
            {%- if relation is not none and not chess.table_comment(relation) -%}
                {%- do log('Dropping ' ~ relation ~ ': made before the dbt mart, rebuilt by it', info=true) -%}
                {%- do adapter.drop_relation(relation) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{% macro table_comment(relation) -%}
    {{ return(adapter.dispatch('table_comment', 'chess')(relation)) }}
{%- endmacro %}

{% macro duckdb__table_comment(relation) -%}
    {%- set sql -%}
        select comment from duckdb_tables()
        where schema_name = '{{ relation.schema }}' and table_name = '{{ relation.identifier }}'
    {%- endset -%}
    {{ return(run_query(sql).columns[0].values() | first) }}
{%- endmacro %}

{% macro default__table_comment(relation) -%}
    {%- set sql = "select obj_description('" ~ relation ~ "'::regclass, 'pg_class')" -%}
    {{ return(run_query(sql).columns[0].values() | first) }}
{%- endmacro %}
