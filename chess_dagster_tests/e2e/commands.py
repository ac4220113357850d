"""The commands a user types, as the end-to-end tests run them."""

import sys
from pathlib import Path

from fixture.dagster_home import DG

__all__ = ["CHESS_LOAD", "DG"]

CHESS_LOAD = str(Path(sys.executable).parent / "chess-load")
