"""Unconference placement: put topics into (room, slot) cells so that as few
interested people as possible miss a session.

For a topic t, V(t) is the set of its voters plus its host. The quantity minimised is

    missed = sum over unplaced t of |V(t)|
           + sum over placed t of max(0, |V(t)| - capacity of its room)
           + sum over person p and slot s of max(0, #placed topics in s with p in V(t) - 1)

subject to: one topic per (room, slot), each topic placed at most once, a host never
holds two topics in one slot, pins (and started topics) stay where they are, and a
topic is never placed in a slot marked unavailable for it.

When a previous placement is given, ties on ``missed`` are broken by the smallest
number of topics whose (room, slot) differs from it (a second MILP solve constrained
to the optimal ``missed``).

The MILP (see ``_build``) is solved with HiGHS, started from a plan found by local
search (``_Planner``). ``missed`` in the result is always recomputed from the final
plan by ``missed_value``, independently of the model.

This module is plain Python on top of ``highspy``; it knows nothing about Django.
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import highspy
import numpy as np

__all__ = [
    "Placement",
    "Problem",
    "ProblemError",
    "Room",
    "Solution",
    "Topic",
    "Unavailable",
    "Vote",
    "check_problem",
    "missed_value",
    "parse_problem",
    "solve",
    "violations",
]


class ProblemError(ValueError):
    """The problem description is malformed or contradictory; the message names the item."""


class Placement(NamedTuple):
    topic: str
    room: str
    slot: str


class Vote(NamedTuple):
    voter: str
    topic: str


class Unavailable(NamedTuple):
    topic: str
    slot: str


@dataclass(frozen=True)
class Room:
    id: str
    capacity: int


@dataclass(frozen=True)
class Topic:
    id: str
    host: str


@dataclass
class Problem:
    rooms: list[Room]
    slots: list[str]
    topics: list[Topic]
    votes: list[Vote] = field(default_factory=list)
    pinned: list[Placement] = field(default_factory=list)
    unavailable: list[Unavailable] = field(default_factory=list)
    # None means "no previous plan"; an empty list means "previously nothing was placed".
    previous: list[Placement] | None = None
    started: list[str] = field(default_factory=list)


@dataclass
class Solution:
    placements: list[Placement]
    unplaced: list[str]
    missed: int
    bound: int
    # True when missed is proven minimal and, if a previous plan was given, the number
    # of moved topics is proven minimal among plans with that missed value.
    optimal: bool
    seconds: float
    # Topics whose (room, slot) differs from the previous plan; None without one.
    moved: int | None = None


# --------------------------------------------------------------------------- parsing


def _describe(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _expect_list(data: Mapping[str, Any], key: str, *, required: bool) -> list[Any]:
    if key not in data or (not required and data[key] is None):
        if required:
            raise ProblemError(f"missing key {key!r}")
        return []
    value = data[key]
    if not isinstance(value, list):
        raise ProblemError(f"{key}: expected a list, got {_describe(value)}")
    return value


def _expect_object(item: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(item, dict):
        raise ProblemError(f"{where}: expected an object, got {_describe(item)}")
    return item


def _expect_id(obj: Mapping[str, Any], key: str, where: str) -> str:
    if key not in obj:
        raise ProblemError(f"{where}: missing key {key!r}")
    value = obj[key]
    if not isinstance(value, str) or not value:
        raise ProblemError(f"{where}.{key}: expected a non-empty string, got {value!r}")
    return value


def _placements(items: list[Any], name: str) -> list[Placement]:
    result = []
    for i, item in enumerate(items):
        where = f"{name}[{i}]"
        obj = _expect_object(item, where)
        result.append(
            Placement(
                _expect_id(obj, "topic", where),
                _expect_id(obj, "room", where),
                _expect_id(obj, "slot", where),
            )
        )
    return result


def parse_problem(data: Any) -> Problem:
    """Build a Problem from decoded JSON, raising ProblemError on the first bad item."""
    if not isinstance(data, dict):
        raise ProblemError(f"problem: expected an object, got {_describe(data)}")

    rooms = []
    for i, item in enumerate(_expect_list(data, "rooms", required=True)):
        where = f"rooms[{i}]"
        obj = _expect_object(item, where)
        room_id = _expect_id(obj, "id", where)
        if "capacity" not in obj:
            raise ProblemError(f"{where}: missing key 'capacity'")
        capacity = obj["capacity"]
        if isinstance(capacity, float) and capacity.is_integer():
            capacity = int(capacity)  # JSON writers may emit 20.0
        # bool is an int subclass, but true/false is not a capacity.
        if not isinstance(capacity, int) or isinstance(capacity, bool):
            raise ProblemError(f"{where}.capacity: expected an integer, got {capacity!r}")
        rooms.append(Room(room_id, capacity))

    slots = []
    for i, item in enumerate(_expect_list(data, "slots", required=True)):
        slots.append(_expect_id(_expect_object(item, f"slots[{i}]"), "id", f"slots[{i}]"))

    topics = []
    for i, item in enumerate(_expect_list(data, "topics", required=True)):
        where = f"topics[{i}]"
        obj = _expect_object(item, where)
        topics.append(Topic(_expect_id(obj, "id", where), _expect_id(obj, "host", where)))

    votes = []
    for i, item in enumerate(_expect_list(data, "votes", required=True)):
        where = f"votes[{i}]"
        obj = _expect_object(item, where)
        votes.append(Vote(_expect_id(obj, "voter", where), _expect_id(obj, "topic", where)))

    pinned = _placements(_expect_list(data, "pinned", required=False), "pinned")

    unavailable = []
    for i, item in enumerate(_expect_list(data, "unavailable", required=False)):
        where = f"unavailable[{i}]"
        obj = _expect_object(item, where)
        unavailable.append(
            Unavailable(_expect_id(obj, "topic", where), _expect_id(obj, "slot", where))
        )

    previous = None
    if data.get("previous") is not None:
        previous = _placements(_expect_list(data, "previous", required=False), "previous")

    started = []
    for i, item in enumerate(_expect_list(data, "started", required=False)):
        if not isinstance(item, str) or not item:
            raise ProblemError(f"started[{i}]: expected a topic id string, got {item!r}")
        started.append(item)

    problem = Problem(rooms, slots, topics, votes, pinned, unavailable, previous, started)
    check_problem(problem)
    return problem


# ------------------------------------------------------------------------ validation


def _unique(ids: Iterable[str], kind: str, name: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, item_id in enumerate(ids):
        if item_id in index:
            raise ProblemError(f"{name}[{i}]: duplicate {kind} id {item_id!r}")
        index[item_id] = i
    return index


def _fixed_placements(problem: Problem) -> dict[str, tuple[Placement, str]]:
    """Pins plus started topics (kept where they were), keyed by topic, with their origin."""
    previous = {p.topic: p for p in problem.previous or ()}
    fixed: dict[str, tuple[Placement, str]] = {}
    for i, pin in enumerate(problem.pinned):
        where = f"pinned[{i}]"
        if pin.topic in fixed:
            raise ProblemError(f"{where}: topic {pin.topic!r} is pinned twice")
        fixed[pin.topic] = (pin, where)
    for i, topic in enumerate(problem.started):
        where = f"started[{i}]"
        if topic not in previous:
            raise ProblemError(f"{where}: started topic {topic!r} has no previous placement")
        kept = previous[topic]
        if topic in fixed and fixed[topic][0] != kept:
            raise ProblemError(
                f"{where}: started topic {topic!r} is pinned to room {fixed[topic][0].room!r} "
                f"slot {fixed[topic][0].slot!r} but started in room {kept.room!r} "
                f"slot {kept.slot!r}"
            )
        fixed.setdefault(topic, (kept, where))
    return fixed


def check_problem(problem: Problem) -> None:
    """Raise ProblemError for unknown ids, duplicates and contradictory pins."""
    room_index = _unique((r.id for r in problem.rooms), "room", "rooms")
    slot_index = _unique(problem.slots, "slot", "slots")
    topic_index = _unique((t.id for t in problem.topics), "topic", "topics")
    for i, room in enumerate(problem.rooms):
        if room.capacity < 0:
            raise ProblemError(
                f"rooms[{i}]: room {room.id!r} has negative capacity {room.capacity}"
            )

    def known(value: str, index: dict[str, int], kind: str, where: str) -> None:
        if value not in index:
            raise ProblemError(f"{where}: unknown {kind} {value!r}")

    for i, vote in enumerate(problem.votes):
        known(vote.topic, topic_index, "topic", f"votes[{i}]")
    for i, item in enumerate(problem.unavailable):
        known(item.topic, topic_index, "topic", f"unavailable[{i}]")
        known(item.slot, slot_index, "slot", f"unavailable[{i}]")
    for name, placements in (("pinned", problem.pinned), ("previous", problem.previous or ())):
        for i, p in enumerate(placements):
            known(p.topic, topic_index, "topic", f"{name}[{i}]")
            known(p.room, room_index, "room", f"{name}[{i}]")
            known(p.slot, slot_index, "slot", f"{name}[{i}]")
    for i, topic in enumerate(problem.started):
        known(topic, topic_index, "topic", f"started[{i}]")

    # The previous plan must itself be a plan, or "keep it unchanged" is ill-defined.
    seen_topics: set[str] = set()
    seen_cells: dict[tuple[str, str], str] = {}
    for i, p in enumerate(problem.previous or ()):
        if p.topic in seen_topics:
            raise ProblemError(f"previous[{i}]: topic {p.topic!r} is placed twice")
        seen_topics.add(p.topic)
        if (p.room, p.slot) in seen_cells:
            raise ProblemError(
                f"previous[{i}]: room {p.room!r} slot {p.slot!r} already holds topic "
                f"{seen_cells[p.room, p.slot]!r}"
            )
        seen_cells[p.room, p.slot] = p.topic

    hosts = {t.id: t.host for t in problem.topics}
    unavailable = set(problem.unavailable)
    cells: dict[tuple[str, str], str] = {}
    host_slots: dict[tuple[str, str], str] = {}
    for pin, where in _fixed_placements(problem).values():
        kept = "pinned to" if where.startswith("pinned") else "started in"
        if (pin.room, pin.slot) in cells:
            raise ProblemError(
                f"{where}: room {pin.room!r} slot {pin.slot!r} already holds topic "
                f"{cells[pin.room, pin.slot]!r}, so topic {pin.topic!r} cannot be {kept} it"
            )
        cells[pin.room, pin.slot] = pin.topic
        if (pin.topic, pin.slot) in unavailable:
            raise ProblemError(
                f"{where}: topic {pin.topic!r} is {kept} slot {pin.slot!r}, "
                "which is unavailable for it"
            )
        host = hosts[pin.topic]
        if (host, pin.slot) in host_slots:
            raise ProblemError(
                f"{where}: host {host!r} would hold both {host_slots[host, pin.slot]!r} and "
                f"{pin.topic!r} in slot {pin.slot!r}"
            )
        host_slots[host, pin.slot] = pin.topic


# ------------------------------------------------------------------ checking a plan


def missed_value(problem: Problem, placements: Iterable[tuple[str, str, str]]) -> int:
    """The objective, computed directly from a placement (independent of the MILP)."""
    audience: dict[str, set[str]] = {t.id: {t.host} for t in problem.topics}
    for voter, topic in problem.votes:
        audience[topic].add(voter)
    capacity = {r.id: r.capacity for r in problem.rooms}

    missed = 0
    placed: dict[str, tuple[str, str]] = {}
    for topic, room, slot in placements:
        placed[topic] = (room, slot)
    for topic, people in audience.items():
        if topic not in placed:
            missed += len(people)
        else:
            missed += max(0, len(people) - capacity[placed[topic][0]])
    per_person_slot: dict[tuple[str, str], int] = defaultdict(int)
    for topic, (_room, slot) in placed.items():
        for person in audience[topic]:
            per_person_slot[person, slot] += 1
    missed += sum(count - 1 for count in per_person_slot.values() if count > 1)
    return missed


def violations(problem: Problem, placements: Iterable[tuple[str, str, str]]) -> list[str]:
    """Hard-constraint violations of a placement; empty when it is a valid plan."""
    problems = []
    hosts = {t.id: t.host for t in problem.topics}
    unavailable = set(problem.unavailable)
    by_topic: dict[str, tuple[str, str]] = {}
    cells: dict[tuple[str, str], str] = {}
    host_slots: dict[tuple[str, str], str] = {}
    for topic, room, slot in placements:
        if topic in by_topic:
            problems.append(f"topic {topic!r} placed twice")
        by_topic[topic] = (room, slot)
        if (room, slot) in cells:
            problems.append(
                f"room {room!r} slot {slot!r} holds {cells[room, slot]!r} and {topic!r}"
            )
        cells[room, slot] = topic
        if (topic, slot) in unavailable:
            problems.append(f"topic {topic!r} placed in unavailable slot {slot!r}")
        host = hosts[topic]
        if (host, slot) in host_slots:
            problems.append(f"host {host!r} holds two topics in slot {slot!r}")
        host_slots[host, slot] = topic
    for pin, _where in _fixed_placements(problem).values():
        if by_topic.get(pin.topic) != (pin.room, pin.slot):
            problems.append(f"topic {pin.topic!r} not kept in room {pin.room!r} slot {pin.slot!r}")
    return problems


def _moved(problem: Problem, placements: Iterable[Placement]) -> int:
    before = {p.topic: (p.room, p.slot) for p in problem.previous or ()}
    after = {p.topic: (p.room, p.slot) for p in placements}
    return sum(before.get(t.id) != after.get(t.id) for t in problem.topics)


# ----------------------------------------------------------------------------- model


class _Milp:
    """Minimal row-wise model builder that hands one HighsLp to HiGHS."""

    def __init__(self) -> None:
        self.cost: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integer: list[bool] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []
        self.starts: list[int] = [0]
        self.index: list[int] = []
        self.value: list[float] = []

    def var(self, cost: float, lower: float, upper: float, integer: bool) -> int:
        self.cost.append(cost)
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(integer)
        return len(self.cost) - 1

    def row(self, terms: Mapping[int, float], lower: float, upper: float) -> None:
        for col, coef in terms.items():
            if coef:
                self.index.append(col)
                self.value.append(coef)
        self.starts.append(len(self.index))
        self.row_lower.append(lower)
        self.row_upper.append(upper)

    def lp(self, cost: list[float], offset: float) -> highspy.HighsLp:
        lp = highspy.HighsLp()
        lp.num_col_ = len(self.cost)
        lp.num_row_ = len(self.row_lower)
        lp.col_cost_ = np.array(cost, dtype=np.float64)
        lp.col_lower_ = np.array(self.lower, dtype=np.float64)
        lp.col_upper_ = np.array(self.upper, dtype=np.float64)
        lp.row_lower_ = np.array(self.row_lower, dtype=np.float64)
        lp.row_upper_ = np.array(self.row_upper, dtype=np.float64)
        lp.offset_ = offset
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.array(self.starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(self.index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(self.value, dtype=np.float64)
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
            for i in self.integer
        ]
        return lp


@dataclass
class _Run:
    values: list[float]
    bound: float
    proven: bool


@contextlib.contextmanager
def _c_stdout_silenced():
    """Send file descriptor 1 to /dev/null while HiGHS starts up.

    Some highspy releases (1.16) print a licence banner from C++ when a solver is created,
    before any option can turn logging off; Python-level redirection cannot catch it.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def _run(model: highspy.HighsLp, start: list[float] | None, time_limit: float | None) -> _Run:
    if model.num_col_ == 0:  # nothing can be placed: the empty plan is the only plan
        return _Run([], model.offset_, True)
    with _c_stdout_silenced():
        h = highspy.Highs()
        # Keep stdout clean for callers that print JSON: HiGHS logs to the console by default.
        h.setOptionValue("output_flag", False)
        h.setOptionValue("log_to_console", False)
    # The objective is integral, so a gap below 1 proves optimality; the default relative
    # gap (1e-4) would accept a worse plan on large instances.
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.999)
    # Measured on generated conferences: presolve finds nothing to remove here but its
    # restarts cost time, the start plan makes RINS/RENS redundant, and the bound is
    # closed by branching, where trusting pseudo-costs early beats strong branching.
    h.setOptionValue("presolve", "off")
    h.setOptionValue("mip_heuristic_run_rins", False)
    h.setOptionValue("mip_heuristic_run_rens", False)
    h.setOptionValue("mip_pscost_minreliable", 1)
    if time_limit is not None:
        h.setOptionValue("time_limit", max(float(time_limit), 0.0))
    h.passModel(model)
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = start
        solution.value_valid = True
        h.setSolution(solution)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if info.primal_solution_status != 2:  # kSolutionStatusFeasible
        if start is None:
            raise RuntimeError(f"HiGHS found no plan: {h.modelStatusToString(status)}")
        return _Run(start, -math.inf, False)
    values = list(h.getSolution().col_value)
    proven = status == highspy.HighsModelStatus.kOptimal
    return _Run(values, info.mip_dual_bound, proven)


@dataclass(frozen=True)
class _Choice:
    """One way the model may place a topic: a specific room, or any room of ``need`` seats."""

    topic: str
    slot: str
    room: str | None
    need: int
    gain: int
    forced: bool = False


def _needs(size: int, capacities: list[int]) -> list[int]:
    """Seat thresholds worth distinguishing for a topic of ``size`` people.

    Below ``size`` every capacity gives a different gain; at or above it any room will do,
    so the smallest such capacity stands for all of them. Rooms with no seats gain nothing.
    """
    below = [c for c in capacities if 0 < c < size]
    fitting = [c for c in capacities if c >= size and c > 0]
    return below + fitting[:1]


@dataclass
class _Model:
    milp: _Milp
    choices: list[_Choice]  # column i of the MILP is choices[i]
    clashes: list[tuple[int, frozenset[str], str]]  # (column, interest set, slot)
    offset: float


def _build(problem: Problem) -> _Model:
    """The MILP whose objective equals ``missed`` on every integral solution.

    Binary columns are placement choices, each worth ``gain`` seated people, so unplaced
    and overflow terms together are ``sum |V(t)| - sum gains`` (the constant is the offset).
    Continuous columns e >= (topics of an interest set running in slot s) - 1 carry the
    clash term; they need no integrality since the rows make them integral at the optimum.
    """
    topics = [t.id for t in problem.topics]
    slots = list(problem.slots)
    audience = _audience(problem)
    size = {t: len(people) for t, people in audience.items()}
    unavailable = set(problem.unavailable)
    fixed = {topic: pin for topic, (pin, _where) in _fixed_placements(problem).items()}
    capacity = {r.id: r.capacity for r in problem.rooms}
    capacities = sorted(set(capacity.values()))
    previous = {p.topic: p for p in problem.previous or ()}
    taken = {(pin.room, pin.slot): t for t, pin in fixed.items()}

    # Which room a topic gets only matters through its capacity, and rooms that are big
    # enough are all alike. So the model mostly decides "slot s, at least q seats" and
    # concrete rooms are handed out afterwards; this removes the symmetry between rooms.
    # Pins and staying in the previous room need one particular room and get their own
    # choice, which is what lets the second solve count moved topics exactly.

    choices: list[_Choice] = []
    for t in topics:
        if t in fixed:
            pin = fixed[t]
            gain = min(size[t], capacity[pin.room])
            choices.append(_Choice(t, pin.slot, pin.room, 0, gain, forced=True))
            continue
        old = previous.get(t)
        if old and (t, old.slot) not in unavailable and (old.room, old.slot) not in taken:
            choices.append(_Choice(t, old.slot, old.room, 0, min(size[t], capacity[old.room])))
        for s in slots:
            if (t, s) not in unavailable:
                for need in _needs(size[t], capacities):
                    choices.append(_Choice(t, s, None, need, min(size[t], need)))

    milp = _Milp()
    for c in choices:
        milp.var(-c.gain, 1.0 if c.forced else 0.0, 1.0, True)
    by_topic: dict[str, list[int]] = defaultdict(list)
    by_topic_slot: dict[tuple[str, str], list[int]] = defaultdict(list)
    for col, c in enumerate(choices):
        by_topic[c.topic].append(col)
        by_topic_slot[c.topic, c.slot].append(col)

    for t in topics:
        if len(by_topic[t]) > 1:
            milp.row(dict.fromkeys(by_topic[t], 1.0), -math.inf, 1.0)

    # Rooms exist for every choice iff, for each seat count q, the choices needing a room of
    # at least q seats do not outnumber such rooms (Hall's condition for nested sets).
    for s in slots:
        for q in capacities:
            if q <= 0:
                continue
            rooms_big_enough = sum(1 for cap in capacity.values() if cap >= q)
            needing = [
                col
                for col, c in enumerate(choices)
                if c.slot == s and (c.need >= q if c.room is None else capacity[c.room] >= q)
            ]
            if len(needing) > rooms_big_enough:
                milp.row(dict.fromkeys(needing, 1.0), -math.inf, float(rooms_big_enough))

    hosted: dict[str, list[str]] = defaultdict(list)
    for topic in problem.topics:
        hosted[topic.host].append(topic.id)
    for host_topics in hosted.values():
        if len(host_topics) > 1:
            for s in slots:
                host_cols = [col for t in host_topics for col in by_topic_slot[t, s]]
                if len({choices[col].topic for col in host_cols}) > 1:
                    milp.row(dict.fromkeys(host_cols, 1.0), -math.inf, 1.0)

    # People interested in the same set of topics clash identically, so one clash variable
    # per (interest set, slot) weighted by head count replaces one per person. Someone in
    # a single V(t) can never clash.
    interests: dict[str, set[str]] = defaultdict(set)
    for t, people in audience.items():
        for person in people:
            interests[person].add(t)
    groups: dict[frozenset[str], int] = defaultdict(int)
    for person_topics in interests.values():
        if len(person_topics) > 1:
            groups[frozenset(person_topics)] += 1
    clashes: list[tuple[int, frozenset[str], str]] = []
    for group, weight in sorted(groups.items(), key=lambda g: sorted(g[0])):
        for s in slots:
            present = [t for t in sorted(group) if by_topic_slot[t, s]]
            if len(present) > 1:
                e = milp.var(float(weight), 0.0, len(present) - 1.0, False)
                clashes.append((e, group, s))
                terms = {col: 1.0 for t in present for col in by_topic_slot[t, s]}
                terms[e] = -1.0
                milp.row(terms, -math.inf, 1.0)

    return _Model(milp, choices, clashes, float(sum(size.values())))


def _audience(problem: Problem) -> dict[str, set[str]]:
    audience: dict[str, set[str]] = {t.id: {t.host} for t in problem.topics}
    for voter, topic in problem.votes:
        audience[topic].add(voter)
    return audience


def solve(problem: Problem, time_limit: float | None = None) -> Solution:
    """Best plan for the problem; ``time_limit`` (seconds) caps the whole solve."""
    started_at = time.perf_counter()
    check_problem(problem)
    model = _build(problem)
    milp, choices = model.milp, model.choices
    previous = {p.topic: p for p in problem.previous or ()}

    planner = _Planner(problem, _audience(problem))
    # A bounded share of the time: HiGHS needs the rest to prove optimality.
    budget = 2.0 if time_limit is None else 0.15 * time_limit
    planner.search(started_at + budget, rounds=len(problem.topics))
    plan = planner.plan()
    start = _start_values(model, plan, problem)
    remaining = None if time_limit is None else time_limit - (time.perf_counter() - started_at)
    first = _run(milp.lp(milp.cost, model.offset), start, remaining)
    values = first.values
    proven = first.proven
    # Recomputed from the values so a fallback to the start plan is handled alike.
    found = round(model.offset + sum(c * v for c, v in zip(milp.cost, values, strict=True)))

    if problem.previous is not None:
        remaining = None
        if time_limit is not None:
            remaining = time_limit - (time.perf_counter() - started_at)
        if remaining is None or remaining > 0.01:
            # Second level: fewest moved topics among plans that miss no more people.
            # moved = previously placed topics not in their old cell + newly placed topics.
            cost = [0.0] * len(milp.cost)
            for col, c in enumerate(choices):
                old = previous.get(c.topic)
                if old is None:
                    cost[col] = 1.0
                elif c.room == old.room and c.slot == old.slot:
                    cost[col] = -1.0
            # The objective is integral, so "< found + 1/2" is "<= found" with slack for
            # the solver's tolerances.
            bound_row = {col: c for col, c in enumerate(milp.cost) if c}
            milp.row(bound_row, -math.inf, found - model.offset + 0.5)
            second = _run(milp.lp(cost, float(len(previous))), values, remaining)
            values = second.values
            proven = proven and second.proven
        else:
            proven = False

    picked = [c for col, c in enumerate(choices) if values[col] > 0.5]
    placements = _assign_rooms(problem, picked, previous)
    placed = {p.topic for p in placements}
    missed = missed_value(problem, placements)
    if first.proven:
        bound = found
    else:
        bound = max(0, math.ceil(first.bound - 1e-6)) if first.bound > -math.inf else 0
    return Solution(
        placements=placements,
        unplaced=[t.id for t in problem.topics if t.id not in placed],
        missed=missed,
        bound=min(bound, missed),
        optimal=proven,
        seconds=time.perf_counter() - started_at,
        moved=_moved(problem, placements) if problem.previous is not None else None,
    )


class _Planner:
    """Greedy construction and hill climbing on concrete plans, to give HiGHS a good start.

    On instances too large to finish within the time limit this start is often what
    gets returned, so it is worth more than a quick greedy pass.
    """

    def __init__(self, problem: Problem, audience: dict[str, set[str]]) -> None:
        self.problem = problem
        self.audience = audience
        self.host_of = {t.id: t.host for t in problem.topics}
        self.capacity = {r.id: r.capacity for r in problem.rooms}
        self.unavailable = set(problem.unavailable)
        self.fixed = {t: pin for t, (pin, _where) in _fixed_placements(problem).items()}
        self.cell_of: dict[str, tuple[str, str]] = {}
        self.occupant: dict[tuple[str, str], str] = {}
        self.count: dict[tuple[str, str], int] = defaultdict(int)
        self.busy_hosts: set[tuple[str, str]] = set()
        self.value = sum(len(people) for people in audience.values())
        for pin in self.fixed.values():
            self.add(pin.topic, pin.room, pin.slot)

    def add(self, t: str, room: str, slot: str) -> None:
        people = self.audience[t]
        clashes = sum(1 for p in people if self.count[p, slot])
        self.value += clashes - min(len(people), self.capacity[room])
        for p in people:
            self.count[p, slot] += 1
        self.cell_of[t] = (room, slot)
        self.occupant[room, slot] = t
        self.busy_hosts.add((self.host_of[t], slot))

    def remove(self, t: str) -> tuple[str, str]:
        room, slot = self.cell_of.pop(t)
        del self.occupant[room, slot]
        self.busy_hosts.discard((self.host_of[t], slot))
        people = self.audience[t]
        for p in people:
            self.count[p, slot] -= 1
        clashes = sum(1 for p in people if self.count[p, slot])
        self.value -= clashes - min(len(people), self.capacity[room])
        return room, slot

    def best_cell(self, t: str, exclude: tuple[str, str] | None = None) -> tuple[int, tuple]:
        """The free cell where adding t lowers missed most: (gain, (room, slot)), or (0, ())."""
        people = self.audience[t]
        best: tuple[int, tuple] = (0, ())
        for slot in self.problem.slots:
            if (t, slot) in self.unavailable or (self.host_of[t], slot) in self.busy_hosts:
                continue
            clashes = sum(1 for p in people if self.count[p, slot])
            for r in self.problem.rooms:
                cell = (r.id, slot)
                if cell != exclude and cell not in self.occupant and r.capacity > 0:
                    gain = min(len(people), r.capacity) - clashes
                    if gain > best[0]:
                        best = (gain, cell)
        return best

    def greedy(self) -> None:
        for t in sorted(self.audience, key=lambda t: (-len(self.audience[t]), t)):
            if t not in self.cell_of:
                gain, cell = self.best_cell(t)
                if gain > 0:
                    self.add(t, *cell)

    def climb(self, deadline: float) -> None:
        """Apply improving moves (add, drop, move, swap, replace) until none is left."""
        movable = [t.id for t in self.problem.topics if t.id not in self.fixed]
        improved = True
        while improved and time.perf_counter() < deadline:
            improved = False
            for t in movable:
                before = self.value
                if t not in self.cell_of:
                    gain, cell = self.best_cell(t)
                    if gain > 0:
                        self.add(t, *cell)
                        improved = True
                    continue
                old = self.remove(t)
                gain, cell = self.best_cell(t, exclude=old)
                if self.value - gain < before and cell:
                    self.add(t, *cell)
                    improved = True
                elif self.value < before:
                    improved = True  # dropping it helps
                else:
                    self.add(t, *old)
            for t1, t2 in _pairs(movable):
                if time.perf_counter() >= deadline:
                    return
                improved |= self._try_exchange(t1, t2)

    def _try_exchange(self, t1: str, t2: str) -> bool:
        """Swap the cells of two topics, or put an unplaced one in the other's cell.

        The change in missed is worked out without touching the plan (this runs for every
        pair of topics on each pass), and the move is made only if it helps.
        """
        if t1 not in self.cell_of:
            t1, t2 = t2, t1
        if t1 not in self.cell_of:
            return False
        room1, slot1 = self.cell_of[t1]
        cell2 = self.cell_of.get(t2)
        if not self._may_enter(t2, slot1, leaving=t1):
            return False
        v1, v2 = self.audience[t1], self.audience[t2]
        cap1 = self.capacity[room1]
        delta = min(len(v1), cap1) - min(len(v2), cap1)
        if cell2 is None:
            delta += self._clash_change(slot1, out=v1, into=v2)
            if delta < 0:
                self.remove(t1)
                self.add(t2, room1, slot1)
            return delta < 0
        room2, slot2 = cell2
        if not self._may_enter(t1, slot2, leaving=t2):
            return False
        cap2 = self.capacity[room2]
        delta += min(len(v2), cap2) - min(len(v1), cap2)
        if slot1 != slot2:
            delta += self._clash_change(slot1, out=v1, into=v2)
            delta += self._clash_change(slot2, out=v2, into=v1)
        if delta < 0:
            self.remove(t1)
            self.remove(t2)
            self.add(t1, room2, slot2)
            self.add(t2, room1, slot1)
        return delta < 0

    def _may_enter(self, t: str, slot: str, leaving: str) -> bool:
        """Whether t may take the place of ``leaving`` (which is in ``slot``)."""
        host = self.host_of[t]
        if (t, slot) in self.unavailable:
            return False
        if (host, slot) not in self.busy_hosts or host == self.host_of[leaving]:
            return True
        # The host is busy in that slot with t itself (a swap within one slot).
        return self.cell_of.get(t, ("", ""))[1] == slot

    def _clash_change(self, slot: str, out: set[str], into: set[str]) -> int:
        """Change in clashes in a slot when a topic with audience ``out`` is replaced by one
        with audience ``into``; people in both are unaffected."""
        change = 0
        for p in out:
            if p not in into and self.count[p, slot] >= 2:
                change -= 1
        for p in into:
            if p not in out and self.count[p, slot] >= 1:
                change += 1
        return change

    def search(self, deadline: float, rounds: int) -> None:
        """Iterated local search: perturb the best plan, climb again, keep improvements."""
        rng = random.Random(0)  # fixed seed: the same problem gives the same plan
        self.greedy()
        self.climb(deadline)
        best, best_value = self.plan(), self.value
        for _ in range(rounds):
            if time.perf_counter() >= deadline:
                break
            placed = sorted(t for t in self.cell_of if t not in self.fixed)
            for t in rng.sample(placed, min(len(placed), max(2, len(placed) // 6))):
                self.remove(t)
            self.climb(deadline)
            if self.value < best_value:
                best, best_value = self.plan(), self.value
            elif self.value > best_value:
                self.load(best)
        self.load(best)

    def load(self, plan: list[Placement]) -> None:
        for t in [t for t in self.cell_of if t not in self.fixed]:
            self.remove(t)
        for p in plan:
            if p.topic not in self.fixed:
                self.add(*p)

    def plan(self) -> list[Placement]:
        return [Placement(t, room, slot) for t, (room, slot) in self.cell_of.items()]


def _pairs(items: list[str]) -> Iterable[tuple[str, str]]:
    for i, first in enumerate(items):
        for second in items[i + 1 :]:
            yield first, second


def _start_values(model: _Model, plan: list[Placement], problem: Problem) -> list[float]:
    """Express a concrete plan in the model's variables."""
    index = {(c.topic, c.slot, c.room, c.need): col for col, c in enumerate(model.choices)}
    capacity = {r.id: r.capacity for r in problem.rooms}
    capacities = sorted(set(capacity.values()))
    size = {t: len(people) for t, people in _audience(problem).items()}
    values = [0.0] * len(model.milp.cost)
    placed_in: dict[str, set[str]] = defaultdict(set)
    for t, room, s in plan:
        col = index.get((t, s, room, 0))
        if col is None:
            cap = capacity[room]
            need = cap if cap < size[t] else _needs(size[t], capacities)[-1]
            col = index[t, s, None, need]
        values[col] = 1.0
        placed_in[s].add(t)
    for col, group, s in model.clashes:
        values[col] = float(max(0, len(group & placed_in[s]) - 1))
    return values


def _assign_rooms(
    problem: Problem, picked: list[_Choice], previous: dict[str, Placement]
) -> list[Placement]:
    """Turn the model's choices into concrete rooms.

    Specific-room choices keep their room. The rest go in order of decreasing need, each
    to its previous room if that is free and big enough, else the largest free room; any
    room big enough is safe at that point because later topics need no more seats.
    """
    capacity = {r.id: r.capacity for r in problem.rooms}
    room_order = {r.id: i for i, r in enumerate(problem.rooms)}
    topic_order = {t.id: i for i, t in enumerate(problem.topics)}
    slot_order = {s: i for i, s in enumerate(problem.slots)}
    used = {(c.room, c.slot) for c in picked if c.room is not None}
    placements = [Placement(c.topic, c.room, c.slot) for c in picked if c.room is not None]
    waiting = [c for c in picked if c.room is None]
    for c in sorted(waiting, key=lambda c: (-c.need, topic_order[c.topic])):
        old = previous.get(c.topic)
        if (
            old
            and old.slot == c.slot
            and (old.room, c.slot) not in used
            and capacity[old.room] >= c.need
        ):
            room = old.room
        else:
            room = min(
                (r for r in capacity if (r, c.slot) not in used and capacity[r] >= c.need),
                key=lambda r: (-capacity[r], room_order[r]),
            )
        used.add((room, c.slot))
        placements.append(Placement(c.topic, room, c.slot))
    placements.sort(key=lambda p: (slot_order[p.slot], room_order[p.room]))
    return placements
