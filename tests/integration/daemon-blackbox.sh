#!/usr/bin/env bash
# The daemon binary from the outside: it refuses unsafe configurations, keeps serving when the database
# is down, stops cleanly on SIGTERM (logging out of the NAS), and at the most verbose log level a whole
# service life leaves no secret in its log or in the module log.
# Needs a running stack (scripts/stack-up.sh). Prints "daemon-blackbox: N passed, N failed".
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib/common.sh"
source "$REPO_DIR/scripts/lib/puq-call.sh"
set -a; source "$BUILD_DIR/stack.env"; set +a
DAEMON="$BUILD_DIR/puq-synologyd"
WORK=$(mktemp -d "$STACK_DIR/blackbox.XXXXXX")
chmod 700 "$WORK"
passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "  ok   $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL $*"; }
trap 'kill -TERM $(jobs -p) 2>/dev/null; rm -rf "$WORK"' EXIT

( umask 077; openssl rand -base64 48 | tr -d '\n' >"$WORK/secret" )
write_config() {  # FILE PORT [extra lines...]
  local file="$1" port="$2"; shift 2
  { printf '[daemon]\nlisten_address = 127.0.0.1\nlisten_port = %s\nsecret_file = %s\nlog_level = trace\n' "$port" "$WORK/secret"
    printf '[database]\nsocket = %s\nuser = %s\npassword = %s\nname = %s\n' "$WHMCS_DB_SOCKET" "$WHMCS_DB_USER" "$WHMCS_DB_PASS" "$WHMCS_DB_NAME"
    printf '[dsm]\nca_file = %s\n' "$DSM_SIM_CERT"
    for line in "$@"; do printf '%s\n' "$line"; done; } >"$file"
  chmod 600 "$file"
}

# 1. A non-loopback listen address is refused unless allow_remote = true.
write_config "$WORK/remote.conf" "$(free_port)"
sed -i 's/^listen_address = 127.0.0.1/listen_address = 0.0.0.0/' "$WORK/remote.conf"
out=$("$DAEMON" --config "$WORK/remote.conf" 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "allow_remote" <<<"$out"; then ok "non-loopback listen refused, naming allow_remote"; else fail "non-loopback listen: rc=$rc $out"; fi

# 2. A secret file readable by others is refused, with the fix in the message.
write_config "$WORK/perm.conf" "$(free_port)"
chmod 644 "$WORK/secret"
out=$("$DAEMON" --config "$WORK/perm.conf" 2>&1); rc=$?
chmod 600 "$WORK/secret"
if [ $rc -ne 0 ] && grep -q "chmod" <<<"$out"; then ok "world-readable secret file refused with the chmod fix"; else fail "secret perms: rc=$rc $out"; fi

# 3. --check-config explains every problem at once.
printf '[daemon]\nlisen_port = 1\nworker_threads = 0\n' >"$WORK/bad.conf"; chmod 600 "$WORK/bad.conf"
out=$("$DAEMON" --check-config --config "$WORK/bad.conf" 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "listen_port" <<<"$out" && grep -q "worker_threads" <<<"$out"; then ok "--check-config lists each problem"; else fail "check-config: $out"; fi

# 4. Database unreachable at start: the daemon keeps serving and says so in /v1/health.
port=$(free_port)
write_config "$WORK/nodb.conf" "$port"
sed -i "s|^socket = .*|socket = $WORK/nothing.sock|" "$WORK/nodb.conf"
"$DAEMON" --config "$WORK/nodb.conf" >"$WORK/nodb.log" 2>&1 &
nodb=$!
PUQ_DAEMON_URL="http://127.0.0.1:$port" PUQ_SECRET_FILE="$WORK/secret"
if wait_for 15 "daemon without db" bash -c "source '$REPO_DIR/scripts/lib/puq-call.sh'; PUQ_DAEMON_URL=$PUQ_DAEMON_URL PUQ_SECRET_FILE=$PUQ_SECRET_FILE puq_call GET /v1/health | grep -q degraded"; then
  kill -0 $nodb 2>/dev/null && ok "database down: still serving, health degraded" || fail "database down: daemon exited"
else fail "database down: no degraded health ($(tail -n 3 "$WORK/nodb.log"))"; fi
kill -TERM $nodb 2>/dev/null; wait $nodb 2>/dev/null

# 5. A whole service life at log level trace through a second daemon; SIGTERM then logs out of DSM.
port=$(free_port)
write_config "$WORK/trace.conf" "$port"
"$DAEMON" --config "$WORK/trace.conf" >"$WORK/trace.log" 2>&1 &
traced=$!
wait_for 15 "trace daemon" curl -s -o /dev/null "http://127.0.0.1:$port/v1/health"
sessions_before=$(curl -fsS "$DSM_SIM_CONTROL_URL/state" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sessions"])')
if PUQ_DAEMON_URL="http://127.0.0.1:$port" PUQ_SECRET_FILE="$WORK/secret" php "$REPO_DIR/tools/demo.php" >"$WORK/demo.out" 2>&1; then
  ok "a whole service life through a trace-level daemon"
else fail "service life: $(tail -n 3 "$WORK/demo.out")"; fi
sessions_during=$(curl -fsS "$DSM_SIM_CONTROL_URL/state" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sessions"])')
kill -TERM $traced
for _ in $(seq 1 50); do kill -0 $traced 2>/dev/null || break; sleep 0.1; done
if kill -0 $traced 2>/dev/null; then fail "SIGTERM: still running after 5 s"; kill -KILL $traced
else
  wait $traced; rc=$?
  [ $rc -eq 0 ] && ok "SIGTERM: clean exit" || fail "SIGTERM: exit code $rc"
fi
sessions_after=$(curl -fsS "$DSM_SIM_CONTROL_URL/state" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sessions"])')
if [ "$sessions_after" -lt "$sessions_during" ]; then ok "SIGTERM: logged out of the NAS (sessions $sessions_during -> $sessions_after)"
else fail "SIGTERM: no DSM logout (sessions before $sessions_before, during $sessions_during, after $sessions_after)"; fi

lines=$(wc -l <"$WORK/trace.log")
leaks=""
for secret in "$DSM_ADMIN_PASS" "$(cat "$WORK/secret")" "Demo-Passw0rd-2026" "$WHMCS_DB_PASS"; do
  grep -qF -- "$secret" "$WORK/trace.log" && leaks="$leaks ${secret:0:4}…"
done
if [ "$lines" -gt 20 ] && [ -z "$leaks" ]; then ok "no secret in $lines trace-level log lines"; else fail "secrets in the log:$leaks ($lines lines)"; fi

echo "daemon-blackbox: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
