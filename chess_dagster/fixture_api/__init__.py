"""A local Chess.com PubAPI for tests, benchmarks and the offline demo."""

from chess_dagster.fixture_api.data import ChessUniverse, Month
from chess_dagster.fixture_api.server import FixtureKnobs, FixtureServer, running_fixture_api

__all__ = ["ChessUniverse", "FixtureKnobs", "FixtureServer", "Month", "running_fixture_api"]
