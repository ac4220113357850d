"""A local stand-in for the Chess.com PubAPI, served over real HTTP on 127.0.0.1.

Paths and JSON shapes follow the real API (see ``data.py``). Knobs make it misbehave the way the
real one can: latency, stalls longer than a client's timeout, ``429`` + ``Retry-After`` (at
random, or above a number of requests in flight), ``5xx``, malformed and truncated bodies,
``404`` for unknown players (or listed ones whose account closed), ``410`` for gone ones, and a
drift switch that gives games a new field. Conditional requests work: every ``200`` carries an
``ETag`` and ``Last-Modified``, and a matching ``If-None-Match`` gets ``304``.

Knobs can be changed while it runs (``POST /_fixture/config`` with a JSON object) and its request
counters read (``GET /_fixture/stats``), so a running demo or a benchmark can steer and measure it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import random
import re
import sys
import threading
import time
from collections import Counter
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, TypeVar

from chess_dagster.fixture_api.data import ChessUniverse, Month

log = logging.getLogger(__name__)

ROUTES = (
    ("titled", re.compile(r"^/pub/titled/(?P<title>[A-Za-z]+)/?$")),
    ("archives", re.compile(r"^/pub/player/(?P<user>[^/]+)/games/archives/?$")),
    ("month", re.compile(r"^/pub/player/(?P<user>[^/]+)/games/(?P<year>\d{4})/(?P<month>\d{2})/?$")),
    ("profile", re.compile(r"^/pub/player/(?P<user>[^/]+)/?$")),
)


@dataclass
class FixtureKnobs:
    """How the fixture API behaves; every field can be set at start-up or changed at run time."""

    latency_ms: float = 0.0
    max_in_flight: int = 0  # above this many concurrent requests answer 429 (0: no limit)
    throttle_rate: float = 0.0  # share of requests answered 429 at random
    error_rate: float = 0.0  # share of requests answered 503 at random
    malformed_rate: float = 0.0  # share of 200s whose body is not JSON
    truncate_rate: float = 0.0  # share of 200s cut short (Content-Length promises more)
    retry_after_s: int = 1
    stall_rate: float = 0.0  # share of requests held for stall_s before the answer (client timeouts)
    stall_s: float = 5.0
    gone_players: list[str] = field(default_factory=list)  # answered 410
    closed_players: list[str] = field(default_factory=list)  # still listed as titled, answered 404
    drift: bool = False
    seed: int = 7


class FixtureState:
    """The universe, the knobs and the counters, shared by all handler threads."""

    def __init__(self, universe: ChessUniverse, knobs: FixtureKnobs) -> None:
        self.universe = universe
        self.knobs = knobs
        self.lock = threading.Lock()
        self.in_flight = 0
        self.status_counts: Counter[int] = Counter()
        self.route_counts: Counter[str] = Counter()
        self.route_status_counts: Counter[str] = Counter()
        self.max_in_flight_seen = 0
        self.rng = random.Random(knobs.seed)
        universe.drift = knobs.drift

    def configure(self, changes: dict) -> None:
        known = {f.name for f in dataclasses.fields(FixtureKnobs)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown knobs {sorted(unknown)}; known: {sorted(known)}")
        with self.lock:
            self.knobs = dataclasses.replace(self.knobs, **changes)
            self.universe.drift = self.knobs.drift

    def stats(self) -> dict:
        with self.lock:
            return {
                "requests": sum(self.status_counts.values()),
                "by_status": {str(k): v for k, v in sorted(self.status_counts.items())},
                "by_route": dict(sorted(self.route_counts.items())),
                "by_route_status": dict(sorted(self.route_status_counts.items())),
                "max_in_flight_seen": self.max_in_flight_seen,
                "knobs": dataclasses.asdict(self.knobs),
            }

    def reset_stats(self) -> None:
        with self.lock:
            self.status_counts.clear()
            self.route_counts.clear()
            self.route_status_counts.clear()
            self.max_in_flight_seen = 0


class FixtureHandler(BaseHTTPRequestHandler):
    server_version = "ChessFixtureAPI/1.0"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the body waits for the client's
    # delayed ACK (~40 ms) and every request would cost that on top of the latency knob.
    disable_nagle_algorithm = True

    @property
    def state(self) -> FixtureState:
        return self.server.state  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s %s", self.address_string(), format % args)

    # --- control endpoints -----------------------------------------------------------------

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b"{}"
        try:
            if self.path == "/_fixture/config":
                self.state.configure(json.loads(body))
            elif self.path == "/_fixture/reset":
                self.state.reset_stats()
            else:
                return self._send_json(404, {"message": f"no control endpoint {self.path}"})
        except (ValueError, TypeError) as exc:
            return self._send_json(400, {"message": str(exc)})
        self._send_json(200, self.state.stats())

    # --- the API -----------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        if self.path == "/_fixture/stats":
            return self._send_json(200, self.state.stats())
        state = self.state
        with state.lock:
            state.in_flight += 1
            state.max_in_flight_seen = max(state.max_in_flight_seen, state.in_flight)
            in_flight, knobs = state.in_flight, state.knobs
            roll_throttle, roll_error, roll_body = state.rng.random(), state.rng.random(), state.rng.random()
            stalled = state.rng.random() < knobs.stall_rate
            if stalled:
                state.route_status_counts["stalled"] += 1
        try:
            if knobs.latency_ms or stalled:
                time.sleep(knobs.latency_ms / 1000 + (knobs.stall_s if stalled else 0))
            if (knobs.max_in_flight and in_flight > knobs.max_in_flight) or roll_throttle < knobs.throttle_rate:
                return self._send_json(429, {"message": "Too Many Requests"},
                                       {"Retry-After": str(knobs.retry_after_s)}, route="throttled")
            if roll_error < knobs.error_rate:
                return self._send_json(503, {"message": "Service Unavailable"}, route="error")
            route, status, payload = self._route(knobs)
            if status == 200 and roll_body < knobs.malformed_rate:
                return self._send_raw(200, b'{"games": [{"url": "https://www.chess.com/game/live/1", "pgn', route)
            if status == 200 and roll_body < knobs.malformed_rate + knobs.truncate_rate:
                return self._send_raw(200, b'{"players": ["a", "b"', route, promised=4096)
            self._send_json(status, payload, route=route, cacheable=status == 200)
        finally:
            with state.lock:
                state.in_flight -= 1

    def _route(self, knobs: FixtureKnobs) -> tuple[str, int, dict]:
        path = self.path.split("?", 1)[0]
        universe = self.state.universe
        for route, pattern in ROUTES:
            match = pattern.match(path)
            if not match:
                continue
            params = match.groupdict()
            user = params.get("user", "").lower()
            if user and user in {p.lower() for p in knobs.gone_players}:
                return route, 410, {"code": 0, "message": f"Data for user '{user}' is gone."}
            if user and user in {p.lower() for p in knobs.closed_players}:
                return self._no_user(route, user)
            if route == "titled":
                players = universe.titled(params["title"].upper())
                if players is None:
                    return route, 404, {"code": 0, "message": "Data provider not found for key"}
                return route, 200, {"players": players}
            if route == "profile":
                profile = universe.profile(user)
                return (route, 200, profile) if profile else self._no_user(route, user)
            if route == "archives":
                months = universe.archive_months(user)
                if months is None:
                    return self._no_user(route, user)
                base = f"https://api.chess.com/pub/player/{user}/games"
                return route, 200, {"archives": [f"{base}/{m.year:04d}/{m.month:02d}" for m in months]}
            month = Month(int(params["year"]), int(params["month"]))
            if not 1 <= month.month <= 12:
                return route, 404, {"code": 0, "message": "Data provider not found for key"}
            games = universe.games(user, month)
            return (route, 200, {"games": games}) if games is not None else self._no_user(route, user)
        return "unknown", 404, {"code": 0, "message": f"Data provider not found for key '{path}'"}

    @staticmethod
    def _no_user(route: str, user: str) -> tuple[str, int, dict]:
        return route, 404, {"code": 0, "message": f"User \"{user}\" not found."}

    def _send_json(
        self,
        status: int,
        payload: dict,
        headers: dict[str, str] | None = None,
        route: str | None = None,
        cacheable: bool = False,
    ) -> None:
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = dict(headers or {})
        if cacheable:
            etag = '"' + hashlib.sha1(body).hexdigest() + '"'
            headers.update({"ETag": etag, "Last-Modified": formatdate(usegmt=True),
                            "Cache-Control": "public, max-age=300"})
            if self.headers.get("If-None-Match") == etag:
                status, body = 304, b""
        if route is not None:
            with self.state.lock:
                self.state.status_counts[status] += 1
                self.state.route_counts[route] += 1
                self.state.route_status_counts[f"{route} {status}"] += 1
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


    def _send_raw(self, status: int, body: bytes, route: str, promised: int | None = None) -> None:
        """A broken answer: ``body`` as is, and with ``promised`` a longer Content-Length, then close."""
        with self.state.lock:
            self.state.status_counts[status] += 1
            self.state.route_counts[route] += 1
            self.state.route_status_counts[f"{route} {'truncated' if promised else 'malformed'}"] += 1
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(promised or len(body)))
        if promised:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)


class FixtureServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, state: FixtureState) -> None:
        super().__init__(("127.0.0.1", port), FixtureHandler)
        self.state = state

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/pub/"

    def handle_error(self, request, client_address) -> None:
        """A client that went away (a killed run, a timeout) is normal here, not a stack trace."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            log.debug("client %s went away: %s", client_address, error)
        else:
            super().handle_error(request, client_address)


Server = TypeVar("Server", bound=ThreadingHTTPServer)


@contextmanager
def serving(server: Server) -> Iterator[Server]:
    """Serve ``server`` on a background thread for as long as the block runs."""
    thread = threading.Thread(target=server.serve_forever, name=type(server).__name__, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def running_fixture_api(
    universe: ChessUniverse | None = None, knobs: FixtureKnobs | None = None, port: int = 0
) -> AbstractContextManager[FixtureServer]:
    """The fixture API on 127.0.0.1 (``port`` 0: a free one) for as long as the block runs."""
    return serving(FixtureServer(port, FixtureState(universe or ChessUniverse(), knobs or FixtureKnobs())))
