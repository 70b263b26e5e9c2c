#!/usr/bin/env bash
# make package-test: installs the puq-synology .deb into a throwaway copy of this machine and checks it.
#
# How: in a private mount namespace (unshare -m), an overlayfs whose lower layer is the host's / (read
# only) and whose upper layer is a tmpfs becomes the root of a chroot. dpkg, adduser and the maintainer
# scripts run for real in it: install, reinstall over an edited config, upgrade, remove, purge. Every
# write lands in the tmpfs, which disappears with the namespace; the host's files, users and dpkg
# database are compared before and after. Offline, no debootstrap, 10 to 15 seconds. Needs root (or sudo)
# for the mount namespace and the chroot.
#
# Usage: scripts/package-test.sh [FILE.deb]   (default: the newest .deb in $PKG_BUILD_DIR, else build-pkg/)
# Prints one PASS/FAIL line per check and a summary; exits 1 when any check failed.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)

if [ -z "${PUQ_PKGTEST_INNER:-}" ]; then
  # ------------------------------------------------------------------ outer part: on the host, unchanged
  start=$(date +%s%N)
  deb=${1:-}
  if [ -z "$deb" ]; then
    dir=${PKG_BUILD_DIR:-$repo/build-pkg}
    deb=$(ls -t "$dir"/puq-synology_*.deb 2>/dev/null | head -n 1)
  fi
  if [ -z "$deb" ] || [ ! -f "$deb" ]; then
    echo "package-test: no .deb found (run make package first, or pass the file)" >&2
    exit 2
  fi
  deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
  if [ "$(id -u)" -ne 0 ]; then
    exec sudo -E "$0" "$deb"
  fi
  for tool in unshare chroot dpkg-deb mount; do
    command -v "$tool" >/dev/null || { echo "package-test: $tool is missing" >&2; exit 2; }
  done

  scratch=$(mktemp -d /tmp/puq-pkgtest.XXXXXX)
  trap 'rm -rf "$scratch"' EXIT
  echo "package-test: $deb"
  echo "package-test: scratch root $scratch/root (overlay of / with a tmpfs upper layer, private mount namespace)"

  host_state() {
    sha256sum /etc/passwd /etc/group /etc/shadow /etc/gshadow /var/lib/dpkg/status 2>/dev/null
    ls -ld /etc/puq-synologyd /lib/systemd/system/puq-synologyd.service /usr/sbin/puq-synologyd 2>&1
  }
  before=$(host_state)

  PUQ_PKGTEST_INNER=1 unshare --mount --propagation private "$0" "$deb" "$scratch"
  rc=$?

  after=$(host_state)
  if [ "$before" = "$after" ]; then
    echo "PASS  host untouched: /etc/passwd, group, shadow, gshadow, the dpkg status and the installed paths are as before"
  else
    echo "FAIL  host changed:"; diff <(echo "$before") <(echo "$after")
    rc=1
  fi
  if grep -q " $scratch/" /proc/mounts; then
    echo "FAIL  a scratch mount outlived the test"; rc=1
  else
    echo "PASS  no scratch mount left behind"
  fi
  tenths=$(( ($(date +%s%N) - start) / 100000000 ))
  echo "package-test: finished in $((tenths / 10)).$((tenths % 10)) s"
  if [ "$rc" -eq 0 ]; then echo "package-test: ALL PASSED"; else echo "package-test: FAILED"; fi
  exit "$rc"
fi

# -------------------------------------------------------------------- inner part: private mount namespace
deb=$1
scratch=$2
root=$scratch/root
rw=$scratch/rw
failures=0
passes=0

daemon_pid=
# Whatever happens, the daemon this script starts does not outlive it.
trap '[ -n "$daemon_pid" ] && kill -KILL "$daemon_pid" 2>/dev/null' EXIT

pass() { echo "PASS  $*"; passes=$((passes + 1)); }
fail() { echo "FAIL  $*"; failures=$((failures + 1)); }
check() {  # check "description" command...: PASS when the command succeeds
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}
# Run a command in the scratch root with a clean environment.
in_root() {
  chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}
mode_of() { in_root stat -c '%a %U:%G' "$1" 2>/dev/null; }

mkdir -p "$root" "$rw"
mount -t tmpfs -o mode=0755 puq-pkgtest "$rw" || { echo "FAIL  cannot mount a tmpfs"; exit 1; }
mkdir -p "$rw/upper" "$rw/work" "$rw/files"
if ! mount -t overlay puq-pkgtest -o "lowerdir=/,upperdir=$rw/upper,workdir=$rw/work" "$root"; then
  echo "FAIL  cannot mount an overlay of / (is the overlay filesystem available?)"; exit 1
fi
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
# An empty /run (no /run/systemd/system: the maintainer scripts behave as in a chroot) and an empty /tmp.
mount -t tmpfs tmpfs "$root/run"
mount -t tmpfs tmpfs "$root/tmp"
cp "$deb" "$root/tmp/puq-synology.deb"
pass "scratch root ready: overlay of / in a private mount namespace"

# A machine where the package or its leftovers exist starts from a clean state (in the overlay only).
if in_root dpkg-query -W -f='${Status}' puq-synology 2>/dev/null | grep -q installed; then
  in_root dpkg --purge puq-synology >/dev/null 2>&1
fi
rm -rf "$root/etc/puq-synologyd" "$root/var/log/puq-synologyd"
in_root deluser --system puq-synologyd >/dev/null 2>&1
in_root delgroup --system puq-synologyd >/dev/null 2>&1

version=$(sed -n 's/^project(puqSynology VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
conf=/etc/puq-synologyd/puq-synologyd.conf
secret=/etc/puq-synologyd/secret
moddir=/usr/share/puq-synology/whmcs/modules/servers/puqSynology
unit=/lib/systemd/system/puq-synologyd.service

# ---------------------------------------------------------------------------------- the .deb itself
echo "-- the package file"
info=$(dpkg-deb -f "$deb")
field() { printf '%s\n' "$info" | sed -n "s/^$1: //p"; }
[ "$(field Package)" = puq-synology ] && pass "Package: puq-synology" || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] && pass "Version: $version (project() in CMakeLists.txt)" \
  || fail "Version is '$(field Version)', project() says $version"
[ "$(field Section)" = net ] && pass "Section: net" || fail "Section is '$(field Section)'"
[ -n "$(field Maintainer)" ] && pass "Maintainer: $(field Maintainer)" || fail "no Maintainer"
depends=$(field Depends)
missing_deps=""
for dep in adduser libc6 libstdc++6 libssl3 libmariadb3; do
  printf '%s\n' "$depends" | tr ',' '\n' | awk '{print $1}' | grep -qxF "$dep" || missing_deps="$missing_deps $dep"
done
[ -z "$missing_deps" ] && pass "Depends (dpkg-shlibdeps + adduser): $depends" \
  || fail "Depends lacks$missing_deps: $depends"

if command -v lintian >/dev/null; then
  lint=$(lintian --allow-root "$deb" 2>&1)
  if printf '%s\n' "$lint" | grep -q '^E:'; then
    fail "lintian reports errors:"; printf '%s\n' "$lint" | grep '^E:' | sed 's/^/      /'
  else
    pass "lintian: no error ($(printf '%s\n' "$lint" | grep -c '^W:') warnings: missing man pages, the 0640 conffile)"
  fi
else
  echo "SKIP  lintian is not installed (apt-get install lintian)"
fi

ctrl=$rw/files/control
mkdir -p "$ctrl" && dpkg-deb -e "$deb" "$ctrl"
[ "$(cat "$ctrl/conffiles" 2>/dev/null)" = "$conf" ] && pass "conffiles: exactly $conf" \
  || fail "conffiles is '$(cat "$ctrl/conffiles" 2>/dev/null)'"
for script in postinst prerm postrm; do
  if [ -x "$ctrl/$script" ] && sh -n "$ctrl/$script"; then
    pass "$script: executable, valid sh"
  else
    fail "$script: missing, not executable or not valid sh"
  fi
done

listing=$(dpkg-deb -c "$deb")
if printf '%s\n' "$listing" | awk '{print $2}' | grep -qv '^root/root$'; then
  fail "every file in the package is owned by root/root"
else
  pass "every file in the package is owned by root/root"
fi
has() { printf '%s\n' "$listing" | awk '{print $6}' | grep -qx "\\.$1"; }
for path in /usr/sbin/puq-synologyd /usr/bin/dsm-sim "$conf" "$unit" /usr/share/doc/puq-synology/copyright \
            /usr/share/doc/puq-synology/changelog.gz /usr/share/doc/puq-synology/examples/puq-synologyd.conf.example \
            /usr/share/man/man8/puq-synologyd.8.gz; do
  has "$path" && pass "contains $path" || fail "does not contain $path"
done
for doc in README.md install.md dsm-preparation.md errors.md upgrading.md config.md api.md client-area.md settings.md; do
  has "/usr/share/doc/puq-synology/$doc" || missing_docs="${missing_docs:-} $doc"
done
[ -z "${missing_docs:-}" ] && pass "contains the documentation (install, dsm-preparation, errors, upgrading, config, ...)" \
  || fail "documentation missing:${missing_docs:-}"
printf '%s\n' "$listing" | grep -q '/config\.php$' && fail "contains a module config.php (a developer's settings)" \
  || pass "no module config.php in the package"
printf '%s\n' "$listing" | grep -q "$conf" && [ "$(printf '%s\n' "$listing" | awk -v f=".$conf" '$6==f {print $1}')" = "-rw-r-----" ] \
  && pass "the configuration is shipped 0640" || fail "the configuration is not shipped 0640"

# -------------------------------------------------------------------------------------- installation
echo "-- dpkg -i in the scratch root"
if out=$(in_root dpkg -i /tmp/puq-synology.deb 2>&1); then
  pass "dpkg -i succeeds (dependencies satisfied, postinst ran)"
else
  fail "dpkg -i failed:"; printf '%s\n' "$out" | sed 's/^/      /'
fi
printf '%s' "$out" | grep -q "systemctl enable --now puq-synologyd" && pass "postinst prints the next steps" \
  || fail "postinst did not print the next steps"
[ ! -e "$root/etc/systemd/system/multi-user.target.wants/puq-synologyd.service" ] \
  && pass "the service is not enabled by the package (no database configured yet)" || fail "the package enabled the service"

pw=$(in_root getent passwd puq-synologyd)
uid=$(printf '%s' "$pw" | cut -d: -f3)
if [ -n "$pw" ] && [ "$uid" -lt 1000 ] && [ "$(printf '%s' "$pw" | cut -d: -f7)" = /usr/sbin/nologin ] \
   && [ "$(printf '%s' "$pw" | cut -d: -f6)" = /nonexistent ]; then
  pass "system user puq-synologyd (uid $uid, no home, nologin)"
else
  fail "system user puq-synologyd: '$pw'"
fi
[ "$(in_root id -gn puq-synologyd 2>/dev/null)" = puq-synologyd ] && pass "its primary group is puq-synologyd" \
  || fail "its primary group is '$(in_root id -gn puq-synologyd 2>/dev/null)'"
[ ! -e "$root/nonexistent" ] && pass "no home directory created" || fail "/nonexistent was created"

[ "$(mode_of /etc/puq-synologyd)" = "750 root:puq-synologyd" ] && pass "/etc/puq-synologyd is 0750 root:puq-synologyd" \
  || fail "/etc/puq-synologyd is $(mode_of /etc/puq-synologyd)"
[ "$(mode_of $conf)" = "640 root:puq-synologyd" ] && pass "$conf is 0640 root:puq-synologyd" \
  || fail "$conf is $(mode_of $conf)"
[ "$(mode_of $secret)" = "640 root:puq-synologyd" ] && pass "$secret is 0640 root:puq-synologyd" \
  || fail "$secret is $(mode_of $secret)"
secret_text=$(tr -d '\n' < "$root$secret" 2>/dev/null)
if [ "${#secret_text}" -eq 64 ] && [ "$(printf '%s' "$secret_text" | base64 -d 2>/dev/null | wc -c)" -eq 48 ]; then
  pass "the secret is 48 random bytes in base64 (64 characters)"
else
  fail "the secret is not 48 bytes in base64: ${#secret_text} characters"
fi
secret_sum=$(sha256sum < "$root$secret")
ls "$root/etc/puq-synologyd"/.secret.* >/dev/null 2>&1 && fail "a temporary secret file was left behind" \
  || pass "no temporary secret file left behind"

# ------------------------------------------------------------------------------------------- the daemon
echo "-- the installed daemon"
v=$(in_root /usr/sbin/puq-synologyd --version 2>&1)
[ "$v" = "puq-synologyd $version" ] && pass "puq-synologyd --version: $v" || fail "puq-synologyd --version: $v"
in_root /usr/bin/dsm-sim --help >/dev/null 2>&1 && pass "dsm-sim --help runs" || fail "dsm-sim --help fails"
check "the binaries are stripped" sh -c "file -L '$root/usr/sbin/puq-synologyd' '$root/usr/bin/dsm-sim' | grep -vq 'not stripped'"
missing_libs=$(in_root ldd /usr/sbin/puq-synologyd 2>&1 | grep 'not found')
[ -z "$missing_libs" ] && pass "every shared library of the daemon resolves" || fail "libraries not found: $missing_libs"

cc_out=$(in_root /usr/sbin/puq-synologyd --check-config 2>&1); cc_rc=$?
echo "      --check-config on the installed configuration (exit $cc_rc):"
printf '%s\n' "$cc_out" | sed 's/^/      | /'
if [ "$cc_rc" -eq 1 ] && printf '%s' "$cc_out" | grep -q "has no user" && printf '%s' "$cc_out" | grep -q "whmcs_configuration"; then
  pass "--check-config refuses the fresh configuration and says what to set ([database] or whmcs_configuration)"
else
  fail "--check-config does not explain the missing database settings"
fi
# As the daemon's own user (what ExecStartPre runs): it can read the configuration and the secret.
as_daemon() { in_root setpriv --reuid=puq-synologyd --regid=puq-synologyd --init-groups "$@"; }
ud_out=$(as_daemon /usr/sbin/puq-synologyd --check-config 2>&1)
if printf '%s' "$ud_out" | grep -qi "permission denied\|cannot read"; then
  fail "as puq-synologyd, --check-config cannot read a file: $ud_out"
else
  pass "as puq-synologyd, the configuration and the secret are readable"
fi
secret_lines=$(printf '%s\n' "$ud_out" | grep 'secret')
if [ -z "$secret_lines" ]; then
  pass "the daemon accepts the packaged secret file (0640 root:puq-synologyd)"
else
  fail "the daemon refuses the packaged secret file: $secret_lines"
fi

# A configured installation: what 'systemctl start' would run, minus systemd.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dbport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cp -p "$root$conf" "$rw/files/conf.orig"
cat >> "$root$conf" <<EOF

# package-test: a configured installation
[daemon]
listen_port = $port
[database]
host = 127.0.0.1
port = $dbport
user = whmcs
password = package-test-password
name = whmcs
connect_timeout_s = 1
EOF
# The example configuration has empty [daemon] and [database] sections: merge by rewriting it.
python3 - "$root$conf" <<'EOF'
import re, sys
path = sys.argv[1]
text = open(path).read()
head, _, added = text.partition("\n# package-test: a configured installation\n")
sections, current = {}, None
for line in added.splitlines():
    m = re.match(r"\[(\w+)\]", line)
    if m: current = m.group(1); sections.setdefault(current, [])
    elif line.strip() and current: sections[current].append(line)
out = []
for line in head.splitlines():
    out.append(line)
    m = re.match(r"\[(\w+)\]\s*$", line)
    if m and m.group(1) in sections: out.extend(sections.pop(m.group(1)))
open(path, "w").write("\n".join(out) + "\n")
EOF
cfg_out=$(as_daemon /usr/sbin/puq-synologyd --check-config 2>&1); cfg_rc=$?
if [ "$cfg_rc" -eq 0 ]; then
  pass "with [database] set, --check-config as puq-synologyd says OK (ExecStartPre would pass)"
else
  fail "with [database] set, --check-config as puq-synologyd still fails:"; printf '%s\n' "$cfg_out" | sed 's/^/      | /'
fi
if [ "$cfg_rc" -eq 0 ]; then
  # exec all the way down (chroot, env, setpriv), so that $! is the daemon itself.
  (exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
     setpriv --reuid=puq-synologyd --regid=puq-synologyd --init-groups \
     /usr/sbin/puq-synologyd --config "$conf") >"$rw/files/daemon.log" 2>&1 &
  daemon_pid=$!
  health=
  for _ in $(seq 1 50); do
    health=$(PUQ_DAEMON_URL="http://127.0.0.1:$port" PUQ_SECRET_FILE="$root$secret" \
             bash -c ". '$repo/scripts/lib/puq-call.sh'; puq_call GET /v1/health" 2>/dev/null) && [ -n "$health" ] && break
    sleep 0.1
  done
  if printf '%s' "$health" | grep -q "\"version\":\"$version\""; then
    pass "the daemon runs as puq-synologyd and answers a signed /v1/health: $health"
  else
    fail "no signed /v1/health answer from the daemon: '$health'"; sed 's/^/      | /' "$rw/files/daemon.log"
  fi
  kill -TERM "$daemon_pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$daemon_pid" 2>/dev/null; then
    fail "the daemon did not stop within 5 s of SIGTERM"; kill -KILL "$daemon_pid" 2>/dev/null
  else
    pass "the daemon stops on SIGTERM"
  fi
  wait "$daemon_pid" 2>/dev/null
  daemon_pid=
fi
cp -p "$rw/files/conf.orig" "$root$conf"

# --------------------------------------------------------------------------------- the web server's part
echo "-- the web server user (WHMCS's PHP reads the secret)"
if in_root getent passwd www-data >/dev/null; then
  in_root setpriv --reuid=www-data --regid=www-data --init-groups cat "$secret" >/dev/null 2>&1 \
    && fail "www-data reads the secret before it is added to the group" \
    || pass "www-data cannot read the secret before it is added to the group"
  in_root adduser --quiet www-data puq-synologyd >/dev/null 2>&1
  [ "$(in_root setpriv --reuid=www-data --regid=www-data --init-groups cat "$secret" 2>/dev/null | sha256sum)" = "$secret_sum" ] \
    && pass "after 'adduser www-data puq-synologyd', www-data reads the secret" \
    || fail "after 'adduser www-data puq-synologyd', www-data still cannot read the secret"
fi
in_root setpriv --reuid=nobody --regid=nogroup --clear-groups cat "$secret" >/dev/null 2>&1 \
  && fail "other users can read the secret" || pass "other users cannot read the secret"

# ---------------------------------------------------------------------------------------- systemd unit
echo "-- the systemd unit"
[ -f "$root$unit" ] && pass "$unit installed" || fail "$unit missing"
for line in "Type=simple" "User=puq-synologyd" \
            "ExecStartPre=/usr/sbin/puq-synologyd --check-config --config $conf" \
            "ExecStart=/usr/sbin/puq-synologyd --config $conf" \
            'ExecReload=/bin/kill -HUP $MAINPID' "Restart=on-failure" "NoNewPrivileges=yes" "ProtectSystem=strict" \
            "CapabilityBoundingSet=" "SystemCallFilter=@system-service" "UMask=0077"; do
  grep -qxF "$line" "$root$unit" || missing_lines="${missing_lines:-}; $line"
done
[ -z "${missing_lines:-}" ] && pass "the unit runs the daemon as puq-synologyd, checks the config first, is hardened" \
  || fail "the unit lacks${missing_lines:-}"
grep -q '^IPAddressDeny=' "$root$unit" && fail "the unit denies IP traffic (the daemon must reach the NAS)" \
  || pass "no IP address filter (the daemon connects out to every NAS and the database)"
if in_root sh -c 'command -v systemd-analyze' >/dev/null; then
  va=$(in_root systemd-analyze verify "$unit" 2>&1)
  [ -z "$va" ] && pass "systemd-analyze verify: no warning" || fail "systemd-analyze verify: $va"
  score=$(in_root systemd-analyze security --offline=true "$unit" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
    pass "systemd-analyze security --offline: exposure $score (<= 2.0)"
  else
    fail "systemd-analyze security --offline: exposure '$score'"
  fi
else
  echo "SKIP  systemd-analyze is not installed"
fi

# ------------------------------------------------------------------------------------------ WHMCS module
echo "-- the WHMCS module"
expected=$(cd "$repo/php-shim/modules/servers/puqSynology" && find . -type f ! -name config.php ! -name '.*' | sort)
installed=$(cd "$root$moddir" 2>/dev/null && find . -type f | sort)
if [ -n "$installed" ] && [ "$expected" = "$installed" ]; then
  pass "$moddir holds the module's $(printf '%s\n' "$installed" | wc -l) files (no config.php)"
else
  fail "$moddir differs from php-shim/modules/servers/puqSynology:"; diff <(echo "$expected") <(echo "$installed") | sed 's/^/      /'
fi
for f in puqSynology.php hooks.php whmcs.json logo.png config.example.php lang/english.php lang/german.php \
         lang/polish.php lang/spanish.php lang/french.php lang/ukrainian.php lang/russian.php templates/overview.tpl; do
  [ -f "$root$moddir/$f" ] || missing_mod="${missing_mod:-} $f"
done
[ -z "${missing_mod:-}" ] && pass "module entry point, hooks, manifest, logo and 7 languages present" \
  || fail "module files missing:${missing_mod:-}"
if command -v php >/dev/null; then
  bad_php=$(cd "$root$moddir" && find . -name '*.php' -exec php -l {} \; 2>&1 | grep -v '^No syntax errors')
  [ -z "$bad_php" ] && pass "every installed module PHP file parses (php -l)" || fail "php -l: $bad_php"
  php -r 'exit(is_array(json_decode(file_get_contents($argv[1]), true)) ? 0 : 1);' "$root$moddir/whmcs.json" \
    && pass "whmcs.json is valid JSON" || fail "whmcs.json is not valid JSON"
fi
check "logo.png is a PNG image" sh -c "head -c 8 '$root$moddir/logo.png' | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"
[ -z "$(find "$root$moddir" -perm /0022 -o ! -user root 2>/dev/null)" ] \
  && pass "module files are root-owned and not group/world-writable" || fail "module files with loose permissions"

# ------------------------------------------------------------------------- conffile, reinstall, upgrade
echo "-- reinstall and upgrade keep the admin's configuration and the secret"
printf '\n# edited by the admin (package-test)\n' >> "$root$conf"
edited_sum=$(sha256sum < "$root$conf")
in_root dpkg -i /tmp/puq-synology.deb >/dev/null 2>&1 && pass "reinstalling the same .deb succeeds" \
  || fail "reinstalling the same .deb fails"
[ "$(sha256sum < "$root$conf")" = "$edited_sum" ] && pass "the edited configuration survives a reinstall" \
  || fail "a reinstall replaced the edited configuration"
[ "$(sha256sum < "$root$secret")" = "$secret_sum" ] && pass "the secret survives a reinstall" \
  || fail "a reinstall changed the secret"

# A newer version whose default configuration changed, as a real upgrade would bring.
repack=$rw/files/repack
dpkg-deb -R "$deb" "$repack"
sed -i "s/^Version: .*/Version: $version+pkgtest1/" "$repack/DEBIAN/control"
printf '\n# a new default in the next version\n' >> "$repack$conf"
dpkg-deb --root-owner-group -b "$repack" "$root/tmp/puq-synology-next.deb" >/dev/null 2>&1
if in_root dpkg -i --force-confdef --force-confold /tmp/puq-synology-next.deb >/dev/null 2>&1; then
  pass "upgrading to $version+pkgtest1 succeeds"
else
  fail "upgrading to $version+pkgtest1 fails"
fi
[ "$(sha256sum < "$root$conf")" = "$edited_sum" ] && pass "the upgrade keeps the edited configuration" \
  || fail "the upgrade replaced the edited configuration"
[ -f "$root$conf.dpkg-dist" ] && pass "the new default configuration is saved beside it as .dpkg-dist" \
  || fail "no $conf.dpkg-dist after the upgrade"
[ "$(sha256sum < "$root$secret")" = "$secret_sum" ] && pass "the upgrade keeps the secret" || fail "the upgrade changed the secret"
[ "$(mode_of $conf)" = "640 root:puq-synologyd" ] && pass "the configuration is still 0640 root:puq-synologyd" \
  || fail "after the upgrade the configuration is $(mode_of $conf)"

# ------------------------------------------------------------------------------------- remove and purge
echo "-- remove and purge"
in_root dpkg -r puq-synology >/dev/null 2>&1 && pass "dpkg -r succeeds" || fail "dpkg -r fails"
[ ! -e "$root/usr/sbin/puq-synologyd" ] && [ ! -e "$root$unit" ] && [ ! -e "$root$moddir" ] \
  && pass "remove deletes the daemon, the unit and the module files" || fail "remove left program files behind"
[ -f "$root$conf" ] && [ -f "$root$secret" ] && in_root getent passwd puq-synologyd >/dev/null \
  && pass "remove keeps the configuration, the secret and the user" || fail "remove deleted configuration, secret or user"
in_root dpkg -P puq-synology >/dev/null 2>&1 && pass "dpkg -P succeeds" || fail "dpkg -P fails"
[ ! -e "$root/etc/puq-synologyd" ] && pass "purge deletes /etc/puq-synologyd" || fail "purge left /etc/puq-synologyd"
! in_root getent passwd puq-synologyd >/dev/null && ! in_root getent group puq-synologyd >/dev/null \
  && pass "purge deletes the user and the group" || fail "purge left the user or the group"
[ "$(in_root dpkg-query -W -f='${Status}' puq-synology 2>/dev/null)" != "install ok installed" ] \
  && pass "dpkg no longer lists the package" || fail "dpkg still lists the package"

echo "package-test: $passes passed, $failures failed (scratch root)"
umount "$root/tmp" "$root/run" "$root/dev" "$root/proc" "$root" "$rw" 2>/dev/null
[ "$failures" -eq 0 ]
