"""Deterministic Chess.com PubAPI data for the fixture server.

The data follows the shapes in ../shared/CHESS_API.md, not what the platform's code expects:
optional fields are really optional (older archives have no ``uuid``, most games have no
``tournament``), daily games carry ``start_time``, some games are chess960, usernames keep their
display case inside games but are lowercase in lists and ids, and games between two listed players
appear in both players' archives under the same ``url``.

Everything is a pure function of ``(seed, size knobs, month)`` so tests can ask the same object for
the truth they expect to find in DuckDB.
"""

from __future__ import annotations

import calendar
import hashlib
import random
import time
from dataclasses import dataclass, field
from functools import lru_cache

TITLES = ("GM", "WGM", "IM", "WIM", "FM", "WFM", "NM", "WNM", "CM", "WCM")
TIME_CLASSES = (("bullet", "60"), ("blitz", "180+2"), ("rapid", "600"), ("daily", "1/86400"))
RESULTS_LOSS = ("checkmated", "resigned", "timeout", "abandoned")
RESULTS_DRAW = ("agreed", "repetition", "stalemate", "insufficient", "50move", "timevsinsufficient")
ECO = ("B90/Sicilian-Defense-Najdorf", "C65/Ruy-Lopez-Berlin", "D37/Queens-Gambit-Declined",
       "E60/Kings-Indian-Defense", "A04/Reti-Opening", "C42/Petrovs-Defense")
START_FEN = "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1"
WEB = "https://www.chess.com"
# Archives before this month were written before Chess.com added game UUIDs.
FIRST_MONTH_WITH_UUID = (2022, 7)
# Field that games gain when the drift switch is on (a new column for dlt to discover).
DRIFT_FIELD = "termination"


def _stable_int(*parts: object) -> int:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _display_name(rng: random.Random, index: int, title: str) -> str:
    stem = rng.choice(("Magnus", "hikaru", "Fabi", "Alireza", "Ding", "Nodir", "Anish", "Wes"))
    return f"{stem}{title.capitalize()}_{index:03d}"


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, key: str) -> Month:
        year, month = key.split("-")
        return cls(int(year), int(month))

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def bounds(self) -> tuple[int, int]:
        """Epoch seconds of the month's first second and of the next month's first second."""
        start = calendar.timegm((self.year, self.month, 1, 0, 0, 0))
        days = calendar.monthrange(self.year, self.month)[1]
        return start, start + days * 86400

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)


@dataclass(frozen=True)
class Player:
    username: str  # display case, as games show it
    title: str | None
    player_id: int
    joined: int
    # A player is idle in some months: those months are absent from the archives list.
    idle_every: int

    @property
    def key(self) -> str:
        return self.username.lower()


@dataclass
class ChessUniverse:
    """All players and games the fixture API serves."""

    seed: int = 7
    players_per_title: int = 12
    games_per_month: int = 40
    first_month: Month = field(default_factory=lambda: Month(2021, 1))
    drift: bool = False

    def __post_init__(self) -> None:
        self.players: dict[str, Player] = {}
        self.by_title: dict[str, list[str]] = {}
        for title in TITLES:
            count = self.players_per_title if title == "GM" else max(2, self.players_per_title // 4)
            for index in range(count):
                rng = random.Random(_stable_int(self.seed, title, index))
                name = _display_name(rng, index, title)
                player = Player(
                    username=name,
                    title=title,
                    player_id=10_000 + len(self.players),
                    joined=calendar.timegm((2012 + index % 8, 1 + index % 12, 3, 12, 0, 0)),
                    idle_every=rng.choice((0, 5, 7, 11)),
                )
                self.players[player.key] = player
                self.by_title.setdefault(title, []).append(player.key)
        self._games_by_player = lru_cache(maxsize=64)(self._index_month)

    # --- API views -------------------------------------------------------------------------

    def titled(self, title: str) -> list[str] | None:
        return sorted(self.by_title[title]) if title in self.by_title else None

    def profile(self, username: str) -> dict | None:
        player = self.players.get(username.lower())
        if player is None:
            return None
        rng = random.Random(_stable_int(self.seed, "profile", player.key))
        profile = {
            "@id": f"https://api.chess.com/pub/player/{player.key}",
            "url": f"{WEB}/member/{player.username}",
            "username": player.key,
            "player_id": player.player_id,
            "title": player.title,
            "status": rng.choice(("premium", "basic", "staff")),
            "country": f"https://api.chess.com/pub/country/{rng.choice(('US', 'NO', 'IN', 'FR'))}",
            "joined": player.joined,
            "last_online": player.joined + rng.randrange(10**6, 3 * 10**8),
            "followers": rng.randrange(0, 500_000),
            "is_streamer": rng.random() < 0.3,
            "verified": rng.random() < 0.5,
        }
        # Optional fields, absent for some players as on the real API.
        if rng.random() < 0.7:
            profile["name"] = player.username.replace("_", " ")
        if rng.random() < 0.6:
            profile["avatar"] = f"https://images.chesscomfiles.com/uploads/{player.player_id}.png"
        if rng.random() < 0.5:
            profile["location"] = rng.choice(("Oslo", "Saint Louis", "Chennai", "Paris"))
        if rng.random() < 0.4:
            profile["league"] = rng.choice(("Legend", "Champion", "Elite"))
        return profile

    def archive_months(self, username: str, now: float | None = None) -> list[Month] | None:
        player = self.players.get(username.lower())
        if player is None:
            return None
        months, month, current = [], self.first_month, self.current_month(now)
        while (month.year, month.month) < (current.year, current.month):
            if not self._idle(player, month):
                months.append(month)
            month = month.next()
        # The current month is listed once its first game has ended.
        if self.games(player.key, current, now):
            months.append(current)
        return months

    def game_urls(self, usernames: list[str], months: list[str]) -> set[str]:
        """The urls of every game of ``usernames`` in ``months`` (``YYYY-MM``): what a load must hold."""
        return {
            game["url"]
            for username in usernames
            for month in months
            for game in self.games(username, Month.parse(month)) or []
        }

    def games(self, username: str, month: Month, now: float | None = None) -> list[dict] | None:
        """The player's games that ended in ``month``, ascending by end_time (None: no player)."""
        key = username.lower()
        if key not in self.players:
            return None
        cutoff = time.time() if now is None else now
        games = [game for game in self._games_by_player(month).get(key, []) if game["end_time"] <= cutoff]
        if self.drift:
            games = [{**game, DRIFT_FIELD: _termination(game)} for game in games]
        return games

    @staticmethod
    def current_month(now: float | None = None) -> Month:
        tm = time.gmtime(time.time() if now is None else now)
        return Month(tm.tm_year, tm.tm_mon)

    # --- generation ------------------------------------------------------------------------

    def _index_month(self, month: Month) -> dict[str, list[dict]]:
        index: dict[str, list[dict]] = {}
        for game in self._generate_month(month):
            for side in ("white", "black"):
                index.setdefault(game[side]["username"].lower(), []).append(game)
        return index

    def _generate_month(self, month: Month) -> list[dict]:
        start, end = month.bounds()
        if (month.year, month.month) < (self.first_month.year, self.first_month.month):
            return []
        rng = random.Random(_stable_int(self.seed, "month", month.key))
        games = []
        for key in sorted(self.players):
            player = self.players[key]
            if self._idle(player, month):
                continue
            count = max(1, self.games_per_month + rng.randrange(-5, 6))
            for _ in range(count):
                opponent = self._opponent(rng, player)
                if opponent is not None and self._idle(opponent, month):
                    opponent = None
                games.append(self._game(rng, month, start, end, player, opponent, len(games)))
        games.sort(key=lambda game: (game["end_time"], game["url"]))
        return games

    def _idle(self, player: Player, month: Month) -> bool:
        """Idle players play no games that month, so the month is missing from their archives."""
        month_index = (month.year - self.first_month.year) * 12 + month.month
        return bool(player.idle_every) and (month_index + player.player_id) % player.idle_every == 0

    def _opponent(self, rng: random.Random, player: Player) -> Player | None:
        # One game in ten is against another listed player: it shows in both archives.
        if rng.random() < 0.1:
            other = self.players[rng.choice(sorted(self.players))]
            return other if other.key != player.key else None
        return None

    def _game(
        self,
        rng: random.Random,
        month: Month,
        start: int,
        end: int,
        player: Player,
        opponent: Player | None,
        index: int,
    ) -> dict:
        time_class, time_control = rng.choice(TIME_CLASSES)
        game_id = 10**10 + _stable_int(self.seed, month.key, index) % 10**10
        kind = "daily" if time_class == "daily" else "live"
        end_time = rng.randrange(start + 3600, end - 1)
        opponent_name = opponent.username if opponent else f"casual_{rng.randrange(10**6):06d}"
        sides = [player.username, opponent_name]
        rng.shuffle(sides)
        outcome = rng.random()
        if outcome < 0.45:
            white_result, black_result = "win", rng.choice(RESULTS_LOSS)
        elif outcome < 0.8:
            white_result, black_result = rng.choice(RESULTS_LOSS), "win"
        else:
            white_result = black_result = rng.choice(RESULTS_DRAW)
        rules = "chess960" if rng.random() < 0.05 else "chess"
        game = {
            "url": f"{WEB}/game/{kind}/{game_id}",
            "pgn": _pgn(sides, month, white_result, black_result),
            "time_control": time_control,
            "end_time": end_time,
            "rated": rng.random() < 0.9,
            "fen": "r1bq1rk1/pp2bppp/2n1pn2/3p4/3P4/2NBPN2/PP3PPP/R2Q1RK1 w - - 0 9",
            "time_class": time_class,
            "rules": rules,
            "white": _side(rng, sides[0], white_result, month),
            "black": _side(rng, sides[1], black_result, month),
        }
        if (month.year, month.month) >= FIRST_MONTH_WITH_UUID:
            game["uuid"] = f"{_stable_int(game_id, 'uuid'):016x}-{game_id:x}"
            game["tcn"] = "mC0Kgv5Qlt!Tbs7Yfm"
        if rules == "chess960":
            game["initial_setup"] = "bnrkqrnb/pppppppp/8/8/8/8/PPPPPPPP/BNRKQRNB w KQkq - 0 1"
        else:
            game["initial_setup"] = START_FEN
            game["eco"] = f"{WEB}/openings/{rng.choice(ECO)}"
        if kind == "daily":
            game["start_time"] = end_time - rng.randrange(86400, 20 * 86400)
        if rng.random() < 0.5:
            game["accuracies"] = {"white": round(rng.uniform(60, 99), 2),
                                  "black": round(rng.uniform(60, 99), 2)}
        if rng.random() < 0.1:
            game["tournament"] = f"https://api.chess.com/pub/tournament/titled-tuesday-{month.key}"
        elif rng.random() < 0.05:
            game["match"] = f"https://api.chess.com/pub/match/{game_id % 10**6}"
        return game


def _side(rng: random.Random, username: str, result: str, month: Month) -> dict:
    side = {
        "rating": rng.randrange(2000, 3300),
        "result": result,
        "@id": f"https://api.chess.com/pub/player/{username.lower()}",
        "username": username,
    }
    if (month.year, month.month) >= FIRST_MONTH_WITH_UUID:
        side["uuid"] = f"{_stable_int(username.lower(), 'player-uuid'):032x}"
    return side


def _pgn(sides: list[str], month: Month, white_result: str, black_result: str) -> str:
    score = "1-0" if white_result == "win" else "0-1" if black_result == "win" else "1/2-1/2"
    return (
        f'[Event "Live Chess"]\n[Site "Chess.com"]\n[Date "{month.year}.{month.month:02d}.01"]\n'
        f'[White "{sides[0]}"]\n[Black "{sides[1]}"]\n[Result "{score}"]\n\n'
        f"1. e4 e5 2. Nf3 Nc6 3. Bb5 a6 {score}"
    )


def _termination(game: dict) -> str:
    return "draw" if game["white"]["result"] == game["black"]["result"] else "decisive"
