"""Settings live in one place: read from the environment in settings.py, listed in README,
and read by the rest of the code when it runs, so a deployment's values always apply."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "hubbub"
SETTINGS = SRC / "settings.py"
# Django needs the user model when a model class is defined; it is not a hubbub setting.
READ_AT_IMPORT_ALLOWED = {"AUTH_USER_MODEL"}


def modules():
    for path in sorted(SRC.rglob("*.py")):
        if path == SETTINGS or "migrations" in path.parts:
            continue
        yield path, ast.parse(path.read_text(), filename=str(path))


def environment_names(tree) -> set[str]:
    """Variables read with os.environ.get("X"), os.environ["X"] or env_bool("X")."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = ast.unparse(node.func)
            if func in {"os.environ.get", "os.getenv", "env_bool"}:
                names.add(node.args[0].value)
        elif (
            isinstance(node, ast.Subscript)
            and ast.unparse(node.value) == "os.environ"
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(node.slice.value)
    return names


def test_every_variable_settings_reads_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", readme, re.MULTILINE))
    read = environment_names(ast.parse(SETTINGS.read_text()))
    assert read, "found no environment variables in settings.py"
    assert read - documented == set(), "add these to README's configuration table"


def test_nothing_but_settings_reads_the_environment():
    offenders = []
    for path, tree in modules():
        for node in ast.walk(tree):
            text = ast.unparse(node) if isinstance(node, ast.Attribute) else ""
            if text in {"os.environ", "os.getenv"}:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    # The entry points name the settings module before Django starts; nothing else.
    allowed = {"src/hubbub/cli.py", "src/hubbub/asgi.py"}
    assert [o for o in offenders if o.split(":")[0] not in allowed] == []


def _settings_names(tree) -> set[str]:
    """Names bound to django.conf.settings in a module."""
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.conf"
        for alias in node.names
        if alias.name == "settings"
    }


def _reads_at_import(node, names, inside_function=False):
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        inside_function = True
    if (
        not inside_function
        and isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in names
        and node.attr not in READ_AT_IMPORT_ALLOWED
    ):
        yield node
    for child in ast.iter_child_nodes(node):
        yield from _reads_at_import(child, names, inside_function)


def test_no_module_reads_a_setting_at_import_time():
    offenders = []
    for path, tree in modules():
        names = _settings_names(tree)
        for node in _reads_at_import(tree, names):
            offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} settings.{node.attr}")
    assert offenders == []


def test_no_module_keeps_its_own_default_for_a_setting():
    """getattr(settings, "X", default) hides a default outside settings.py."""
    offenders = []
    for path, tree in modules():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and ast.unparse(node.func) == "getattr"
                and len(node.args) == 3
                and ast.unparse(node.args[0]) == "settings"
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
    assert offenders == []


def start_with(**env) -> subprocess.CompletedProcess:
    """Load the settings in a fresh interpreter with ``env``, as `hubbub serve` would."""
    return subprocess.run(
        [sys.executable, "-c", "import hubbub.settings"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"HUBBUB_SITE_URL": "live.example.org"}, "HUBBUB_SITE_URL"),
        ({"HUBBUB_DB_POOL_SIZE": "0"}, "HUBBUB_DB_POOL_SIZE"),
        ({"HUBBUB_DB_POOL_MIN": "20", "HUBBUB_DB_POOL_SIZE": "10"}, "HUBBUB_DB_POOL_MIN"),
        ({"HUBBUB_DB_POOL_TIMEOUT": "0"}, "HUBBUB_DB_POOL_TIMEOUT"),
        ({"HUBBUB_TRUSTED_PROXIES": "nginx.internal"}, "HUBBUB_TRUSTED_PROXIES"),
        ({"HUBBUB_HSTS_SECONDS": "-1"}, "HUBBUB_HSTS_SECONDS"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(tmp_path, env, named):
    result = start_with(HUBBUB_VAR_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert named in result.stderr.strip().splitlines()[-1]


def test_pool_settings_reach_the_postgresql_connection(tmp_path):
    code = (
        "import hubbub.settings as s; d = s.DATABASES['default'];"
        "print(d['CONN_MAX_AGE'], d['OPTIONS']['pool'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **os.environ,
            "HUBBUB_VAR_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://hubbub@db.internal:5432/hubbub",
            "HUBBUB_DB_POOL_SIZE": "7",
            "HUBBUB_DB_POOL_MIN": "3",
            "HUBBUB_DB_POOL_TIMEOUT": "4.5",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0 {'min_size': 3, 'max_size': 7, 'timeout': 4.5}"
