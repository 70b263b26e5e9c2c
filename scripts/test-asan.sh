#!/usr/bin/env bash
# The Catch2 tests (and the fuzz corpus replays) under sanitizers (docs/reliability.md, "Sanitizers").
#
#   scripts/test-asan.sh [--tsan] [CTEST_ARGS...]
#
# Default: AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer. Configures build-asan/ with
#   -DPUQ_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug, builds everything, runs ctest there (the ctest fixture
#   "db" starts its own private MariaDB). Any report stops the test that made it (halt_on_error).
# --tsan: ThreadSanitizer on the concurrent suites (test_dsm, test_common, test_usage when present):
#   build-tsan/ with -DPUQ_TSAN=ON (RelWithDebInfo: TSan at -O0 is too slow for the timing tests).
#
# Environment: ASAN_BUILD_DIR / TSAN_BUILD_DIR, JOBS (2). Extra CTEST_ARGS go to ctest (e.g. -R test_dsm).
# Leak reports from third-party libraries are suppressed in tests/sanitizers/lsan.supp (each entry says
# why); project code is never suppressed. Prints the wall time of the build and of the run.
set -uo pipefail

REPO_DIR="$(cd "$(dirname "$0")/.." && pwd)"
JOBS="${JOBS:-2}"
mode=asan
if [ "${1:-}" = "--tsan" ]; then
  mode=tsan
  shift
fi

SUPP_DIR="$REPO_DIR/tests/sanitizers"
if [ "$mode" = asan ]; then
  BUILD_DIR="${ASAN_BUILD_DIR:-$REPO_DIR/build-asan}"
  # Unity build of the libraries (tests stay one file per unit): 4.6 min instead of 9 on 2 cores.
  cmake_flags=(-DPUQ_SANITIZE=ON -DPUQ_TSAN=OFF -DCMAKE_BUILD_TYPE=Debug -DCMAKE_UNITY_BUILD=ON
               -DCMAKE_UNITY_BUILD_BATCH_SIZE=16)
  build_targets=(all)
  ctest_filter=()
  export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:strict_init_order=1"
  export LSAN_OPTIONS="suppressions=$SUPP_DIR/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
else
  BUILD_DIR="${TSAN_BUILD_DIR:-$REPO_DIR/build-tsan}"
  cmake_flags=(-DPUQ_TSAN=ON -DPUQ_SANITIZE=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo)
  suites=(test_dsm test_common)
  [ -n "$(ls "$REPO_DIR"/tests/unit/usage/*.cpp 2>/dev/null)" ] && suites+=(test_usage)
  build_targets=("${suites[@]}")
  ctest_filter=(-R "^($(IFS='|'; echo "${suites[*]}"))\$")
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:history_size=4:suppressions=$SUPP_DIR/tsan.supp"
fi

started=$(date +%s)
echo "== configure $BUILD_DIR (${cmake_flags[*]})"
cmake -S "$REPO_DIR" -B "$BUILD_DIR" "${cmake_flags[@]}" >/dev/null || exit 2
echo "== build ${build_targets[*]} (-j$JOBS)"
cmake --build "$BUILD_DIR" -j"$JOBS" --target "${build_targets[@]}" || exit 2
built=$(date +%s)

echo "== ctest ($mode) ${ctest_filter[*]} $*"
(cd "$BUILD_DIR" && ctest --output-on-failure -j1 "${ctest_filter[@]}" "$@")
status=$?
finished=$(date +%s)

echo
echo "== $mode: build $((built - started)) s, tests $((finished - built)) s, total $((finished - started)) s" \
  "($(nproc) cores); ctest exit $status"
exit $status
