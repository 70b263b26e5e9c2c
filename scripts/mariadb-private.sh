#!/usr/bin/env bash
# A private, throwaway MariaDB server for the tests (never the system service).
#
#   mariadb-private.sh start DIR [--port N]   start (or reuse) a server whose state lives in DIR
#   mariadb-private.sh stop DIR               stop it (exit 0 when it is not running)
#   mariadb-private.sh load-schema DIR DB     create DB and load tests/fixtures/whmcs/schema.sql into it
#
# After `start`, DIR/env holds shell assignments the tests read (WHMCS_DB_HOST, _PORT, _SOCKET, _USER,
# _PASS, _NAME). The server listens on 127.0.0.1 only, keeps its data in DIR/data and logs to
# DIR/error.log. User `puq` (password `puq-test-pass`, a test-only secret) has ALL on *.*.
# Works as root and as a normal user. DIR is made private (0700) because root@localhost has no password.
set -euo pipefail

readonly SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
readonly SCHEMA_FILE="$REPO_DIR/tests/fixtures/whmcs/schema.sql"
readonly TEST_USER=puq
readonly TEST_PASS=puq-test-pass
readonly TEST_DB=whmcs
readonly START_TIMEOUT_S=30
readonly STOP_TIMEOUT_S=30
# A unix socket path must fit in sockaddr_un.sun_path (108 bytes with the terminator).
readonly MAX_SOCKET_DIR_LEN=90

die() { echo "mariadb-private: $*" >&2; exit 1; }
note() { echo "mariadb-private: $*"; }

usage() {
  sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

find_binary() {  # first of the given names on PATH or in the usual sbin dirs
  local name
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
    for d in /usr/sbin /usr/local/sbin /sbin; do
      if [ -x "$d/$name" ]; then echo "$d/$name"; return 0; fi
    done
  done
  return 1
}

# Socket path: DIR/mysqld.sock, or /tmp/puq-<hash of DIR>/mysqld.sock when DIR is too long.
socket_dir_for() {
  local dir=$1
  if [ "${#dir}" -le "$MAX_SOCKET_DIR_LEN" ]; then
    echo "$dir"
  else
    echo "/tmp/puq-$(printf '%s' "$dir" | sha1sum | cut -c1-16)"
  fi
}

pid_alive() {  # pid file -> true when it names a live mariadbd (not a recycled pid)
  local pid comm
  [ -s "$1" ] || return 1
  pid=$(cat "$1" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [ -r "/proc/$pid/comm" ]; then
    comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
    [[ "$comm" == mariadbd* || "$comm" == mysqld* ]] || return 1
  fi
  return 0
}

port_is_free() {
  # A refused connection means nobody listens there.
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_free_port() {
  local port
  if command -v python3 >/dev/null 2>&1; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null) || port=""
    if [ -n "$port" ] && port_is_free "$port"; then echo "$port"; return 0; fi
  fi
  local i
  for i in $(seq 1 50); do
    port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    if port_is_free "$port"; then echo "$port"; return 0; fi
  done
  die "could not find a free TCP port on 127.0.0.1"
}

write_env() {  # DIR PORT SOCKET
  local dir=$1 port=$2 socket=$3 tmp
  tmp=$(mktemp "$dir/env.XXXXXX")
  {
    echo "# Written by scripts/mariadb-private.sh; read by the tests (tests/unit/support/temp_database.hpp)."
    if [ "$(dirname "$socket")" != "$dir" ]; then
      echo "# DIR is too long for a unix socket path, so the socket lives under $(dirname "$socket")."
    fi
    echo "WHMCS_DB_HOST='127.0.0.1'"
    echo "WHMCS_DB_PORT='$port'"
    echo "WHMCS_DB_SOCKET='$socket'"
    echo "WHMCS_DB_USER='$TEST_USER'"
    echo "WHMCS_DB_PASS='$TEST_PASS'"
    echo "WHMCS_DB_NAME='$TEST_DB'"
  } >"$tmp"
  mv -f "$tmp" "$dir/env"
}

root_sql() {  # SOCKET SQL...: run SQL as root over the socket
  local socket=$1; shift
  "$MARIADB_CLIENT" --no-defaults --protocol=socket --socket="$socket" -uroot --batch --skip-column-names -e "$*"
}

cmd_start() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  chmod 700 "$dir"
  local socket_dir socket pidfile
  socket_dir=$(socket_dir_for "$dir")
  socket="$socket_dir/mysqld.sock"
  pidfile="$dir/mysqld.pid"

  if pid_alive "$pidfile"; then
    local running_port
    running_port=$(cat "$dir/port" 2>/dev/null || true)
    [ -n "$running_port" ] || die "a server runs (pid $(cat "$pidfile")) but $dir/port is missing; run stop first"
    if [ -n "$port" ] && [ "$port" != "$running_port" ]; then
      note "already running on port $running_port (ignoring --port $port)"
    fi
    write_env "$dir" "$running_port" "$socket"
    note "already running (pid $(cat "$pidfile"), port $running_port)"
    return 0
  fi
  rm -f "$pidfile" "$socket"

  MARIADBD=$(find_binary mariadbd mysqld) || die "mariadbd not found (apt-get install mariadb-server)"
  INSTALL_DB=$(find_binary mariadb-install-db mysql_install_db) || die "mariadb-install-db not found"
  local user_opt=()
  # mariadbd refuses to run as root unless told to; as any other user it runs as that user anyway.
  [ "$(id -u)" -eq 0 ] && user_opt=(--user=root)

  if [ ! -d "$dir/data/mysql" ]; then
    note "initialising $dir/data"
    rm -rf "$dir/data"
    if ! "$INSTALL_DB" --no-defaults --datadir="$dir/data" --auth-root-authentication-method=normal \
        --skip-test-db "${user_opt[@]}" >"$dir/install-db.log" 2>&1; then
      tail -n 30 "$dir/install-db.log" >&2
      die "mariadb-install-db failed (log: $dir/install-db.log)"
    fi
  fi

  mkdir -p "$socket_dir"
  chmod 700 "$socket_dir"
  [ -n "$port" ] || port=$(pick_free_port)
  port_is_free "$port" || die "port $port on 127.0.0.1 is in use"

  # Small memory settings: several build trees may each run one of these on a small machine.
  # Durability traded for speed (tests create and drop a database per test case): no doublewrite,
  # log flushed once a second, all tables in the system tablespace (no file per CREATE/DROP).
  # setsid + redirecting every fd detaches the server, so ctest does not wait for it.
  setsid "$MARIADBD" --no-defaults "${user_opt[@]}" \
    --datadir="$dir/data" --socket="$socket" --port="$port" --bind-address=127.0.0.1 \
    --pid-file="$pidfile" --log-error="$dir/error.log" --tmpdir="$dir" \
    --skip-name-resolve --performance-schema=OFF --skip-log-bin \
    --innodb-buffer-pool-size=64M --innodb-log-file-size=16M --innodb-log-buffer-size=4M \
    --innodb-flush-log-at-trx-commit=2 --key-buffer-size=4M --max-connections=400 \
    --innodb-file-per-table=OFF --innodb-doublewrite=OFF \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    </dev/null >>"$dir/mariadbd.out" 2>&1 &
  local server_pid=$!
  echo "$port" >"$dir/port"

  local deadline=$(( SECONDS + START_TIMEOUT_S ))
  until root_sql "$socket" "SELECT 1" >/dev/null 2>&1; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      tail -n 30 "$dir/error.log" >&2 || true
      die "mariadbd exited during startup (log: $dir/error.log)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 30 "$dir/error.log" >&2 || true
      kill -TERM "$server_pid" 2>/dev/null || true
      die "mariadbd did not answer within ${START_TIMEOUT_S}s (log: $dir/error.log)"
    fi
    sleep 0.2
  done
  # mariadbd writes the pid file itself, but only once it is up; make sure `stop` finds it.
  [ -s "$pidfile" ] || echo "$server_pid" >"$pidfile"

  # The test account, over TCP (127.0.0.1) and the socket (localhost). Root keeps only the socket.
  root_sql "$socket" "
    CREATE USER IF NOT EXISTS '$TEST_USER'@'localhost' IDENTIFIED BY '$TEST_PASS';
    CREATE USER IF NOT EXISTS '$TEST_USER'@'127.0.0.1' IDENTIFIED BY '$TEST_PASS';
    ALTER USER '$TEST_USER'@'localhost' IDENTIFIED BY '$TEST_PASS';
    ALTER USER '$TEST_USER'@'127.0.0.1' IDENTIFIED BY '$TEST_PASS';
    GRANT ALL ON *.* TO '$TEST_USER'@'localhost';
    GRANT ALL ON *.* TO '$TEST_USER'@'127.0.0.1';
    DELETE FROM mysql.global_priv WHERE User = 'root' AND Host <> 'localhost';
    DELETE FROM mysql.global_priv WHERE User = '';
    DELETE FROM mysql.proxies_priv WHERE Host NOT IN ('localhost', '');
    FLUSH PRIVILEGES;
    CREATE DATABASE IF NOT EXISTS \`$TEST_DB\` CHARACTER SET utf8mb4;" \
    || die "could not create the test user (log: $dir/error.log)"

  write_env "$dir" "$port" "$socket"
  note "running (pid $(cat "$pidfile"), port $port, socket $socket); settings in $dir/env"
}

cmd_stop() {
  local dir=$1
  [ -d "$dir" ] || { note "not running ($dir does not exist)"; return 0; }
  dir=$(cd "$dir" && pwd)
  local pidfile="$dir/mysqld.pid" socket_dir
  socket_dir=$(socket_dir_for "$dir")
  if ! pid_alive "$pidfile"; then
    rm -f "$pidfile" "$socket_dir/mysqld.sock"
    note "not running"
    return 0
  fi
  local pid
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$(( SECONDS + STOP_TIMEOUT_S ))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      note "mariadbd (pid $pid) did not stop within ${STOP_TIMEOUT_S}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$pidfile" "$socket_dir/mysqld.sock" "$socket_dir/mysqld.sock.lock"
  [ "$socket_dir" = "$dir" ] || rmdir "$socket_dir" 2>/dev/null || true
  note "stopped (pid $pid)"
}

cmd_load_schema() {
  local dir=$1 db=$2
  [[ "$db" =~ ^[A-Za-z0-9_]+$ ]] || die "database name must be [A-Za-z0-9_]+: $db"
  [ -f "$SCHEMA_FILE" ] || die "schema not found: $SCHEMA_FILE"
  dir=$(cd "$dir" && pwd)
  pid_alive "$dir/mysqld.pid" || die "no server running in $dir (run start first)"
  local socket
  socket="$(socket_dir_for "$dir")/mysqld.sock"
  root_sql "$socket" "CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4"
  # WHMCS's own install files create these tables with this SQL mode ('0000-00-00' defaults).
  { echo "SET SESSION SQL_MODE='NO_AUTO_VALUE_ON_ZERO';"; cat "$SCHEMA_FILE"; } |
    "$MARIADB_CLIENT" --no-defaults --protocol=socket --socket="$socket" -uroot "$db" \
    || die "loading $SCHEMA_FILE into $db failed"
  note "loaded $(basename "$SCHEMA_FILE") into $db"
}

main() {
  [ $# -ge 2 ] || usage
  local cmd=$1 dir=$2
  shift 2
  MARIADB_CLIENT=$(find_binary mariadb mysql) || die "mariadb client not found (apt-get install mariadb-client)"
  case "$cmd" in
    start)
      local port=""
      while [ $# -gt 0 ]; do
        case "$1" in
          --port) [ $# -ge 2 ] || usage; port=$2; shift 2 ;;
          --port=*) port=${1#--port=}; shift ;;
          *) usage ;;
        esac
      done
      [ -z "$port" ] || [[ "$port" =~ ^[0-9]+$ ]] || die "--port needs a number"
      cmd_start "$dir" "$port" ;;
    stop) [ $# -eq 0 ] || usage; cmd_stop "$dir" ;;
    load-schema) [ $# -eq 1 ] || usage; cmd_load_schema "$dir" "$1" ;;
    *) usage ;;
  esac
}

main "$@"
