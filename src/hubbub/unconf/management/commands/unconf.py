"""``hubbub unconf solve PROBLEM.json``: place unconference topics from a JSON problem.

Prints the plan as JSON on stdout and nothing else, so the output can be piped. Bad input
(unreadable file, malformed JSON, unknown ids, contradictory pins) exits with status 2 and a
one-line message naming the offending item.
"""

import argparse
import json
import math
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hubbub.unconf import solver


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {value!r}")
    return seconds


class Command(BaseCommand):
    help = "Unconference tools. `solve PROBLEM.json` places topics into rooms and slots."
    # Pure computation on a file: no database, so no system checks either.
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        solve = actions.add_parser(
            "solve",
            help="Place topics so as few people as possible miss one they marked.",
            description=(
                "Read a placement problem (rooms, slots, topics, votes, and optionally pinned, "
                "unavailable, previous, started) and print the best plan as JSON."
            ),
        )
        solve.add_argument("problem", metavar="PROBLEM.json", help="problem file, or - for stdin")
        solve.add_argument(
            "--time-limit",
            type=_seconds,
            default=None,
            metavar="SECONDS",
            help="stop searching after this long and print the best plan found",
        )
        solve.add_argument(
            "--explain",
            action="store_true",
            help="also print the proven lower bound, whether the plan is optimal, and the time",
        )

    def handle(self, *args, **options) -> None:
        if options["action"] == "solve":
            self.solve(options["problem"], options["time_limit"], options["explain"])

    def solve(self, path: str, time_limit: float | None, explain: bool) -> None:
        data = self.read(path)
        try:
            problem = solver.parse_problem(data)
        except solver.ProblemError as exc:
            raise CommandError(_one_line(f"{path}: {exc}"), returncode=2) from exc
        solution = solver.solve(problem, time_limit=time_limit)
        output: dict = {
            "placements": [
                {"topic": p.topic, "room": p.room, "slot": p.slot} for p in solution.placements
            ],
            "unplaced": solution.unplaced,
            "missed": solution.missed,
        }
        if explain:
            output["bound"] = solution.bound
            output["optimal"] = solution.optimal
            output["seconds"] = round(solution.seconds, 3)
        self.stdout.write(json.dumps(output, indent=2))

    def read(self, path: str):
        try:
            if path == "-":
                text = sys.stdin.read()
            else:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise CommandError(_one_line(f"{path}: cannot read: {reason}"), returncode=2) from exc
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            message = f"{path}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
            raise CommandError(_one_line(message), returncode=2) from exc


def _one_line(message: str) -> str:
    return " ".join(message.split())
