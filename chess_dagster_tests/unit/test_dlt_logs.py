"""dlt's logger during a run: its own stderr handler off, records below dlt's level dropped."""

import logging

import pytest

from chess_dagster.runs.dlt_logs import DLT_LOGGER, dlt_records_through_dagster


@pytest.fixture
def dlt_logger():
    logger = logging.getLogger(DLT_LOGGER)
    handlers, level = logger.handlers[:], logger.level
    own = logging.StreamHandler()
    logger.handlers = [own]
    yield logger
    logger.handlers, logger.level = handlers, level


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_records_below_dlts_level_are_dropped_whatever_the_loggers_level(dlt_logger, monkeypatch):
    monkeypatch.setenv("RUNTIME__LOG_LEVEL", "WARNING")
    collect = Collect()
    dlt_logger.addHandler(collect)
    dlt_logger.setLevel(logging.INFO)  # what Dagster sets: the instance's python_log_level
    with dlt_records_through_dagster():
        dlt_logger.info("Found 0 updates for players")
        dlt_logger.warning("a column got no data")
    assert collect.messages == ["a column got no data"]


def test_nullable_columns_an_older_month_has_no_value_for_are_not_warned_about(dlt_logger):
    collect = Collect()
    dlt_logger.addHandler(collect)
    absent = "The following columns in table `players_games` did not receive any data during this load: tcn"
    key = absent + " (marked as non-nullable primary key and must have values)"
    with dlt_records_through_dagster():
        dlt_logger.warning(absent)
        dlt_logger.warning(key)
    assert collect.messages == [key]


def test_dlts_own_handler_is_off_during_the_run_and_back_after(dlt_logger):
    own = dlt_logger.handlers[0]
    with dlt_records_through_dagster():
        assert own not in dlt_logger.handlers
    assert own in dlt_logger.handlers and not dlt_logger.filters
