#!/usr/bin/env bash
# Crash safety of the usage sync, black-box: 400 services on one NAS; the daemon is killed with SIGKILL
# in the middle of UsageUpdate (DSM slowed down so the kill lands between batches), restarted, and the
# cron runs UsageUpdate again. Then every service has exactly one history row for today (no duplicate,
# no gap) and tblhosting.diskusage equals what the NAS holds. Needs a running stack.
# Prints "crash-sync: N passed, N failed".
set -uo pipefail
source "$(dirname "$0")/lib.sh"
USERS=400

server=$(php "$REPO_DIR/tests/integration/seed-bulk.php" "$USERS")
curl -fsS -X POST "$CONTROL/usage" -H 'Content-Type: application/json' \
  -d "{\"generate\":{\"prefix\":\"crash\",\"count\":$USERS,\"used_mb_min\":100,\"used_mb_max\":12000,\"seed\":7}}" >/dev/null

# Batches of 50 at 250 ms per DSM request: kills at 0.5 s and 0.9 s land while batches are being read,
# the one at 2.0 s after the sync committed (so the final run must not add a second row for today).
for delay in 0.5 0.9 2.0; do
  faults '{"latency_ms":250}'
  usage_update "$server" >/dev/null 2>&1 &
  caller=$!
  sleep "$delay"
  kill -KILL "$(cat "$STACK_DIR/daemon.pid")" 2>/dev/null
  wait "$caller" 2>/dev/null
  written=$(sql "SELECT COUNT(*) FROM mod_puqsynology_usage_daily d JOIN tblhosting h ON h.id = d.service_id WHERE h.server = $server")
  echo "  killed after ${delay}s: $written of $USERS history rows written"
  clear_faults
  restart_daemon || { fail "daemon restart"; continue; }
done
result=$(usage_update "$server")
[ "$result" = "success" ] && ok "UsageUpdate after the crashes" || fail "UsageUpdate said: $result"

rows=$(sql "SELECT COUNT(*), COUNT(DISTINCT d.service_id), SUM(d.samples > 0) FROM mod_puqsynology_usage_daily d
            JOIN tblhosting h ON h.id = d.service_id WHERE h.server = $server")
read -r total distinct sampled <<<"$rows"
[ "$total" = "$USERS" ] && [ "$distinct" = "$USERS" ] && ok "history: one row per service for today ($total rows, no duplicate, no gap)" \
  || fail "history: $total rows for $distinct services (want $USERS/$USERS)"

# tblhosting against the NAS: every service's diskusage equals the simulator's used_mb.
mismatch=$(curl -fsS "$CONTROL/state" | python3 -c '
import json, sys
state = json.load(sys.stdin)
print("\n".join("%s %d" % (u["name"], round(u["used_mb"])) for u in state["users"] if u["name"].startswith("crash")))' |
  while read -r name used; do echo "$name $used"; done >"$STACK_DIR/crash-sync.expected"; \
  sql "SELECT username, diskusage FROM tblhosting WHERE server = $server ORDER BY username" | tr '\t' ' ' | diff - "$STACK_DIR/crash-sync.expected" | grep -c '^[<>]')
[ "$mismatch" = "0" ] && ok "tblhosting.diskusage equals the NAS for all $USERS services" || fail "$mismatch tblhosting lines differ from the NAS"
limits=$(sql "SELECT COUNT(*) FROM tblhosting WHERE server = $server AND disklimit = 10240 AND lastupdate > NOW() - INTERVAL 1 HOUR")
[ "$limits" = "$USERS" ] && ok "disklimit 10240 MB and lastupdate set on all services" || fail "disklimit/lastupdate on $limits of $USERS"

echo "crash-sync: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
