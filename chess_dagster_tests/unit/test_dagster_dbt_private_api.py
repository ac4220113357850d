"""What the project overrides of dagster-dbt's private members (``chess_dagster.runs.dagster_dbt_private``)
is still there, and the overrides do what they are for."""

import inspect
from functools import cached_property

from dagster_dbt import DbtCliResource
from dagster_dbt.compat import DBT_PYTHON_VERSION

from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster.runs import dagster_dbt_private

UPGRADE = "a dagster-dbt upgrade changed a private member chess_dagster.runs.dagster_dbt_private overrides: "


def test_dagster_dbt_still_learns_the_dbt_version_from_a_cached_property() -> None:
    assert isinstance(inspect.getattr_static(DbtCliResource, "_cli_version"), cached_property), (
        UPGRADE + "DbtCliResource._cli_version is no longer a cached property; mend DbtCoreCli"
    )


def test_dagster_dbt_still_builds_its_adapter_from_the_dbt_arguments_alone() -> None:
    parameters = list(inspect.signature(DbtCliResource._initialize_dbt_core_adapter).parameters)
    assert parameters == ["self", "args"], (
        UPGRADE + f"DbtCliResource._initialize_dbt_core_adapter{parameters}; mend DbtCoreCli"
    )


def _mart_dbt(fetches_metadata: bool) -> dagster_dbt_private.DbtCoreCli:
    made = DbtCliResource(project_dir=str(PROJECT_ROOT / "chess_dbt"), dbt_executable="true")
    return dagster_dbt_private.DbtCoreCli.instead_of(made, fetches_metadata=fetches_metadata, environment={})


def test_a_mart_step_runs_the_dbt_beside_python_whose_version_python_knows() -> None:
    """The version dagster-dbt read from the installed dbt-core, not one asked of ``dbt --version``."""
    dbt = _mart_dbt(fetches_metadata=False)
    assert dbt.dbt_executable == str(dagster_dbt_private.DBT_BESIDE_PYTHON)
    assert dbt._cli_version is DBT_PYTHON_VERSION


def test_a_mart_step_builds_no_dbt_adapter_when_it_fetches_no_metadata() -> None:
    assert _mart_dbt(fetches_metadata=False)._initialize_dbt_core_adapter(["build"]) is None
