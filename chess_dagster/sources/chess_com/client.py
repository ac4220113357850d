"""The one HTTP client the chess source talks to Chess.com through: dlt's retrying ``requests``
helper (retries are dlt's ``[runtime] request_*`` settings) plus what is Chess.com-specific."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar
from urllib.parse import urljoin, urlsplit

from dlt.common.json import json as fast_json
from dlt.sources.helpers import requests
from requests.adapters import HTTPAdapter

from chess_dagster.lib.errors import ChessApiError, ChessConfigError

log = logging.getLogger(__name__)

NO_DATA_STATUSES = (404, 410)

DEFAULT_CHESS_URL = "https://api.chess.com/pub/"
DEFAULT_USER_AGENT = (
    "chess-dagster/0.1 (+https://github.com/chess-dagster/chess-dagster; data-team@example.com)"
)


def validate_base_url(chess_url: str) -> str:
    parts = urlsplit(chess_url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ChessConfigError(
            f"sources.chess.chess_url={chess_url!r} is not an http(s) URL; set it to "
            f"{DEFAULT_CHESS_URL} (or SOURCES__CHESS__CHESS_URL) and retry"
        )
    return chess_url if chess_url.endswith("/") else chess_url + "/"


def json_object(body: bytes) -> dict[str, Any]:
    payload = fast_json.loadb(body)
    if not isinstance(payload, dict):
        raise ValueError("the body is JSON but not an object")
    return payload


def _parse_body(
    parse: Callable[[bytes], Any], response: requests.Response, *args: Any, **kwargs: Any
) -> None:
    """A hook, so a truncated or garbled body is retried like a 5xx by dlt's retry condition."""
    if response.status_code == 200:
        try:
            response.parsed = parse(response.content)  # type: ignore[attr-defined]
        except ValueError:
            response.unparsable = True  # type: ignore[attr-defined]


def _body_is_unparsable(response: requests.Response | None, exception: BaseException | None) -> bool:
    return getattr(response, "unparsable", False)


def _environment_settings(base_url: str) -> dict[str, Any]:
    """Read once: a session that trusts the environment rereads it (and ``~/.netrc``) per request,
    a large part of its CPU (docs/benchmarks.md); Chess.com needs no ``.netrc`` credentials."""
    settings = requests.Session().merge_environment_settings(base_url, {}, None, None, None)
    return {"trust_env": False, "proxies": settings["proxies"], "verify": settings["verify"]}


# Successes before a level of concurrency that met a 429 is tried again, doubled each time it meets
# another (up to the most): against a server that limits requests in flight, growing back every few
# requests met a 429 in 1-3% of them; probing ever more rarely keeps it near 0.1% (docs/benchmarks.md).
PROBE_AFTER, PROBE_AFTER_MOST = 64, 4096


class AdaptiveLimit:
    """Chess.com serves serial requests without limit and may answer ``429`` to parallel ones, so the
    limit halves on a ``429`` instead of storming and grows back by one after ``4 x limit`` successes;
    the level a ``429`` met (the requests in flight when it was sent) is tried again only after
    ``PROBE_AFTER`` successes, twice as many each time it meets another."""

    def __init__(self, max_concurrency: int) -> None:
        if max_concurrency < 1:
            raise ChessConfigError(f"sources.chess.max_concurrency={max_concurrency} must be at least 1")
        self.max = self.limit = max_concurrency
        self.in_flight = 0
        self.throttled = 0
        self.ceiling: int | None = None  # the level the latest 429 met, until passed
        self._probe_after = PROBE_AFTER
        self._successes = 0
        self._cond = threading.Condition()
        self._sent = threading.local()  # the requests in flight when this thread's request was sent

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: self.in_flight < self.limit)
            self.in_flight += 1
            self._sent.level = self.in_flight
        try:
            yield
        finally:
            with self._cond:
                self.in_flight -= 1
                self._sent.level = None
                self._cond.notify_all()

    def record(self, status_code: int) -> None:
        """The answer to this thread's request; outside a slot, as if sent with the limit used."""
        with self._cond:
            level = getattr(self._sent, "level", None) or self.limit
            if status_code == 429:
                self._throttled(level)
            elif status_code < 400:
                self._succeeded(level)

    def _throttled(self, level: int) -> None:
        self.throttled += 1
        if level > self.limit:  # sent before the limit came down: that 429 is already answered
            return
        if self.ceiling is not None and level >= self.ceiling:
            self._probe_after = min(2 * self._probe_after, PROBE_AFTER_MOST)
        self.ceiling = level
        self.limit = max(1, self.limit // 2)
        self._successes = 0

    def _succeeded(self, level: int) -> None:
        """Only a request sent with the limit used counts: a limit the load never fills proves
        nothing, and growing past a level a 429 met without trying it would forget it unearned."""
        if level < self.limit or self.limit >= self.max:
            return
        self._successes += 1
        probing = self.ceiling is not None and self.limit + 1 >= self.ceiling
        if self._successes >= (max(4 * self.limit, self._probe_after) if probing else 4 * self.limit):
            self.limit += 1
            self._successes = 0
            if self.ceiling is not None and self.limit > self.ceiling:
                self.ceiling, self._probe_after = None, PROBE_AFTER
            self._cond.notify_all()


class RequestStats:
    def __init__(self) -> None:
        self.attempts = 0
        self.by_status: Counter[int] = Counter()
        self.bytes_received = 0
        self.in_flight_peak = 0
        self.limit_low: int | None = None
        self.limit_now: int | None = None
        self.limit_max: int | None = None
        self._lock = threading.Lock()

    def answered(self, status_code: int, body_bytes: int) -> None:
        with self._lock:
            self.attempts += 1
            self.by_status[status_code] += 1
            self.bytes_received += body_bytes

    def answers(self) -> dict[str, int]:
        with self._lock:
            by_status = self.by_status.copy()
        return {
            **{str(status): by_status[status] for status in (200, 304, 404, 429)},
            "5xx": sum(n for status, n in by_status.items() if status >= 500),
        }

    def slot_taken(self, in_flight: int, limit: int, limit_max: int) -> None:
        with self._lock:
            self.in_flight_peak = max(self.in_flight_peak, in_flight)
            self.limit_now, self.limit_max = limit, limit_max
            self.limit_low = limit if self.limit_low is None else min(self.limit_low, limit)


Payload = TypeVar("Payload")


@dataclass(frozen=True)
class Fetched(Generic[Payload]):
    payload: Payload | None
    etag: str | None
    max_age_s: int = 0


def max_age_s(headers: Mapping[str, str]) -> int:
    directives = {
        name.strip().lower(): value.strip()
        for name, _, value in (d.partition("=") for d in headers.get("Cache-Control", "").split(","))
    }
    if "no-store" in directives or "no-cache" in directives or not directives.get("max-age", "").isdigit():
        return 0
    age = headers.get("Age", "0")
    return max(0, int(directives["max-age"]) - (int(age) if age.isdigit() else 0))


class SlotAdapter(HTTPAdapter):
    """Each attempt on the wire holds a slot of the limit, its body read whole inside it: dlt's
    retrying client waits out a ``Retry-After`` between attempts within one call, and a slot held
    through that wait let the throttled request's retry go out above the lowered limit, meeting a
    429 again (1.6x the time of a hand-set ``max_concurrency``: docs/benchmarks.md). dlt's ``Client``
    takes no transport adapter, so ``ChessApiClient`` puts this one in the place of its own
    (``Client._adapter``, mounted on every thread's session; ``unit/test_client_limits.py``)."""

    def __init__(self, limit: AdaptiveLimit, stats: RequestStats, pool_maxsize: int) -> None:
        super().__init__(pool_maxsize=pool_maxsize)
        self.limit, self.stats = limit, stats

    def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        with self.limit.slot():
            self.stats.slot_taken(self.limit.in_flight, self.limit.limit, self.limit.max)
            response = super().send(request, *args, **kwargs)
            self.stats.answered(response.status_code, len(response.content))
            self.limit.record(response.status_code)
        return response


# dlt's Client's own pool size: more connections than any limit, so a slot never waits for one.
MAX_CONNECTIONS = 50


class ChessApiClient:
    def __init__(
        self, base_url: str, user_agent: str, max_concurrency: int = 4, stats: RequestStats | None = None
    ) -> None:
        self.base_url = validate_base_url(base_url)
        self.limit = AdaptiveLimit(max_concurrency)
        self.stats = stats if stats is not None else RequestStats()
        self._http = requests.Client(
            raise_for_status=False,
            retry_condition=_body_is_unparsable,
            session_attrs={
                "headers": {"User-Agent": user_agent, "Accept": "application/json"},
                **_environment_settings(self.base_url),
            },
        )
        self._http._adapter = SlotAdapter(self.limit, self.stats, MAX_CONNECTIONS)

    def url(self, path: str) -> str:
        return urljoin(self.base_url, path)

    def get_json(self, path: str) -> dict[str, Any] | None:
        fetched = self.fetch(path, parse=json_object)
        return fetched.payload if fetched else None

    def fetch(
        self,
        path: str,
        etag: str | None = None,
        parse: Callable[[bytes], Payload | None] = json_object,  # type: ignore[assignment]
    ) -> Fetched[Payload] | None:
        url = self.url(path)
        headers = {"If-None-Match": etag} if etag else {}
        # Each attempt, retries included, takes its slot and tells the limit its answer (SlotAdapter).
        hooks: dict[str, Any] = {"response": [partial(_parse_body, parse)]}
        try:
            response = self._http.get(url, headers=headers, hooks=hooks)
        except requests.RequestException as exc:
            raise ChessApiError(
                f"cannot reach the Chess.com API at {url} after retries ({type(exc).__name__}); "
                "check sources.chess.chess_url and the network"
            ) from exc
        if response.status_code in NO_DATA_STATUSES:
            log.info("%s answered %s: no data", url, response.status_code)
            return None
        if response.status_code == 304:
            return Fetched(None, etag, max_age_s(response.headers))
        if response.status_code != 200:
            raise ChessApiError(
                f"{url} answered HTTP {response.status_code} after retries; "
                "try again later or lower sources.chess.max_concurrency"
            )
        if getattr(response, "unparsable", False):
            raise ChessApiError(
                f"{url} answered 200 with a body that is not the JSON expected ({len(response.content)} "
                "bytes) after retries; the API or a proxy is misbehaving: retry later"
            )
        payload: Payload | None = getattr(response, "parsed", None)
        return Fetched(payload, response.headers.get("ETag"), max_age_s(response.headers))
