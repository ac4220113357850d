"""The DuckDB file: open it for writing, or say in one line what is wrong with it and what to do.

DuckDB allows one writing process. The project's own steps take turns through the ``chess_duckdb``
pool; a foreign process (a user's ``duckdb`` shell, a notebook) is waited for, within a bound.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

DEFAULT_LOCK_TIMEOUT_S = 60.0


class WarehouseError(RuntimeError):
    """The DuckDB file cannot be used; the message names the file and the fix."""


def lock_timeout_s() -> float:
    return float(os.environ.get("CHESS_DUCKDB_LOCK_TIMEOUT_S") or DEFAULT_LOCK_TIMEOUT_S)


def ensure_writable(path: str, timeout_s: float | None = None) -> None:
    """Return once ``path`` opens read-write; raise :class:`WarehouseError` when it will not."""
    timeout_s = lock_timeout_s() if timeout_s is None else timeout_s
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(
            f"cannot create the folder of DuckDB file {path} ({exc.strerror}); "
            "set CHESS_DUCKDB_PATH to a writable path"
        ) from None
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            duckdb.connect(path).close()
            return
        except duckdb.IOException as exc:
            reason = str(exc).splitlines()[0]
            if "lock" not in reason.lower():
                raise WarehouseError(_unusable(path, reason)) from None
            if time.monotonic() >= deadline:
                raise WarehouseError(
                    f"DuckDB file {path} is locked by another process for {timeout_s:.0f}s ({reason}); "
                    "close that process (e.g. a duckdb shell) and retry"
                ) from None
            log.info("DuckDB file %s is locked by another process; waiting", path)
            time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
        except duckdb.Error as exc:
            raise WarehouseError(_unusable(path, str(exc).splitlines()[0])) from None


def _unusable(path: str, reason: str) -> str:
    if "permission" in reason.lower() or "read-only" in reason.lower():
        return f"cannot write DuckDB file {path} ({reason}); set CHESS_DUCKDB_PATH to a writable path"
    return (
        f"DuckDB file {path} cannot be opened ({reason}); if it is damaged, move it away "
        "and materialize the chess assets again to rebuild it"
    )
