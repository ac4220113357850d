"""The mart built from a fixture load, as the mart's and the dashboard's tests start from it."""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from chess_dagster.definitions import defs
from chess_dagster.defs.resources import ChessWarehouse
from chess_dagster_tests.loads import Loaded, LoadTemplates, built_once, retried_steps

MONTHS = ("2022-09", "2022-10")


def add_listed_opponents_to_the_roster(database: str) -> None:
    """The loaded players meet few other roster players in two months: the fixture's listed players
    they met join the roster (``chess_data.players``), so every model, head-to-head too, has rows."""
    with duckdb.connect(database) as connection:
        connection.execute(
            """insert into chess_data.players by name
            select distinct lower(name) as username,
                (select max(load_id) from chess_data._dlt_loads) as _dlt_load_id, md5(lower(name)) as _dlt_id
            from (select white__username as name from chess_data.players_games
                  union select black__username from chess_data.players_games)
            where name not like 'casual_%' and lower(name) not in (select username from chess_data.players)"""
        )


def copied_load(load_templates, database: str, instance_folder):
    """Players, profiles and two months of games, loaded in one run, copied to ``database``."""
    tags = {"dagster/asset_partition_range_start": MONTHS[0], "dagster/asset_partition_range_end": MONTHS[1]}
    return load_templates.copy("chess_source_job", tags, database, instance_folder)


MART_BY_MONTH = {
    spec.key
    for spec in defs.resolve_all_asset_specs()
    if spec.group_name == "chess_analytics" and spec.partitions_def is not None
}


def build_mart(
    instance: dg.DagsterInstance,
    first: str,
    last: str,
    every_model: bool = False,
    models: set[dg.AssetKey] = MART_BY_MONTH,
) -> dg.ExecuteInProcessResult:
    """The mart's ``models`` (those by month) for ``first``..``last`` in one run, as the UI or ``dg
    launch`` builds them; with ``every_model``, the moves and the ratings too (``chess_mart_job``).
    The moves go to the test's warehouse (``CHESS_DUCKDB_PATH``), where dbt builds."""
    job = (
        defs.resolve_job_def("chess_mart_job")
        if every_model
        else defs.resolve_implicit_global_asset_job_def().get_subset(asset_selection=models)
    )
    tags = {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}
    warehouse = ChessWarehouse(database=os.environ["CHESS_DUCKDB_PATH"])
    return job.execute_in_process(
        instance=instance, tags=tags, resources={"warehouse": warehouse}, raise_on_error=False
    )


@contextmanager
def built_mart(load_templates: LoadTemplates, folder: Path) -> Iterator[Loaded]:
    """The mart built for :data:`MONTHS` on a copy of the load in ``folder``, the roster grown by
    the listed opponents; ``CHESS_DUCKDB_PATH`` points at it while the block runs."""
    database = str(folder / "chess.duckdb")
    with (
        pytest.MonkeyPatch.context() as env,
        copied_load(load_templates, database, folder / "instance") as copied,
    ):
        env.setenv("CHESS_DUCKDB_PATH", database)
        env.setenv("DBT_TARGET_PATH", str(folder / "dbt_target"))  # before any test's own
        add_listed_opponents_to_the_roster(database)
        built = build_mart(copied.instance, *MONTHS, every_model=True)
        assert built.success and retried_steps(built.all_events) == []
        yield copied


@dataclass(frozen=True)
class BuiltMart:
    """A module's own copy of the built mart: its tests read it, or hold it as a writer would;
    ``dbt_target`` is where the build's dbt steps put their artifacts (``DBT_TARGET_PATH``)."""

    duckdb_path: str
    dbt_target: Path


class MartTemplate:
    """The mart built once per test session (:func:`built_once`), then copied for each module
    that reads it: four modules on three workers would otherwise build it up to twelve times."""

    def __init__(self, shared: Path, load_templates: LoadTemplates) -> None:
        self._shared = shared
        self._load_templates = load_templates

    def copy(self, folder: Path) -> BuiltMart:
        built = built_once(self._shared, self._build)
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(built / "chess.duckdb", folder / "chess.duckdb")
        return BuiltMart(str(folder / "chess.duckdb"), built / "dbt_target")

    def _build(self, folder: Path) -> None:
        with built_mart(self._load_templates, folder):
            pass
