"""The warehouse's capabilities, worked out once per naming case: the same as dlt's own, each caller
with a copy of its own."""

from __future__ import annotations

import functools
from typing import Any, cast

import pytest
from dlt.common.destination import Destination
from dlt.common.normalizers.naming import snake_case, sql_cs_v1

from chess_dagster.lib.warehouse import warehouse_destination

TYPE = "DESTINATION__WAREHOUSE__DESTINATION_TYPE"
NAMINGS = [None, snake_case.NamingConvention(), sql_cs_v1.NamingConvention()]


def comparable(capabilities: Any) -> dict[str, Any]:
    """A copied ``functools.partial`` is equal to its original only by what it calls with what."""
    return {
        name: (value.func, value.args, value.keywords) if isinstance(value, functools.partial) else value
        for name, value in dict(capabilities).items()
    }


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path) -> Destination:
    monkeypatch.setenv(TYPE, request.param)
    return warehouse_destination(str(tmp_path / "chess.duckdb"))


@pytest.mark.parametrize("naming", NAMINGS, ids=["no naming", "case insensitive", "case sensitive"])
def test_the_capabilities_equal_what_dlt_works_out_each_time(warehouse: Destination, naming) -> None:
    dlts_own = type(warehouse).capabilities(warehouse, naming=naming)
    for _ in range(2):
        assert comparable(warehouse.capabilities(naming=naming)) == comparable(dlts_own)


def test_a_case_sensitive_naming_gets_its_own_capabilities(warehouse: Destination) -> None:
    insensitive = warehouse.capabilities(naming=snake_case.NamingConvention())
    sensitive = warehouse.capabilities(naming=sql_cs_v1.NamingConvention())
    assert comparable(sensitive) == comparable(
        type(warehouse).capabilities(warehouse, naming=sql_cs_v1.NamingConvention())
    )
    assert comparable(insensitive) == comparable(
        type(warehouse).capabilities(warehouse, naming=snake_case.NamingConvention())
    )


def test_a_caller_changing_its_capabilities_changes_no_one_elses(warehouse: Destination) -> None:
    first = warehouse.capabilities()
    first.preferred_loader_file_format = "csv"
    cast(list, first.supported_loader_file_formats).clear()
    second = warehouse.capabilities()
    assert second.preferred_loader_file_format != "csv"
    assert second.supported_loader_file_formats
