"""The archive ledger: which monthly archives a load may skip, which ETag it asks with, what it learnt."""

from __future__ import annotations

from chess_dagster.sources.chess_com.ledgers import ARCHIVES_COLUMNS, Archive, ArchiveLedger
from chess_dagster.sources.chess_com.months import clock_at, current_month, month_path

CLOSED = "2022-01"


def archive(username: str, month: str, etag: str | None, closed: bool, games: int | None = 40) -> Archive:
    return Archive(month_path(username, month), username, month, etag, closed, games)


def test_a_closed_month_known_as_closed_is_closed_and_loaded() -> None:
    assert ArchiveLedger([archive("hikaru", CLOSED, "v1", True)]).closed_and_loaded("hikaru", CLOSED)


def test_a_month_recorded_while_still_open_is_not_closed_and_loaded() -> None:
    assert not ArchiveLedger([archive("hikaru", CLOSED, "v1", False)]).closed_and_loaded("hikaru", CLOSED)


def test_an_unknown_month_is_not_closed_and_loaded() -> None:
    ledger = ArchiveLedger([archive("hikaru", CLOSED, "v1", True)])
    assert not ledger.closed_and_loaded("hikaru", "2022-02")
    assert not ledger.closed_and_loaded("magnus", CLOSED)


def test_a_known_archive_is_asked_for_with_its_etag() -> None:
    assert ArchiveLedger([archive("hikaru", CLOSED, "v1", True)]).etag("hikaru", CLOSED) == "v1"


def test_an_archive_recorded_without_its_games_count_is_asked_for_whole() -> None:
    assert ArchiveLedger([archive("hikaru", CLOSED, "v1", True, games=None)]).etag("hikaru", CLOSED) is None


def test_an_unknown_archive_has_no_etag() -> None:
    assert ArchiveLedger([archive("hikaru", CLOSED, "v1", True)]).etag("hikaru", "2022-02") is None


def test_a_closed_month_fetched_with_a_new_etag_is_recorded_closed_with_that_etag() -> None:
    ledger = ArchiveLedger([archive("hikaru", CLOSED, "v1", True)])
    ledger.fetched("hikaru", CLOSED, "v2", 40)
    assert [(row["etag"], row["closed"]) for row in ledger.rows()] == [("v2", True)]


def test_an_archive_fetched_unchanged_yields_no_row() -> None:
    ledger = ArchiveLedger([archive("hikaru", CLOSED, "v1", True)])
    ledger.fetched("hikaru", CLOSED, "v1", 40)
    assert ledger.rows() == []


def test_a_not_modified_answer_keeps_the_known_etag_and_games_count() -> None:
    ledger = ArchiveLedger([archive("hikaru", CLOSED, "v1", False, games=37)])
    ledger.fetched("hikaru", CLOSED, None, None)
    assert [(row["etag"], row["closed"], row["games"]) for row in ledger.rows()] == [("v1", True, 37)]


def test_an_archive_fetched_again_records_its_new_games_count() -> None:
    ledger = ArchiveLedger([archive("hikaru", CLOSED, "v1", False, games=37)])
    ledger.fetched("hikaru", CLOSED, "v2", 41)
    assert [row["games"] for row in ledger.rows()] == [41]


def test_a_month_without_an_archive_is_recorded_with_no_games_and_no_etag() -> None:
    ledger = ArchiveLedger([archive("hikaru", CLOSED, "v1", False, games=37)])
    ledger.fetched("hikaru", CLOSED, None, 0)
    assert [(row["etag"], row["games"]) for row in ledger.rows()] == [(None, 0)]


def test_the_current_month_is_recorded_open() -> None:
    ledger = ArchiveLedger()
    ledger.fetched("hikaru", current_month(), "v1", 3)
    assert [row["closed"] for row in ledger.rows()] == [False]


def test_a_month_fetched_before_it_settled_after_its_pacific_end_is_recorded_open() -> None:
    ledger = ArchiveLedger()
    with clock_at(1733212800):  # 2024-12-03 08:00 UTC: two days after November ended (PST), not past
        ledger.fetched("hikaru", "2024-11", "v1", 40)
    assert [row["closed"] for row in ledger.rows()] == [False]


def test_a_row_names_the_archive_by_its_path() -> None:
    ledger = ArchiveLedger()
    ledger.fetched("hikaru", CLOSED, "v1", 40)
    assert ledger.rows() == [
        {
            "archive": month_path("hikaru", CLOSED),
            "username": "hikaru",
            "month": CLOSED,
            "etag": "v1",
            "closed": True,
            "games": 40,
        }
    ]


def test_the_table_columns_type_every_key_of_a_row() -> None:
    ledger = ArchiveLedger()
    ledger.fetched("hikaru", CLOSED, None, 0)
    assert set(ARCHIVES_COLUMNS) == set(ledger.rows()[0])


def test_the_archive_path_is_the_tables_primary_key() -> None:
    assert [name for name, column in ARCHIVES_COLUMNS.items() if column.get("primary_key")] == ["archive"]
