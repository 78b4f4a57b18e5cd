"""The placement solver against exhaustive search, plus its hard constraints, re-planning and
input validation. Pure Python: no database."""

import itertools
import random
from collections import defaultdict

import pytest

from hubbub.unconf.solver import (
    Placement,
    Problem,
    ProblemError,
    Room,
    Topic,
    Unavailable,
    Vote,
    _audience,
    _Planner,
    check_problem,
    missed_value,
    parse_problem,
    solve,
    violations,
)

# -- reference implementations -------------------------------------------------------------------


def per_person_missed(problem, placements):
    """The objective counted person by person: each person misses every topic they are in V(t)
    of, except one per slot where at least one such topic runs; plus whoever does not fit."""
    interests = defaultdict(set)
    for topic in problem.topics:
        interests[topic.host].add(topic.id)
    for vote in problem.votes:
        interests[vote.voter].add(vote.topic)
    slot_of = {p.topic: p.slot for p in placements}
    missed = 0
    for topics in interests.values():
        attended_slots = {slot_of[t] for t in topics if t in slot_of}
        missed += len(topics) - len(attended_slots)
    size = {t: len(ts) for t, ts in _audiences(problem).items()}
    capacity = {r.id: r.capacity for r in problem.rooms}
    missed += sum(max(0, size[p.topic] - capacity[p.room]) for p in placements)
    return missed


def _audiences(problem):
    audience = {t.id: {t.host} for t in problem.topics}
    for vote in problem.votes:
        audience[vote.topic].add(vote.voter)
    return audience


def all_plans(problem):
    """Every valid plan, by trying each topic unplaced or in each free allowed cell."""
    cells = [(r.id, s) for s in problem.slots for r in problem.rooms]
    host = {t.id: t.host for t in problem.topics}
    unavailable = set(problem.unavailable)
    fixed = {p.topic: p for p in problem.pinned}
    previous = {p.topic: p for p in problem.previous or ()}
    fixed.update({t: previous[t] for t in problem.started})
    topics = [t.id for t in problem.topics]

    def extend(i, plan, used, busy):
        if i == len(topics):
            yield list(plan)
            return
        t = topics[i]
        options = [(fixed[t].room, fixed[t].slot)] if t in fixed else [None, *cells]
        for cell in options:
            if cell is None:
                yield from extend(i + 1, plan, used, busy)
                continue
            room, slot = cell
            if cell in used or (t, slot) in unavailable or (host[t], slot) in busy:
                continue
            plan.append(Placement(t, room, slot))
            yield from extend(i + 1, plan, used | {cell}, busy | {(host[t], slot)})
            plan.pop()

    yield from extend(0, [], frozenset(), frozenset())


def moved(problem, placements):
    before = {p.topic: (p.room, p.slot) for p in problem.previous or ()}
    after = {p.topic: (p.room, p.slot) for p in placements}
    return sum(before.get(t.id) != after.get(t.id) for t in problem.topics)


def brute_force(problem):
    """(least missed, fewest moved among plans with the least missed)."""
    best = None
    for plan in all_plans(problem):
        key = (missed_value(problem, plan), moved(problem, plan))
        if best is None or key < best:
            best = key
    return best


def random_problem(rng):
    rooms = [Room(f"r{i}", rng.randint(0, 5)) for i in range(rng.randint(2, 3))]
    slots = [f"s{i}" for i in range(rng.randint(1, 2))]
    people = [f"p{i}" for i in range(rng.randint(3, 8))]
    topics = [Topic(f"t{i}", rng.choice(people)) for i in range(rng.randint(2, 5))]
    votes = [Vote(person, topic.id) for person in people for topic in topics if rng.random() < 0.4]
    unavailable = [Unavailable(t.id, s) for t in topics for s in slots if rng.random() < 0.15]
    problem = Problem(rooms, slots, topics, votes, unavailable=unavailable)
    plans = list(all_plans(problem))
    if rng.random() < 0.3:
        problem.pinned = rng.choice(plans)[:1]
    if rng.random() < 0.5:
        problem.previous = rng.choice(plans)
        if problem.previous and rng.random() < 0.5:
            problem.started = [problem.previous[0].topic]
    try:
        check_problem(problem)
    except ProblemError:  # a started topic clashing with the pin: keep the pin only
        problem.started = []
    check_problem(problem)
    return problem


CASES = [random_problem(random.Random(seed)) for seed in range(40)]


# -- the objective and the optimum ---------------------------------------------------------------


def test_missed_value_counts_unplaced_overflow_and_clashes():
    problem = Problem(
        rooms=[Room("big", 10), Room("small", 2)],
        slots=["morning"],
        topics=[Topic("a", "ann"), Topic("b", "bob"), Topic("c", "cat")],
        votes=[Vote("dan", "a"), Vote("dan", "b"), Vote("eve", "b"), Vote("ann", "a")],
    )
    # a: {ann, dan} in big; b: {bob, dan, eve} in small overflows by 1; dan clashes once;
    # c: {cat} unplaced.
    placements = [Placement("a", "big", "morning"), Placement("b", "small", "morning")]
    assert missed_value(problem, placements) == 1 + 1 + 1
    assert missed_value(problem, []) == 2 + 3 + 1


@pytest.mark.parametrize("seed", range(40))
def test_missed_value_agrees_with_per_person_count(seed):
    problem = CASES[seed]
    plans = list(all_plans(problem))
    for plan in random.Random(seed).sample(plans, min(10, len(plans))):
        assert missed_value(problem, plan) == per_person_missed(problem, plan)


@pytest.mark.parametrize("seed", range(40))
def test_solve_matches_exhaustive_search(seed):
    problem = CASES[seed]
    solution = solve(problem)
    least_missed, fewest_moved = brute_force(problem)
    assert violations(problem, solution.placements) == []
    assert solution.missed == least_missed
    assert missed_value(problem, solution.placements) == solution.missed
    assert solution.optimal and solution.bound == solution.missed
    if problem.previous is not None:
        assert solution.moved == fewest_moved
    placed = {p.topic for p in solution.placements}
    assert solution.unplaced == [t.id for t in problem.topics if t.id not in placed]


def test_solve_sorts_placements_by_slot_then_room():
    problem = Problem(
        rooms=[Room("z", 5), Room("a", 5)],
        slots=["late", "early"],
        topics=[Topic(f"t{i}", f"h{i}") for i in range(4)],
    )
    solution = solve(problem)
    cells = [(p.slot, p.room) for p in solution.placements]
    assert cells == [("late", "z"), ("late", "a"), ("early", "z"), ("early", "a")]


# -- hard constraints ----------------------------------------------------------------------------


def test_solve_keeps_pins_even_when_costly():
    problem = Problem(
        rooms=[Room("big", 50), Room("tiny", 1)],
        slots=["s1"],
        topics=[Topic("popular", "ann"), Topic("niche", "bob")],
        votes=[Vote(f"v{i}", "popular") for i in range(20)],
        pinned=[Placement("niche", "big", "s1")],
    )
    solution = solve(problem)
    assert Placement("niche", "big", "s1") in solution.placements
    assert Placement("popular", "tiny", "s1") in solution.placements
    assert solution.missed == 21 - 1


def test_solve_never_uses_an_unavailable_slot():
    problem = Problem(
        rooms=[Room("r", 10)],
        slots=["s1", "s2"],
        topics=[Topic("a", "ann"), Topic("b", "bob")],
        votes=[Vote("x", "a"), Vote("y", "a"), Vote("z", "b")],
        unavailable=[Unavailable("a", "s1"), Unavailable("b", "s1")],
    )
    solution = solve(problem)
    assert all(p.slot == "s2" for p in solution.placements)
    assert solution.placements == [Placement("a", "r", "s2")]
    assert solution.unplaced == ["b"] and solution.missed == 2


def test_solve_host_never_holds_two_topics_in_one_slot():
    problem = Problem(
        rooms=[Room("r1", 30), Room("r2", 30)],
        slots=["only"],
        topics=[Topic("a", "ann"), Topic("b", "ann")],
        # Disjoint audiences: without the host rule both would run side by side.
        votes=[Vote(f"x{i}", "a") for i in range(9)] + [Vote(f"y{i}", "b") for i in range(5)],
    )
    solution = solve(problem)
    assert [p.topic for p in solution.placements] == ["a"]
    assert solution.missed == 6


def test_solve_host_of_two_topics_gets_different_slots():
    problem = Problem(
        rooms=[Room("r1", 30), Room("r2", 30)],
        slots=["s1", "s2"],
        topics=[Topic("a", "ann"), Topic("b", "ann"), Topic("c", "cat")],
        votes=[Vote("x", "a"), Vote("y", "b"), Vote("z", "c")],
    )
    solution = solve(problem)
    slots = {p.topic: p.slot for p in solution.placements}
    assert slots["a"] != slots["b"] and solution.missed == 0


def test_solve_counts_capacity_overflow():
    problem = Problem(
        rooms=[Room("cupboard", 2)],
        slots=["s1"],
        topics=[Topic("a", "ann")],
        votes=[Vote(f"v{i}", "a") for i in range(4)],
    )
    solution = solve(problem)
    assert solution.placements == [Placement("a", "cupboard", "s1")]
    assert solution.missed == 5 - 2


def test_solve_puts_the_bigger_audience_in_the_bigger_room():
    problem = Problem(
        rooms=[Room("small", 3), Room("large", 10)],
        slots=["s1"],
        topics=[Topic("a", "ann"), Topic("b", "bob")],
        votes=[Vote(f"v{i}", "a") for i in range(8)] + [Vote("w", "b")],
    )
    solution = solve(problem)
    assert Placement("a", "large", "s1") in solution.placements
    assert solution.missed == 0


def test_solve_host_voting_for_own_topic_counts_once():
    problem = Problem(
        rooms=[Room("r", 1)],
        slots=["s1"],
        topics=[Topic("a", "ann")],
        votes=[Vote("ann", "a")],
    )
    assert solve(problem).missed == 0


def test_solve_with_a_time_limit_returns_a_valid_plan():
    rng = random.Random(7)
    people = [f"p{i}" for i in range(150)]
    topics = [Topic(f"t{i}", people[i]) for i in range(40)]
    votes = [Vote(p, rng.choice(topics).id) for p in people for _ in range(5)]
    problem = Problem([Room(f"r{i}", 10 + 5 * i) for i in range(8)], ["a", "b", "c"], topics, votes)
    solution = solve(problem, time_limit=0.5)
    assert violations(problem, solution.placements) == []
    assert missed_value(problem, solution.placements) == solution.missed
    assert solution.bound <= solution.missed
    assert solution.seconds < 5


# -- re-planning ---------------------------------------------------------------------------------


def test_replan_keeps_started_topics_where_they_are():
    problem = Problem(
        rooms=[Room("big", 10), Room("small", 2)],
        slots=["s1", "s2"],
        topics=[Topic("a", "ann"), Topic("b", "bob")],
        votes=[Vote(f"v{i}", "a") for i in range(6)],
        # a is in the small room, which is now clearly worse, but it has started.
        previous=[Placement("a", "small", "s1"), Placement("b", "big", "s1")],
        started=["a"],
    )
    solution = solve(problem)
    assert Placement("a", "small", "s1") in solution.placements
    assert solution.missed == 7 - 2
    assert solution.moved == 0  # b stays too: moving it gains nobody


def test_replan_moves_a_topic_that_has_not_started():
    problem = Problem(
        rooms=[Room("big", 10), Room("small", 2)],
        slots=["s1"],
        topics=[Topic("a", "ann"), Topic("b", "bob")],
        votes=[Vote(f"v{i}", "a") for i in range(6)],
        previous=[Placement("a", "small", "s1"), Placement("b", "big", "s1")],
    )
    solution = solve(problem)
    assert solution.missed == 0
    assert set(solution.placements) == {Placement("a", "big", "s1"), Placement("b", "small", "s1")}
    assert solution.moved == 2


def test_replan_after_a_late_vote_that_changes_nothing_keeps_the_plan():
    rng = random.Random(3)
    people = [f"p{i}" for i in range(30)]
    topics = [Topic(f"t{i}", people[i]) for i in range(8)]
    votes = [Vote(p, t.id) for p in people for t in rng.sample(topics, 2)]
    # Equal rooms and interchangeable slots: many plans tie, so only the stability rule
    # keeps the solver from picking another one.
    problem = Problem([Room(f"r{i}", 40) for i in range(3)], ["s1", "s2"], topics, votes)
    first = solve(problem)
    placed = {p.topic for p in first.placements}
    topic = next(t.id for t in topics if t.id in placed)
    late = Problem(
        problem.rooms,
        problem.slots,
        topics,
        [*votes, Vote("newcomer", topic)],  # one more person, one topic, plenty of seats
        previous=first.placements,
    )
    second = solve(late)
    assert second.missed == first.missed
    assert second.placements == first.placements
    assert second.moved == 0


def test_replan_with_an_empty_previous_plan_places_only_what_helps():
    problem = Problem(
        rooms=[Room("r", 5), Room("closet", 0)],
        slots=["s1"],
        topics=[Topic("a", "ann"), Topic("b", "bob")],
        votes=[Vote("x", "a")],
        previous=[],
    )
    solution = solve(problem)
    # Putting b in the zero-seat room gains nobody, so it stays unplaced as before.
    assert solution.placements == [Placement("a", "r", "s1")]
    assert solution.missed == 1 and solution.moved == 1


# -- parsing and validation ----------------------------------------------------------------------


def base():
    return {
        "rooms": [{"id": "r1", "capacity": 20}, {"id": "r2", "capacity": 5}],
        "slots": [{"id": "s1"}, {"id": "s2"}],
        "topics": [{"id": "t1", "host": "alice"}, {"id": "t2", "host": "bob"}],
        "votes": [{"voter": "carol", "topic": "t1"}],
    }


def with_(**changes):
    data = base()
    data.update(changes)
    return data


def without(key):
    data = base()
    del data[key]
    return data


def test_parse_problem_reads_every_section():
    data = with_(
        pinned=[{"topic": "t1", "room": "r1", "slot": "s1"}],
        unavailable=[{"topic": "t2", "slot": "s1"}],
        previous=[{"topic": "t1", "room": "r1", "slot": "s1"}],
        started=["t1"],
    )
    problem = parse_problem(data)
    assert problem.rooms == [Room("r1", 20), Room("r2", 5)]
    assert problem.slots == ["s1", "s2"]
    assert problem.topics == [Topic("t1", "alice"), Topic("t2", "bob")]
    assert problem.votes == [Vote("carol", "t1")]
    assert problem.pinned == [Placement("t1", "r1", "s1")]
    assert problem.unavailable == [Unavailable("t2", "s1")]
    assert problem.previous == [Placement("t1", "r1", "s1")]
    assert problem.started == ["t1"]


def test_parse_problem_optional_sections_default_to_empty():
    problem = parse_problem(base())
    assert problem.pinned == [] and problem.unavailable == [] and problem.started == []
    assert problem.previous is None


def place(topic, room, slot):
    """A placement as the problem's pinned and previous lists spell it."""
    return {"topic": topic, "room": room, "slot": slot}


BAD_INPUTS = {
    "not an object": ([], "problem"),
    "missing rooms": (without("rooms"), "'rooms'"),
    "missing votes": (without("votes"), "'votes'"),
    "rooms not a list": (with_(rooms={"id": "r1"}), "rooms"),
    "room missing capacity": (with_(rooms=[{"id": "r1"}]), "rooms[0]"),
    "capacity a string": (with_(rooms=[{"id": "r1", "capacity": "20"}]), "rooms[0].capacity"),
    "capacity a boolean": (with_(rooms=[{"id": "r1", "capacity": True}]), "rooms[0].capacity"),
    "negative capacity": (with_(rooms=[{"id": "r1", "capacity": -1}]), "'r1'"),
    "slot id a number": (with_(slots=[{"id": 1}]), "slots[0].id"),
    "topic not an object": (with_(topics=["t1"]), "topics[0]"),
    "topic missing host": (with_(topics=[{"id": "t1"}]), "topics[0]"),
    "duplicate room": (
        with_(rooms=[{"id": "r1", "capacity": 1}, {"id": "r1", "capacity": 2}]),
        "'r1'",
    ),
    "duplicate slot": (with_(slots=[{"id": "s1"}, {"id": "s1"}]), "'s1'"),
    "duplicate topic": (
        with_(topics=[{"id": "t1", "host": "a"}, {"id": "t1", "host": "b"}]),
        "'t1'",
    ),
    "vote for unknown topic": (with_(votes=[{"voter": "x", "topic": "t9"}]), "'t9'"),
    "pin to unknown room": (with_(pinned=[place("t1", "r9", "s1")]), "'r9'"),
    "pin to unknown slot": (with_(pinned=[place("t1", "r1", "s9")]), "'s9'"),
    "pin of unknown topic": (with_(pinned=[place("t9", "r1", "s1")]), "'t9'"),
    "unavailable unknown slot": (with_(unavailable=[{"topic": "t1", "slot": "s9"}]), "'s9'"),
    "unavailable unknown topic": (with_(unavailable=[{"topic": "t9", "slot": "s1"}]), "'t9'"),
    "previous unknown room": (with_(previous=[place("t1", "r9", "s1")]), "'r9'"),
    "started unknown topic": (with_(started=["t9"]), "'t9'"),
    "started without previous": (with_(started=["t1"]), "'t1'"),
    "two pins on one room and slot": (
        with_(pinned=[place("t1", "r1", "s1"), place("t2", "r1", "s1")]),
        "'r1' slot 's1'",
    ),
    "topic pinned twice": (
        with_(pinned=[place("t1", "r1", "s1"), place("t1", "r2", "s2")]),
        "'t1'",
    ),
    "pin to unavailable slot": (
        with_(pinned=[place("t1", "r1", "s2")], unavailable=[{"topic": "t1", "slot": "s2"}]),
        "'s2'",
    ),
    "host pinned twice in one slot": (
        with_(
            topics=[{"id": "t1", "host": "alice"}, {"id": "t2", "host": "alice"}],
            pinned=[place("t1", "r1", "s1"), place("t2", "r2", "s1")],
        ),
        "'alice'",
    ),
    "previous places a topic twice": (
        with_(previous=[place("t1", "r1", "s1"), place("t1", "r2", "s2")]),
        "'t1'",
    ),
}


@pytest.mark.parametrize("data,item", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_parse_problem_rejects_bad_input_naming_the_item(data, item):
    with pytest.raises(ProblemError) as raised:
        parse_problem(data)
    message = str(raised.value)
    assert item in message
    assert "\n" not in message


def test_solve_validates_a_problem_built_in_code():
    problem = Problem([Room("r", 1)], ["s"], [Topic("t", "h")], [Vote("v", "nope")])
    with pytest.raises(ProblemError, match="'nope'"):
        solve(problem)


def test_all_plans_reference_enumerates_every_choice():
    # The exhaustive search the solver is checked against must itself be complete: 2 topics,
    # 2 cells, different hosts: unplaced/cell1/cell2 each, minus the two sharing a cell.
    problem = Problem([Room("r1", 1), Room("r2", 1)], ["s"], [Topic("a", "x"), Topic("b", "y")])
    assert len(list(all_plans(problem))) == 3 * 3 - 2
    assert len(list(itertools.islice(all_plans(CASES[0]), 1))) == 1


def test_start_plan_search_keeps_a_valid_plan_and_its_value():
    # The local search that seeds HiGHS tracks missed incrementally; check it against the
    # direct formula on instances where the search has room to move.
    for seed in range(5):
        rng = random.Random(seed)
        people = [f"p{i}" for i in range(60)]
        topics = [Topic(f"t{i}", rng.choice(people)) for i in range(18)]
        votes = [Vote(p, t.id) for p in people for t in rng.sample(topics, 4)]
        unavailable = [Unavailable(t.id, "b") for t in topics[:3]]
        problem = Problem(
            [Room(f"r{i}", c) for i, c in enumerate([20, 12, 12, 5, 0])],
            ["a", "b", "c"],
            topics,
            votes,
            unavailable=unavailable,
            pinned=[Placement(topics[5].id, "r3", "a")],
        )
        planner = _Planner(problem, _audience(problem))
        planner.search(deadline=float("inf"), rounds=10)
        plan = planner.plan()
        assert violations(problem, plan) == []
        assert planner.value == missed_value(problem, plan)


def test_solve_with_nothing_placeable_is_trivially_optimal():
    problem = Problem([], ["s"], [Topic("t", "h")], [Vote("v", "t")])
    solution = solve(problem)
    assert solution.placements == [] and solution.unplaced == ["t"]
    assert solution.missed == solution.bound == 2 and solution.optimal
