#!/usr/bin/env bash
# `make bench`: the benchmarks of bench/README.md. Starts its own private MariaDB, DSM simulators and
# daemons (under $BUILD_DIR/bench/run, never the stack of `make stack`), runs every scenario, stops
# everything it started, and prints one table (also $BUILD_DIR/bench/results.md and docs/performance.md).
#
# Environment:
#   BENCH_QUICK=1            small sizes and few runs: checks the harness in about a minute, figures not comparable
#   BENCH_RUNS=N             runs per short scenario (default 5; long ones use 3)
#   BENCH_BASELINE_USERS=N   size of the per-user baseline sample (default 500)
#   BENCH_SIZES="1000 10000"  sizes of the one-NAS sync and scaling line (default 1000 2000 5000 10000 20000)
#   BENCH_ONLY="a b"         only these scenarios: sync scaling db baseline multi overhead create load
#   BENCH_NO_DOC=1           do not rewrite docs/performance.md (only complete runs rewrite it anyway)
#   DSM_LATENCY_MS / DSM_SUBREQUEST_LATENCY_MS   the simulator's latency model (default 20 / 0.5)
#   BENCH_DAEMON_WRAPPER     a command put before every puq-synologyd, e.g.
#                            "valgrind --tool=massif --massif-out-file=/tmp/massif.%p" (figures then meaningless)
#                            or "nice -n -15" (to tell the daemon's own latency from the machine's CPU contention)
#   BENCH_SIM_WRAPPER        the same for every dsm-sim
#   BENCH_LONG_RUNS=N        runs of the long scenarios (default 3)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

# Nothing from a `make stack` shell may leak into the drivers: they read bench.env only.
unset PUQ_DAEMON_URL PUQ_SECRET_FILE PUQ_STACK_ENV DSM_HOST DSM_PORT DSM_SECURE DSM_HTTP_PORT DSM_ADMIN_USER \
  DSM_ADMIN_PASS DSM_SIM_CONTROL_URL DSM_SIM_CERT WHMCS_DB_HOST WHMCS_DB_PORT WHMCS_DB_SOCKET WHMCS_DB_USER \
  WHMCS_DB_PASS WHMCS_DB_NAME PUQ_DAEMON_LOG

OUT="$BUILD_DIR/bench"
RUN="$OUT/run"
QUICK=${BENCH_QUICK:-0}
RUNS=${BENCH_RUNS:-5}
LONG_RUNS=${BENCH_LONG_RUNS:-3}
BASELINE_USERS=${BENCH_BASELINE_USERS:-500}
LAT=${DSM_LATENCY_MS:-20}
SUBLAT=${DSM_SUBREQUEST_LATENCY_MS:-0.5}
SIZES=${BENCH_SIZES:-1000 2000 5000 10000 20000}
NAS_COUNT=20
NAS_USERS=1000
OVERHEAD_CALLS=1000
OVERHEAD_BIG_CALLS=300
CREATE_BIG=10
CREATE_SERIAL=40
CREATE_PER_CALLER=25
LOAD_CALLERS=${BENCH_LOAD_CALLERS:-200}
LOAD_SECONDS=${BENCH_LOAD_SECONDS:-60}
if [ "$QUICK" = 1 ]; then
  RUNS=2; LONG_RUNS=1; BASELINE_USERS=50; SIZES="1000 2000"; NAS_COUNT=4; NAS_USERS=200
  OVERHEAD_CALLS=100; OVERHEAD_BIG_CALLS=5; CREATE_SERIAL=10; CREATE_PER_CALLER=4; CREATE_BIG=3
  LOAD_CALLERS=${BENCH_LOAD_CALLERS:-20}; LOAD_SECONDS=${BENCH_LOAD_SECONDS:-10}
fi
ONLY=" ${BENCH_ONLY:-sync scaling db baseline multi overhead create load} "
want() { [[ "$ONLY" == *" $1 "* ]]; }

for bin in puq-synologyd dsm-sim; do
  [ -x "$BUILD_DIR/$bin" ] || { echo "bench: $BUILD_DIR/$bin is missing: run 'make build' first" >&2; exit 1; }
done
php -r 'exit(extension_loaded("pdo_mysql") && extension_loaded("curl") && extension_loaded("pcntl") ? 0 : 1);' ||
  { echo "bench: PHP needs pdo_mysql, curl and pcntl" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------------
# Processes: every one we start has a pid file in $RUN; cleanup stops exactly those.
# ---------------------------------------------------------------------------------------------------
stop_pid() {  # NAME: SIGTERM, wait up to 10 s, then SIGKILL
  local file="$RUN/$1.pid" pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { echo "bench: $1 ($pid) ignored SIGTERM; killing it" >&2; kill -KILL "$pid" 2>/dev/null || true; }
  fi
  rm -f "$file"
}

cleanup() {
  local f
  for f in "$RUN"/*.pid; do [ -e "$f" ] && stop_pid "$(basename "$f" .pid)"; done
  if [ -d "$RUN/db" ]; then
    "$REPO_DIR/scripts/mariadb-private.sh" stop "$RUN/db" >/dev/null 2>&1 || true
    rm -rf "$RUN/db/data"   # ~60,000 services; the logs stay for reading
  fi
}

# start_sim NAME THREADS [extra dsm-sim options]: HTTP + HTTPS on free ports, shared certificate, no state
# file (a state file is rewritten after every write: with 20,000 users that would dominate CreateAccount).
# SIM_LAT / SIM_SUBLAT override the latency model for one simulator.
start_sim() {
  local name=$1 threads=$2; shift 2
  rm -f "$RUN/$name.ports"
  # shellcheck disable=SC2086
  ${BENCH_SIM_WRAPPER:-} "$BUILD_DIR/dsm-sim" --http-port 0 --https-port 0 --ports-file "$RUN/$name.ports" --tls-dir "$RUN/tls" \
    --admin-user "$DSM_ADMIN_USER" --admin-password "$DSM_ADMIN_PASS" --threads "$threads" \
    --latency-ms "${SIM_LAT:-$LAT}" --subrequest-latency-ms "${SIM_SUBLAT:-$SUBLAT}" --log-level warn "$@" >"$RUN/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
  wait_for 20 "dsm-sim $name" test -s "$RUN/$name.ports"
}
sim_port() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$RUN/$1.ports" "$2"; }

# start_daemon LABEL [key=value ...]: a fresh puq-synologyd (fresh VmHWM) on $DAEMON_PORT. Keys: the config
# values worker_threads, usage_batch_size, usage_max_in_flight, pool_size, log_level, and the environment
# variable MALLOC_ARENA_MAX (glibc malloc arenas).
start_daemon() {
  local label=$1; shift
  local workers=8 queued=256 batch=50 inflight=4 pool=4 level=info arena="" kv
  for kv in "$@"; do
    case "$kv" in
      log_level=*) level=${kv#*=} ;;
      MALLOC_ARENA_MAX=*) arena=${kv#*=} ;;
      worker_threads=*) workers=${kv#*=} ;;
      usage_batch_size=*) batch=${kv#*=} ;;
      usage_max_in_flight=*) inflight=${kv#*=} ;;
      pool_size=*) pool=${kv#*=} ;;
      max_queued_requests=*) queued=${kv#*=} ;;
      *) echo "bench: unknown daemon setting $kv" >&2; exit 1 ;;
    esac
  done
  stop_pid daemon
  cat >"$RUN/daemon.conf" <<CONF
[daemon]
listen_address = 127.0.0.1
listen_port = $DAEMON_PORT
secret_file = $RUN/secret
worker_threads = $workers
max_queued_requests = $queued
log_level = $level

[database]
socket = $WHMCS_DB_SOCKET
user = $WHMCS_DB_USER
password = $WHMCS_DB_PASS
name = $WHMCS_DB_NAME
pool_size = $pool

[dsm]
ca_file = $RUN/tls/cert.pem
usage_batch_size = $batch
usage_max_in_flight = $inflight
CONF
  chmod 600 "$RUN/daemon.conf"
  DAEMON_LOG="$RUN/daemon-$label.log"
  # shellcheck disable=SC2086
  env ${arena:+MALLOC_ARENA_MAX=$arena} ${BENCH_DAEMON_WRAPPER:-} "$BUILD_DIR/puq-synologyd" --config "$RUN/daemon.conf" \
    >"$DAEMON_LOG" 2>&1 &
  echo $! >"$RUN/daemon.pid"
  DAEMON_SETTINGS="worker_threads=$workers usage_batch_size=$batch usage_max_in_flight=$inflight pool_size=$pool${arena:+ MALLOC_ARENA_MAX=$arena}"
  write_env
  PUQ_DAEMON_URL="http://127.0.0.1:$DAEMON_PORT" PUQ_SECRET_FILE="$RUN/secret" \
    wait_for 30 "puq-synologyd" daemon_healthy || { tail -n 20 "$DAEMON_LOG" >&2; exit 1; }
}
daemon_healthy() { puq_call GET /v1/health | grep -q '"status":"ok"'; }

write_env() {  # what the PHP drivers read (PUQ_STACK_ENV); the same names as build/stack.env plus BENCH_*
  cat >"$RUN/bench.env" <<ENV
PUQ_DAEMON_URL=http://127.0.0.1:$DAEMON_PORT
PUQ_SECRET_FILE=$RUN/secret
DSM_HOST=localhost
DSM_PORT=$MAIN_HTTPS
DSM_SECURE=1
DSM_HTTP_PORT=$MAIN_HTTP
DSM_ADMIN_USER=$DSM_ADMIN_USER
DSM_ADMIN_PASS=$DSM_ADMIN_PASS
DSM_SIM_CONTROL_URL=http://127.0.0.1:$MAIN_HTTP/control
DSM_SIM_CERT=$RUN/tls/cert.pem
WHMCS_DB_HOST=$WHMCS_DB_HOST
WHMCS_DB_PORT=$WHMCS_DB_PORT
WHMCS_DB_SOCKET=$WHMCS_DB_SOCKET
WHMCS_DB_USER=$WHMCS_DB_USER
WHMCS_DB_PASS=$WHMCS_DB_PASS
WHMCS_DB_NAME=$WHMCS_DB_NAME
BENCH_RUN_DIR=$RUN
BENCH_RESULTS=$OUT/results.jsonl
BENCH_DAEMON_PID=$(cat "$RUN/daemon.pid" 2>/dev/null || echo 0)
BENCH_DAEMON_LOG=${DAEMON_LOG:-}
BENCH_DAEMON_SETTINGS=${DAEMON_SETTINGS:-}
BENCH_LATENCY_MS=$LAT
BENCH_SUBREQUEST_LATENCY_MS=$SUBLAT
BENCH_QUICK=$QUICK
ENV
}

drive() { php "$REPO_DIR/bench/run.php" "$@"; }

# ---------------------------------------------------------------------------------------------------
started=$(date +%s)
mkdir -p "$OUT"
[ -f "$RUN/daemon.pid" ] && cleanup   # a previous run that was killed hard
rm -rf "$RUN"
mkdir -p "$RUN"
chmod 700 "$RUN"
trap cleanup EXIT
trap 'exit 130' INT TERM
: >"$OUT/results.jsonl"
export PUQ_STACK_ENV="$RUN/bench.env"
source "$REPO_DIR/scripts/lib/puq-call.sh"

step "bench: MariaDB (private, WHMCS schema) and the DSM simulator (latency ${LAT} ms + ${SUBLAT} ms per sub-request)"
"$REPO_DIR/scripts/mariadb-private.sh" start "$RUN/db" >/dev/null
# shellcheck disable=SC1091
source "$RUN/db/env"
"$REPO_DIR/scripts/mariadb-private.sh" load-schema "$RUN/db" "$WHMCS_DB_NAME" >/dev/null
( umask 077; openssl rand -base64 48 | tr -d '\n' >"$RUN/secret" )
DSM_ADMIN_USER=puqadmin
DSM_ADMIN_PASS="Bench-$(openssl rand -hex 6)-Adm1n"
DAEMON_PORT=$(free_port)
start_sim main 8
MAIN_HTTP=$(sim_port main http); MAIN_HTTPS=$(sim_port main https)
write_env
drive machine --when=start
# The daemon migrates its tables at start; the seeding needs them for nothing, but start it once so
# every later daemon finds a migrated database.
start_daemon migrate
max_size=0; for n in $SIZES; do [ "$n" -gt "$max_size" ] && max_size=$n; done
drive seed-main --sizes="${SIZES// /,}" --sim-users="$max_size" --baseline-users="$BASELINE_USERS"

if want sync || want scaling; then
  step "bench: usage sync of one NAS ($SIZES users), a fresh daemon per size, default [dsm] settings"
  for n in $SIZES; do
    runs=$RUNS; [ "$n" -ge 20000 ] && runs=$LONG_RUNS
    start_daemon "sync-$n"
    drive sync --users="$n" --runs="$runs" --label="default"
  done
  if [[ " $SIZES " == *" 10000 "* ]]; then
    step "bench: usage sync of 10,000 users with the settings we recommend: [dsm] usage_max_in_flight = 4, MALLOC_ARENA_MAX=2"
    start_daemon "sync-10000-recommended" usage_max_in_flight=4 MALLOC_ARENA_MAX=2
    drive sync --users=10000 --runs="$RUNS" --label="usage_max_in_flight=4, MALLOC_ARENA_MAX=2"
  fi
fi

if want db; then
  step "bench: database phase of a 10,000-service sync (MariaDB slow log at long_query_time=0), and the sync at DSM latency 0"
  n=10000; [ "$QUICK" = 1 ] && n=2000
  start_daemon "db" log_level=debug   # debug: every DSM request is logged with its time
  drive dbwrites --users="$n" --runs="$LONG_RUNS"
  drive slowlog        # long_query_time is copied into each connection: on before the daemon connects
  start_daemon "db-slowlog" log_level=debug
  drive dbwrites --users="$n" --runs="$LONG_RUNS"
fi

if want baseline; then
  step "bench: per-user baseline (bench/baseline-per-user.php: login + Quota get + UPDATE per service), $BASELINE_USERS users"
  php "$REPO_DIR/bench/baseline-per-user.php" --users="$BASELINE_USERS" --runs="$LONG_RUNS"
fi

if want multi; then
  step "bench: $NAS_COUNT NAS servers x $NAS_USERS users, $NAS_COUNT UsageUpdate calls at once"
  nas_ports=()
  for i in $(seq -w 1 "$NAS_COUNT"); do
    start_sim "nas$i" 2
    nas_ports+=("$(sim_port "nas$i" http):$(sim_port "nas$i" https)")
  done
  drive seed-multi --nas="$(IFS=,; echo "${nas_ports[*]}")" --users="$NAS_USERS"
  start_daemon multi-8
  drive multi --runs="$LONG_RUNS" --label="default: worker_threads=8"
  start_daemon multi-24 worker_threads=24
  drive multi --runs="$LONG_RUNS" --label="worker_threads=24"
  start_daemon multi-recommended worker_threads=24 MALLOC_ARENA_MAX=2
  drive multi --runs="$LONG_RUNS" --label="worker_threads=24, MALLOC_ARENA_MAX=2"
  for i in $(seq -w 1 "$NAS_COUNT"); do stop_pid "nas$i"; done
fi

if want overhead; then
  step "bench: module call overhead, $OVERHEAD_CALLS calls per command, simulator latency 0"
  SIM_LAT=0 SIM_SUBLAT=0 start_sim small 8
  drive seed-small --http="$(sim_port small http)" --https="$(sim_port small https)" --users="$NAS_USERS"
  start_daemon overhead
  drive overhead --calls="$OVERHEAD_CALLS" --big-calls="$OVERHEAD_BIG_CALLS"
  stop_pid small
fi

if want create; then
  step "bench: CreateAccount (own simulator, latency ${LAT} ms): DSM requests per account, accounts/s with 8 callers"
  start_sim create 8
  drive seed-create --http="$(sim_port create http)" --https="$(sim_port create https)" \
    --accounts="$(( CREATE_SERIAL + 8 * CREATE_PER_CALLER * LONG_RUNS + 8 ))" --big-accounts="$CREATE_BIG"
  start_daemon create
  drive create --serial="$CREATE_SERIAL" --per-caller="$CREATE_PER_CALLER" --callers=8 --runs="$LONG_RUNS"
  stop_pid create
fi

if want load; then
  step "bench: load: $LOAD_CALLERS module calls at once for $LOAD_SECONDS s (admin tab, client area, Test Connection, CreateAccount, Suspend/Unsuspend), simulator latency ${LAT} ms"
  start_sim load 16
  drive seed-load --http="$(sim_port load http)" --https="$(sim_port load https)" --readers=200 \
    --accounts="$(( LOAD_CALLERS * 15 ))"
  start_daemon load
  drive load --callers="$LOAD_CALLERS" --seconds="$LOAD_SECONDS"
  stop_pid load
fi

drive machine --when=end
stop_pid daemon
cleanup
trap - EXIT
elapsed=$(( $(date +%s) - started ))
step "bench: results"
report_args=(--elapsed="$elapsed")
# docs/performance.md records complete runs only: not a quick, partial or profiled one.
if [ "${BENCH_NO_DOC:-0}" != 1 ] && [ "$QUICK" != 1 ] && [ -z "${BENCH_ONLY:-}" ] && [ -z "${BENCH_SIZES:-}" ] &&
   [ -z "${BENCH_DAEMON_WRAPPER:-}${BENCH_SIM_WRAPPER:-}" ]; then
  report_args+=(--doc="$REPO_DIR/docs/performance.md")
fi
BENCH_RESULTS="$OUT/results.jsonl" php "$REPO_DIR/bench/report.php" "${report_args[@]}" --out="$OUT/results.md"
