"""What a process of the project imports before it does any work: ``chess-load`` and the runs it
starts load the ingest definitions alone, and dagster-dbt (which imports dbt-core, a second of CPU
per process) only comes with the mart."""

import json
import subprocess
import sys

INGEST_RUN_START_UP = """
import json, sys
from chess_dagster import cli
for job in (cli.games_job, cli.roster_job, cli.source_job):
    job()
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_chess_load_builds_its_jobs_without_importing_dbt_or_dagster_dbt() -> None:
    done = subprocess.run(
        [sys.executable, "-c", INGEST_RUN_START_UP], capture_output=True, text=True, check=True, timeout=60
    )
    imported = set(json.loads(done.stdout))
    assert "dagster" in imported and "dlt" in imported, "the check ran before the jobs were built"
    mart_only = imported & {"dbt", "dagster_dbt"}
    assert not mart_only, f"chess-load imports {sorted(mart_only)}"
