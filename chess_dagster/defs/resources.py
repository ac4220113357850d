"""The resources every domain shares: the dlt runner, the warehouse and Slack.

Their values come from the platform's settings (``chess_dagster.lib.settings``), so the UI's
resource page shows what a run will use. They are plain values rather than ``dg.EnvVar``: an
``EnvVar`` has no default and no parsing, and the embedded defaults must work with nothing set;
the settings object is the one place that reads the environment, parses it and says what is wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import dlt
from dagster_dlt import DagsterDltResource
from dlt.destinations.sql_client import SqlClientBase

from chess_dagster.lib import slack
from chess_dagster.lib.settings import DATASET_NAME, Settings, settings
from chess_dagster.lib.warehouse import ensure_configured, held_warehouse, step_pipeline
from chess_dagster.runs.failures import explained_as_failure


class ChessWarehouse(dg.ConfigurableResource):
    """Where the chess data lands: dlt's destination ``warehouse`` (see ``lib/warehouse.py``).

    The DuckDB file ``database`` by default, and how long to wait for a DuckDB file another
    process locks. Loads, checks and analytics go
    through the dlt pipeline and its SQL client, so they work on any configured destination.
    """

    database: str
    lock_timeout_s: float = Settings.duckdb_lock_timeout_s

    @contextmanager
    def pipeline(self, dataset_name: str = DATASET_NAME) -> Iterator[dlt.Pipeline]:
        """A dlt pipeline of this step's own into the warehouse (``step_pipeline``), once the
        warehouse can be written; else :class:`WarehouseError`. DuckDB: the file opens read-write
        once for the step (a lock held elsewhere is waited for). Elsewhere: dlt has the credentials."""
        with (
            held_warehouse(self.database, self.lock_timeout_s) as held,
            step_pipeline(self.database, held, dataset_name) as pipeline,
        ):
            if held is None:
                ensure_configured(pipeline)
            yield pipeline

    @contextmanager
    def sql_client(self) -> Iterator[SqlClientBase]:
        """dlt's SQL client of the warehouse (``%s`` parameters, ``make_qualified_table_name``), once
        the warehouse is usable: a locked DuckDB file is waited for, then told in one line."""
        with explained_as_failure(), self.pipeline() as pipeline, pipeline.sql_client() as client:
            yield client


class SlackWebhook(dg.ConfigurableResource):
    """Posts markdown messages to the Slack incoming webhook configured in dlt's secrets."""

    timeout_s: float = 10.0
    dagster_webserver_url: str = Settings.dagster_webserver_url

    @property
    def configured(self) -> bool:
        return slack.webhook_url() is not None

    def post(self, text: str) -> None:
        slack.post_message(text, self.timeout_s)

    def run_url(self, run_id: str) -> str:
        """Where the run is in the Dagster UI, for links in messages."""
        return f"{self.dagster_webserver_url.rstrip('/')}/runs/{run_id}"


@dg.definitions
def resources() -> dg.Definitions:
    config = settings()
    return dg.Definitions(
        resources={
            "dlt": DagsterDltResource(),
            "warehouse": ChessWarehouse(
                database=config.duckdb_path, lock_timeout_s=config.duckdb_lock_timeout_s
            ),
            "slack": SlackWebhook(dagster_webserver_url=config.dagster_webserver_url),
        }
    )
