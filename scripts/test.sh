#!/usr/bin/env bash
# Runs every test: the Catch2 suites through ctest (they start their own private MariaDB), the PHPUnit
# unit suite, then the PHPUnit integration suite and the black-box scripts against a full stack
# (MariaDB, dsm-sim, puq-synologyd), the Debian package in a throwaway root, and last the Catch2 suites
# again under ASan + UBSan + LSan.
# Ends with one summary line "Summary: N passed, N failed".
set -uo pipefail
source "$(dirname "$0")/lib/common.sh"
LOG_DIR="$BUILD_DIR/test-logs"
mkdir -p "$LOG_DIR"
passed=0 failed=0 status=0

# Each runner's closing line is turned into "passed failed" by tools/count-results.py and added up.
add_counts() {  # KIND LOGFILE
  local counts
  counts=$(python3 "$REPO_DIR/tools/count-results.py" "$1" "$2")
  passed=$((passed + ${counts% *}))
  failed=$((failed + ${counts#* }))
}

# One black-box script of tests/integration against the running stack, counted from its last line.
run_blackbox() {  # NAME TITLE
  step "$2"
  bash "$REPO_DIR/tests/integration/$1.sh" 2>&1 | tee "$LOG_DIR/$1.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  add_counts plain "$LOG_DIR/$1.log"
}

step "C++ tests (ctest)"
(cd "$BUILD_DIR" && ctest --output-on-failure -j1) 2>&1 | tee "$LOG_DIR/ctest.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
add_counts ctest "$LOG_DIR/ctest.log"

step "PHP unit tests (PHPUnit)"
php "$REPO_DIR/tools/php74-compat.php" "$REPO_DIR/php-shim" || status=1
PUQ_REQUIRE_CHROMIUM=1 phpunit -c "$REPO_DIR/tests/php/phpunit.xml" --testsuite unit 2>&1 | tee "$LOG_DIR/phpunit-unit.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
add_counts phpunit "$LOG_DIR/phpunit-unit.log"

step "Integration tests (PHPUnit through puq-synologyd, dsm-sim and MariaDB)"
trap '"$REPO_DIR/scripts/stack-down.sh" >/dev/null 2>&1' EXIT
if "$REPO_DIR/scripts/stack-up.sh"; then
  set -a; source "$BUILD_DIR/stack.env"; set +a
  phpunit -c "$REPO_DIR/tests/php/phpunit.xml" --testsuite integration 2>&1 | tee "$LOG_DIR/phpunit-integration.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  add_counts phpunit "$LOG_DIR/phpunit-integration.log"

  run_blackbox crash-create "Crash safety: the daemon killed at every step of CreateAccount, then WHMCS retries"
  run_blackbox crash-sync "Crash safety: the daemon killed during UsageUpdate, restarted, UsageUpdate again"
  run_blackbox crash-email "Emails exactly once: the daemon and the cron killed between SendEmail and its acknowledgement"
  run_blackbox db-restart "Database faults: MariaDB stopped and started again during a sync and during CreateAccount"
  run_blackbox daemon-blackbox "The daemon binary from outside: unsafe configs refused, database down, SIGTERM, no secret at trace level"
  cp "$STACK_DIR/daemon.log" "$LOG_DIR/daemon.log" 2>/dev/null || true
else
  echo "integration: the stack did not start" >&2
  status=1; failed=$((failed + 1))
fi
"$REPO_DIR/scripts/stack-down.sh"
trap - EXIT

# The Debian package: a Release build of the two programs, `cpack`, then install, reconfigure, upgrade,
# remove and purge in a throwaway overlay root (scripts/package-test.sh, ~2.5 min from empty). It needs
# root (or sudo without a password) and mount namespaces; a machine without them skips it, saying so.
as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo -n"
if $as_root unshare -m true 2>/dev/null; then
  step "The Debian package (make package-test)"
  make -C "$REPO_DIR" --no-print-directory package-test 2>&1 | tee "$LOG_DIR/package-test.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  add_counts plain "$LOG_DIR/package-test.log"
else
  step "The Debian package: skipped (needs root or password-less sudo, and mount namespaces: unshare -m)"
fi

# The same C++ suites once more under AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer
# (scripts/test-asan.sh: its own build directory, unity build, ~6 min on 2 cores from empty).
# PUQ_SKIP_ASAN=1 leaves it out while iterating; CI always runs it.
if [ "${PUQ_SKIP_ASAN:-0}" = 1 ] && [ -z "${CI:-}" ]; then
  step "C++ tests under ASan + UBSan + LSan: skipped (PUQ_SKIP_ASAN=1)"
else
  step "C++ tests under ASan + UBSan + LSan (scripts/test-asan.sh)"
  bash "$REPO_DIR/scripts/test-asan.sh" 2>&1 | tee "$LOG_DIR/ctest-asan.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  add_counts ctest "$LOG_DIR/ctest-asan.log"
fi

echo
echo "Summary: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || status=1
exit $status
