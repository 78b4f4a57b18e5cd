"""Unconference placement: the MILP solver on generated, seeded delegate marks.

Target: the one-day conference case (120 delegates, 24 pitches, 6 rooms, 2 slots) solved to a
proven optimum within 10 s. The open-space case (300 delegates, 60 topics, 10 rooms, 4 slots)
runs against a 30 s limit and reports the plan found and the solver's proven lower bound.

    .venv/bin/python bench/unconf_placement.py [--seed 2024] [--sweep 10]

Prints a markdown table. `--sweep N` also solves the conference case for seeds 0..N-1.
"""

import argparse
import random
import time

from hubbub.unconf.solver import (
    Problem,
    Room,
    Solution,
    Topic,
    Vote,
    missed_value,
    solve,
    violations,
)

CONFERENCE_ROOMS = [40, 30, 25, 20, 15, 15]
OPEN_SPACE_ROOMS = [40, 35, 30, 30, 25, 25, 20, 20, 15, 15]


def generate(
    seed: int,
    delegates: int,
    topics: int,
    capacities: list[int],
    slots: int,
    marks: float = 5.0,
    zipf: float = 0.9,
) -> Problem:
    """Delegates mark about `marks` topics each; topic popularity follows a Zipf-like law."""
    rng = random.Random(seed)
    people = [f"d{i:03d}" for i in range(delegates)]
    # Most hosts pitch once and a few twice, which brings the host rule into play.
    hosts = rng.sample(people, topics - topics // 8)
    hosts += rng.sample(hosts, topics - len(hosts))
    rng.shuffle(hosts)
    pitches = [Topic(f"t{i:02d}", hosts[i]) for i in range(topics)]
    weights = [1.0 / (rank + 1) ** zipf for rank in range(topics)]
    rng.shuffle(weights)
    votes = []
    for person in people:
        wanted = max(1, min(topics, round(rng.gauss(marks, 1.5))))
        chosen: set[int] = set()
        while len(chosen) < wanted:
            chosen.add(rng.choices(range(topics), weights)[0])
        votes += [Vote(person, pitches[i].id) for i in sorted(chosen)]
    rooms = [Room(f"room{i + 1}", cap) for i, cap in enumerate(capacities)]
    return Problem(rooms, [f"slot{i + 1}" for i in range(slots)], pitches, votes)


def conference(seed: int) -> Problem:
    return generate(seed, 120, 24, CONFERENCE_ROOMS, 2)


def open_space(seed: int) -> Problem:
    return generate(seed, 300, 60, OPEN_SPACE_ROOMS, 4)


def with_late_marks(problem: Problem, solution: Solution, seed: int, count: int) -> Problem:
    """Marks that arrive after the board went up, with the first slot already running."""
    rng = random.Random(seed)
    people = sorted({v.voter for v in problem.votes})
    late = [Vote(rng.choice(people), rng.choice(problem.topics).id) for _ in range(count)]
    return Problem(
        problem.rooms,
        problem.slots,
        problem.topics,
        problem.votes + late,
        previous=list(solution.placements),
        started=[p.topic for p in solution.placements if p.slot == problem.slots[0]],
    )


def run(problem: Problem, limit: float) -> tuple[Solution, float, float]:
    """Solve; return the solution, wall seconds and CPU seconds (the latter is what to compare
    when the machine is busy with other work)."""
    began, cpu = time.perf_counter(), time.process_time()
    solution = solve(problem, time_limit=limit)
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    # The reported figures must describe a real plan.
    assert violations(problem, solution.placements) == []
    assert missed_value(problem, solution.placements) == solution.missed
    return solution, elapsed, cpu


def row(name: str, problem: Problem, result: tuple[Solution, float, float], limit: float) -> str:
    solution, elapsed, cpu = result
    moved = "-" if solution.moved is None else str(solution.moved)
    return (
        f"| {name} | {len(problem.votes)} | {solution.missed} | {solution.bound} | "
        f"{'yes' if solution.optimal else 'no'} | {moved} | {elapsed:.2f} | {cpu:.2f} | "
        f"{limit:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--sweep", type=int, default=0, metavar="N")
    args = parser.parse_args()

    print("| case | marks | missed | bound | optimal | moved | seconds | CPU s | limit (s) |")
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|")

    problem = conference(args.seed)
    result = run(problem, 10.0)
    print(row("conference: 120 delegates, 24 pitches, 6 rooms x 2 slots", problem, result, 10.0))

    replan = with_late_marks(problem, result[0], args.seed + 1, 15)
    print(row("conference re-plan: 15 late marks, slot 1 running", replan, run(replan, 10.0), 10.0))

    problem = open_space(args.seed)
    result = run(problem, 30.0)
    print(row("open space: 300 delegates, 60 topics, 10 rooms x 4 slots", problem, result, 30.0))

    if args.sweep:
        walls, cpus, proven = [], [], 0
        for seed in range(args.sweep):
            solution, elapsed, cpu = run(conference(seed), 10.0)
            walls.append(elapsed)
            cpus.append(cpu)
            proven += solution.optimal
        print()
        print(
            f"Conference sweep, seeds 0-{args.sweep - 1}: {proven}/{args.sweep} proven optimal; "
            f"seconds median {sorted(walls)[len(walls) // 2]:.2f}, max {max(walls):.2f}; "
            f"CPU s median {sorted(cpus)[len(cpus) // 2]:.2f}, max {max(cpus):.2f}."
        )


if __name__ == "__main__":
    main()
