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
    """Each run sets dbt's profile from the platform's settings, so one setting moves loads and mart
    (docs/mart.md); dagster-dbt looks ``dbt`` up on PATH, so the dbt beside this Python goes there."""

    @property
    def defs_state_config(self) -> DefsStateConfig:
        """Two components over one dbt project would get the same state key from dagster-dbt."""
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
    """dagster-dbt keeps every run's artifacts, growing with every scheduled run; the step removes
    its folder when its build succeeded (docs/mart.md)."""
    if not parent.is_absolute():
        parent = Path(dbt.project_dir) / parent  # relative to the project, as dbt resolves it
    return parent / f"run-{run_id}" / op_name


def dbt_failures_in_one_line(message: str) -> str:
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
    """dbt masks a ``DBT_ENV_SECRET_`` value in node ids too, and dagster-dbt then cannot match dbt's
    events to assets."""
    secret = profile.get("DBT_ENV_SECRET_CHESS_PG_PASSWORD")
    if secret and any(secret in unique_id for unique_id in manifest["nodes"]):
        raise MartBuildError(
            "the PostgreSQL password is part of the dbt project's node names (dbt masks it in its "
            "logs and Dagster cannot read them): give the warehouse user a longer password"
        )
