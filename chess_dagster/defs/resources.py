"""The resources every domain shares: the dlt runner, the DuckDB warehouse and Slack.

Their values come from the platform's settings (``chess_dagster.lib.settings``), so the UI's
resource page shows what a run will use. They are plain values rather than ``dg.EnvVar``: an
``EnvVar`` has no default and no parsing, and the embedded defaults must work with nothing set;
the settings object is the one place that reads the environment, parses it and says what is wrong.
"""

from __future__ import annotations

import dagster as dg
from dagster_dlt import DagsterDltResource
from dagster_duckdb import DuckDBResource

from chess_dagster.lib import slack
from chess_dagster.lib.settings import Settings, settings
from chess_dagster.lib.warehouse import ensure_writable


class DuckDBWarehouse(DuckDBResource):
    """dagster-duckdb's resource, plus how long to wait for a DuckDB file another process locks."""

    lock_timeout_s: float = Settings.duckdb_lock_timeout_s

    def ensure_writable(self) -> None:
        """Return once the file opens read-write; :class:`WarehouseError` when it will not."""
        ensure_writable(self.database, self.lock_timeout_s)


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
            "duckdb": DuckDBWarehouse(
                database=config.duckdb_path, lock_timeout_s=config.duckdb_lock_timeout_s
            ),
            "slack": SlackWebhook(dagster_webserver_url=config.dagster_webserver_url),
        }
    )
