#!/usr/bin/env bash
# Second test pass: the database-backed tests again, on PostgreSQL.
# Skips with a visible reason when PostgreSQL is unreachable, unless HUBBUB_REQUIRE_SERVICES=1.
set -euo pipefail
url="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hubbub}"
if ! .venv/bin/python - "$url" <<'PY'
import sys

import dj_database_url
import psycopg

cfg = dj_database_url.parse(sys.argv[1])
try:
    psycopg.connect(
        host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], password=cfg["PASSWORD"],
        dbname="postgres", connect_timeout=3,
    ).close()
except Exception as exc:
    print(f"PostgreSQL not reachable at {sys.argv[1]}: {exc}", file=sys.stderr)
    sys.exit(1)
PY
then
  if [ "${HUBBUB_REQUIRE_SERVICES:-0}" = "1" ]; then
    echo "FAILED: HUBBUB_REQUIRE_SERVICES=1 and PostgreSQL is not reachable." >&2
    exit 1
  fi
  echo "SKIPPED: the PostgreSQL test pass (PostgreSQL not reachable; set TEST_DATABASE_URL)."
  exit 0
fi
echo "== test pass on PostgreSQL ($url) =="
DATABASE_URL="$url" exec .venv/bin/python -m pytest -m "not e2e" -p no:cacheprovider
