#!/usr/bin/env bash
# Emails exactly once, black-box: 12 services of one client cross "Notify at 90 %" and are queued. The
# cron's delivery (hooks.php -> lib/Notifier.php, localAPI SendEmail as WHMCS's mailer: rendered, logged in
# tblemails) is interrupted by kill -9: once the daemon right after a send and before its
# acknowledgement, once the cron process itself right after a send. Time passes (the 5-minute lease runs
# out), the daemon is restarted, the cron runs again until nothing is due. Then every client email is in
# the log exactly once. Needs a running stack. Prints "crash-email: N passed, N failed".
set -uo pipefail
source "$(dirname "$0")/lib.sh"
TEMPLATE="puqSynology Notification disk limit"
USERS=12
# One cron run of the AfterCronJob hook. KILL: "daemon:N" kills the daemon after the N-th send of this
# run, "self:N" kills this PHP process after its N-th send, "" runs normally. Prints the run's summary.
cron_run() {
  php -r '
    require "'"$REPO_DIR"'/tests/php/bootstrap.php";
    WhmcsHarness::$emailLog = true;
    list($who, $n) = array_pad(explode(":", $argv[1]), 2, "0");
    $daemon = (int) trim((string) file_get_contents($argv[2]));
    if ($daemon <= 1) { fwrite(STDERR, "no daemon pid\n"); exit(1); }  // never posix_kill(0): the process group
    WhmcsHarness::$afterSend = function ($sent) use ($who, $n, $daemon) {
      if ((int) $n !== $sent) { return; }
      if ($who === "daemon") { posix_kill($daemon, SIGKILL); usleep(200000); }
      if ($who === "self") { posix_kill(posix_getpid(), SIGKILL); }
    };
    foreach (WhmcsHarness::loadHooks() as $hook) {
      if ($hook["hook"] === "AfterCronJob") { call_user_func($hook["callable"], array()); }
    }
    echo count(WhmcsHarness::$sentEmails), " sent in this run\n";
  ' "$1" "$STACK_DIR/daemon.pid" 2>&1
}
lease_runs_out() {  # the clock moves past the 5-minute lease
  sql "UPDATE mod_puqsynology_outbox SET lease_until = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE lease_until IS NOT NULL"
}

server=$(php "$REPO_DIR/tests/integration/seed-bulk.php" "$USERS" mail "$TEMPLATE")
client=$(sql "SELECT DISTINCT userid FROM tblhosting WHERE server = $server")
first_service=$(sql "SELECT MIN(id) FROM tblhosting WHERE server = $server")
php -r 'require "'"$REPO_DIR"'/tests/php/bootstrap.php"; echo puqSynology_InstallEmailTemplate(WhmcsHarness::paramsForService((int) $argv[1])), "\n";' \
  "$first_service" | grep -q success || fail "InstallEmailTemplate"
# 9,500..10,000 MB of 10,240 MB: all 12 over 90 %.
curl -fsS -X POST "$CONTROL/usage" -H 'Content-Type: application/json' \
  -d "{\"generate\":{\"prefix\":\"mail\",\"count\":$USERS,\"used_mb_min\":9500,\"used_mb_max\":10000,\"seed\":5}}" >/dev/null
result=$(usage_update "$server")
queued=$(sql "SELECT COUNT(*) FROM mod_puqsynology_outbox o JOIN tblhosting h ON h.id = o.service_id WHERE h.server = $server")
[ "$result" = success ] && [ "$queued" = "$USERS" ] && ok "UsageUpdate queued $queued notifications" \
  || fail "UsageUpdate said $result and queued $queued of $USERS"

echo "  run 1: the daemon killed after the 4th send, before its acknowledgement"
cron_run daemon:4 | sed 's/^/    /'
restart_daemon || fail "daemon restart"
lease_runs_out
echo "  run 2: this cron process killed after its 3rd send"
{ cron_run self:3 | sed 's/^/    /'; } 2>/dev/null   # (bash would report the kill on stderr)
echo "    killed after $(sql "SELECT COUNT(*) FROM tblemails WHERE userid = $client") emails in the log"
for run in 3 4 5; do
  lease_runs_out
  echo "  run $run: normal"
  cron_run "" | sed 's/^/    /'
done

read -r emails subjects <<<"$(sql "SELECT COUNT(*), COUNT(DISTINCT subject) FROM tblemails WHERE userid = $client")"
[ "$emails" = "$USERS" ] && [ "$subjects" = "$USERS" ] \
  && ok "the client's email log holds $emails emails, one per service (no duplicate, none missing)" \
  || fail "the client's email log holds $emails emails with $subjects distinct subjects (want $USERS/$USERS)"
missing=$(sql "SELECT h.username FROM tblhosting h WHERE h.server = $server AND NOT EXISTS
               (SELECT 1 FROM tblemails e WHERE e.userid = h.userid AND e.subject LIKE CONCAT('% - ', h.username))")
[ -z "$missing" ] && ok "each service's own email (its user name in the subject) was sent" || fail "no email for: $missing"
sent=$(sql "SELECT COUNT(*) FROM mod_puqsynology_outbox o JOIN tblhosting h ON h.id = o.service_id
            WHERE h.server = $server AND o.status = 'sent' AND o.lease_until IS NULL")
[ "$sent" = "$USERS" ] && ok "all $USERS notifications are 'sent' in the outbox" || fail "$sent of $USERS notifications are 'sent'"
proved=$(sql "SELECT COUNT(*) FROM mod_puqsynology_outbox_delivery d JOIN mod_puqsynology_outbox o ON o.id = d.outbox_id
              JOIN tblhosting h ON h.id = o.service_id WHERE h.server = $server AND d.email_log_id IS NOT NULL")
[ "$proved" = 2 ] && ok "the 2 sends whose acknowledgement was lost were found in the email log, not sent again" \
  || fail "$proved sends were settled from the email log (want 2: one per kill)"

echo "crash-email: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
