"""The Slack webhook URL is a secret: it never leaves in a message."""

from __future__ import annotations

import pytest

from chess_dagster.lib.slack import redact

HOOK_VAR = "RUNTIME__SLACK_INCOMING_HOOK"
WEBHOOK = "http://127.0.0.1:1/services/T0/B0/secret"


@pytest.fixture
def webhook(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(HOOK_VAR, WEBHOOK)
    return WEBHOOK


@pytest.fixture
def no_webhook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(HOOK_VAR, raising=False)


def test_the_webhook_url_is_replaced(webhook: str) -> None:
    assert redact(f"POST {webhook} failed: connection refused") == "POST *** failed: connection refused"


def test_the_webhook_path_alone_is_replaced_because_it_is_the_token(webhook: str) -> None:
    assert redact("GET /services/T0/B0/secret answered 404") == "GET /*** answered 404"


def test_every_occurrence_is_replaced(webhook: str) -> None:
    assert redact(f"{webhook} then {webhook}") == "*** then ***"


def test_text_without_the_webhook_is_unchanged(webhook: str) -> None:
    text = ":x: *Run failed*: `games_job` <http://127.0.0.1:3000/runs/abc|run abc>\nx is wrong; set y"
    assert redact(text) == text


@pytest.mark.usefixtures("no_webhook")
def test_without_a_configured_webhook_text_is_unchanged() -> None:
    text = f"POST {WEBHOOK} failed"
    assert redact(text) == text
