# Sourced by the black-box scripts of tests/integration: the running stack's settings (build/stack.env),
# the pass/fail counters, and the calls they all make. Each script ends with
# `echo "NAME: $passed passed, $failed failed"`, which scripts/test.sh counts.
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/common.sh"
set -a; source "$BUILD_DIR/stack.env"; set +a
CONTROL="$DSM_SIM_CONTROL_URL"
passed=0 failed=0

ok()   { passed=$((passed + 1)); echo "  ok   $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL $*"; }
# One SQL statement against the WHMCS database, tab-separated rows without a header.
sql() { mariadb --socket="$WHMCS_DB_SOCKET" -u"$WHMCS_DB_USER" -p"$WHMCS_DB_PASS" "$WHMCS_DB_NAME" -N -B -e "$1"; }
# The simulator's fault injection (docs/simulator.md).
faults() { curl -fsS -X POST "$CONTROL/faults" -H 'Content-Type: application/json' -d "$1" >/dev/null; }
clear_faults() { curl -fsS -X POST "$CONTROL/faults/clear" -H 'Content-Type: application/json' -d '{}' >/dev/null; }
# Starts the stack's daemon again after a kill. setsid: the killed daemon is not this shell's job, so
# bash prints no "Killed" notice for it.
restart_daemon() {
  setsid "$BUILD_DIR/puq-synologyd" --config "$STACK_DIR/puq-synologyd.conf" >>"$STACK_DIR/daemon.log" 2>&1 &
  echo $! >"$STACK_DIR/daemon.pid"
  disown
  wait_for 20 "puq-synologyd" curl -s -o /dev/null "$PUQ_DAEMON_URL/v1/health"
}
# The cron's UsageUpdate of one server, through the module; prints its result.
usage_update() {  # SERVER_ID
  php -r 'require "'"$REPO_DIR"'/tests/php/bootstrap.php"; echo puqSynology_UsageUpdate(WhmcsHarness::paramsForServer((int) $argv[1])), "\n";' "$1"
}
