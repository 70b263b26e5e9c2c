#!/usr/bin/env bash
# MariaDB stopped and started again under a running daemon, black-box: once in the middle of a usage
# sync and at several points of a CreateAccount. The daemon is never restarted: it must reconnect by
# itself (bounded: [database] reconnect_attempts with backoff). A call caught by the outage either
# succeeds or fails with an error naming the database; the retry WHMCS makes afterwards (the cron's next
# UsageUpdate, the admin's Create) then leaves: one history row per service for today (no gap, no
# duplicate), tblhosting equal to the NAS, exactly one DSM user per service with the stored password.
# Needs a running stack. Prints "db-restart: N passed, N failed".
set -uo pipefail
source "$(dirname "$0")/lib.sh"
DB_DIR="$STACK_DIR/db"
USERS=300
db_port=$(cat "$DB_DIR/port")
db_stop()  { "$REPO_DIR/scripts/mariadb-private.sh" stop "$DB_DIR" >/dev/null; }
db_start() { "$REPO_DIR/scripts/mariadb-private.sh" start "$DB_DIR" --port "$db_port" >/dev/null; }
daemon_pid=$(cat "$STACK_DIR/daemon.pid")
# An outage: stop MariaDB DELAY s after the call started, keep it down DOWN s, start it again.
outage() {  # DELAY DOWN
  sleep "$1"; db_stop; echo "    MariaDB stopped at ${1}s"; sleep "$2"; db_start; echo "    MariaDB started again (down ${2}s)"
}
# The message of a failed call must name the database, not be a stray internal error.
check_message() {  # RESULT LABEL
  case "$1" in
    success) ok "$2: the call succeeded through the outage" ;;
    *database*|*Database*) ok "$2: the call failed with a database error: ${1:0:160}" ;;
    *) fail "$2: unexpected answer: ${1:0:300}" ;;
  esac
}

# ---- a usage sync ----------------------------------------------------------------------------------
server=$(php "$REPO_DIR/tests/integration/seed-bulk.php" "$USERS" dbfault)
curl -fsS -X POST "$CONTROL/usage" -H 'Content-Type: application/json' \
  -d "{\"generate\":{\"prefix\":\"dbfault\",\"count\":$USERS,\"used_mb_min\":100,\"used_mb_max\":12000,\"seed\":11}}" >/dev/null
# 6 batches of 50 at 300 ms per DSM request: the outage lands while batches are read and written.
faults '{"latency_ms":300}'
usage_update "$server" >"$STACK_DIR/db-restart-sync.out" &
caller=$!
outage 0.6 3
wait "$caller"
clear_faults
check_message "$(tail -n 1 "$STACK_DIR/db-restart-sync.out")" "UsageUpdate during the outage"
result=$(usage_update "$server")
[ "$result" = "success" ] && ok "the next UsageUpdate (the cron's) succeeded" || fail "the next UsageUpdate said: $result"
read -r total distinct <<<"$(sql "SELECT COUNT(*), COUNT(DISTINCT d.service_id) FROM mod_puqsynology_usage_daily d
                                   JOIN tblhosting h ON h.id = d.service_id WHERE h.server = $server")"
[ "$total" = "$USERS" ] && [ "$distinct" = "$USERS" ] && ok "history: one row per service for today ($total, no gap, no duplicate)" \
  || fail "history: $total rows for $distinct services (want $USERS/$USERS)"
curl -fsS "$CONTROL/state" | python3 -c '
import json, sys
for u in json.load(sys.stdin)["users"]:
    if u["name"].startswith("dbfault"): print("%s %d" % (u["name"], round(u["used_mb"])))' >"$STACK_DIR/db-restart.expected"
mismatch=$(sql "SELECT username, diskusage FROM tblhosting WHERE server = $server ORDER BY username" | tr '\t' ' ' |
  diff - "$STACK_DIR/db-restart.expected" | grep -c '^[<>]')
[ "$mismatch" = "0" ] && ok "tblhosting.diskusage equals the NAS for all $USERS services" || fail "$mismatch tblhosting lines differ from the NAS"

# ---- CreateAccount -----------------------------------------------------------------------------------
# 3 to 8 DSM requests (warm or not) at 400 ms each: outages starting at 0.1 s (the name reservation),
# 0.5 s (during the DSM create), 0.9 s (group add) and 1.3 s (read back and the final save).
for delay in 0.1 0.5 0.9 1.3; do
  service=$(php "$REPO_DIR/tests/integration/seed-service.php")
  faults '{"latency_ms":400}'
  php "$REPO_DIR/tests/integration/module-call.php" CreateAccount "$service" >"$STACK_DIR/db-restart-create.out" 2>&1 &
  caller=$!
  outage "$delay" 2
  wait "$caller"
  clear_faults
  check_message "$(tail -n 1 "$STACK_DIR/db-restart-create.out")" "CreateAccount, outage at ${delay}s"
  result=$(php "$REPO_DIR/tests/integration/module-call.php" CreateAccount "$service" 2>&1)
  [ "$result" = "success" ] || echo "    retry said: $result"
  problems=$(php -r '
    require "'"$REPO_DIR"'/tests/php/bootstrap.php";
    require_once "'"$REPO_DIR"'/tests/php/support/SimControl.php";
    $service = (int) $argv[1];
    $sim = new SimControl(WhmcsHarness::env("DSM_SIM_CONTROL_URL"));
    $mine = array();
    foreach ($sim->state()["users"] as $u) { if ($u["description"] === "WHMCS service #" . $service) { $mine[] = $u; } }
    $row = WhmcsHarness::row("tblhosting", $service);
    if (count($mine) !== 1) { echo count($mine), " DSM users carry the marker"; exit; }
    if ($row["username"] !== $mine[0]["name"]) { echo "tblhosting.username is \"", $row["username"], "\", DSM has ", $mine[0]["name"]; exit; }
    $ch = curl_init("http://127.0.0.1:" . WhmcsHarness::env("DSM_HTTP_PORT") . "/webapi/entry.cgi");
    curl_setopt_array($ch, array(CURLOPT_POST => true, CURLOPT_RETURNTRANSFER => true, CURLOPT_POSTFIELDS => http_build_query(array(
      "api" => "SYNO.API.Auth", "version" => 7, "method" => "login", "account" => $row["username"],
      "passwd" => WhmcsHarness::decrypt($row["password"]), "session" => "check", "format" => "sid"))));
    $answer = json_decode(curl_exec($ch), true);
    if (empty($answer["success"])) { echo "the password WHMCS stored does not log in"; }
  ' "$service" 2>&1)
  [ -z "$problems" ] && ok "outage at ${delay}s, then Create again: exactly one DSM user, stored name and password right" \
    || fail "outage at ${delay}s: $problems"
done

# ---- the same daemon throughout ----------------------------------------------------------------------
if [ "$(cat "$STACK_DIR/daemon.pid")" = "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
  health=$(PUQ_SECRET_FILE="$PUQ_SECRET_FILE" bash -c 'source "'"$REPO_DIR"'/scripts/lib/puq-call.sh"; puq_call GET /v1/health')
  case "$health" in
    *'"status":"ok"'*) ok "the daemon (pid $daemon_pid) reconnected by itself: /v1/health ok" ;;
    *) fail "the daemon is up but /v1/health says: $health" ;;
  esac
else
  fail "the daemon did not survive the outages"
fi
reconnects=$(grep -c "WHMCS database.*retrying" "$STACK_DIR/daemon.log" || true)
echo "  daemon log: $reconnects retry lines about the WHMCS database"

echo "db-restart: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
