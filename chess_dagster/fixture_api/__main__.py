"""`python -m chess_dagster.fixture_api --port 8765`: serve the fixture API until interrupted."""

import argparse
import logging

from chess_dagster.fixture_api.data import ChessUniverse, Month
from chess_dagster.fixture_api.server import FixtureKnobs, FixtureServer, FixtureState

log = logging.getLogger("chess_dagster.fixture_api")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--players-per-title", type=int, default=12)
    parser.add_argument("--games-per-month", type=int, default=40)
    parser.add_argument("--first-month", default="2021-01", help="first month with games (YYYY-MM)")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--max-in-flight", type=int, default=0, help="429 above this many (0: off)")
    parser.add_argument("--throttle-rate", type=float, default=0.0, help="share answered 429")
    parser.add_argument("--error-rate", type=float, default=0.0, help="share answered 503")
    parser.add_argument("--retry-after", type=int, default=1, help="Retry-After seconds on 429")
    parser.add_argument("--drift", action="store_true", help="games carry a new field")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    universe = ChessUniverse(
        players_per_title=args.players_per_title,
        games_per_month=args.games_per_month,
        first_month=Month.parse(args.first_month),
    )
    knobs = FixtureKnobs(
        latency_ms=args.latency_ms,
        max_in_flight=args.max_in_flight,
        throttle_rate=args.throttle_rate,
        error_rate=args.error_rate,
        retry_after_s=args.retry_after,
        drift=args.drift,
    )
    server = FixtureServer(args.port, FixtureState(universe, knobs))
    log.info("fixture Chess.com API on %s (knobs: POST /_fixture/config, counters: GET /_fixture/stats)",
             server.base_url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
