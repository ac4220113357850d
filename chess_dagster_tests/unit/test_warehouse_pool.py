"""The concurrency pool of the warehouse's steps: named after the warehouse's type, read from dlt's config."""

from __future__ import annotations

import pytest

from chess_dagster.lib.warehouse import warehouse_pool

TYPE = "DESTINATION__WAREHOUSE__DESTINATION_TYPE"


def test_duckdb_is_the_pool_when_no_type_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TYPE, raising=False)
    assert warehouse_pool() == "chess_duckdb"


def test_an_empty_type_is_duckdb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TYPE, "")
    assert warehouse_pool() == "chess_duckdb"


def test_postgres_has_a_pool_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TYPE, "postgres")
    assert warehouse_pool() == "chess_postgres"


def test_a_dotted_reference_is_pooled_by_its_last_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TYPE, "dlt.destinations.postgres")
    assert warehouse_pool() == "chess_postgres"


def test_an_unknown_type_gets_a_pool_rather_than_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TYPE, "no-such-db")
    assert warehouse_pool() == "chess_no_such_db"
