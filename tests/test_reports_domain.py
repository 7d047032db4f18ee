"""Report arithmetic without fixtures: flags, rates, stars, ranking, message splitting."""

import re
from datetime import datetime, timedelta, timezone

from bot.domain.reports import (
    Candidate,
    FlagEvent,
    GridScore,
    Rates,
    bottom_two,
    best_grid,
    count_flags,
    named_twice,
    percent,
    rank_grids,
    service_stars,
)
from bot.telegram_text import split_message, tg_len

T0 = datetime(2025, 3, 1, tzinfo=timezone.utc)
END = T0 + timedelta(days=31)


def ev(ticket, eid, action, credited=7, self_submitted=False, day=1):
    return FlagEvent(ticket, eid, action, credited, self_submitted, T0 + timedelta(days=day))


def test_flags_confirmed_and_auto_confirmed_count_self_submitted_none():
    flags = count_flags(
        [
            ev(1, 1, "confirm"),
            ev(2, 2, "auto_confirm"),
            ev(3, 3, "confirm", self_submitted=True),
            ev(4, 4, "close"),
            ev(5, 5, "reopen"),
        ],
        T0,
        END,
    )
    assert flags == {7: 2}


def test_reopen_then_confirm_earns_exactly_one_flag():
    events = [
        ev(1, 1, "close"),
        ev(1, 2, "reopen"),
        ev(1, 3, "close"),
        ev(1, 4, "confirm", credited=8, day=2),
        ev(1, 5, "auto_confirm", credited=9, day=40),
    ]
    assert count_flags(events, T0, END) == {8: 1}
    assert count_flags(events, END, END + timedelta(days=31)) == {}


def test_flag_outside_period_not_counted():
    assert count_flags([ev(1, 1, "confirm", day=-1)], T0, END) == {}


def test_rates():
    r = Rates(on_time=4, due=5, resolved=3, evaluated=4, satisfied=1, rated=2)
    assert (r.response, r.resolution, r.satisfaction) == (0.8, 0.75, 0.5)
    assert abs(r.score - 0.6833) < 0.001
    assert Rates().response is None and Rates().score is None and Rates().empty
    assert (r + r).due == 10
    assert percent(0.8) == "80%" and percent(None) == "—"
    assert Rates(on_time=1, due=1).score == 1.0  # only measured rates count


def test_service_stars_top_three_ties_by_satisfaction_then_earliest():
    early, late = T0 + timedelta(days=3), T0 + timedelta(days=9)
    cands = [
        Candidate(1, "A", 5, Rates(satisfied=1, rated=2), late),
        Candidate(2, "B", 5, Rates(satisfied=2, rated=2), late),
        Candidate(3, "C", 4, Rates(), late),
        Candidate(4, "D", 4, Rates(), early),
        Candidate(5, "E", 9, Rates(), late),
        Candidate(6, "F", 0, Rates(), early),
    ]
    stars = service_stars(cands)
    assert [c.name for c in stars] == ["E", "B", "A"]
    assert [c.name for c in service_stars(cands, 5)] == ["E", "B", "A", "D", "C"]  # earliest reached first
    assert service_stars([Candidate(6, "F", 0)]) == []


def g(code, **kw):
    return GridScore(code, code, Rates(**kw))


def test_ranking_best_bottom_two_and_repeat():
    scores = [
        g("A", on_time=9, due=10),
        g("B", on_time=5, due=10),
        g("C", on_time=10, due=10),
        g("D", on_time=1, due=10),
        g("E"),
    ]
    ranking = rank_grids(scores)
    assert [(r.grid.code, r.rank) for r in ranking] == [("C", 1), ("A", 2), ("B", 3), ("D", 4), ("E", None)]
    assert best_grid(ranking).code == "C"
    assert [x.code for x in bottom_two(ranking)] == ["B", "D"]
    assert [x.code for x in named_twice(bottom_two(ranking), [g("D"), g("A")])] == ["D"]


def test_ranking_ties_by_satisfaction_then_response():
    a = g("A", on_time=1, due=2, satisfied=1, rated=1)  # score .75, sat 1
    b = g("B", on_time=2, due=2, satisfied=1, rated=2)  # score .75, sat .5
    assert [r.grid.code for r in rank_grids([b, a])] == ["A", "B"]


def test_two_grids_name_only_one_bottom_and_never_the_best():
    ranking = rank_grids([g("A", on_time=1, due=1), g("B", on_time=0, due=1)])
    assert [x.code for x in bottom_two(ranking)] == ["B"]
    assert bottom_two(rank_grids([g("A", on_time=1, due=1)])) == []


def test_split_short_text_unchanged():
    assert split_message("<b>hi</b>") == ["<b>hi</b>"]


def test_split_on_lines_within_limit_and_keeps_tags_balanced():
    lines = [f"• <b>网格员{i}</b>：新增 {i}，未办结 {i}" for i in range(400)]
    text = "<b>汇总</b>\n" + "\n".join(lines)
    parts = split_message(text)
    assert len(parts) > 1 and all(tg_len(p) <= 4096 for p in parts)
    assert "\n".join(parts) == text  # split only at line boundaries
    for p in parts:
        assert p.count("<b>") == p.count("</b>")


def test_split_tag_spanning_lines_is_closed_and_reopened():
    text = "<i>" + "\n".join("x" * 50 for _ in range(200)) + "</i>"
    parts = split_message(text, limit=1000)
    assert all(tg_len(p) <= 1000 for p in parts)
    for p in parts:
        assert p.startswith("<i>") and p.endswith("</i>")


def test_split_over_long_line_never_inside_a_tag_or_entity():
    text = "<b>长</b>&amp;" * 2000
    parts = split_message(text, limit=4096)
    assert all(tg_len(p) <= 4096 for p in parts)
    for p in parts:
        assert not re.search(r"<[^>]*$", p) and not re.search(r"&[a-z]*$", p)
        assert p.count("<b>") == p.count("</b>")
    assert "".join(parts).replace("</b><b>", "").count("长") == 2000
