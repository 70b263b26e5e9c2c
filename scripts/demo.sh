#!/usr/bin/env bash
# `make demo`: start the stack, run one service's whole life through the PHP module (tools/demo.php),
# show the daemon's log lines for it, and stop everything it started.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

step "Starting MariaDB (WHMCS 8.13 schema), the DSM simulator and puq-synologyd"
trap '"$REPO_DIR/scripts/stack-down.sh"' EXIT
"$REPO_DIR/scripts/stack-up.sh"
set -a; source "$BUILD_DIR/stack.env"; set +a

step "A NAS storage service's life, driven through php-shim/modules/servers/puqSynology"
php "$REPO_DIR/tools/demo.php"

step "What the daemon logged (no secret in it)"
grep -E 'account/|server/' "$STACK_DIR/daemon.log" | tail -n 14 || true
