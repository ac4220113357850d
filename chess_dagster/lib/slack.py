"""Slack incoming-webhook messages. The webhook URL, a secret, is read from dlt's secrets only when a
message is sent, so it never appears in Dagster config, metadata or logs. Not dlt's
``send_slack_message``: it has no timeout (a hanging endpoint would hang the sensor) and its errors
carry the URL.
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
    """The URL's path is the token, so it goes too."""
    url = webhook_url()
    if not url:
        return text
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    return text.replace(url, "***").replace(path, "***") if path else text.replace(url, "***")


def post_message(text: str, timeout_s: float) -> None:
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
