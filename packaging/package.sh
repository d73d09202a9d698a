#!/usr/bin/env bash
# Builds the Linux packages and checks them: one .deb per Debian release, each bound to its release's Qt.
#   packaging/package.sh BUILD_DIR [--host-only] [--verify [--with-recommends] [--bank-only]]
# Writes ./out/codeflow-lab_VERSION~debNN_ARCH.deb (+ .sha256): this machine's release's from BUILD_DIR
# (configured and built), the other's (Debian 12 <-> 13) built in a clean root (build-in-root.sh; needs
# root; --host-only leaves it out). Checks each as packaged, and with --verify installs each into a clean
# root of its release and has apt refuse it in the other's (verify-deb.sh). `./dev package` calls this.
# CFL_BUILD_LOCK_FD: a file descriptor on which the caller holds the build lock (/tmp/cfl-build.lock)
# while BUILD_DIR is built; it is released once cpack has read BUILD_DIR, before the long part.
set -euo pipefail

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
fail() { printf 'package: %s\n' "$*" >&2; exit 1; }
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

(($# >= 1)) || usage
build=$(cd "$1" && pwd) || usage
shift
verify=0 host_only=0 verify_args=()
for arg; do
    case $arg in
    --verify) verify=1 ;;
    --host-only) host_only=1 ;;
    --bank-only | --with-recommends) verify_args+=("$arg") ;; # passed on to verify-deb.sh
    *) usage ;;
    esac
done

packaging=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$packaging")
out=$root/out
[[ -f $build/CPackConfig.cmake ]] || fail "$build has no CPackConfig.cmake: configure with the desktop app on (CFL_BUILD_GUI=ON)"
for tool in cpack dpkg-deb dpkg-shlibdeps desktop-file-validate appstreamcli objdump; do
    command -v "$tool" >/dev/null || fail "$tool is missing (./dev package installs what it needs)"
done

# The Debian releases packages are made and verified for, and the suffix CPackSetup.cmake gives each.
suites=(bookworm trixie)
declare -A suffix_of=([bookworm]=deb12 [trixie]=deb13)
suite_of_deb() { # .deb → its suite, from the version suffix; nothing for another system's package
    local v s
    v=$(dpkg-deb --field "$1" Version)
    for s in "${suites[@]}"; do [[ $v == *"~${suffix_of[$s]}" ]] && echo "$s"; done
    return 0
}
release_of() { case $1 in bookworm) echo "Debian 12" ;; trixie) echo "Debian 13" ;; *) echo "$1" ;; esac; }

version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
[[ -n $version ]] || fail "cannot read the version from $build/CPackConfig.cmake"

# Checks of the sources that do not need the package.
log "checking the sources of the package (version $version)"
grep -q "<release version=\"$version\"" "$packaging/linux/io.codeflowlab.CodeFlowLab.metainfo.xml" ||
    fail "linux/io.codeflowlab.CodeFlowLab.metainfo.xml has no <release version=\"$version\">: add the release"
if command -v rsvg-convert >/dev/null && command -v compare >/dev/null; then
    "$packaging/icons/render-icons.sh" --check
else
    echo "package: rsvg-convert or ImageMagick missing: not checking that the PNG icons match the SVG" >&2
fi

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
mkdir -p "$out"
shopt -s nullglob
# Left over from before the packages named their release: the unsuffixed .deb and the .tar.gz.
rm -f "$out/codeflow-lab_${version}"_*.deb{,.sha256} "$out/codeflow-lab-$version"-linux-*.tar.gz{,.sha256}

log "running cpack (DEB) in $build"
(cd "$build" && cpack -G DEB -B "$staging/host" >"$staging/cpack.log" 2>&1) || {
    cat "$staging/cpack.log" >&2
    fail "cpack failed"
}
made=("$staging"/host/*.deb)
((${#made[@]} == 1)) || fail "cpack made ${#made[@]} .deb files in $build, expected 1"
debs=("$out/$(basename "${made[0]}")")
mv -f "${made[0]}" "${made[0]}.sha256" "$out/"
host_deb_suite=$(suite_of_deb "${debs[0]}")
if [[ ${CFL_BUILD_LOCK_FD:-} =~ ^[0-9]+$ ]]; then
    flock -u "$CFL_BUILD_LOCK_FD" && eval "exec $CFL_BUILD_LOCK_FD>&-" # BUILD_DIR is read: others may build
    unset CFL_BUILD_LOCK_FD
fi

for suite in "${suites[@]}"; do
    [[ $suite != "$host_deb_suite" ]] || continue
    if ((host_only)); then
        echo "package: --host-only: no package for $(release_of "$suite")" >&2
        continue
    fi
    ((EUID == 0)) || fail "the $(release_of "$suite") package is built in a debootstrapped root, which needs root (or pass --host-only)"
    log "building the $(release_of "$suite") package in a clean $(release_of "$suite") root"
    "$packaging/build-in-root.sh" --suite "$suite" --package "$staging/$suite"
    made=("$staging/$suite"/*.deb)
    ((${#made[@]} == 1)) || fail "build-in-root.sh made ${#made[@]} .deb files for $suite, expected 1"
    [[ $(suite_of_deb "${made[0]}") == "$suite" ]] || fail "$(basename "${made[0]}") does not name $(release_of "$suite") in its version"
    debs+=("$out/$(basename "${made[0]}")")
    mv -f "${made[0]}" "${made[0]}.sha256" "$out/"
done

# --- the packages as packaged ----------------------------------------------------------------------
check_deb() {
    local deb=$1 extracted problems=0 has_app depends exe private min n
    extracted=$(mktemp -d "$staging/extracted.XXXXXX")
    log "checking $(basename "$deb")"
    dpkg-deb --field "$deb"
    dpkg-deb -x "$deb" "$extracted"
    require() { [[ -e $extracted/$1 ]] || { echo "package: missing from $(basename "$deb"): /$1" >&2; problems=1; }; }
    require usr/bin/codeflow-bank
    require usr/share/applications/io.codeflowlab.CodeFlowLab.desktop
    require usr/share/metainfo/io.codeflowlab.CodeFlowLab.metainfo.xml
    require usr/share/icons/hicolor/scalable/apps/io.codeflowlab.CodeFlowLab.svg
    for n in 16 32 48 64 128 256; do require "usr/share/icons/hicolor/${n}x$n/apps/io.codeflowlab.CodeFlowLab.png"; done
    require usr/share/man/man1/codeflow-lab.1.gz
    require usr/share/man/man1/codeflow-bank.1.gz
    require usr/share/doc/codeflow-lab/copyright
    ((problems == 0)) || fail "$(basename "$deb") is incomplete"
    if [[ -x $extracted/usr/bin/codeflow-lab ]]; then
        has_app=1
    else
        has_app=0
        printf '\033[1;33mpackage: WARNING: codeflow-lab (the desktop app) is NOT in %s: app/lab is not built yet.\033[0m\n' "$(basename "$deb")" >&2
    fi

    depends=$(dpkg-deb --field "$deb" Depends)
    if ((has_app)); then
        # QtWebEngineProcess: libqt6webenginecore6's shlibs bring it in for every program linking WebEngine.
        [[ $depends == *libqt6webenginecore6-bin* ]] || fail "Depends lacks libqt6webenginecore6-bin (QtWebEngineProcess): $depends"
    fi
    # Qt HTTP Server before 6.8 (a Technical Preview, no binary compatibility between minor versions):
    # the package must not be installable next to another minor version (issue 14).
    min=$(grep -oE 'libqt6httpserver6[a-z0-9]* \(>= [0-9]+\.[0-9]+' <<<"$depends" | grep -oE '[0-9]+\.[0-9]+$' | sort -V | tail -n1 || true)
    [[ -n $min ]] || fail "Depends has no lower bound on libqt6httpserver6: $depends"
    if dpkg --compare-versions "$min" lt 6.8; then
        grep -qE 'libqt6httpserver6[a-z0-9]* \(<< [0-9]' <<<"$depends" ||
            fail "built against Qt HTTP Server $min (no binary compatibility before 6.8), but Depends has no upper bound on libqt6httpserver6: $depends"
        echo "package: Depends bounds Qt HTTP Server to $min.x: $(grep -oE 'libqt6httpserver6[a-z0-9]* \([<>=]+ [^)]*\)' <<<"$depends" | paste -sd ' ')"
    fi
    # Qt's private API (symbol version Qt_6_PRIVATE_API) changes with every Qt release: a program that
    # imports it would need Depends: qt6-base-abi (= exact version), as Debian's own Qt modules have.
    for exe in "$extracted"/usr/bin/*; do
        private=$(objdump -p "$exe" | awk '/required from/ { lib = $3 } /Qt_6_PRIVATE_API/ { print lib }' | tr -d ':' | sort -u | paste -sd ' ')
        if [[ -n $private && $depends != *qt6-base-abi* ]]; then
            fail "$(basename "$exe") imports Qt private API (Qt_6_PRIVATE_API) from $private: add Depends: qt6-base-abi (= the Qt version) in CPackSetup.cmake, or stop using the private API"
        fi
    done
    echo "package: no Qt private API imported by $(cd "$extracted/usr/bin" && echo *)"

    desktop-file-validate "$extracted/usr/share/applications/io.codeflowlab.CodeFlowLab.desktop" || fail "desktop-file-validate failed"
    echo "desktop-file-validate: OK"
    appstreamcli validate --no-net "$extracted/usr/share/metainfo/io.codeflowlab.CodeFlowLab.metainfo.xml" || fail "appstreamcli validate failed"
    # The tree as a whole: the metainfo's launchable must find its .desktop file next to it.
    appstreamcli validate-tree --no-net "$extracted" || fail "appstreamcli validate-tree failed"
    if command -v groff >/dev/null; then
        for page in "$extracted"/usr/share/man/man1/*.1.gz; do
            warnings=$(zcat "$page" | groff -man -ww -z 2>&1)
            [[ -z $warnings ]] || fail "$(basename "$page"): $warnings"
        done
        echo "manual pages: groff reports no warnings"
    fi
    (cd "$out" && sha256sum --quiet -c "$(basename "$deb").sha256") || fail "checksum mismatch for $(basename "$deb")"
    rm -rf "$extracted"
}
for deb in "${debs[@]}"; do check_deb "$deb"; done

log "packages in $out"
for deb in "${debs[@]}"; do
    s=$(suite_of_deb "$deb")
    printf '%s  %s KiB installed  for %s\n' "$(basename "$deb")" "$(dpkg-deb -f "$deb" Installed-Size)" \
        "$([[ -n $s ]] && release_of "$s" || echo 'this system only (not verified)')"
done

((verify)) || exit 0

# --- each package in a clean root of its release; the others refused there ---------------------------
summary=() status=0
for deb in "${debs[@]}"; do
    suite=$(suite_of_deb "$deb")
    if [[ -z $suite ]]; then
        summary+=("SKIP $(basename "$deb"): not a package for ${suites[*]}, not verified")
        continue
    fi
    refuse=()
    for other in "${debs[@]}"; do
        [[ $other == "$deb" || -z $(suite_of_deb "$other") ]] || refuse+=(--refuse "$other")
    done
    log "verifying $(basename "$deb") on a clean $(release_of "$suite")"
    if "$packaging/verify-deb.sh" --suite "$suite" "${refuse[@]}" "${verify_args[@]}" "$deb" | tee "$staging/verify.log"; then
        summary+=("PASS $(basename "$deb") on $(release_of "$suite")")
    else
        status=1
        summary+=("FAIL $(basename "$deb") on $(release_of "$suite")")
    fi
    while read -r line; do summary+=("     $line"); done < <(grep -E '^(PASS|FAIL) +apt ' "$staging/verify.log" || true)
done
log "verification"
printf '%s\n' "${summary[@]}"
if ((status == 0)); then
    printf '\033[1;32mpackage: PASS — each package installs and runs on a clean root of its release, and apt refuses it on the other\033[0m\n'
else
    printf '\033[1;31mpackage: FAIL — see above\033[0m\n'
fi
exit "$status"
