"""`python -m chess_dagster_tests.e2e.walkthrough_sql FILE`: a README's SQL block on the DuckDB warehouse.

Runs each statement of FILE on `CHESS_DUCKDB_PATH` (default `data/chess.duckdb`), read-only, prints
its rows and exits 1 when one fails or returns none: a query the README shows answers something.
"""

import logging
import os
import sys
from pathlib import Path

import duckdb

log = logging.getLogger("walkthrough_sql")


def main(sql_file: str) -> int:
    database = os.environ.get("CHESS_DUCKDB_PATH") or "data/chess.duckdb"
    with duckdb.connect(database, read_only=True) as connection:
        for statement in connection.extract_statements(Path(sql_file).read_text()):
            relation = connection.sql(statement.query)
            rows = relation.fetchall()
            relation.show()
            if not rows:
                log.error("no rows from: %s", " ".join(statement.query.split()))
                return 1
    return 0


if __name__ == "__main__":
    logging.basicConfig(format="%(message)s")
    sys.exit(main(sys.argv[1]))
