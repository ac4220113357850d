"""A dashboard refreshing twice a second, as its own process: ``python -m
chess_dagster_tests.e2e.dashboard_reader STOP_FILE`` reads the roster and the mart's players
through the dashboard's reader until STOP_FILE exists, then prints what its reads met as JSON."""

import json
import sys
import time
from collections import Counter
from pathlib import Path

from dashboard import queries
from dashboard.warehouse import NotBuilt, NoWarehouse, Warehouse, WarehouseBusy


def main(stop_file: Path) -> None:
    warehouse = Warehouse.configured()
    met: Counter[str] = Counter()
    while not stop_file.exists():
        for sql in (queries.ROSTER, queries.PLAYERS):
            try:
                warehouse.read(sql)
                met["read"] += 1
            except WarehouseBusy:
                met["busy"] += 1
            except NotBuilt:
                met["not built"] += 1
            except NoWarehouse:
                met["no warehouse"] += 1
        time.sleep(0.5)  # far more often than any page refreshes, and it meets every write
    print(json.dumps(met))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
