"""Fixtures the integration tests share beyond the suite's own (``chess_dagster_tests/conftest.py``)."""

import pytest

from chess_dagster_tests.mart_build import BuiltMart, MartTemplate


@pytest.fixture(scope="module")
def built(mart_template: MartTemplate, tmp_path_factory) -> BuiltMart:
    """The mart built for the months of ``mart_build``, a copy per module: tests only read it."""
    return mart_template.copy(tmp_path_factory.mktemp("mart"))
