"""The platform's settings: one environment variable each, with a default that works on a laptop."""

from __future__ import annotations

from dataclasses import fields

import pytest

from chess_dagster.lib.errors import ExplainedError
from chess_dagster.lib.settings import ENV_VARS, Settings, SettingsError

FLOAT_SETTINGS = [setting.name for setting in fields(Settings) if isinstance(setting.default, float)]


def test_every_setting_has_an_environment_variable() -> None:
    assert sorted(ENV_VARS) == sorted(setting.name for setting in fields(Settings))


def test_no_two_settings_share_a_variable() -> None:
    assert len(set(ENV_VARS.values())) == len(ENV_VARS)


def test_an_empty_environment_gives_the_defaults() -> None:
    assert Settings.from_env({}) == Settings()


def test_an_empty_variable_keeps_the_default() -> None:
    assert Settings.from_env(dict.fromkeys(ENV_VARS.values(), "")) == Settings()


def test_variables_that_are_not_settings_are_ignored() -> None:
    assert Settings.from_env({"CHESS_SOMETHING_ELSE": "1", "PATH": "/usr/bin"}) == Settings()


def test_a_text_setting_is_read_as_given() -> None:
    assert Settings.from_env({"CHESS_GAMES_CRON": "*/5 * * * *"}).games_cron == "*/5 * * * *"


def test_a_float_setting_is_read_as_a_number() -> None:
    assert Settings.from_env({"CHESS_RETRY_DELAY_S": "0.2"}).retry_delay_s == 0.2


def test_a_whole_number_is_a_valid_float_setting() -> None:
    assert Settings.from_env({"CHESS_GAMES_FRESHNESS_HOURS": "30"}).games_freshness_hours == 30.0


def test_the_dagster_home_is_unset_by_default_and_read_as_text() -> None:
    assert Settings().dagster_home is None
    assert Settings.from_env({"DAGSTER_HOME": "/srv/dagster"}).dagster_home == "/srv/dagster"


def test_one_variable_changes_only_its_setting() -> None:
    assert Settings.from_env({"CHESS_START_MONTH": "2021-06"}) == Settings(start_month="2021-06")


@pytest.mark.parametrize("setting", FLOAT_SETTINGS)
def test_a_float_setting_that_is_not_a_number_names_its_variable(setting: str) -> None:
    variable = ENV_VARS[setting]
    with pytest.raises(ValueError) as refused:
        Settings.from_env({variable: "soon"})
    assert str(refused.value) == (
        f"{variable}='soon' is not a float; unset it to use the default {getattr(Settings(), setting)!r}"
    )


def test_the_float_settings_are_the_timeouts_delays_and_freshness() -> None:
    assert FLOAT_SETTINGS == [
        "duckdb_lock_timeout_s",
        "retry_delay_s",
        "games_freshness_hours",
        "profiles_freshness_days",
    ]


def test_a_start_month_that_is_not_yyyy_mm_is_refused_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match=r"CHESS_START_MONTH='2022-1' is not a month: write YYYY-MM"):
        Settings.from_env({"CHESS_START_MONTH": "2022-1"})


def test_a_bad_setting_is_an_explained_error() -> None:
    with pytest.raises(ExplainedError):
        Settings.from_env({"CHESS_RETRY_DELAY_S": "soon"})
