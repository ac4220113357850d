"""Where the end-to-end tests find the commands a user types, and a free port for servers."""

import socket
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
DG = str(BIN / "dg")
DAGSTER = str(BIN / "dagster")
CHESS_LOAD = str(BIN / "chess-load")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
