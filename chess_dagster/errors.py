"""How a failed run is told in one line: the project's own error in Dagster's error chain.

The project's errors (bad settings, an unusable DuckDB file, an API that stays down) already say
what was wrong and what to do. Dagster wraps them ("Error occurred while executing op",
"Exceeded max_retries") and dlt wraps what a source raises twice; the line worth showing is inside.
"""

from __future__ import annotations

from dagster._utils.error import SerializableErrorInfo

# Errors whose message is the whole story; anything else is a bug and keeps its stack trace.
EXPLAINED_ERRORS = frozenset(
    {"ChessApiError", "ChessConfigError", "UnknownPlayerError", "WarehouseError", "Failure"}
)


def explained_reason(error: SerializableErrorInfo) -> str | None:
    """The message of the first explained error in ``error``'s chain, without its class name."""
    link: SerializableErrorInfo | None = error
    while link is not None:
        if link.cls_name in EXPLAINED_ERRORS:
            line, marker = link.message.strip().splitlines()[0], f"{link.cls_name}: "
            return line.split(marker, 1)[1] if marker in line else line
        link = link.cause or link.context
    return None


def reason_of(error: SerializableErrorInfo) -> str:
    """The explained reason if there is one, else the first line of the error."""
    return explained_reason(error) or error.message.strip().splitlines()[0]
