"""The roster's settings and its memberships' history, without the API (``sources/chess_com/roster.py``)."""

import re
from datetime import UTC, datetime

import pytest

from chess_dagster.lib.errors import ChessConfigError
from chess_dagster.sources.chess_com.roster import (
    Membership,
    RosterLists,
    StoredMembership,
    membership_changes,
)

BEFORE, NOW = datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 12, 7, tzinfo=UTC)


def lists(**settings) -> RosterLists:
    given = {"title": None, "titles": None, "clubs": None, "countries": None, "players": None}
    return RosterLists.checked(**{**given, "max_players": 10, **settings})


def test_with_no_list_set_the_roster_is_the_gms():
    assert lists().titles == ("GM",)


def test_title_is_read_as_a_list_of_one_title():
    assert lists(title="im").titles == ("IM",)


def test_title_and_titles_together_are_a_one_line_error():
    with pytest.raises(ChessConfigError, match=re.escape("sources.chess.title and sources.chess.titles")):
        lists(title="GM", titles=["IM"])


def test_a_list_set_replaces_the_default_titles():
    assert lists(clubs=["Team-Norway"]) == RosterLists(clubs=("team-norway",))


def test_names_clubs_and_countries_are_normalized_and_unique():
    checked = lists(players=["Hikaru", "hikaru"], titles=["gm", "GM"], countries=["no"])
    assert (checked.players, checked.titles, checked.countries) == (("hikaru",), ("GM",), ("NO",))


@pytest.mark.parametrize(
    "settings,setting",
    [
        ({"titles": ["XYZ"]}, "sources.chess.titles"),
        ({"countries": ["Norway"]}, "sources.chess.countries"),
        ({"max_players": 0}, "sources.chess.max_players"),
        ({"players": [f"p{i}" for i in range(11)]}, "sources.chess.max_players"),
    ],
)
def test_a_bad_setting_names_itself(settings, setting):
    with pytest.raises(ChessConfigError, match=re.escape(setting)):
        lists(**settings)


def test_only_names_make_an_unknown_player_a_configuration_error():
    assert lists(players=["hikaru"]).names_only and not lists(players=["hikaru"], titles=["GM"]).names_only


def member(username: str, kind: str = "club", source_id: str = "team-norway") -> Membership:
    return Membership(username, kind, source_id)


def test_a_new_membership_begins_now():
    assert membership_changes([member("anna")], [], NOW) == [
        {"username": "anna", "kind": "club", "source_id": "team-norway", "first_seen": NOW, "left_at": None}
    ]


def test_an_unchanged_membership_writes_nothing():
    assert membership_changes([member("anna")], [StoredMembership(member("anna"), BEFORE)], NOW) == []


def test_a_membership_no_list_names_ends_now_keeping_its_start():
    assert membership_changes([], [StoredMembership(member("anna"), BEFORE)], NOW) == [
        {"username": "anna", "kind": "club", "source_id": "team-norway", "first_seen": BEFORE, "left_at": NOW}
    ]


def test_each_list_of_a_player_is_its_own_membership():
    stored = [StoredMembership(member("anna", "title", "GM"), BEFORE)]
    changes = membership_changes([member("anna", "title", "GM"), member("anna")], stored, NOW)
    assert [(row["kind"], row["first_seen"]) for row in changes] == [("club", NOW)]
