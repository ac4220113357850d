"""The one kind of error the platform explains, told in one line everywhere without a stack trace;
any other exception is a bug and keeps its trace."""

from __future__ import annotations

from typing import ClassVar


class ExplainedError(Exception):
    """Its message says what was wrong and what to do."""

    retryable: ClassVar[bool] = False


class ChessApiError(ExplainedError, RuntimeError):
    """The Chess.com API could not give an answer the source can use; trying again may help."""

    retryable = True


class ChessConfigError(ExplainedError, ValueError):
    """The source was configured with something that cannot work; trying again will not help."""


class UnknownPlayerError(ChessConfigError):
    """A player named in the configuration does not exist on Chess.com."""


class WarehouseError(ExplainedError, RuntimeError):
    """The DuckDB file cannot be used; the message names the file and the fix."""


class SlackDeliveryError(ExplainedError, RuntimeError):
    """Slack did not take the message; the text says why without the webhook URL."""

    retryable = True


def explained_in_chain(exc: BaseException | None) -> ExplainedError | None:
    """dlt wraps what a source raises; ``from None`` hides the context, as Python prints it."""
    while exc is not None:
        if isinstance(exc, ExplainedError):
            return exc
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return None


class MartBuildError(ExplainedError, RuntimeError):
    """dbt could not build the mart: a model failed or a blocking data test found bad rows."""
