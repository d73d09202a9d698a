#!/usr/bin/env bash
# Proves that the .deb installs and runs on a clean Debian 12: builds a minimal bookworm root with
# debootstrap (cached in ./out/cache), installs the package there with apt so that its Depends are
# resolved from Debian's archive, and runs the *installed* programs:
#   1. codeflow-bank --version
#   2. codeflow-bank serve --port 0, then GET /.well-known/openid-configuration: the issuer must match
#   3. codeflow-lab --autoplay --exit-when-done, headless (offscreen, no sandbox: we are root)
#
#   packaging/verify-deb.sh [--with-recommends] [--bank-only] [--keep] codeflow-lab_VERSION_ARCH.deb
#     --with-recommends  install the Recommends too (gnome-keyring): the app must then keep its secrets
#                        in the keychain (run in a private D-Bus session with an unlocked keyring)
#     --bank-only        accept a package without codeflow-lab (while the desktop app is not built yet)
#     --keep             leave the root in place afterwards and print where it is
# Needs root (debootstrap, chroot, mount) and network access to the Debian mirror apt uses here.
set -euo pipefail

usage() { sed -n '8,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { printf 'verify-deb: %s\n' "$*" >&2; exit 2; }
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

bank_only=0 keep=0 recommends=0 deb=
for arg; do
    case $arg in
    --with-recommends) recommends=1 ;;
    --bank-only) bank_only=1 ;;
    --keep) keep=1 ;;
    -*) usage ;;
    *) [[ -z $deb ]] || usage; deb=$arg ;;
    esac
done
[[ -n $deb && -f $deb ]] || usage
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
((EUID == 0)) || die "needs root (debootstrap, chroot and mount)"
for tool in debootstrap chroot mount umount findmnt dpkg-deb; do
    command -v "$tool" >/dev/null || die "$tool is missing (apt install debootstrap)"
done

root_dir=$(cd "$(dirname "$0")/.." && pwd)
cache=$root_dir/out/cache
suite=bookworm
arch=$(dpkg --print-architecture)
mkdir -p "$cache/apt-archives/partial"

# The Debian mirror this machine's apt already uses (deb822 .sources first, then sources.list); the
# security and updates suites come along when configured, so that the root sees the same versions
# dpkg-shlibdeps saw here.
mirror_for() { # $1 suite → first URI serving it, or nothing
    local suite=$1 file
    for file in /etc/apt/sources.list.d/*.sources; do
        [[ -f $file ]] || continue
        awk -v suite="$suite" '
            BEGIN { RS = ""; FS = "\n" }
            {
                uri = ""; ok = 0; deb = 0; enabled = 1
                for (i = 1; i <= NF; i++) {
                    if ($i ~ /^Types:/ && $i ~ /[[:space:]]deb([[:space:]]|$)/) deb = 1
                    if ($i ~ /^Enabled:[[:space:]]*no/) enabled = 0
                    if ($i ~ /^URIs:/) { split($i, u, /[[:space:]]+/); uri = u[2] }
                    if ($i ~ /^Suites:/) { n = split($i, s, /[[:space:]]+/); for (j = 2; j <= n; j++) if (s[j] == suite) ok = 1 }
                }
                if (deb && enabled && ok && uri != "") { print uri; exit }
            }' "$file"
    done | head -n1
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f $file ]] || continue
        sed -nE "s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+)[[:space:]]+$suite[[:space:]].*/\2/p" "$file"
    done | head -n1
}
mirror=$(mirror_for "$suite" | head -n1)
mirror=${mirror:-http://deb.debian.org/debian}
security=$(mirror_for "$suite-security" | head -n1)
updates=$(mirror_for "$suite-updates" | head -n1)
mirror=${mirror%/} security=${security%/} updates=${updates%/}
echo "verify-deb: Debian mirror $mirror${security:+, security $security}${updates:+, updates $updates}"

# --- the clean root, built once and cached as a tarball ------------------------------------------
tarball=$cache/debian-$suite-minbase-$arch.tar.gz
stamp=$tarball.mirror
work=$(mktemp -d "${TMPDIR:-/var/tmp}/cfl-verify-deb.XXXXXX")
chroot_dir=$work/root
mkdir -p "$chroot_dir"

mounted=()
cleanup() {
    local status=$? m
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        m=${mounted[i]}
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
    if findmnt -rn -o TARGET | grep -q "^$chroot_dir"; then
        echo "verify-deb: something is still mounted under $chroot_dir: not deleting it" >&2
    elif ((keep)); then
        echo "verify-deb: the root is kept in $chroot_dir" >&2
    else
        rm -rf --one-file-system "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mount_in() { # TYPE SOURCE TARGET [OPTIONS]
    mkdir -p "$3"
    mount -t "$1" ${4:+-o "$4"} "$2" "$3"
    mounted+=("$3")
}

if [[ -f $tarball && $(cat "$stamp" 2>/dev/null) == "$mirror" ]]; then
    log "unpacking the cached Debian 12 root ($(basename "$tarball"))"
    tar -C "$chroot_dir" -xzf "$tarball"
else
    log "building a clean Debian 12 root with debootstrap (minbase, $mirror); cached for the next run"
    debootstrap --variant=minbase --arch="$arch" "$suite" "$chroot_dir" "$mirror" >"$work/debootstrap.log" 2>&1 || {
        tail -n 30 "$work/debootstrap.log" >&2
        die "debootstrap failed (full log: $work/debootstrap.log)"
    }
    # debootstrap leaves its .debs behind; the root does not need them (nor stale package lists).
    tar -C "$chroot_dir" --exclude='./var/cache/apt/archives/*.deb' --exclude='./var/lib/apt/lists/*_*' \
        -czf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball" && printf '%s\n' "$mirror" >"$stamp"
fi

{
    echo "deb $mirror $suite main"
    [[ -z $updates ]] || echo "deb $updates $suite-updates main"
    [[ -z $security ]] || echo "deb $security $suite-security main"
} >"$chroot_dir/etc/apt/sources.list"
cp -L /etc/resolv.conf "$chroot_dir/etc/resolv.conf" 2>/dev/null || true
# The .deb cache below is a host folder that apt's _apt user cannot write to: download as root.
echo 'APT::Sandbox::User "root";' >"$chroot_dir/etc/apt/apt.conf.d/99cfl-verify"
printf '#!/bin/sh\nexit 101\n' >"$chroot_dir/usr/sbin/policy-rc.d" # no services start in the root
chmod +x "$chroot_dir/usr/sbin/policy-rc.d"

mount_in proc proc "$chroot_dir/proc"
mount_in sysfs sysfs "$chroot_dir/sys" ro
mount_in tmpfs tmpfs "$chroot_dir/dev/shm" mode=1777 # Chromium's shared memory
mount_in devpts devpts "$chroot_dir/dev/pts" newinstance,ptmxmode=0666
# Downloaded .debs survive between runs: the WebEngine stack is large.
mount_in none "$cache/apt-archives" "$chroot_dir/var/cache/apt/archives" bind
for node in null zero full random urandom tty; do
    [[ -e $chroot_dir/dev/$node ]] || die "the root has no /dev/$node (debootstrap could not create device nodes)"
done

mkdir -p "$chroot_dir/tmp/verify"
cp "$deb" "$chroot_dir/tmp/verify/"
in_root() { chroot "$chroot_dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

log "installing $(basename "$deb") with apt ($( ((recommends)) && echo 'Depends and Recommends' || echo 'Depends') from Debian's archive)"
in_root apt-get update -qq
install_options=(--no-install-recommends)
((recommends == 0)) || install_options=(--install-recommends)
if ! in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${install_options[@]}" "/tmp/verify/$(basename "$deb")" >"$work/apt.log" 2>&1; then
    tail -n 40 "$work/apt.log" >&2
    die "apt-get install failed"
fi
grep -E '^(Setting up|Unpacking) codeflow-lab' "$work/apt.log" || true
echo "verify-deb: $(grep -c '^Setting up' "$work/apt.log") packages set up; root now $(du -smx --exclude=var/cache/apt/archives "$chroot_dir" | cut -f1) MiB"

# --- the checks, run inside the root ---------------------------------------------------------------
cat >"$chroot_dir/tmp/verify/checks.sh" <<'CHECKS'
#!/bin/bash
# Runs inside the clean root. One line per check: PASS, FAIL or SKIP.
set -u
bank_only=$1 recommends=$2
failed=0
result() { printf '%-4s %s\n' "$1" "$2"; [[ $1 != FAIL ]] || failed=1; }

# 1. codeflow-bank --version
if [[ ! -x /usr/bin/codeflow-bank ]]; then
    result FAIL "codeflow-bank is not installed in /usr/bin"
elif version=$(codeflow-bank --version 2>&1) && [[ $version == "codeflow-bank "* ]]; then
    result PASS "codeflow-bank --version: $version"
else
    result FAIL "codeflow-bank --version: $version"
fi

# 2. codeflow-bank serve --port 0 + OpenID Connect discovery (a plain HTTP/1.0 GET over /dev/tcp).
data=$(mktemp -d)
coproc BANK { exec codeflow-bank serve --port 0 --data-dir "$data" 2>/tmp/verify/bank.log; }
bank_pid=$BANK_PID # bash unsets BANK_PID once the coprocess is gone
issuer=
read -r -t 20 issuer <&"${BANK[0]}" || true
if [[ $issuer =~ ^http://127\.0\.0\.1:([0-9]+)$ ]]; then
    port=${BASH_REMATCH[1]}
    response=
    if exec 3<>"/dev/tcp/127.0.0.1/$port"; then
        printf 'GET /.well-known/openid-configuration HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$port" >&3
        response=$(timeout 10 cat <&3)
        exec 3>&-
    fi
    status=$(head -n1 <<<"$response" | tr -d '\r')
    if [[ $status == "HTTP/1."?" 200"* ]] && grep -Eq "\"issuer\"[[:space:]]*:[[:space:]]*\"${issuer//./\\.}\"" <<<"$response"; then
        result PASS "codeflow-bank serve --port 0: issuer $issuer, discovery answers $status with the same issuer"
    else
        result FAIL "discovery at $issuer: '$status'; body: $(tail -c 300 <<<"$response")"
    fi
else
    result FAIL "codeflow-bank serve printed no issuer within 20 s (got '$issuer'); log: $(tail -n 5 /tmp/verify/bank.log)"
fi
if [[ -n $bank_pid ]]; then
    kill -TERM "$bank_pid" 2>/dev/null
    wait "$bank_pid"
    status=$?
    if ((status == 0)) && grep -q 'Loopback Bank stopped' /tmp/verify/bank.log; then
        result PASS "codeflow-bank serve stopped cleanly on SIGTERM (exit 0)"
    else
        result FAIL "codeflow-bank serve exit status $status on SIGTERM; log: $(tail -n 3 /tmp/verify/bank.log)"
    fi
fi

# 3. The desktop app, headless. Without the Recommends there is no D-Bus session: QtKeychain fails fast
#    and the app falls back to its announced in-memory store. With them, a private session bus and an
#    unlocked gnome-keyring: the secrets must land in the keychain.
if [[ ! -x /usr/bin/codeflow-lab ]]; then
    if ((bank_only)); then
        result SKIP "codeflow-lab is NOT in the package (accepted with --bank-only)"
    else
        result FAIL "codeflow-lab is NOT in the package"
    fi
else
    if version=$(QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 codeflow-lab --version 2>/tmp/verify/lab-version.log); then
        result PASS "codeflow-lab --version: $version"
    else
        result FAIL "codeflow-lab --version: $version"
    fi
    runtime=$(mktemp -d) && chmod 700 "$runtime"
    lab_home=$(mktemp -d)
    if ((recommends)); then
        expected_store=keychain
        session=(dbus-run-session -- sh -c 'printf workshop | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' sh)
    else
        expected_store=memory
        session=(env DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent)
    fi
    start=$SECONDS
    summary=$(env HOME="$lab_home" XDG_RUNTIME_DIR="$runtime" XDG_CACHE_HOME="$lab_home/cache" \
        XDG_CONFIG_HOME="$lab_home/config" XDG_DATA_HOME="$lab_home/data" \
        QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 \
        "${session[@]}" timeout 300 codeflow-lab --autoplay --exit-when-done --screenshot /tmp/verify/codeflow-lab.png \
        --data-dir "$lab_home/bank" 2>/tmp/verify/lab.log)
    status=$?
    if ((status == 0)) && grep -Eq '"granted"[[:space:]]*:[[:space:]]*true' <<<"$summary" &&
        grep -Eq "\"secret_store\"[[:space:]]*:[[:space:]]*\"$expected_store\"" <<<"$summary"; then
        result PASS "codeflow-lab --autoplay --exit-when-done (offscreen): exit 0 in $((SECONDS - start)) s; $summary"
    else
        result FAIL "codeflow-lab --autoplay --exit-when-done: exit status $status; stdout: '$summary'; stderr: $(tail -n 8 /tmp/verify/lab.log)"
    fi
fi
exit $failed
CHECKS
chmod +x "$chroot_dir/tmp/verify/checks.sh"

log "running the installed programs"
status=0
in_root /tmp/verify/checks.sh "$bank_only" "$recommends" | tee "$work/results.txt" || status=$?
for f in codeflow-lab.png lab.log lab-version.log bank.log; do
    [[ -f $chroot_dir/tmp/verify/$f ]] && cp "$chroot_dir/tmp/verify/$f" "$root_dir/out/verify-$f"
done
echo "verify-deb: logs (and the app's screenshot, if any) in $root_dir/out/verify-*" >&2
if ((status == 0)) && grep -q '^SKIP' "$work/results.txt"; then
    printf '\033[1;33mverify-deb: PASS for what is in the package — %s installs on a clean Debian 12 and codeflow-bank runs; codeflow-lab was NOT checked (not in the package)\033[0m\n' "$(basename "$deb")"
elif ((status == 0)); then
    printf '\033[1;32mverify-deb: PASS — %s installs and runs on a clean Debian 12 (%s)\033[0m\n' "$(basename "$deb")" \
        "$( ((recommends)) && echo 'with its Recommends: secrets in gnome-keyring' || echo 'without Recommends: secrets in memory')"
else
    printf '\033[1;31mverify-deb: FAIL — see the lines above\033[0m\n'
fi
exit "$status"
