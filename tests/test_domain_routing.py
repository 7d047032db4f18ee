"""Routing (bot/domain/routing.py): who gets a new ticket, who is copied, who stands above."""

from __future__ import annotations

import pytest

from bot.domain.routing import Candidate, Routing, Track, ancestors, choose, next_up

LIAISON = 900
LEADERS = [31, 32]
VOLUNTEERS = [41, 42]


def workers(*pairs: tuple[int, int]) -> list[Candidate]:
    """Candidates from (person_id, open_count) pairs."""
    return [Candidate(pid, n) for pid, n in pairs]


# --- choose ---------------------------------------------------------------------------------


def test_public_matter_goes_to_the_named_liaison_with_nobody_copied():
    r = choose(Track.PUBLIC, LIAISON, workers((1, 0)), LEADERS, VOLUNTEERS)
    assert r == Routing(LIAISON, ())


def test_public_matter_without_liaison_falls_back_to_least_loaded_worker_without_copies():
    r = choose(Track.PUBLIC, None, workers((1, 5), (2, 1)), LEADERS, VOLUNTEERS)
    assert r == Routing(2, ())


@pytest.mark.parametrize("track", [Track.COMMUNITY, Track.HOUSEHOLD])
def test_liaison_is_ignored_outside_public_track(track):
    r = choose(track, LIAISON, workers((1, 0)), LEADERS, [])
    assert r.assignee_id == 1


def test_community_matter_goes_to_least_loaded_worker_and_copies_nobody():
    r = choose(Track.COMMUNITY, None, workers((1, 3), (2, 0), (3, 7)), LEADERS, VOLUNTEERS)
    assert r == Routing(2, ())


@pytest.mark.parametrize(
    "order", [[(7, 2), (3, 2), (5, 2)], [(3, 2), (5, 2), (7, 2)], [(5, 2), (7, 2), (3, 2)]]
)
def test_equal_load_tie_goes_to_lowest_person_id_whatever_the_order(order):
    assert choose(Track.COMMUNITY, None, workers(*order), [], []).assignee_id == 3


def test_load_beats_person_id():
    assert choose(Track.COMMUNITY, None, workers((1, 4), (9, 3)), [], []).assignee_id == 9


def test_household_matter_copies_the_grid_volunteers():
    r = choose(Track.HOUSEHOLD, None, workers((1, 0)), LEADERS, VOLUNTEERS)
    assert r == Routing(1, (41, 42))


def test_household_matter_does_not_copy_the_assignee_who_is_also_a_volunteer():
    r = choose(Track.HOUSEHOLD, None, workers((41, 0), (2, 1)), LEADERS, [40, 41, 43])
    assert r.assignee_id == 41
    assert r.copied == (40, 43)


def test_household_matter_with_no_volunteers_copies_nobody():
    assert choose(Track.HOUSEHOLD, None, workers((1, 0)), LEADERS, []).copied == ()


@pytest.mark.parametrize("track", list(Track))
def test_no_workers_goes_to_the_first_leader(track):
    r = choose(track, None, [], LEADERS, VOLUNTEERS)
    assert r == Routing(31, ())


@pytest.mark.parametrize("track", list(Track))
def test_nobody_at_all_leaves_the_ticket_unassigned(track):
    assert choose(track, None, [], [], VOLUNTEERS) == Routing(None)


def test_routing_copies_nobody_by_default():
    assert Routing(5).copied == ()


# --- ancestors ------------------------------------------------------------------------------

PARENTS = {"GN": None, "GN-1": "GN", "GN-1-1": "GN-1", "GN-2": "GN"}


def test_ancestors_are_listed_nearest_first():
    assert ancestors("GN-1-1", PARENTS) == ["GN-1", "GN"]


def test_top_grid_has_no_ancestors():
    assert ancestors("GN", PARENTS) == []


def test_unknown_grid_has_no_ancestors():
    assert ancestors("XX", PARENTS) == []


def test_parent_missing_from_the_table_still_counts_once():
    assert ancestors("A", {"A": "B"}) == ["B"]


def test_cycle_back_to_the_grid_itself_stops():
    assert ancestors("A", {"A": "B", "B": "A"}) == ["B"]


def test_cycle_higher_up_stops_without_repeating():
    assert ancestors("A", {"A": "B", "B": "C", "C": "B"}) == ["B", "C"]


def test_grid_that_is_its_own_parent_has_no_ancestors():
    assert ancestors("A", {"A": "A"}) == []


# --- next_up --------------------------------------------------------------------------------

LADDER = {"small_leader": [21], "big_leader": [22], "admin": [23]}


def test_next_up_is_the_small_group_leader_first():
    assert next_up(LADDER, 11) == 21


def test_next_up_with_no_decliner_is_the_first_on_the_ladder():
    assert next_up(LADDER, None) == 21


def test_small_leader_declining_hands_to_big_grid_leader():
    assert next_up(LADDER, 21) == 22


def test_big_leader_declining_goes_back_to_the_small_leader_first_on_the_ladder():
    assert next_up(LADDER, 22) == 21


def test_second_holder_of_the_same_role_is_next_when_the_first_declines():
    assert next_up({"small_leader": [21, 24], "admin": [23]}, 21) == 24


def test_missing_rungs_are_skipped():
    assert next_up({"admin": [23]}, 11) == 23


def test_admin_alone_declining_leaves_nobody():
    assert next_up({"admin": [23]}, 23) is None


def test_empty_ladder_has_nobody():
    assert next_up({}, 11) is None


def test_roles_outside_the_ladder_are_not_asked():
    assert next_up({"worker": [11, 12], "volunteer": [13]}, 11) is None
