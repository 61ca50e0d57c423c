#!/usr/bin/env bash
# Checks the GRDB export of every Playground script (and of the export fixtures in
# Tests/Fixtures/ExportScripts): the exported records compile against GRDB.swift 7.10.0, the
# exported migrator creates exactly the schema ORMLab created for the same script (sqlite_master:
# type, name, table and SQL of every table and index), and every association resolves its
# foreign key in GRDB. For each database fixture (Tests/Fixtures/*.sql written in another ORM's
# style), the model `ormlab export --db` infers from it compiles, and its records read that
# database itself, joining through every association: its real table and column names are
# their coding keys (there is no migrator schema to compare: the tables exist).
#
#   scripts/check-grdb-export.sh [SCRIPT.orm | FIXTURE.sql ...]     (default: all of them)
#
# The fixture package Tests/Fixtures/GRDBExportCheck is built once per script in
# .build-grdb-check (GRDB itself only the first time). Needs `swift build` of ormlab first.
set -euo pipefail
cd "$(dirname "$0")/.."

ORMLAB=${ORMLAB:-.build/debug/ormlab}
FIXTURE=Tests/Fixtures/GRDBExportCheck
SCRATCH=.build-grdb-check
SOURCES=$FIXTURE/Sources/GRDBExportCheck
WORK=$(mktemp -d)
trap 'rm -rf "$WORK" "$SOURCES/Model.swift" "$SOURCES/Checks.swift"' EXIT

if [ ! -x "$ORMLAB" ]; then
    echo "check-grdb-export: $ORMLAB not found; run swift build first" >&2
    exit 2
fi

databases=()
if [ $# -gt 0 ]; then
    scripts=()
    for argument in "$@"; do
        case "$argument" in
            *.sql) databases+=("$argument") ;;
            *) scripts+=("$argument") ;;
        esac
    done
else
    shopt -s nullglob
    scripts=(Playground/*.orm Tests/Fixtures/ExportScripts/*.orm)
    databases=(Tests/Fixtures/chinook-style.sql Tests/Fixtures/blog-snake-case.sql)
fi
if [ $(( ${#scripts[@]} + ${#databases[@]} )) -eq 0 ]; then
    echo "check-grdb-export: no scripts to check" >&2
    exit 2
fi

passed=0
failed=0
start=$(date +%s)
for script in ${scripts[@]+"${scripts[@]}"}; do
    name=$(basename "$script" .orm)
    if ! "$ORMLAB" export "$script" --style grdb -o "$SOURCES/Model.swift" 2>"$WORK/$name.err" \
        || ! "$ORMLAB" export "$script" --association-checks -o "$SOURCES/Checks.swift" 2>>"$WORK/$name.err" \
        || ! "$ORMLAB" export "$script" --print-schema >"$WORK/$name.ormlab" 2>>"$WORK/$name.err"; then
        echo "FAIL $script: ormlab export failed"
        sed 's/^/    /' "$WORK/$name.err"
        failed=$((failed + 1))
        continue
    fi
    if ! swift build --package-path "$FIXTURE" --scratch-path "$SCRATCH" >"$WORK/$name.build" 2>&1; then
        echo "FAIL $script: the GRDB export does not compile"
        grep -E "error:" "$WORK/$name.build" | head -20 | sed 's/^/    /'
        failed=$((failed + 1))
        continue
    fi
    if ! SWIFT_BACKTRACE=enable=no "$SCRATCH/debug/GRDBExportCheck" >"$WORK/$name.grdb" 2>"$WORK/$name.run"; then
        echo "FAIL $script: the exported migrator or an association failed at run time"
        head -20 "$WORK/$name.run" | sed 's/^/    /'
        failed=$((failed + 1))
        continue
    fi
    if ! diff -u --label "ORMLab's schema" --label "GRDB migrator's schema" "$WORK/$name.ormlab" "$WORK/$name.grdb" >"$WORK/$name.diff"; then
        echo "FAIL $script: the GRDB migrator creates a different schema"
        sed 's/^/    /' "$WORK/$name.diff"
        failed=$((failed + 1))
        continue
    fi
    echo "ok   $script: $(wc -l <"$WORK/$name.grdb" | tr -d ' ') schema objects identical, $(cat "$WORK/$name.run" | tr -d '\n')"
    passed=$((passed + 1))
done

for fixture in ${databases[@]+"${databases[@]}"}; do
    name=$(basename "$fixture" .sql)
    database="$WORK/$name.sqlite"
    python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).executescript(open(sys.argv[2], encoding="utf-8").read())' "$database" "$fixture"
    before=$(cksum <"$database")
    if ! "$ORMLAB" export --db "$database" --style grdb -o "$SOURCES/Model.swift" 2>"$WORK/$name.err" \
        || ! "$ORMLAB" export --db "$database" --association-checks -o "$SOURCES/Checks.swift" 2>>"$WORK/$name.err"; then
        echo "FAIL $fixture: ormlab export --db failed"
        sed 's/^/    /' "$WORK/$name.err"
        failed=$((failed + 1))
        continue
    fi
    if [ "$(cksum <"$database")" != "$before" ]; then
        echo "FAIL $fixture: ormlab export --db wrote to the database"
        failed=$((failed + 1))
        continue
    fi
    if ! swift build --package-path "$FIXTURE" --scratch-path "$SCRATCH" >"$WORK/$name.build" 2>&1; then
        echo "FAIL $fixture: the GRDB export of the inferred model does not compile"
        grep -E "error:" "$WORK/$name.build" | head -20 | sed 's/^/    /'
        failed=$((failed + 1))
        continue
    fi
    if ! ORMLAB_GRDB_DATABASE="$database" SWIFT_BACKTRACE=enable=no "$SCRATCH/debug/GRDBExportCheck" >/dev/null 2>"$WORK/$name.run"; then
        echo "FAIL $fixture: the exported records cannot read the database they were inferred from"
        head -20 "$WORK/$name.run" | sed 's/^/    /'
        failed=$((failed + 1))
        continue
    fi
    echo "ok   $fixture (ormlab export --db): $(cat "$WORK/$name.run" | tr -d '\n')"
    passed=$((passed + 1))
done

echo "grdb export check: $passed script(s) ok, $failed failing, in $(( $(date +%s) - start ))s"
[ "$failed" -eq 0 ]
