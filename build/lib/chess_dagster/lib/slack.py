"""Slack incoming-webhook messages. The webhook URL is a secret and lives only here.

It is read when a message is sent, from dlt's secrets (``runtime.slack_incoming_hook`` in
``.dlt/secrets.toml``, or env ``RUNTIME__SLACK_INCOMING_HOOK``), so it never appears in Dagster
config, event metadata or logs. dlt marks the same key secret, so dlt traces loaded into DuckDB
drop it too.

dlt's ``send_slack_message`` is not used: it has no timeout (a hanging endpoint would hang the
sensor) and its errors carry the URL. This posts through dlt's requests helper instead, with a
timeout, and raises errors that name the status but never the URL.
"""

from __future__ import annotations

import logging

import dlt
from dlt.sources.helpers import requests

from chess_dagster.lib.errors import SlackDeliveryError

log = logging.getLogger(__name__)

WEBHOOK_SECRET_KEY = "runtime.slack_incoming_hook"
NO_WEBHOOK = f"no Slack webhook configured: set {WEBHOOK_SECRET_KEY} in .dlt/secrets.toml"


def webhook_url() -> str | None:
    return dlt.secrets.get(WEBHOOK_SECRET_KEY, str) or None


def redact(text: str) -> str:
    """``text`` with the webhook URL (and its path, which is the token) replaced by ``***``."""
    url = webhook_url()
    if not url:
        return text
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    return text.replace(url, "***").replace(path, "***") if path else text.replace(url, "***")


def post_message(text: str, timeout_s: float) -> None:
    """Post markdown ``text`` to the configured webhook; :class:`SlackDeliveryError` if not taken."""
    url = webhook_url()
    if url is None:
        raise SlackDeliveryError(NO_WEBHOOK)
    client = requests.Client(request_timeout=timeout_s, request_max_attempts=2, raise_for_status=False)
    try:
        response = client.post(url, json={"text": redact(text), "mrkdwn": True})
    except requests.RequestException as exc:
        raise SlackDeliveryError(f"Slack webhook unreachable ({type(exc).__name__})") from None
    if response.status_code >= 300:
        raise SlackDeliveryError(f"Slack webhook answered HTTP {response.status_code}")
    log.info("posted a message to Slack (%d characters)", len(text))
