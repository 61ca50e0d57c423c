#!/usr/bin/env bash
# Everything CI checks, in one place: unit and integration tests, then every example that ships
# (Playground scripts; lessons and exports once they exist), each through the real binary.
set -euo pipefail
cd "$(dirname "$0")/.."
# Nothing here reads the terminal; a CI runner's open stdin must not keep a step waiting.
exec < /dev/null

echo "== build"
swift build --build-tests

# A private PostgreSQL server for the tests that need one (they skip, loudly, without it),
# stopped however this script ends.
pg_was_running=0
scripts/pg.sh status >/dev/null 2>&1 && pg_was_running=1
if pg_url="$(scripts/pg.sh start | tail -n 1)"; then
  export ORMLAB_TEST_PG="$pg_url"
  # A server the developer started with ./dev pg stays up.
  [ "$pg_was_running" -eq 1 ] || trap 'scripts/pg.sh stop || true' EXIT
  echo "== PostgreSQL for the tests: $ORMLAB_TEST_PG"
else
  echo "== no PostgreSQL server could be started: the PostgreSQL tests will be skipped" >&2
fi

echo "== tests"
# A hung test must fail the run with its output, not hold CI until its own time limit.
status=0
timeout --kill-after=30 1200 swift test --skip-build || status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "the tests did not finish within 20 minutes (a test hung; the last ones started are above)" >&2
fi
[ "$status" -eq 0 ] || exit "$status"

ORMLAB=.build/debug/ormlab
failed=0

echo "== Playground scripts"
for script in Playground/*.orm; do
  # A script written for PostgreSQL (`// database: postgres` among its first lines) runs on the
  # test server in a fresh schema; on SQLite it makes its writers wait (`database is locked`),
  # which its SQLite golden transcript pins (Tests/Transcripts/Playground-NN-….txt).
  if head -n 8 "$script" | grep -q '^// database: postgres'; then
    if [ -z "${ORMLAB_TEST_PG:-}" ]; then
      echo "SKIP $script: written for PostgreSQL and no server is up (ORMLAB_TEST_PG is not set); only its SQLite golden transcript ran"
      continue
    fi
    schema="playground_$(basename "$script" .orm | tr -c 'a-z0-9\n' '_')"
    psql "$ORMLAB_TEST_PG" -qc "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema" >/dev/null
    if "$ORMLAB" run "$script" --db "$ORMLAB_TEST_PG&options=-csearch_path%3D$schema" > /dev/null; then
      echo "ok   $script (on PostgreSQL)"
    else
      echo "FAIL $script on PostgreSQL (a command failed; run: $ORMLAB run $script --db <ORMLAB_TEST_PG>)"
      failed=$((failed + 1))
    fi
    psql "$ORMLAB_TEST_PG" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null || true
    continue
  fi
  if "$ORMLAB" run "$script" > /dev/null; then
    echo "ok   $script"
  else
    echo "FAIL $script (a command failed; run: $ORMLAB run $script)"
    failed=$((failed + 1))
  fi
done

if [ -d Lessons ] && ls Lessons/*.md >/dev/null 2>&1 && "$ORMLAB" lesson --help >/dev/null 2>&1; then
  echo "== lessons"
  # With ORMLAB_TEST_PG set, the lessons marked `database: postgres` are verified on the
  # server too (each sandbox a fresh schema; lesson 19 takes about 3 minutes).
  if [ -z "${ORMLAB_TEST_PG:-}" ]; then
    echo "NOTE: no PostgreSQL server: the PostgreSQL lessons (database: postgres) are NOT verified" >&2
  fi
  "$ORMLAB" lesson verify || failed=$((failed + 1))
fi

if [ -x scripts/check-grdb-export.sh ]; then
  echo "== GRDB export compiles and matches the schema"
  scripts/check-grdb-export.sh || failed=$((failed + 1))
fi

if [ -f Rosetta/tools/rosetta.py ]; then
  # Re-records every catalogue entry with every ORM whose toolchain installs here (pip venv,
  # apt's ruby-activerecord, the GRDB package) and fails on any difference; ~4 min cold.
  echo "== Rosetta catalogue re-recorded (./dev rosetta check)"
  if command -v python3 >/dev/null 2>&1; then
    python3 Rosetta/tools/rosetta.py check || failed=$((failed + 1))
  else
    echo "SKIP Rosetta check: python3 is not installed (it runs the recorders)"
  fi
fi

if [ -x scripts/fuzz.sh ]; then
  echo "== short fuzzing pass"
  scripts/fuzz.sh --ci || failed=$((failed + 1))
fi

if [ "$failed" -ne 0 ]; then
  echo "$failed example check(s) failed" >&2
  exit 1
fi
echo "all example checks passed"
