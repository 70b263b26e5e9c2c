#!/usr/bin/env bash
# Installs the Debian packages puqSynology needs to build, test and demo, and only those that are missing.
# Idempotent: a second run installs nothing and prints one line.
set -euo pipefail

PKGS=(
  g++ cmake make pkg-config
  libcpp-httplib-dev nlohmann-json3-dev libssl-dev libmariadb-dev libspdlog-dev catch2
  mariadb-server mariadb-client
  php-cli php-curl php-mbstring php-xml php-mysql phpunit smarty3
  openssl curl ca-certificates python3
  chromium fonts-dejavu-core  # the client area and admin tab are checked in headless Chromium
)
# Optional extra: clang and its runtime for the libFuzzer targets (make fuzz).
case "${1:-}" in
  --with-fuzz) PKGS+=(clang libclang-rt-dev) ;;
  "") ;;
  *) echo "usage: $0 [--with-fuzz]" >&2; exit 2 ;;
esac

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts mariadb.service on install; our tests use their own private server, never the system one.
echo "install-deps: done"
