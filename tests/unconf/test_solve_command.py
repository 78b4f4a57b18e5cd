"""`hubbub unconf solve PROBLEM.json`: JSON in, JSON out, exit status 2 on bad input."""

import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

PROBLEM = {
    "rooms": [{"id": "hall", "capacity": 20}, {"id": "nook", "capacity": 2}],
    "slots": [{"id": "am"}, {"id": "pm"}],
    "topics": [
        {"id": "t1", "host": "alice"},
        {"id": "t2", "host": "alice"},
        {"id": "t3", "host": "bob"},
        {"id": "t4", "host": "dan"},
    ],
    "votes": [
        {"voter": "bob", "topic": "t1"},
        {"voter": "carol", "topic": "t1"},
        {"voter": "carol", "topic": "t2"},
        {"voter": "erin", "topic": "t3"},
        {"voter": "fay", "topic": "t3"},
        {"voter": "gus", "topic": "t3"},
    ],
    "pinned": [{"topic": "t3", "room": "hall", "slot": "pm"}],
    "unavailable": [{"topic": "t1", "slot": "pm"}],
}


def write(tmp_path, data, name="problem.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def solve_output(capfd, *args):
    """Run the command and return its stdout parsed whole: any stray byte, even one written
    by HiGHS at the C level, makes json.loads fail."""
    call_command("unconf", "solve", *args)
    out, err = capfd.readouterr()
    assert err == ""
    return json.loads(out)


def test_solve_command_prints_only_the_plan_as_json(tmp_path, capfd):
    result = solve_output(capfd, write(tmp_path, PROBLEM))
    assert set(result) == {"placements", "unplaced", "missed"}
    placements = result["placements"]
    assert {"topic": "t3", "room": "hall", "slot": "pm"} in placements  # pinned
    assert {"topic": "t1", "room": "hall", "slot": "am"} in placements  # t1 cannot be in pm
    slots = {p["topic"]: p["slot"] for p in placements}
    assert slots.get("t2") != "am"  # alice hosts t1 in am
    assert result["missed"] == 0 and result["unplaced"] == []
    # Slot order first, then room order.
    order = [(["am", "pm"].index(p["slot"]), ["hall", "nook"].index(p["room"])) for p in placements]
    assert order == sorted(order)


def test_solve_command_reports_unplaced_topics_and_missed_people(tmp_path, capfd):
    data = dict(PROBLEM, slots=[{"id": "am"}], pinned=[], unavailable=[])
    result = solve_output(capfd, write(tmp_path, data))
    # One slot and two rooms. Best: t3 (4 people) in the hall and t2 (alice, carol) in the
    # nook; t1 (3) and t4 (1) are missed. Anything with t1 costs more: alice cannot host t1
    # and t2 together, and bob would have to choose between t1 and t3.
    assert result["missed"] == 3 + 1
    assert result["unplaced"] == ["t1", "t4"]


def test_solve_command_explain_adds_bound_optimality_and_time(tmp_path, capfd):
    result = solve_output(capfd, write(tmp_path, PROBLEM), "--explain", "--time-limit", "10")
    assert set(result) == {"placements", "unplaced", "missed", "bound", "optimal", "seconds"}
    assert result["optimal"] is True
    assert result["bound"] == result["missed"]
    assert 0 <= result["seconds"] < 10


def test_solve_command_reads_stdin_for_a_dash(capfd, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(PROBLEM)))
    result = solve_output(capfd, "-")
    assert result["missed"] == 0


def test_solve_command_keeps_started_topics_when_replanning(tmp_path, capfd):
    data = dict(
        PROBLEM,
        previous=[
            {"topic": "t1", "room": "nook", "slot": "am"},
            {"topic": "t3", "room": "hall", "slot": "pm"},
        ],
        started=["t1"],
    )
    result = solve_output(capfd, write(tmp_path, data))
    assert {"topic": "t1", "room": "nook", "slot": "am"} in result["placements"]


BAD = {
    "malformed JSON": ('{"rooms": [', "line 1"),
    "top level not an object": ("[1, 2]", "problem"),
    "missing key": (json.dumps({k: v for k, v in PROBLEM.items() if k != "topics"}), "'topics'"),
    "wrong type": (json.dumps(dict(PROBLEM, votes={"voter": "x"})), "votes"),
    "negative capacity": (
        json.dumps(dict(PROBLEM, rooms=[{"id": "hall", "capacity": -5}])),
        "'hall'",
    ),
    "unknown topic in votes": (
        json.dumps(dict(PROBLEM, votes=[{"voter": "x", "topic": "t99"}])),
        "'t99'",
    ),
    "unknown room in pinned": (
        json.dumps(dict(PROBLEM, pinned=[{"topic": "t1", "room": "attic", "slot": "am"}])),
        "'attic'",
    ),
    "unknown slot in unavailable": (
        json.dumps(dict(PROBLEM, unavailable=[{"topic": "t1", "slot": "night"}])),
        "'night'",
    ),
    "unknown topic in previous": (
        json.dumps(dict(PROBLEM, previous=[{"topic": "t99", "room": "hall", "slot": "am"}])),
        "'t99'",
    ),
    "duplicate id": (
        json.dumps(dict(PROBLEM, slots=[{"id": "am"}, {"id": "am"}])),
        "'am'",
    ),
    "two pins on one room and slot": (
        json.dumps(
            dict(
                PROBLEM,
                pinned=[
                    {"topic": "t3", "room": "hall", "slot": "pm"},
                    {"topic": "t4", "room": "hall", "slot": "pm"},
                ],
            )
        ),
        "'hall' slot 'pm'",
    ),
    "topic pinned twice": (
        json.dumps(
            dict(
                PROBLEM,
                pinned=[
                    {"topic": "t3", "room": "hall", "slot": "pm"},
                    {"topic": "t3", "room": "nook", "slot": "am"},
                ],
            )
        ),
        "'t3'",
    ),
    "pin to an unavailable slot": (
        json.dumps(dict(PROBLEM, pinned=[{"topic": "t1", "room": "hall", "slot": "pm"}])),
        "'t1'",
    ),
    "host pinned into two topics in one slot": (
        json.dumps(
            dict(
                PROBLEM,
                pinned=[
                    {"topic": "t1", "room": "hall", "slot": "am"},
                    {"topic": "t2", "room": "nook", "slot": "am"},
                ],
            )
        ),
        "'alice'",
    ),
}


@pytest.mark.parametrize("text,item", BAD.values(), ids=BAD.keys())
def test_solve_command_rejects_bad_input_with_status_2(tmp_path, capfd, text, item):
    with pytest.raises(CommandError) as raised:
        call_command("unconf", "solve", write(tmp_path, text))
    assert raised.value.returncode == 2
    message = str(raised.value)
    assert item in message and "\n" not in message
    assert capfd.readouterr().out == ""


def test_solve_command_rejects_a_missing_file_with_status_2(tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command("unconf", "solve", str(tmp_path / "nowhere.json"))
    assert raised.value.returncode == 2
    assert "nowhere.json" in str(raised.value)


def test_solve_command_rejects_a_directory_with_status_2(tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command("unconf", "solve", str(tmp_path))
    assert raised.value.returncode == 2
    assert str(tmp_path) in str(raised.value)


def run_cli(*args, stdin=None):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="tests.settings")
    return subprocess.run(
        [sys.executable, "-m", "hubbub.cli", "unconf", "solve", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_solve_command_line_stdout_is_pure_json(tmp_path):
    done = run_cli(write(tmp_path, PROBLEM), "--explain")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["optimal"] is True
    assert done.stderr == ""


def test_solve_command_line_exits_2_with_one_line_on_stderr(tmp_path):
    bad = dict(PROBLEM, votes=[{"voter": "x", "topic": "t99"}])
    done = run_cli("-", stdin=json.dumps(bad))
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "'t99'" in lines[0]
