#!/usr/bin/env bash
# Stops what scripts/stack-up.sh started, and nothing else.
set -uo pipefail
source "$(dirname "$0")/lib/common.sh"

stop_pid_file() {
  local file="$1" name="$2" pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "stack-down: $name did not stop on SIGTERM; killing it" >&2
      kill -KILL "$pid" 2>/dev/null
    fi
  fi
  rm -f "$file"
}

stop_pid_file "$STACK_DIR/daemon.pid" puq-synologyd
stop_pid_file "$STACK_DIR/sim.pid" dsm-sim
[ -d "$STACK_DIR/db" ] && "$REPO_DIR/scripts/mariadb-private.sh" stop "$STACK_DIR/db" >/dev/null
rm -f "$BUILD_DIR/stack.env"
echo "stack-down: stopped"
