"""The commands a user types, as the end-to-end tests run them."""

from fixture.dagster_home import CHESS_LOAD, DG

__all__ = ["CHESS_LOAD", "DG"]
