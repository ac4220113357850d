"""Months: the games partitions' keys, when an archive stops changing, and ranges of months to load."""

from __future__ import annotations

import calendar

import pytest

from chess_dagster.sources.chess_com.months import (
    MonthRangeError,
    clock_at,
    current_month,
    is_closed,
    month_bounds,
    month_path,
    month_span,
    months_to_finish,
    parse_month_range,
    previous_month,
)

PARTITIONS = ["2022-01", "2022-02", "2022-03", "2022-04"]


def utc(*when: int) -> float:
    """Seconds since the epoch of a UTC (year, month, day[, hour, minute, second])."""
    return float(calendar.timegm((*when, *([0] * (6 - len(when))))))


def test_the_current_month_is_the_pacific_month_of_now() -> None:
    assert current_month(utc(2024, 3, 1, 7, 59, 59)) == "2024-02"  # 23:59:59 PST on 29 February


def test_the_current_month_changes_at_pacific_midnight_in_winter() -> None:
    assert current_month(utc(2024, 12, 1, 7, 59, 59)) == "2024-11"
    assert current_month(utc(2024, 12, 1, 8)) == "2024-12"


def test_the_current_month_changes_at_pacific_midnight_in_summer() -> None:
    assert current_month(utc(2024, 4, 1, 6, 59, 59)) == "2024-03"
    assert current_month(utc(2024, 4, 1, 7)) == "2024-04"


def test_a_month_starts_and_ends_at_pacific_midnight_daylight_saving_included() -> None:
    starts, ends = month_bounds("2024-03")  # starts in PST, ends in PDT
    assert (starts.timestamp(), ends.timestamp()) == (utc(2024, 3, 1, 8), utc(2024, 4, 1, 7))


def test_november_ends_eight_hours_after_utc_midnight() -> None:
    starts, ends = month_bounds("2024-11")  # starts in PDT, ends in PST
    assert (starts.timestamp(), ends.timestamp()) == (utc(2024, 11, 1, 7), utc(2024, 12, 1, 8))


def test_december_ends_at_the_start_of_the_next_year() -> None:
    assert month_bounds("2023-12")[1].timestamp() == utc(2024, 1, 1, 8)


def test_the_month_in_progress_follows_the_platform_clock() -> None:
    with clock_at(utc(2024, 12, 1, 7)):
        assert current_month() == "2024-11"
    with clock_at(utc(2024, 12, 2, 6)):
        assert current_month() == "2024-12"


def test_a_month_in_progress_is_open() -> None:
    assert not is_closed("2024-01", utc(2024, 1, 15))


def test_a_month_stays_open_for_two_days_after_its_pacific_end() -> None:
    assert not is_closed("2024-01", utc(2024, 2, 3, 8))


def test_a_month_is_closed_once_two_days_after_its_pacific_end_have_passed() -> None:
    assert is_closed("2024-01", utc(2024, 2, 3, 8, 0, 1))


def test_a_summer_month_closes_two_days_after_pacific_daylight_midnight() -> None:
    assert not is_closed("2024-07", utc(2024, 8, 3, 7))
    assert is_closed("2024-07", utc(2024, 8, 3, 7, 0, 1))


def test_the_month_before_january_is_last_years_december() -> None:
    assert previous_month("2025-01") == "2024-12"
    assert previous_month("2025-03") == "2025-02"


def test_a_months_archive_path_is_the_pubapi_games_path() -> None:
    assert month_path("hikaru", "2022-03") == "player/hikaru/games/2022/03"


def test_the_span_of_one_month_is_the_month() -> None:
    assert month_span(["2022-02"]) == "2022-02"


def test_the_span_of_several_months_is_first_to_last_whatever_their_order() -> None:
    assert month_span(["2022-03", "2022-01", "2022-02"]) == "2022-01...2022-03"


def test_a_single_month_parses_as_a_range_of_one() -> None:
    assert parse_month_range("2022-02", PARTITIONS) == ("2022-02", "2022-02")


def test_a_range_parses_as_its_first_and_last_month() -> None:
    assert parse_month_range("2022-01...2022-03", PARTITIONS) == ("2022-01", "2022-03")


def test_a_range_may_span_all_partitions() -> None:
    assert parse_month_range("2022-01...2022-04", PARTITIONS) == ("2022-01", "2022-04")


@pytest.mark.parametrize("spec", ["2022-13", "2022-00", "22-01", "2022-1", "january", "", "2022-01...2022-3"])
def test_something_that_is_not_a_month_is_refused_with_how_to_write_one(spec: str) -> None:
    with pytest.raises(MonthRangeError, match=r"is not a month: write YYYY-MM \(2022-01\)"):
        parse_month_range(spec, PARTITIONS)


def test_a_month_before_the_first_partition_is_refused_with_the_setting_that_loads_it() -> None:
    with pytest.raises(MonthRangeError) as refused:
        parse_month_range("2021-12...2022-02", PARTITIONS)
    assert str(refused.value) == (
        "2021-12 is before the first games partition 2022-01: set CHESS_START_MONTH=2021-12 to load it"
    )


def test_a_month_after_the_month_in_progress_has_not_started_yet() -> None:
    with pytest.raises(
        MonthRangeError,
        match=r"^2022-05 has not started yet at Chess.com: the last games partition is 2022-04,",
    ):
        parse_month_range("2022-03...2022-05", PARTITIONS)


def test_a_reversed_range_is_refused_with_the_range_written_the_right_way() -> None:
    with pytest.raises(MonthRangeError) as refused:
        parse_month_range("2022-03...2022-01", PARTITIONS)
    assert str(refused.value) == "the range 2022-03...2022-01 ends before it starts: write 2022-01...2022-03"


@pytest.mark.parametrize("spec", ["nope", "2021-01", "2030-01", "2022-03...2022-01"])
def test_every_refusal_is_one_line(spec: str) -> None:
    with pytest.raises(MonthRangeError) as refused:
        parse_month_range(spec, PARTITIONS)
    assert "\n" not in str(refused.value)


def test_a_month_range_error_is_a_value_error() -> None:
    assert issubclass(MonthRangeError, ValueError)


def test_a_range_without_its_end_is_refused() -> None:
    with pytest.raises(MonthRangeError, match="'' is not a month"):
        parse_month_range("2022-01...", PARTITIONS)


FIRST = "2022-01"


@pytest.mark.parametrize(
    ("instant", "months"),
    [
        (utc(2024, 11, 30, 6), ("2024-11", "2024-11")),  # the last day: 22:00 PST on the 29th
        (utc(2024, 12, 1, 6), ("2024-11", "2024-11")),  # 22:00 PST on the 30th: November still runs
        (utc(2024, 12, 2, 6), ("2024-11", "2024-12")),  # November ended 22 hours ago
        (utc(2024, 12, 3, 6), ("2024-11", "2024-12")),  # ... 46 hours ago: not settled yet
        (utc(2024, 12, 4, 6), ("2024-12", "2024-12")),  # settled by the clock (the ledger may say not)
        (utc(2024, 3, 31, 6), ("2024-03", "2024-03")),  # 23:00 PDT on the 30th
        (utc(2024, 4, 1, 6), ("2024-03", "2024-03")),  # 23:00 PDT on the 31st
        (utc(2024, 4, 2, 6), ("2024-03", "2024-04")),
        (utc(2025, 1, 2, 6), ("2024-12", "2025-01")),
    ],
)
def test_a_scheduled_load_asks_for_the_month_in_progress_and_the_one_before_until_it_closes(
    instant: float, months: tuple[str, str]
) -> None:
    assert months_to_finish(instant, [], FIRST) == months


def test_a_scheduled_load_asks_again_for_months_the_ledger_holds_open() -> None:
    assert months_to_finish(utc(2024, 12, 4, 6), ["2024-11"], FIRST) == ("2024-11", "2024-12")
    assert months_to_finish(utc(2024, 12, 4, 6), ["2023-05", "2024-11"], FIRST) == ("2023-05", "2024-12")


def test_a_scheduled_load_asks_for_nothing_before_the_first_partition() -> None:
    assert months_to_finish(utc(2024, 12, 2, 6), ["2021-03"], "2024-12") == ("2024-12", "2024-12")
