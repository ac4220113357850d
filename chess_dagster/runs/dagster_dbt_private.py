"""The private members of dagster-dbt the project overrides (checked by
``test_dagster_dbt_private_api.py``), apart from ``dagster_private.py`` because dagster-dbt imports
dbt-core: only the mart's steps import this module.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dagster_dbt import DbtCliInvocation, DbtCliResource
from dagster_dbt.compat import DBT_PYTHON_VERSION
from pydantic import Field

from chess_dagster.lib.settings import environment_for_subprocesses

if TYPE_CHECKING:
    from dbt.adapters.base import BaseAdapter
    from packaging.version import Version

# A process started by its path (systemd, cron, no activated virtualenv) has no `dbt` on PATH.
DBT_BESIDE_PYTHON = Path(sys.executable).parent / "dbt"


class DbtCoreCli(DbtCliResource):
    """Without two costly things dagster-dbt does before each invocation that the mart does not need
    (docs/mart.md): ``dbt --version`` in a second process, and an adapter used only for metadata."""

    fetches_metadata: bool = False
    environment: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def instead_of(
        cls, dbt: DbtCliResource, fetches_metadata: bool, environment: Mapping[str, str]
    ) -> DbtCoreCli:
        settings = {
            **dbt.model_dump(),
            "fetches_metadata": fetches_metadata,
            "environment": dict(environment),
        }
        if DBT_BESIDE_PYTHON.exists():
            settings["dbt_executable"] = str(DBT_BESIDE_PYTHON)
        return cls(**settings)

    def cli(self, args: Sequence[str], **kwargs: Any) -> DbtCliInvocation:
        """dagster-dbt's ``cli`` gives dbt a copy of this process's environment and takes none."""
        with environment_for_subprocesses(self.environment):
            return super().cli(args, **kwargs)

    @cached_property
    def _cli_version(self) -> Version:
        if Path(self.dbt_executable) == DBT_BESIDE_PYTHON and DBT_PYTHON_VERSION is not None:
            return DBT_PYTHON_VERSION
        return DbtCliResource._cli_version.func(self)  # type: ignore[attr-defined]

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> BaseAdapter | None:
        return super()._initialize_dbt_core_adapter(args) if self.fetches_metadata else None
