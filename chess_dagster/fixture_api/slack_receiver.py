"""A local Slack incoming-webhook receiver: records every JSON post, for tests and the demo.

``python -m chess_dagster.fixture_api.slack_receiver --port 8766``; posts are listed at
``GET /_posts``; ``POST /_receiver/config`` with ``{"status": 500}`` makes it answer errors
(Slack down) and ``{"status": 200}`` brings it back.
"""

from __future__ import annotations

import argparse
import json
import logging
import threading
from contextlib import AbstractContextManager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from chess_dagster.fixture_api.server import serving

log = logging.getLogger(__name__)


class ReceiverHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        log.debug(format, *args)

    def _reply(self, status: int, body: bytes = b"ok", content_type: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        if self.path != "/_posts":
            return self._reply(404, b"no such path")
        self._reply(200, json.dumps(self.server.posts).encode(), "application/json")  # type: ignore[attr-defined]

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        server: SlackReceiver = self.server  # type: ignore[assignment]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/_receiver/config":
            server.status = int(json.loads(body)["status"])
            return self._reply(200)
        if server.status != 200:
            return self._reply(server.status, b"service unavailable")
        try:
            payload = json.loads(body)
        except ValueError:
            return self._reply(400, b"invalid_payload")
        with server.lock:
            server.posts.append({"path": self.path, **payload})
        self._reply(200)


class SlackReceiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), ReceiverHandler)
        self.posts: list[dict] = []
        self.status = 200
        self.lock = threading.Lock()

    def webhook_url(self, token: str = "T000/B000/local-receiver-token") -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/services/{token}"


def running_slack_receiver(port: int = 0) -> AbstractContextManager[SlackReceiver]:
    """The receiver on 127.0.0.1 (``port`` 0: a free one) for as long as the block runs."""
    return serving(SlackReceiver(port))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    server = SlackReceiver(args.port)
    log.info("Slack webhook receiver on http://127.0.0.1:%d/services/... (posts: GET /_posts)", args.port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
