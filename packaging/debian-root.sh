# shellcheck shell=bash
# Clean Debian roots for the packaging scripts. Sourced, not run (verify-deb.sh, build-in-root.sh):
#
#   source packaging/debian-root.sh
#   droot_init SUITE PROGRAM      # SUITE: bookworm, trixie, ...; PROGRAM: the name messages start with
#   droot_create [PACKAGE...]     # a fresh root in $droot_dir, mounted and ready for in_root
#   droot_install PACKAGE...      # more packages, not cached
#   droot_bind HOST_DIR PATH      # a host folder at PATH inside the root
#   in_root COMMAND...            # runs COMMAND in the root with a clean environment (+ droot_env)
#
# The root comes from a debootstrapped minbase SUITE, cached as a tarball in out/cache; with PACKAGEs
# (apt, --no-install-recommends) from a second cached tarball that has them installed, named after a
# hash of the list, so that a changed list builds a new one. Downloaded .debs are shared between runs
# (out/cache/apt-archives). An EXIT trap unmounts everything, innermost first, and deletes the root
# (unless droot_keep=1). Needs root (debootstrap, chroot, mount) and the Debian mirror apt uses here.

droot_keep=${droot_keep:-0}
droot_env=()  # NAME=VALUE pairs in_root adds to its clean environment
droot_dir=""  # the root, once droot_create ran
droot_mounts=()

droot_die() { printf '%s: %s\n' "$droot_prog" "$*" >&2; exit 2; }
droot_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The Debian release behind a suite name, for messages ("Debian 13").
droot_release_of() {
    case $1 in
    bookworm) echo "Debian 12" ;;
    trixie) echo "Debian 13" ;;
    forky) echo "Debian 14" ;;
    *) echo "Debian $1" ;;
    esac
}

# The first URI this machine's apt uses for SUITE (deb822 .sources first, then sources.list), or nothing.
droot_mirror_for() {
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
        sed -nE "s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+)[[:space:]]+${suite}[[:space:]].*/\2/p" "$file"
    done | head -n1
}

droot_init() { # SUITE PROGRAM
    droot_suite=$1 droot_prog=$2
    droot_release=$(droot_release_of "$droot_suite")
    ((EUID == 0)) || droot_die "needs root (debootstrap, chroot and mount)"
    local tool
    for tool in debootstrap chroot mount umount findmnt tar; do
        command -v "$tool" >/dev/null || droot_die "$tool is missing (apt install debootstrap)"
    done
    droot_project=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    droot_cache=$droot_project/out/cache
    droot_arch=$(dpkg --print-architecture)
    mkdir -p "$droot_cache/apt-archives/partial"

    # The mirror this machine's apt already uses, so that a bookworm root sees the versions
    # dpkg-shlibdeps saw here. A suite this machine does not use (trixie on a Debian 12 host) comes
    # from the same archive as the host's own release; security and updates the same way.
    local host_suite part uri
    host_suite=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
    for part in "" -security -updates; do
        uri=$(droot_mirror_for "$droot_suite$part" | head -n1)
        [[ -n $uri || -z $host_suite ]] || uri=$(droot_mirror_for "$host_suite$part" | head -n1)
        [[ -n $uri || -n $part ]] || uri=http://deb.debian.org/debian
        case $part in
        "") droot_mirror=${uri%/} ;;
        -security) droot_security=${uri%/} ;;
        -updates) droot_updates=${uri%/} ;;
        esac
    done
    echo "$droot_prog: $droot_release ($droot_suite) from $droot_mirror${droot_security:+, security $droot_security}${droot_updates:+, updates $droot_updates}"
}

droot_cleanup() {
    local status=$? i m
    for ((i = ${#droot_mounts[@]} - 1; i >= 0; i--)); do
        m=${droot_mounts[i]}
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
    droot_mounts=()
    if [[ -n ${droot_work:-} && -d $droot_work ]]; then
        if findmnt -rn -o TARGET | grep -q "^$droot_work/"; then
            echo "$droot_prog: something is still mounted under $droot_work: not deleting it" >&2
        elif ((droot_keep)); then
            echo "$droot_prog: the root is kept in $droot_dir" >&2
        else
            rm -rf --one-file-system "$droot_work"
        fi
    fi
    exit "$status"
}

droot_mount() { # TYPE SOURCE TARGET [OPTIONS]
    mkdir -p "$3"
    mount -t "$1" ${4:+-o "$4"} "$2" "$3"
    droot_mounts+=("$3")
}

droot_bind() { # HOST_DIR PATH_IN_ROOT
    mkdir -p "$1" "$droot_dir$2"
    mount --bind "$1" "$droot_dir$2"
    droot_mounts+=("$droot_dir$2")
}

in_root() {
    chroot "$droot_dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        "${droot_env[@]}" "$@"
}

# in_root under `flock LOCK`, for heavy compiles: one at a time on this machine (CFL_BUILD_LOCK, default
# /tmp/cfl-build.lock, is the lock the developers' builds take too).
in_root_locked() {
    local lock=${CFL_BUILD_LOCK:-/tmp/cfl-build.lock}
    if ! command -v flock >/dev/null; then
        in_root "$@"
        return
    fi
    flock -n "$lock" true 2>/dev/null || echo "$droot_prog: waiting for $lock (another build is running)" >&2
    flock "$lock" chroot "$droot_dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        LANG=C.UTF-8 "${droot_env[@]}" "$@"
}

# Writes the apt sources, DNS and the no-services policy into the root and mounts what programs in it
# need: proc, sys (read-only), a private devpts, /dev/shm (Chromium's shared memory) and the .deb cache.
droot_setup() {
    local dir=$droot_dir keyring=/usr/share/keyrings/debian-archive-keyring.gpg opt=""
    [[ -f $dir$keyring ]] && opt="[signed-by=$keyring] "
    {
        echo "deb $opt$droot_mirror $droot_suite main"
        [[ -z $droot_updates ]] || echo "deb $opt$droot_updates $droot_suite-updates main"
        [[ -z $droot_security ]] || echo "deb $opt$droot_security $droot_suite-security main"
    } >"$dir/etc/apt/sources.list"
    rm -f "$dir"/etc/apt/sources.list.d/*.sources
    cp -L /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
    # "localhost" resolves as on every installed Debian (the installer writes these lines; debootstrap
    # leaves /etc/hosts to the administrator): the bank's issuer is http://localhost:PORT (RFC 8252 §8.3),
    # and without them the installed app cannot reach it ("Host localhost not found").
    if ! grep -qs '^127\.0\.0\.1[[:space:]].*\blocalhost\b' "$dir/etc/hosts"; then
        printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >>"$dir/etc/hosts"
    fi
    # The .deb cache below is a host folder that apt's _apt user cannot write to: download as root.
    echo 'APT::Sandbox::User "root";' >"$dir/etc/apt/apt.conf.d/99cfl-root"
    printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d" # no services start in the root
    chmod +x "$dir/usr/sbin/policy-rc.d"

    droot_mount proc proc "$dir/proc"
    droot_mount sysfs sysfs "$dir/sys" ro
    droot_mount tmpfs tmpfs "$dir/dev/shm" mode=1777
    droot_mount devpts devpts "$dir/dev/pts" newinstance,ptmxmode=0666
    # Downloaded .debs survive between runs: the WebEngine stack is large.
    droot_bind "$droot_cache/apt-archives" /var/cache/apt/archives
    local node
    for node in null zero full random urandom tty; do
        [[ -e $dir/dev/$node ]] || droot_die "the root has no /dev/$node (debootstrap could not create device nodes)"
    done
}

droot_apt_install() { # LOG PACKAGE...
    local log=$1
    shift
    in_root apt-get update -qq >"$log" 2>&1 || { tail -n 20 "$log" >&2; droot_die "apt-get update failed in the $droot_release root"; }
    if ! in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >>"$log" 2>&1; then
        tail -n 40 "$log" >&2
        droot_die "apt-get install failed in the $droot_release root (full log: $log)"
    fi
}

droot_install() { # PACKAGE...
    droot_log "installing $* in the $droot_release root (not cached)"
    droot_apt_install "$droot_work/apt-extra.log" "$@"
}

# The host's extra CA certificates (a TLS-inspecting proxy's, say), so that npm and curl in the root
# trust what they trust here, and NODE_EXTRA_CA_CERTS as set here.
droot_trust_host_cas() {
    local dir=$droot_dir
    [[ -x $dir/usr/sbin/update-ca-certificates ]] || return 0
    if compgen -G "/usr/local/share/ca-certificates/*" >/dev/null; then
        mkdir -p "$dir/usr/local/share/ca-certificates"
        cp -rL /usr/local/share/ca-certificates/. "$dir/usr/local/share/ca-certificates/"
    fi
    in_root update-ca-certificates >/dev/null 2>&1 || droot_die "update-ca-certificates failed in the root"
    if [[ -n ${NODE_EXTRA_CA_CERTS:-} && -f $dir$NODE_EXTRA_CA_CERTS ]]; then
        droot_env+=("NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS")
    fi
}

droot_pack() { # TARBALL STAMP_TEXT: the root as it is now (without mounts, caches and apt lists)
    local tarball=$1 compress=gzip
    [[ $tarball == *.zst ]] && compress="zstd -T0 -3 -q"
    tar -C "$droot_dir" -I "$compress" \
        --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/pts/*' --exclude='./dev/shm/*' \
        --exclude='./var/cache/apt/archives/*' --exclude='./var/lib/apt/lists/*' --exclude='./tmp/*' \
        -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball" && printf '%s\n' "$2" >"$tarball.stamp"
}

droot_create() { # [PACKAGE...]
    droot_work=$(mktemp -d "${TMPDIR:-/var/tmp}/cfl-root-$droot_suite.XXXXXX")
    droot_dir=$droot_work/root
    mkdir -p "$droot_dir"
    trap droot_cleanup EXIT
    trap 'exit 130' INT TERM

    local base=$droot_cache/debian-$droot_suite-minbase-$droot_arch.tar.gz
    local base_stamp="$droot_mirror"
    local tarball=$base stamp=$base_stamp
    if (($#)); then
        local key
        key=$(printf '%s\n' "$@" | sort -u | sha256sum | cut -c1-12)
        tarball=$droot_cache/debian-$droot_suite-cfl-$key-$droot_arch.tar.zst
        command -v zstd >/dev/null || tarball=${tarball%.zst}.gz
        stamp="$droot_mirror $(printf '%s\n' "$@" | sort -u | tr '\n' ' ')"
    fi

    if [[ -f $tarball && $(cat "$tarball.stamp" 2>/dev/null) == "$stamp" ]]; then
        droot_log "unpacking the cached $droot_release root ($(basename "$tarball"))"
        local decompress=gzip
        [[ $tarball == *.zst ]] && decompress=zstd
        tar -C "$droot_dir" -I "$decompress" -xf "$tarball"
        droot_setup
        droot_trust_host_cas
        return 0
    fi

    if [[ -f $base && $(cat "$base.stamp" 2>/dev/null) == "$base_stamp" ]]; then
        droot_log "unpacking the cached $droot_release minbase root ($(basename "$base"))"
        tar -C "$droot_dir" -xzf "$base"
    else
        droot_log "building a clean $droot_release root with debootstrap (minbase, $droot_mirror); cached for the next run"
        local start=$SECONDS
        debootstrap --variant=minbase --arch="$droot_arch" "$droot_suite" "$droot_dir" "$droot_mirror" \
            >"$droot_work/debootstrap.log" 2>&1 || {
            tail -n 30 "$droot_work/debootstrap.log" >&2
            droot_die "debootstrap failed (full log: $droot_work/debootstrap.log)"
        }
        echo "$droot_prog: debootstrap took $((SECONDS - start)) s"
        droot_pack "$base" "$base_stamp"
    fi
    droot_setup
    if (($#)); then
        droot_log "installing ${#} packages and their dependencies in the $droot_release root (--no-install-recommends); cached for the next run"
        local start=$SECONDS
        droot_apt_install "$droot_work/apt.log" "$@"
        echo "$droot_prog: apt set up $(grep -c '^Setting up' "$droot_work/apt.log") packages in $((SECONDS - start)) s"
        droot_pack "$tarball" "$stamp"
    fi
    droot_trust_host_cas
}
