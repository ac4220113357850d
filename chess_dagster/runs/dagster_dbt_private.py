"""The private members of dagster-dbt the project overrides, apart from ``dagster_private.py``
because dagster-dbt imports dbt-core (a second of CPU): only the mart's steps import this module,
not ``chess-load`` or the ingest runs.

dagster-dbt's dbt CLI resource does two things before each dbt step that this project skips
(:class:`DbtCoreCli`), overriding two private members, and starts dbt with a copy of this
process's environment only (``cli``), to which :class:`DbtCoreCli` adds the step's own.
``chess_dagster_tests/unit/test_dagster_dbt_private_api.py`` checks both against the installed
dagster-dbt and fails naming what changed.
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

# The dbt of this environment (the lock's dbt-core). A code server, `chess-load` or `dg launch`
# started by its path (systemd, cron, no activated virtualenv) has no `dbt` on PATH.
DBT_BESIDE_PYTHON = Path(sys.executable).parent / "dbt"


class DbtCoreCli(DbtCliResource):
    """dagster-dbt's dbt CLI, without two things it does before each invocation that this project
    does not need (2.5 s of CPU per dbt step on 2 cores): ``dbt --version`` in a second process, to
    tell dbt Core from Fusion (here the dbt beside this Python, whose dbt-core version Python
    knows), and a dbt adapter in the run's process, used only to fetch row counts and column
    metadata, which the component's ``include_metadata`` does not ask for."""

    fetches_metadata: bool = False
    environment: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def instead_of(
        cls, dbt: DbtCliResource, fetches_metadata: bool, environment: Mapping[str, str]
    ) -> DbtCoreCli:
        """The resource dagster-dbt made for a step, running the dbt beside this Python with
        ``environment`` added to its own (the profile's variables, where its artifacts go)."""
        settings = {
            **dbt.model_dump(),
            "fetches_metadata": fetches_metadata,
            "environment": dict(environment),
        }
        if DBT_BESIDE_PYTHON.exists():
            settings["dbt_executable"] = str(DBT_BESIDE_PYTHON)
        return cls(**settings)

    def cli(self, args: Sequence[str], **kwargs: Any) -> DbtCliInvocation:
        """dagster-dbt's, its dbt started with :attr:`environment` too: ``cli`` gives dbt a copy
        of this process's environment and takes none, and it has started dbt when it returns."""
        with environment_for_subprocesses(self.environment):
            return super().cli(args, **kwargs)

    @cached_property
    def _cli_version(self) -> Version:
        if Path(self.dbt_executable) == DBT_BESIDE_PYTHON and DBT_PYTHON_VERSION is not None:
            return DBT_PYTHON_VERSION
        return DbtCliResource._cli_version.func(self)  # type: ignore[attr-defined]

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> BaseAdapter | None:
        return super()._initialize_dbt_core_adapter(args) if self.fetches_metadata else None
