#!/usr/bin/env bash
# Starts the whole stack in the background: a private MariaDB loaded with the WHMCS schema, the DSM
# simulator (HTTP + HTTPS) seeded with groups, and puq-synologyd. Writes $BUILD_DIR/stack.env with the
# shell assignments tests and the demo use. `scripts/stack-down.sh` stops exactly what this started.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/puq-call.sh"

for bin in puq-synologyd dsm-sim; do
  [ -x "$BUILD_DIR/$bin" ] || { echo "stack-up: $BUILD_DIR/$bin is missing: run 'make build' first" >&2; exit 1; }
done
if [ -f "$STACK_DIR/daemon.pid" ] && kill -0 "$(cat "$STACK_DIR/daemon.pid")" 2>/dev/null; then
  echo "stack-up: a stack is already running (stop it with 'make stack-down')" >&2; exit 1
fi
# Every stack starts from nothing: a fresh database, simulator state and secret.
rm -rf "$STACK_DIR"
mkdir -p "$STACK_DIR"
chmod 700 "$STACK_DIR"

# 1. MariaDB with the WHMCS 8.13 schema.
"$REPO_DIR/scripts/mariadb-private.sh" start "$STACK_DIR/db" >/dev/null
# shellcheck disable=SC1091
source "$STACK_DIR/db/env"
"$REPO_DIR/scripts/mariadb-private.sh" load-schema "$STACK_DIR/db" "$WHMCS_DB_NAME" >/dev/null

# 2. The DSM simulator. Its admin password is made here; it exists only in this stack.
DSM_ADMIN_USER=puqadmin
DSM_ADMIN_PASS="Sim-$(openssl rand -hex 6)-Adm1n"
rm -f "$STACK_DIR/sim.ports"
"$BUILD_DIR/dsm-sim" --http-port 0 --https-port 0 --ports-file "$STACK_DIR/sim.ports" \
  --tls-dir "$STACK_DIR/tls" --admin-user "$DSM_ADMIN_USER" --admin-password "$DSM_ADMIN_PASS" \
  --state-file "$STACK_DIR/sim-state.json" ${DSM_SIM_ARGS:-} >"$STACK_DIR/sim.log" 2>&1 &
echo $! >"$STACK_DIR/sim.pid"
wait_for 20 "the DSM simulator" test -s "$STACK_DIR/sim.ports"
SIM_HTTP=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http"])' "$STACK_DIR/sim.ports")
SIM_HTTPS=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["https"])' "$STACK_DIR/sim.ports")
DSM_SIM_CONTROL_URL="http://127.0.0.1:$SIM_HTTP/control"
curl -fsS -X POST "$DSM_SIM_CONTROL_URL/groups" -H 'Content-Type: application/json' --data-binary \
  '{"groups":[{"name":"10G","description":"10 GB on homes"},{"name":"100G","description":"100 GB on homes"}]}' >/dev/null
SIM_CERT=$(ls "$STACK_DIR"/tls/*cert*.pem 2>/dev/null | head -n1 || true)

# 3. The daemon: a fresh shared secret (mode 600) and a config that trusts the simulator's certificate.
SECRET_FILE="$STACK_DIR/secret"
( umask 077; openssl rand -base64 48 | tr -d '\n' >"$SECRET_FILE" )
DAEMON_PORT=$(free_port)
cat >"$STACK_DIR/puq-synologyd.conf" <<CONF
[daemon]
listen_address = 127.0.0.1
listen_port = $DAEMON_PORT
secret_file = $SECRET_FILE
log_level = ${PUQ_LOG_LEVEL:-info}

[database]
socket = $WHMCS_DB_SOCKET
user = $WHMCS_DB_USER
password = $WHMCS_DB_PASS
name = $WHMCS_DB_NAME

[dsm]
ca_file = $SIM_CERT
CONF
chmod 600 "$STACK_DIR/puq-synologyd.conf"
"$BUILD_DIR/puq-synologyd" --config "$STACK_DIR/puq-synologyd.conf" >"$STACK_DIR/daemon.log" 2>&1 &
echo $! >"$STACK_DIR/daemon.pid"

PUQ_DAEMON_URL="http://127.0.0.1:$DAEMON_PORT"
PUQ_SECRET_FILE="$SECRET_FILE"
daemon_healthy() { puq_call GET /v1/health | grep -q '"status":"ok"'; }
if ! wait_for 30 "puq-synologyd" daemon_healthy; then
  tail -n 20 "$STACK_DIR/daemon.log" >&2
  exit 1
fi

cat >"$BUILD_DIR/stack.env" <<ENV
PUQ_DAEMON_URL=$PUQ_DAEMON_URL
PUQ_SECRET_FILE=$PUQ_SECRET_FILE
DSM_HOST=localhost
DSM_PORT=$SIM_HTTPS
DSM_SECURE=1
DSM_HTTP_PORT=$SIM_HTTP
DSM_ADMIN_USER=$DSM_ADMIN_USER
DSM_ADMIN_PASS=$DSM_ADMIN_PASS
DSM_SIM_CONTROL_URL=$DSM_SIM_CONTROL_URL
DSM_SIM_CERT=$SIM_CERT
WHMCS_DB_HOST=$WHMCS_DB_HOST
WHMCS_DB_PORT=$WHMCS_DB_PORT
WHMCS_DB_SOCKET=$WHMCS_DB_SOCKET
WHMCS_DB_USER=$WHMCS_DB_USER
WHMCS_DB_PASS=$WHMCS_DB_PASS
WHMCS_DB_NAME=$WHMCS_DB_NAME
PUQ_DAEMON_LOG=$STACK_DIR/daemon.log
ENV
echo "stack-up: MariaDB, dsm-sim (http $SIM_HTTP, https $SIM_HTTPS) and puq-synologyd ($PUQ_DAEMON_URL) running; see $BUILD_DIR/stack.env"
