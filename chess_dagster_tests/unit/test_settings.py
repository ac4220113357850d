"""The platform's settings: one environment variable each, with a default that works on a laptop."""

from __future__ import annotations

import os
import re
from dataclasses import fields

import pytest

from chess_dagster.lib.errors import ExplainedError
from chess_dagster.lib.settings import (
    ENV_VARS,
    PROJECT_ROOT,
    Settings,
    SettingsError,
    environment_for_subprocesses,
)

# Reading (or patching) the environment: os.environ, os.getenv, unittest's mock.patch.dict.
ENVIRONMENT_READ = re.compile(r"\bos\.environ\b|\bos\.getenv\b|\bgetenv\(|^\s*(from|import) unittest\b")
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


def test_a_subprocess_environment_is_added_for_the_block_and_then_restored(monkeypatch) -> None:
    monkeypatch.setenv("CHESS_TEST_SET_BEFORE", "before")
    monkeypatch.delenv("CHESS_TEST_UNSET_BEFORE", raising=False)
    extra = {"CHESS_TEST_SET_BEFORE": "during", "CHESS_TEST_UNSET_BEFORE": "during"}
    with environment_for_subprocesses(extra):
        during = {name: os.environ.get(name) for name in extra}
    assert during == extra
    assert os.environ["CHESS_TEST_SET_BEFORE"] == "before"
    assert "CHESS_TEST_UNSET_BEFORE" not in os.environ


def test_only_the_settings_module_reads_the_environment_or_imports_unittest() -> None:
    package = PROJECT_ROOT / "chess_dagster"
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for path in sorted(package.rglob("*.py"))
        if path != package / "lib" / "settings.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ENVIRONMENT_READ.search(line)
    ]
    assert offenders == []
