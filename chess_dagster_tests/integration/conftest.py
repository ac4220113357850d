"""Fixtures the integration tests share beyond the suite's own (``chess_dagster_tests/conftest.py``)."""

from collections.abc import Iterator

import pytest

from chess_dagster_tests.conftest import Loaded
from chess_dagster_tests.mart_build import built_mart


@pytest.fixture(scope="module")
def built(load_templates, tmp_path_factory) -> Iterator[Loaded]:
    """The mart built once per module for the months of ``mart_build``: tests only read it."""
    with built_mart(load_templates, tmp_path_factory.mktemp("mart")) as mart:
        yield mart
