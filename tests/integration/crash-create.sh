#!/usr/bin/env bash
# Crash safety of CreateAccount, black-box: the real daemon is killed with SIGKILL at many points of a
# CreateAccount (every DSM request is slowed down so the kill lands inside different steps), restarted,
# and WHMCS retries. After each round: exactly one DSM user carries the service's marker, it is in the
# product's group, it can log in with the password WHMCS stored, and tblhosting holds its name.
# Needs a running stack (scripts/stack-up.sh). Prints "crash-create: N passed, N failed".
set -uo pipefail
source "$(dirname "$0")/lib.sh"

check_round() {  # SERVICE_ID LABEL
  local service="$1" label="$2"
  php -r '
    require "'"$REPO_DIR"'/tests/php/bootstrap.php";
    require_once "'"$REPO_DIR"'/tests/php/support/SimControl.php";
    $service = (int) $argv[1];
    $sim = new SimControl(WhmcsHarness::env("DSM_SIM_CONTROL_URL"));
    $state = $sim->state();
    $mine = array();
    foreach ($state["users"] as $u) { if ($u["description"] === "WHMCS service #" . $service) { $mine[] = $u; } }
    $row = WhmcsHarness::row("tblhosting", $service);
    $problems = array();
    if (count($mine) !== 1) { $problems[] = count($mine) . " DSM users carry the marker"; }
    elseif (!in_array("10G", $mine[0]["groups"], true)) { $problems[] = "user not in group 10G"; }
    elseif ($row["username"] !== $mine[0]["name"]) { $problems[] = "tblhosting.username is \"" . $row["username"] . "\", DSM has " . $mine[0]["name"]; }
    else {
      $password = WhmcsHarness::decrypt($row["password"]);
      $ch = curl_init("http://127.0.0.1:" . WhmcsHarness::env("DSM_HTTP_PORT") . "/webapi/entry.cgi");
      curl_setopt_array($ch, array(CURLOPT_POST => true, CURLOPT_RETURNTRANSFER => true, CURLOPT_POSTFIELDS => http_build_query(array(
        "api" => "SYNO.API.Auth", "version" => 7, "method" => "login", "account" => $row["username"], "passwd" => $password,
        "session" => "check", "format" => "sid"))));
      $answer = json_decode(curl_exec($ch), true);
      if (empty($answer["success"])) { $problems[] = "the password WHMCS stored does not log in"; }
    }
    if ($problems) { fwrite(STDERR, implode("; ", $problems) . "\n"); exit(1); }
  ' "$service"
  if [ $? -eq 0 ]; then ok "$label"; else fail "$label"; fi
}

# With a warm session a CreateAccount makes 3 DSM requests (create, group add, read back), after a
# restart about 8 (discovery, login, the NAS facts first). At 400 ms each, kill points from 0.1 s to
# 2.3 s land before the DSM create, between each step, and after the call (a retry of a finished create).
for delay in 0.1 0.3 0.5 0.7 0.9 1.1 1.3 1.5 1.7 1.9 2.1 2.3; do
  service=$(php "$REPO_DIR/tests/integration/seed-service.php")
  faults '{"latency_ms":400}'
  php "$REPO_DIR/tests/integration/module-call.php" CreateAccount "$service" >/dev/null 2>&1 &
  caller=$!
  sleep "$delay"
  kill -KILL "$(cat "$STACK_DIR/daemon.pid")" 2>/dev/null
  wait "$caller" 2>/dev/null
  clear_faults
  restart_daemon || { fail "daemon restart"; continue; }
  result=$(php "$REPO_DIR/tests/integration/module-call.php" CreateAccount "$service" 2>&1)
  [ "$result" = "success" ] || echo "  retry said: $result"
  check_round "$service" "killed after ${delay}s, retried"
done
echo "crash-create: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
