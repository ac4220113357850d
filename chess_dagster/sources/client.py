"""The one HTTP client the chess source talks to Chess.com through.

Built on dlt's retrying ``requests`` helper, so retries on ``429`` (honouring ``Retry-After``),
``5xx``, timeouts and dropped connections, and their timeout, attempts and backoff, are dlt's
``[runtime] request_*`` settings. This module adds what is Chess.com-specific: the base URL
checked up front, a recognizable ``User-Agent`` (anonymous clients get ``403``), ``404``/``410``
read as "no such data" rather than failures, and one-line errors for everything else.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin, urlsplit

from dlt.sources.helpers import requests

log = logging.getLogger(__name__)

# Status codes the PubAPI uses for "there is no such data": 404 now, 410 never again.
NO_DATA_STATUSES = (404, 410)


DEFAULT_CHESS_URL = "https://api.chess.com/pub/"
DEFAULT_USER_AGENT = "chess-dagster/0.1 (+https://github.com/chess-dagster/chess-dagster; data-team@example.com)"


class ChessApiError(RuntimeError):
    """The Chess.com API could not give an answer the source can use; trying again may help."""


class ChessConfigError(ValueError):
    """The source was configured with something that cannot work; trying again will not help."""


def validate_base_url(chess_url: str) -> str:
    """Return ``chess_url`` with a trailing slash, or say in one line what is wrong with it."""
    parts = urlsplit(chess_url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ChessConfigError(
            f"sources.chess.chess_url={chess_url!r} is not an http(s) URL; set it to "
            f"{DEFAULT_CHESS_URL} (or SOURCES__CHESS__CHESS_URL) and retry"
        )
    return chess_url if chess_url.endswith("/") else chess_url + "/"


class ChessApiClient:
    """GETs PubAPI paths relative to ``base_url`` and returns their JSON."""

    def __init__(self, base_url: str, user_agent: str) -> None:
        self.base_url = validate_base_url(base_url)
        # Timeouts, attempts and backoff come from dlt's [runtime] config, injected by dlt.
        self._http = requests.Client(
            raise_for_status=False,
            session_attrs={"headers": {"User-Agent": user_agent, "Accept": "application/json"}},
        )

    def url(self, path: str) -> str:
        return urljoin(self.base_url, path)

    def get_json(self, path: str) -> dict[str, Any] | None:
        """The JSON at ``path``, or ``None`` when the API says there is no such data (404/410)."""
        url = self.url(path)
        try:
            response = self._http.get(url)
        except requests.RequestException as exc:
            raise ChessApiError(
                f"cannot reach the Chess.com API at {url} after retries ({type(exc).__name__}); "
                "check sources.chess.chess_url and the network"
            ) from exc
        if response.status_code in NO_DATA_STATUSES:
            log.info("%s answered %s: no data", url, response.status_code)
            return None
        if response.status_code != 200:
            raise ChessApiError(
                f"{url} answered HTTP {response.status_code} after retries; "
                "try again later or lower extract concurrency"
            )
        try:
            payload = response.json()
        except ValueError as exc:
            raise ChessApiError(
                f"{url} answered 200 with a body that is not JSON ({len(response.content)} bytes); "
                "the API or a proxy is misbehaving: retry later"
            ) from exc
        if not isinstance(payload, dict):
            raise ChessApiError(f"{url} answered JSON that is not an object; retry later")
        return payload
