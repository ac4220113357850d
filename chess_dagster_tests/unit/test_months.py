"""Months: the games partitions' keys, when an archive stops changing, and ranges of months to load."""

from __future__ import annotations

import calendar

import pytest

from chess_dagster.lib.months import (
    MonthRangeError,
    current_month,
    is_closed,
    month_path,
    month_span,
    parse_month_range,
)

PARTITIONS = ["2022-01", "2022-02", "2022-03", "2022-04"]


def utc(*when: int) -> float:
    """Seconds since the epoch of a UTC (year, month, day[, hour, minute, second])."""
    return float(calendar.timegm((*when, *([0] * (6 - len(when))))))


def test_the_current_month_is_the_utc_month_of_now() -> None:
    assert current_month(utc(2024, 2, 29, 23, 59, 59)) == "2024-02"


def test_the_current_month_changes_at_midnight_utc_on_the_first() -> None:
    assert current_month(utc(2024, 3, 1)) == "2024-03"


def test_a_month_in_progress_is_open() -> None:
    assert not is_closed("2024-01", utc(2024, 1, 15))


def test_a_month_stays_open_for_two_days_after_it_ends() -> None:
    assert not is_closed("2024-01", utc(2024, 2, 3))


def test_a_month_is_closed_once_two_days_after_its_end_have_passed() -> None:
    assert is_closed("2024-01", utc(2024, 2, 3, 0, 0, 1))


def test_december_ends_at_the_start_of_the_next_year() -> None:
    assert not is_closed("2023-12", utc(2024, 1, 2, 23, 59, 59))
    assert is_closed("2023-12", utc(2024, 1, 3, 0, 0, 1))


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
        MonthRangeError, match=r"^2022-05 has not started yet: the last games partition is 2022-04,"
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
