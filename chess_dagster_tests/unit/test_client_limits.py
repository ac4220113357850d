"""The client's bound on requests in flight, and the base URL it is given."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from chess_dagster.lib.errors import ChessConfigError
from chess_dagster.sources.chess_com.client import (
    PROBE_AFTER,
    PROBE_AFTER_MOST,
    AdaptiveLimit,
    ChessApiClient,
    SlotAdapter,
    _environment_settings,
    validate_base_url,
)

WAIT_S = 2.0  # how long a thread that should get a slot may take to get it
BLOCKED_S = 0.1  # how long a thread that should not get a slot is watched


def successes(limit: AdaptiveLimit, count: int, status_code: int = 200) -> None:
    for _ in range(count):
        limit.record(status_code)


class Waiter:
    """A thread that takes a slot of ``limit`` and holds it until released."""

    def __init__(self, limit: AdaptiveLimit) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(limit,), daemon=True)
        self.thread.start()

    def _run(self, limit: AdaptiveLimit) -> None:
        with limit.slot():
            self.entered.set()
            self.release.wait(WAIT_S)

    def finish(self) -> None:
        self.release.set()
        self.thread.join(WAIT_S)


@pytest.fixture
def waiters() -> Iterator[list[Waiter]]:
    started: list[Waiter] = []
    yield started
    for waiter in started:
        waiter.finish()


def test_the_limit_starts_at_the_configured_concurrency() -> None:
    assert AdaptiveLimit(4).limit == 4


@pytest.mark.parametrize("max_concurrency", [0, -1])
def test_a_concurrency_below_one_is_a_config_error(max_concurrency: int) -> None:
    with pytest.raises(ChessConfigError) as refused:
        AdaptiveLimit(max_concurrency)
    assert str(refused.value) == f"sources.chess.max_concurrency={max_concurrency} must be at least 1"


def test_a_429_halves_the_limit() -> None:
    limit = AdaptiveLimit(8)
    limit.record(429)
    assert limit.limit == 4


def test_an_odd_limit_halves_downwards() -> None:
    limit = AdaptiveLimit(5)
    limit.record(429)
    assert limit.limit == 2


def test_429s_never_take_the_limit_below_one() -> None:
    limit = AdaptiveLimit(4)
    successes(limit, 5, status_code=429)
    assert limit.limit == 1


def test_each_429_is_counted_as_throttled() -> None:
    limit = AdaptiveLimit(4)
    successes(limit, 3, status_code=429)
    assert limit.throttled == 3


def test_successes_are_not_counted_as_throttled() -> None:
    limit = AdaptiveLimit(4)
    successes(limit, 10)
    assert limit.throttled == 0


def test_the_limit_grows_back_by_one_after_four_times_limit_successes() -> None:
    limit = AdaptiveLimit(4)
    limit.record(429)
    successes(limit, 7)
    assert limit.limit == 2
    limit.record(200)
    assert limit.limit == 3


def test_the_level_a_429_met_is_tried_again_only_after_probe_after_successes() -> None:
    limit = AdaptiveLimit(4)
    limit.record(429)
    successes(limit, 4 * 2 + PROBE_AFTER - 1)
    assert limit.limit == 3
    limit.record(200)
    assert (limit.limit, limit.ceiling) == (4, 4)


def test_each_429_at_the_same_level_doubles_the_successes_before_trying_it_again() -> None:
    limit = AdaptiveLimit(2)
    limit.record(429)
    successes(limit, PROBE_AFTER)
    limit.record(429)
    successes(limit, 2 * PROBE_AFTER - 1)
    assert limit.limit == 1
    limit.record(200)
    assert limit.limit == 2


def test_the_successes_before_a_probe_stop_doubling_at_the_most() -> None:
    limit = AdaptiveLimit(2)
    for _ in range(12):
        limit.record(429)
        successes(limit, PROBE_AFTER_MOST)
        assert limit.limit == 2


def test_passing_the_level_a_429_met_forgets_it() -> None:
    limit = AdaptiveLimit(8)
    limit.record(429)  # met at 8: 4
    limit.record(429)  # met at 4: 2
    successes(limit, 4 * 2 + PROBE_AFTER)  # 3, then 4 again: the level met
    assert (limit.limit, limit.ceiling) == (4, 4)
    successes(limit, PROBE_AFTER)
    assert (limit.limit, limit.ceiling) == (5, None)


def test_successes_of_requests_sent_below_the_limit_do_not_grow_it() -> None:
    limit = AdaptiveLimit(4)
    limit.record(429)
    with limit.slot():  # one request in flight, the limit is 2
        successes(limit, 100)
    assert limit.limit == 2


def test_a_429_sent_before_the_limit_came_down_does_not_lower_it_again() -> None:
    limit = AdaptiveLimit(4)
    sent, answered = threading.Event(), threading.Event()

    def fourth_request() -> None:
        with limit.slot():
            sent.set()
            answered.wait(WAIT_S)
            limit.record(429)

    others = [Waiter(limit) for _ in range(3)]
    assert all(waiter.entered.wait(WAIT_S) for waiter in others)
    fourth = threading.Thread(target=fourth_request, daemon=True)
    fourth.start()
    assert sent.wait(WAIT_S)
    limit.record(429)  # the first answer of the burst: 4 -> 2
    answered.set()
    fourth.join(WAIT_S)
    for waiter in others:
        waiter.finish()
    assert (limit.limit, limit.throttled) == (2, 2)


def test_a_429_restarts_the_count_of_successes() -> None:
    limit = AdaptiveLimit(8)
    limit.record(429)
    successes(limit, 15)
    limit.record(429)
    successes(limit, 7)
    assert limit.limit == 2
    limit.record(200)
    assert limit.limit == 3


@pytest.mark.parametrize("status_code", [201, 301, 304])
def test_any_status_below_400_counts_as_a_success(status_code: int) -> None:
    limit = AdaptiveLimit(2)
    limit.record(429)
    successes(limit, PROBE_AFTER, status_code=status_code)
    assert limit.limit == 2


@pytest.mark.parametrize("status_code", [403, 404, 410, 500, 503])
def test_errors_other_than_429_neither_shrink_nor_grow_the_limit(status_code: int) -> None:
    limit = AdaptiveLimit(2)
    limit.record(429)
    successes(limit, 10, status_code=status_code)
    assert (limit.limit, limit.throttled) == (1, 1)


def test_a_slot_counts_as_in_flight_while_it_is_held() -> None:
    limit = AdaptiveLimit(2)
    with limit.slot():
        assert limit.in_flight == 1
    assert limit.in_flight == 0


def test_a_slot_is_given_back_when_the_request_raises() -> None:
    limit = AdaptiveLimit(1)
    with pytest.raises(RuntimeError), limit.slot():
        raise RuntimeError("connection dropped")
    assert limit.in_flight == 0


def test_a_slot_waits_while_limit_requests_are_in_flight(waiters: list[Waiter]) -> None:
    limit = AdaptiveLimit(2)
    waiters.extend([Waiter(limit), Waiter(limit)])
    assert all(waiter.entered.wait(WAIT_S) for waiter in waiters)
    third = Waiter(limit)
    waiters.append(third)
    assert not third.entered.wait(BLOCKED_S)
    waiters[0].finish()
    assert third.entered.wait(WAIT_S)


def test_after_a_429_new_slots_wait_for_the_lower_limit(waiters: list[Waiter]) -> None:
    limit = AdaptiveLimit(2)
    first = Waiter(limit)
    waiters.append(first)
    assert first.entered.wait(WAIT_S)
    limit.record(429)
    second = Waiter(limit)
    waiters.append(second)
    assert not second.entered.wait(BLOCKED_S)
    first.finish()
    assert second.entered.wait(WAIT_S)


def test_a_slot_waiting_on_the_limit_enters_when_the_limit_grows_back(waiters: list[Waiter]) -> None:
    limit = AdaptiveLimit(2)
    limit.record(429)
    first = Waiter(limit)
    waiters.append(first)
    assert first.entered.wait(WAIT_S)
    second = Waiter(limit)
    waiters.append(second)
    assert not second.entered.wait(BLOCKED_S)
    successes(limit, PROBE_AFTER)
    assert second.entered.wait(WAIT_S)


def test_every_attempt_goes_through_the_adapter_that_takes_a_slot() -> None:
    """dlt's Client mounts its ``_adapter`` on each thread's session: the one private part used."""
    client = ChessApiClient("http://127.0.0.1:9/pub/", "chess-dagster tests")
    adapter = client._http.session.get_adapter(client.url("titled/GM"))
    assert isinstance(adapter, SlotAdapter) and adapter.limit is client.limit


def test_a_base_url_gets_a_trailing_slash() -> None:
    assert validate_base_url("https://api.chess.com/pub") == "https://api.chess.com/pub/"


def test_a_base_url_with_a_trailing_slash_is_kept() -> None:
    assert validate_base_url("http://127.0.0.1:8000/pub/") == "http://127.0.0.1:8000/pub/"


NOT_HTTP_URLS = ["ftp://api.chess.com/pub/", "api.chess.com/pub", "https://", "", "pub/"]


@pytest.mark.parametrize("chess_url", NOT_HTTP_URLS)
def test_a_base_url_that_is_not_http_is_a_config_error_naming_the_variable(chess_url: str) -> None:
    with pytest.raises(ChessConfigError, match="SOURCES__CHESS__CHESS_URL") as refused:
        validate_base_url(chess_url)
    assert f"sources.chess.chess_url={chess_url!r} is not an http(s) URL" in str(refused.value)


def test_proxies_from_the_environment_are_read_once_for_the_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")

    assert (
        _environment_settings("https://api.chess.com/pub/")["proxies"]["https"] == "http://proxy.example:3128"
    )
    assert "https" not in _environment_settings("https://127.0.0.1:8765/pub/")["proxies"]
    assert _environment_settings("https://api.chess.com/pub/")["trust_env"] is False
