"""The platform's settings: the one module that reads the environment, so a setting has one name,
one default and one place to document it. dlt's own settings stay with dlt, which reads them itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from functools import cache
from pathlib import Path
from typing import Any

from chess_dagster.lib.errors import ExplainedError
from chess_dagster.lib.month_format import MONTH


class SettingsError(ExplainedError, ValueError):
    """The message names the variable."""


PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATASET_NAME = "chess_data"
PIPELINE_NAME = "chess"


@dataclass(frozen=True)
class Settings:
    """Defaults that work on a laptop."""

    duckdb_path: str = str(PROJECT_ROOT / "data" / "chess.duckdb")
    duckdb_lock_timeout_s: float = 60.0
    duckdb_memory_limit: str = "256MB"
    start_month: str = "2022-01"
    retry_delay_s: float = 15.0
    games_cron: str = "0 6 * * *"
    roster_cron: str = "0 5 * * 1"
    games_freshness_hours: float = 26.0
    profiles_freshness_days: float = 8.0
    newcomers_per_run: int = 50
    dagster_webserver_url: str = "http://127.0.0.1:3000"
    dagster_home: str | None = None
    dbt_target_path: str = "target"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        values: dict[str, Any] = {}  # each parsed to its field's type below
        for setting in fields(cls):
            raw = environ.get(ENV_VARS[setting.name])
            if raw:
                kind: type[float] | type[int] | type[str] = (
                    type(setting.default) if isinstance(setting.default, float | int) else str
                )
                try:
                    values[setting.name] = kind(raw)
                except ValueError:
                    raise SettingsError(
                        f"{ENV_VARS[setting.name]}={raw!r} is not a {kind.__name__}; "
                        f"unset it to use the default {setting.default!r}"
                    ) from None
        if values.get("newcomers_per_run", 1) < 1:
            raise SettingsError(f"CHESS_NEWCOMERS_PER_RUN={values['newcomers_per_run']} must be at least 1")
        start_month = values.get("start_month")
        if start_month is not None and not MONTH.fullmatch(start_month):
            raise SettingsError(f"CHESS_START_MONTH={start_month!r} is not a month: write YYYY-MM (2022-01)")
        return replace(cls(), **values)


ENV_VARS = {
    "duckdb_path": "CHESS_DUCKDB_PATH",
    "duckdb_lock_timeout_s": "CHESS_DUCKDB_LOCK_TIMEOUT_S",
    "duckdb_memory_limit": "CHESS_DUCKDB_MEMORY_LIMIT",
    "start_month": "CHESS_START_MONTH",
    "retry_delay_s": "CHESS_RETRY_DELAY_S",
    "games_cron": "CHESS_GAMES_CRON",
    "roster_cron": "CHESS_ROSTER_CRON",
    "games_freshness_hours": "CHESS_GAMES_FRESHNESS_HOURS",
    "profiles_freshness_days": "CHESS_PROFILES_FRESHNESS_DAYS",
    "newcomers_per_run": "CHESS_NEWCOMERS_PER_RUN",
    "dagster_webserver_url": "DAGSTER_WEBSERVER_URL",
    "dagster_home": "DAGSTER_HOME",
    "dbt_target_path": "DBT_TARGET_PATH",
}


@cache
def settings() -> Settings:
    return settings_now()


def settings_now() -> Settings:
    """For what reads them at run time, so one change of ``CHESS_DUCKDB_PATH`` moves loads, mart and
    dashboard."""
    return Settings.from_env(os.environ)


@contextmanager
def environment_for_subprocesses(extra: Mapping[str, str]) -> Iterator[None]:
    """For a library that starts its subprocess with a copy of ``os.environ`` and takes no
    environment of its own: dagster-dbt 0.29's ``DbtCliResource.cli``."""
    before = {name: os.environ.get(name) for name in extra}
    os.environ.update(extra)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def put_on_path(folder: Path) -> None:
    """For a library that looks a program up there (dagster-dbt's ``dbt``)."""
    os.environ["PATH"] = os.pathsep.join([str(folder), os.environ.get("PATH", "")])
