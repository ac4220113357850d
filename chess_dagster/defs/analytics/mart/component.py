"""dagster-dbt's ``DbtProjectComponent``, run against the platform's warehouse."""

import re
import shutil
from collections.abc import Iterator, Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any

import dagster as dg
from dagster.components.utils.defs_state import DefsStateConfig
from dagster_dbt import DbtCliResource, DbtProjectComponent
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from chess_dagster.lib.errors import MartBuildError
from chess_dagster.lib.settings import put_on_path, settings_now
from chess_dagster.lib.warehouse import dbt_profile_env
from chess_dagster.runs.dagster_dbt_private import DBT_BESIDE_PYTHON, DbtCoreCli
from chess_dagster.runs.failures import explained_as_failure

_PARSED = "Errors parsed from dbt logs:"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class ChessDbtProjectComponent(DbtProjectComponent):
    """The dbt project component, building in the warehouse the loads write.

    dbt reads its profile from variables (``chess_dbt/profiles.yml``); each run sets them from the
    platform's settings, read at run time as a load reads them, so one setting (``CHESS_DUCKDB_PATH``,
    ``DESTINATION__WAREHOUSE__*``) moves loads and mart together. dagster-dbt makes a
    ``DbtCliResource`` for each step, which looks ``dbt`` up on PATH first: the folder of the dbt
    beside this Python goes on PATH when there is none. The step then runs that dbt (``DbtCoreCli``).
    """

    @property
    def defs_state_config(self) -> DefsStateConfig:
        """dagster-dbt's, told apart by the op: the mart by month and the ratings are two
        components over one dbt project, which dagster-dbt would give the same state key."""
        config = super().defs_state_config
        op_name = self.op.name if self.op else "dbt"
        return DefsStateConfig(
            key=f"{config.key}:{op_name}",
            management_type=config.management_type,
            refresh_if_dev=config.refresh_if_dev,
        )

    def build_defs_from_state(
        self, context: dg.ComponentLoadContext, state_path: Path | None
    ) -> dg.Definitions:
        if shutil.which("dbt") is None:
            put_on_path(DBT_BESIDE_PYTHON.parent)
        return super().build_defs_from_state(context, state_path)

    def execute(self, context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator:
        now = settings_now()
        profile = dbt_profile_env(now.duckdb_path)
        artifacts = run_artifacts_folder(
            Path(now.dbt_target_path), dbt, context.run.run_id, context.op_def.name
        )
        environment = {**profile, "DBT_TARGET_PATH": str(artifacts)}
        dbt = DbtCoreCli.instead_of(
            dbt, fetches_metadata=bool(self.include_metadata), environment=environment
        )
        with explained_as_failure():
            _check_secret_is_not_in_node_ids(profile, self._validated_manifest)
            try:
                yield from super().execute(context, dbt)
            except DagsterDbtCliRuntimeError as error:
                told = dbt_failures_in_one_line(str(error))
                raise MartBuildError(f"{told} (dbt's log and artifacts: {artifacts})") from error
        shutil.rmtree(artifacts, ignore_errors=True)
        with suppress(OSError):  # another dbt step of the run kept its folder there
            artifacts.parent.rmdir()


def run_artifacts_folder(parent: Path, dbt: DbtCliResource, run_id: str, op_name: str) -> Path:
    """Where dagster-dbt puts a dbt step's artifacts: a folder per invocation under
    ``DBT_TARGET_PATH``, by default the project's ``target/``. It keeps every run's (a manifest and
    a log each, growing with every scheduled run): the step's folder goes when its build succeeded,
    its events being in Dagster's event log, and stays when it failed, for dbt's log."""
    if not parent.is_absolute():
        parent = Path(dbt.project_dir) / parent  # relative to the project, as dbt resolves it
    return parent / f"run-{run_id}" / op_name


def dbt_failures_in_one_line(message: str) -> str:
    """dagster-dbt's error (the command, where its logs are, then each failure dbt logged, over
    several lines) as one line: each failed node and the last line of what dbt said about it."""
    logged = [_ANSI.sub("", line).strip() for line in message.partition(_PARSED)[2].splitlines()]
    failures: list[list[str]] = []
    for line in logged:
        if line.startswith("Failure in "):
            failures.append([line.removeprefix("Failure in ").split(" (")[0]])
        elif failures and line and not line.startswith(">"):
            failures[-1].append(line)
    told = "; ".join(f"{failure[0]}: {failure[-1]}" for failure in failures if len(failure) > 1)
    return f"dbt build failed: {told or 'see the dbt log of the step'}"


def _check_secret_is_not_in_node_ids(profile: dict[str, str], manifest: Mapping[str, Any]) -> None:
    """dbt masks a ``DBT_ENV_SECRET_`` value wherever it occurs in its logs, node ids too
    (``model.chess.games`` becomes ``model.*****.games`` for the password ``chess``), and
    dagster-dbt then cannot match dbt's events to assets: refuse such a password in one line."""
    secret = profile.get("DBT_ENV_SECRET_CHESS_PG_PASSWORD")
    if secret and any(secret in unique_id for unique_id in manifest["nodes"]):
        raise MartBuildError(
            "the PostgreSQL password is part of the dbt project's node names (dbt masks it in its "
            "logs and Dagster cannot read them): give the warehouse user a longer password"
        )
