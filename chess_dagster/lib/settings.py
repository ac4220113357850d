"""The platform's settings: the one module that reads the environment, once.

Everything else takes its values from :func:`settings` (definitions, resources, the CLI), so a
setting has one name, one default and one place to document it. dlt's own settings
(``[sources.chess]``, ``[runtime]`` in ``.dlt/config.toml`` or ``SOURCES__CHESS__*`` variables)
stay with dlt, which reads them itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import cache
from pathlib import Path
from typing import Any

from chess_dagster.lib.errors import ExplainedError
from chess_dagster.lib.months import MONTH


class SettingsError(ExplainedError, ValueError):
    """An environment variable holds a value the platform cannot use; the message names it."""


PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATASET_NAME = "chess_data"
PIPELINE_NAME = "chess"


@dataclass(frozen=True)
class Settings:
    """What the environment says, with defaults that work on a laptop; ``ENV_VARS`` names the variables."""

    duckdb_path: str = str(PROJECT_ROOT / "data" / "chess.duckdb")
    duckdb_lock_timeout_s: float = 60.0
    duckdb_memory_limit: str = "256MB"
    start_month: str = "2022-01"
    retry_delay_s: float = 15.0
    games_cron: str = "0 6 * * *"
    roster_cron: str = "0 5 * * 1"
    games_freshness_hours: float = 26.0
    profiles_freshness_days: float = 8.0
    dagster_webserver_url: str = "http://127.0.0.1:3000"
    dagster_home: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Settings from ``environ``; unset or empty variables keep their defaults."""
        values: dict[str, Any] = {}  # each parsed to its field's type below
        for setting in fields(cls):
            raw = environ.get(ENV_VARS[setting.name])
            if raw:
                kind: type[float] | type[str] = float if isinstance(setting.default, float) else str
                try:
                    values[setting.name] = kind(raw)
                except ValueError:
                    raise SettingsError(
                        f"{ENV_VARS[setting.name]}={raw!r} is not a {kind.__name__}; "
                        f"unset it to use the default {setting.default!r}"
                    ) from None
        start_month = values.get("start_month")
        if start_month is not None and not MONTH.fullmatch(start_month):
            raise SettingsError(f"CHESS_START_MONTH={start_month!r} is not a month: write YYYY-MM (2022-01)")
        return replace(cls(), **values)


# The environment variable of each setting (the README's configuration table lists them).
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
    "dagster_webserver_url": "DAGSTER_WEBSERVER_URL",
    "dagster_home": "DAGSTER_HOME",
}


@cache
def settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    return Settings.from_env(os.environ)
