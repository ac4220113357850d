"""The DuckDB warehouse works within a bounded memory (CHESS_DUCKDB_MEMORY_LIMIT) and spills beyond it."""

import duckdb

from chess_dagster.defs.resources import ChessWarehouse
from chess_dagster.lib.settings import settings


def test_the_warehouse_connections_run_with_the_configured_memory_limit(duckdb_path):
    with ChessWarehouse(database=duckdb_path).sql_client() as client:
        rows = client.execute_sql("select current_setting('memory_limit')")
    assert rows is not None
    with duckdb.connect() as scratch:  # DuckDB's own spelling of the configured limit
        scratch.execute(f"set memory_limit = '{settings().duckdb_memory_limit}'")
        expected = scratch.execute("select current_setting('memory_limit')").fetchone()
    assert expected is not None
    assert rows[0][0] == expected[0]
    assert settings().duckdb_memory_limit == "256MB"  # the default: CHESS_DUCKDB_MEMORY_LIMIT unset
