"""`python -m chess_dagster.fixture_api.wait URL`: block until URL answers (at most 30 s)."""

import sys
import time
import urllib.request


def wait_for(url: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"{url} did not answer within {timeout_s:.0f}s")
            time.sleep(0.2)


if __name__ == "__main__":
    wait_for(sys.argv[1])
