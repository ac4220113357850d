"""Explained errors: one line that says what was wrong and what to do, and whether a retry may help."""

from __future__ import annotations

import pytest

from chess_dagster.lib.errors import (
    ChessApiError,
    ChessConfigError,
    ExplainedError,
    SlackDeliveryError,
    UnknownPlayerError,
    WarehouseError,
    explained_in_chain,
)


def raised(make: type[BaseException], message: str, cause: BaseException | None = None) -> BaseException:
    """``make(message)`` as raised (``from cause`` when given), with its traceback and chain."""
    try:
        if cause is None:
            raise make(message)
        raise make(message) from cause
    except BaseException as exc:
        return exc


@pytest.mark.parametrize("error", [ChessApiError, SlackDeliveryError])
def test_outages_are_retryable(error: type[ExplainedError]) -> None:
    assert error("the API is down; retry later").retryable


@pytest.mark.parametrize("error", [ChessConfigError, UnknownPlayerError, WarehouseError])
def test_bad_settings_and_unusable_files_are_not_retryable(error: type[ExplainedError]) -> None:
    assert not error("set something else").retryable


def test_an_unknown_player_is_a_config_error() -> None:
    assert issubclass(UnknownPlayerError, ChessConfigError)


def test_a_config_error_is_a_value_error() -> None:
    assert issubclass(ChessConfigError, ValueError)


@pytest.mark.parametrize("error", [ChessApiError, WarehouseError, SlackDeliveryError])
def test_failures_of_outside_systems_are_runtime_errors(error: type[ExplainedError]) -> None:
    assert issubclass(error, RuntimeError)


def test_an_explained_error_is_its_own_explanation() -> None:
    error = ChessConfigError("x is wrong; set y")
    assert explained_in_chain(error) is error


def test_an_explained_error_is_found_as_the_cause_of_a_wrapper() -> None:
    cause = ChessApiError("the API is down; retry later")
    assert explained_in_chain(raised(RuntimeError, "extraction failed", cause=cause)) is cause


def test_an_explained_error_is_found_as_the_context_of_an_error_raised_while_handling_it() -> None:
    try:
        try:
            raise WarehouseError("the DuckDB file is locked; stop the other writer")
        except WarehouseError:
            raise RuntimeError("pipeline step failed")  # noqa: B904 - an implicit chain on purpose
    except RuntimeError as exc:
        wrapper = exc
    assert explained_in_chain(wrapper) is wrapper.__context__


def test_an_explained_error_is_found_several_wrappers_deep() -> None:
    cause = UnknownPlayerError("no player nobody_xyz on Chess.com; fix sources.chess.players")
    pipe = raised(OSError, "pipe", cause)
    chain = raised(KeyError, "step", cause=raised(RuntimeError, "resource", cause=pipe))
    assert explained_in_chain(chain) is cause


def test_the_outermost_explained_error_in_a_chain_is_the_one_found() -> None:
    inner = ChessApiError("inner")
    outer = raised(SlackDeliveryError, "outer", cause=raised(RuntimeError, "middle", cause=inner))
    assert explained_in_chain(outer) is outer


def test_a_chain_without_an_explained_error_has_no_explanation() -> None:
    assert explained_in_chain(raised(RuntimeError, "wrapper", cause=raised(ValueError, "bug"))) is None


def test_no_exception_has_no_explanation() -> None:
    assert explained_in_chain(None) is None


def test_an_error_raised_from_none_hides_the_explained_error_it_was_handling() -> None:
    try:
        try:
            raise ChessApiError("the API is down")
        except ChessApiError:
            raise KeyError("a bug while handling it") from None
    except KeyError as bug:
        assert explained_in_chain(bug) is None
