#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and runs each one for
# FUZZ_SECONDS seconds on its seed corpus (docs/reliability.md, "Fuzzing").
#
#   scripts/fuzz.sh [--build-only] [TARGET...]     (targets: request dsm_reply username_rule config)
#
# Environment: FUZZ_SECONDS (60 per target), FUZZ_BUILD_DIR (build-fuzz), FUZZ_JOBS (2),
# FUZZ_WORK_DIR (FUZZ_BUILD_DIR/fuzz-work), FUZZ_ARGS (extra libFuzzer flags, e.g. "-jobs=2").
#
# New inputs go to FUZZ_WORK_DIR/<target>/corpus, never into the repository; the seed corpus
# fuzz/corpus/<target>/ is only read. A crash, leak, timeout or out-of-memory input is kept in
# FUZZ_WORK_DIR/<target>/artifacts/ and makes the script exit non-zero. To turn a found input into a
# permanent regression test, copy it into fuzz/corpus/<target>/ (ctest replays that directory).
set -uo pipefail

REPO_DIR="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="${FUZZ_BUILD_DIR:-$REPO_DIR/build-fuzz}"
WORK_DIR="${FUZZ_WORK_DIR:-$BUILD_DIR/fuzz-work}"
SECONDS_PER_TARGET="${FUZZ_SECONDS:-60}"
JOBS="${FUZZ_JOBS:-2}"
ALL_TARGETS=(request dsm_reply username_rule config)

build_only=0
targets=()
for arg in "$@"; do
  case "$arg" in
    --build-only) build_only=1 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *)
      if [[ " ${ALL_TARGETS[*]} " != *" $arg "* ]]; then
        echo "fuzz.sh: unknown target '$arg' (targets: ${ALL_TARGETS[*]})" >&2
        exit 2
      fi
      targets+=("$arg") ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")

for tool in clang clang++ cmake; do
  command -v "$tool" >/dev/null || { echo "fuzz.sh: $tool not found (apt-get install clang libclang-rt-dev cmake)" >&2; exit 2; }
done

mkdir -p "$BUILD_DIR"
echo "== configure $BUILD_DIR (clang, -DPUQ_FUZZ=ON)"
CC=clang CXX=clang++ cmake -S "$REPO_DIR" -B "$BUILD_DIR" -DPUQ_FUZZ=ON -DPUQ_BUILD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$BUILD_DIR/configure.log" 2>&1 || {
  cat "$BUILD_DIR/configure.log" >&2
  exit 2
}
build_targets=()
for t in "${targets[@]}"; do build_targets+=("fuzz_$t"); done
echo "== build ${build_targets[*]} (-j$JOBS)"
cmake --build "$BUILD_DIR" -j"$JOBS" --target "${build_targets[@]}" || exit 2
[ "$build_only" -eq 0 ] || exit 0

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

status=0
summary=()
for t in "${targets[@]}"; do
  work="$WORK_DIR/$t"
  mkdir -p "$work/corpus" "$work/artifacts"
  dict=()
  [ -f "$REPO_DIR/fuzz/dicts/$t.dict" ] && dict=(-dict="$REPO_DIR/fuzz/dicts/$t.dict")
  echo "== fuzz_$t for ${SECONDS_PER_TARGET}s (log $work/fuzz.log)"
  # shellcheck disable=SC2086
  "$BUILD_DIR/fuzz/fuzz_$t" -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 "${dict[@]}" -artifact_prefix="$work/artifacts/" ${FUZZ_ARGS:-} \
    "$work/corpus" "$REPO_DIR/fuzz/corpus/$t" >"$work/fuzz.log" 2>&1
  rc=$?
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$work/fuzz.log" | tail -n1 | grep -oE '[0-9]+$')
  speed=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$work/fuzz.log" | tail -n1 | grep -oE '[0-9]+$')
  rss=$(grep -oE 'stat::peak_rss_mb: *[0-9]+' "$work/fuzz.log" | tail -n1 | grep -oE '[0-9]+$')
  last=$(grep -E '^#[0-9]+' "$work/fuzz.log" | tail -n1)
  cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+')
  ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+')
  corp=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' <<<"$last" | sed 's/corp: //')
  artifacts=$(find "$work/artifacts" -type f | wc -l)
  result="ok"
  if [ "$rc" -ne 0 ] || [ "$artifacts" -gt 0 ]; then
    result="FAILED (exit $rc; inputs kept in $work/artifacts/)"
    grep -E 'ERROR: |SUMMARY: |runtime error|FUZZ_CHECK|terminate called' "$work/fuzz.log" | head -n 5
    status=1
  fi
  summary+=("$(printf '%-14s execs %-10s exec/s %-7s cov %-6s ft %-6s corpus %-12s rss %4s MB  %s' \
    "$t" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "${rss:-?}" "$result")")
done

echo
echo "== summary (${SECONDS_PER_TARGET}s per target; corpus = inputs/size incl. seeds)"
printf '%s\n' "${summary[@]}"
exit $status
