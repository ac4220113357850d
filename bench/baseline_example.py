"""The baseline: dlt's chess example the way it loads, for comparison only (not the product).

One dlt run per month; each run reads the titled list and every profile again; requests go one
after another; games are appended. ``python bench/baseline_example.py URL DUCKDB PLAYERS 2024-01 ...``
"""

import sys
from collections.abc import Iterator
from typing import Any

import dlt
from dlt.sources.helpers import requests


@dlt.source(name="chess")
def chess(chess_url: str, max_players: int, year: int, month: int, title: str = "GM") -> Any:
    def _get_data_with_retry(path: str) -> Any:
        response = requests.get(f"{chess_url}{path}", headers={"User-Agent": "chess-dagster-bench"})
        return response.json()

    @dlt.resource(write_disposition="replace")
    def players() -> Iterator[Any]:
        yield from _get_data_with_retry(f"titled/{title}")["players"][:max_players]

    @dlt.transformer(data_from=players, write_disposition="replace")
    def players_profiles(username: Any) -> Iterator[Any]:
        yield _get_data_with_retry(f"player/{username}")

    @dlt.transformer(data_from=players, write_disposition="append")
    def players_games(username: Any) -> Iterator[Any]:
        yield _get_data_with_retry(f"player/{username}/games/{year:04d}/{month:02d}")["games"]

    return players(), players_profiles, players_games


def main(chess_url: str, database: str, max_players: str, *months: str) -> None:
    pipeline = dlt.pipeline(
        pipeline_name="chess_baseline",
        destination=dlt.destinations.duckdb(database),
        dataset_name="chess_data",
        pipelines_dir=database + ".dlt",
    )
    for month in months:
        year, mm = month.split("-")
        pipeline.run(chess(chess_url, int(max_players), int(year), int(mm)))


if __name__ == "__main__":
    main(*sys.argv[1:])
