"""How long an answer stays fresh (Cache-Control), and the profile ledger built on it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chess_dagster.sources.chess_com.client import max_age_s
from chess_dagster.sources.chess_com.ledgers import PROFILES_FETCHED_COLUMNS, ProfileFetch, ProfileLedger

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Cache-Control": "public, max-age=300"}, 300),
        ({"Cache-Control": "max-age=300", "Age": "120"}, 180),
        ({"Cache-Control": "max-age=300", "Age": "900"}, 0),
        ({"Cache-Control": "no-cache, max-age=300"}, 0),
        ({"Cache-Control": "no-store"}, 0),
        ({"Cache-Control": "public"}, 0),
        ({}, 0),
    ],
)
def test_an_answer_stays_fresh_for_its_max_age_less_its_age(headers, seconds) -> None:
    assert max_age_s(headers) == seconds


def ledger_with(etag: str | None, fresh_until: datetime) -> ProfileLedger:
    return ProfileLedger([ProfileFetch("hikaru", etag, fresh_until)])


def test_a_profile_is_fresh_until_its_time() -> None:
    ledger = ledger_with("v1", NOW + timedelta(seconds=1))
    assert ledger.fresh("hikaru", now=NOW)
    assert not ledger.fresh("hikaru", now=NOW + timedelta(seconds=1))


def test_an_unknown_profile_is_not_fresh_and_has_no_etag() -> None:
    ledger = ledger_with("v1", NOW + timedelta(hours=1))
    assert not ledger.fresh("magnus", now=NOW)
    assert ledger.etag("magnus") is None


def test_a_stale_profile_is_asked_for_with_its_etag() -> None:
    assert ledger_with("v1", NOW - timedelta(hours=1)).etag("hikaru") == "v1"


def test_a_not_modified_answer_keeps_the_etag_and_renews_the_freshness() -> None:
    ledger = ledger_with("v1", NOW - timedelta(hours=1))
    ledger.fetched("hikaru", None, 300, now=NOW)
    assert ledger.rows() == [
        {"username": "hikaru", "etag": "v1", "fresh_until": NOW + timedelta(seconds=300)}
    ]


def test_a_profile_fetched_as_known_yields_no_row() -> None:
    ledger = ledger_with("v1", NOW + timedelta(seconds=300))
    ledger.fetched("hikaru", "v1", 300, now=NOW)
    assert ledger.rows() == []


def test_the_table_columns_type_every_key_of_a_row_and_username_is_the_key() -> None:
    ledger = ProfileLedger()
    ledger.fetched("hikaru", None, 0, now=NOW)
    assert set(PROFILES_FETCHED_COLUMNS) == set(ledger.rows()[0])
    assert [n for n, c in PROFILES_FETCHED_COLUMNS.items() if c.get("primary_key")] == ["username"]
