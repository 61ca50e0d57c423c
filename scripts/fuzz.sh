#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each for a bounded time.
#
#   scripts/fuzz.sh                  each target for 10 minutes (the "done" bar of issue 10)
#   scripts/fuzz.sh --ci             a debug build without ASan, the regression corpus, then 30 s per target (CI)
#   scripts/fuzz.sh --time 120       each target for 120 s
#   scripts/fuzz.sh --target parser  only one target (parser | interpreter); repeatable
#   scripts/fuzz.sh --no-asan        without AddressSanitizer (faster, finds less)
#   scripts/fuzz.sh --debug          a debug build (quicker to build, slower to run; --ci uses it)
#   scripts/fuzz.sh --build-only     build, do not run
#
# Targets: ParserFuzzer (bytes → lexer + parser + continuation check + rendered diagnostics) and
# InterpreterFuzzer (bytes → a script on a small in-memory schema → every report rendered plain,
# JSON and in panes). Sources in Fuzz/; they are in Package.swift only when ORMLAB_FUZZ is set.
#
# Corpora: the working corpus grows in .build-fuzz/corpus/<target> (not committed). Seeds come
# from Playground/*.orm and the ```orm blocks of Lessons/*.md; Fuzz/Regressions/<target> holds
# every input that once crashed or hung (committed; each is also a test in ReliabilityTests).
# A new finding is written to fuzz-out/<target>/ (crash-…, timeout-…, oom-…) and the script fails.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=600
configuration=release
asan=1
build_only=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --ci) seconds=30; configuration=debug; asan=0 ;;
    --debug) configuration=debug ;;
    --time) seconds="$2"; shift ;;
    --target) targets+=("$2"); shift ;;
    --no-asan) asan=0 ;;
    --build-only) build_only=1 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#targets[@]} -eq 0 ] && targets=(parser interpreter)

sanitizers="fuzzer"
[ "$asan" -eq 1 ] && sanitizers="fuzzer,address"
scratch=.build-fuzz

product_of() {
  case "$1" in
    parser) echo ParserFuzzer ;;
    interpreter) echo InterpreterFuzzer ;;
    *) echo "fuzz.sh: unknown target $1 (parser | interpreter)" >&2; exit 2 ;;
  esac
}

echo "== building fuzzers ($configuration, -sanitize=$sanitizers, scratch path $scratch)"
for target in "${targets[@]}"; do
  product=$(product_of "$target")
  ORMLAB_FUZZ=1 swift build -c "$configuration" --scratch-path "$scratch" --manifest-cache local --product "$product" \
    -Xswiftc -sanitize="$sanitizers" -Xswiftc -use-ld=lld >&2
done
bin="$(ORMLAB_FUZZ=1 swift build -c "$configuration" --scratch-path "$scratch" --manifest-cache local --show-bin-path)"
[ "$build_only" -eq 1 ] && exit 0

# Seeds: each Playground script whole and command by command, and each ```orm block of a lesson.
seeds="$scratch/seeds"
rm -rf "$seeds"
mkdir -p "$seeds"
for script in Playground/*.orm; do
  [ -f "$script" ] || continue
  base=$(basename "$script" .orm)
  cp "$script" "$seeds/$base.orm"
  awk -v dir="$seeds" -v base="$base" 'NF && $0 !~ /^[[:space:]]*\/\// { n++; print > (dir "/" base "-line" n ".orm"); close(dir "/" base "-line" n ".orm") }' "$script"
done
for lesson in Lessons/*.md; do
  [ -f "$lesson" ] || continue
  base=$(basename "$lesson" .md)
  awk -v dir="$seeds" -v base="$base" '
    /^```orm/ { inside = 1; n++; file = dir "/" base "-block" n ".orm"; printf "" > file; next }
    /^```/ && inside { inside = 0; close(file); next }
    inside { print >> file }' "$lesson"
done

failed=0
for target in "${targets[@]}"; do
  product=$(product_of "$target")
  corpus="$scratch/corpus/$target"
  regressions="Fuzz/Regressions/$target"
  artifacts="fuzz-out/$target"
  mkdir -p "$corpus" "$regressions" "$artifacts"
  # The parser is fast and takes any length; the interpreter runs each input on a fresh database.
  if [ "$target" = parser ]; then limits=(-max_len=8192 -timeout=5); else limits=(-max_len=2048 -timeout=30); fi
  common=(-dict=Fuzz/orm.dict -rss_limit_mb=3072 -artifact_prefix="$artifacts/" -print_final_stats=1 "${limits[@]}")

  if [ -n "$(ls -A "$regressions")" ]; then
    # Named one by one, each input runs whole (a corpus directory would be cut at -max_len).
    echo "== $product: regression corpus ($(ls "$regressions" | wc -l) inputs)"
    if ! "$bin/$product" -rss_limit_mb=3072 -timeout=60 "$regressions"/* > "$artifacts/regressions.log" 2>&1; then
      echo "FAIL: a regression input crashes again; see $artifacts/regressions.log" >&2
      tail -30 "$artifacts/regressions.log" >&2
      failed=$((failed + 1))
      continue
    fi
  fi

  echo "== $product: fuzzing for ${seconds}s"
  log="$artifacts/fuzz.log"
  if "$bin/$product" "${common[@]}" -max_total_time="$seconds" "$corpus" "$seeds" "$regressions" > "$log" 2>&1; then
    grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true
    grep -E 'stat::number_of_executed_units' "$log" || true
  else
    echo "FAIL: $product found a problem; the input is in $artifacts/ (log: $log)" >&2
    grep -E 'ERROR|SUMMARY|Test unit written|artifact' "$log" | head -20 >&2 || true
    failed=$((failed + 1))
  fi
done

if [ "$failed" -ne 0 ]; then exit 1; fi
echo "fuzzing: no findings"
