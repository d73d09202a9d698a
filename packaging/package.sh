#!/usr/bin/env bash
# Builds the Linux packages from a configured, built build directory and checks them.
#   packaging/package.sh BUILD_DIR [--verify [--with-recommends] [--bank-only]]
# Writes ./out/codeflow-lab_VERSION_ARCH.deb and ./out/codeflow-lab-VERSION-linux-ARCH.tar.gz (with
# .sha256 files), validates the desktop entry, the AppStream metadata and the manual pages *as packaged*,
# and with --verify installs the .deb into a clean Debian 12 root (packaging/verify-deb.sh).
# `./dev package [--verify]` builds first and then calls this.
set -euo pipefail

usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
fail() { printf 'package: %s\n' "$*" >&2; exit 1; }
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

(($# >= 1)) || usage
build=$(cd "$1" && pwd) || usage
shift
verify=0 verify_args=()
for arg; do
    case $arg in
    --verify) verify=1 ;;
    --bank-only | --with-recommends) verify_args+=("$arg") ;; # passed on to verify-deb.sh
    *) usage ;;
    esac
done

packaging=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$packaging")
out=$root/out
[[ -f $build/CPackConfig.cmake ]] || fail "$build has no CPackConfig.cmake: configure with the desktop app on (CFL_BUILD_GUI=ON)"
for tool in cpack dpkg-deb dpkg-shlibdeps desktop-file-validate appstreamcli; do
    command -v "$tool" >/dev/null || fail "$tool is missing (./dev package installs what it needs)"
done

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

log "running cpack (DEB, TGZ) in $build"
staging=$(mktemp -d)
extracted=$(mktemp -d)
trap 'rm -rf "$staging" "$extracted"' EXIT
(cd "$build" && cpack -G "DEB;TGZ" -B "$staging" >"$staging/cpack.log" 2>&1) || {
    cat "$staging/cpack.log" >&2
    fail "cpack failed"
}
mkdir -p "$out"
shopt -s nullglob
packages=("$staging"/*.deb "$staging"/*.tar.gz "$staging"/*.sha256)
((${#packages[@]})) || fail "cpack produced nothing (see above)"
for f in "${packages[@]}"; do
    rm -f "$out/$(basename "$f")"
    mv "$f" "$out/"
done
debs=("$out"/codeflow-lab_"$version"_*.deb)
tgzs=("$out"/codeflow-lab-"$version"-linux-*.tar.gz)
((${#debs[@]} == 1 && ${#tgzs[@]} == 1)) || fail "expected one .deb and one .tar.gz for $version in $out"
deb=${debs[0]} tgz=${tgzs[0]}

log "checking $(basename "$deb")"
dpkg-deb --field "$deb"
dpkg-deb -x "$deb" "$extracted"
problems=0
require() { [[ -e $extracted/$1 ]] || { echo "package: missing from the .deb: /$1" >&2; problems=1; }; }
require usr/bin/codeflow-bank
require usr/share/applications/io.codeflowlab.CodeFlowLab.desktop
require usr/share/metainfo/io.codeflowlab.CodeFlowLab.metainfo.xml
require usr/share/icons/hicolor/scalable/apps/io.codeflowlab.CodeFlowLab.svg
for n in 16 32 48 64 128 256; do require "usr/share/icons/hicolor/${n}x$n/apps/io.codeflowlab.CodeFlowLab.png"; done
require usr/share/man/man1/codeflow-lab.1.gz
require usr/share/man/man1/codeflow-bank.1.gz
require usr/share/doc/codeflow-lab/copyright
((problems == 0)) || fail "the .deb is incomplete"
if [[ -x $extracted/usr/bin/codeflow-lab ]]; then
    has_app=1
else
    has_app=0
    printf '\033[1;33mpackage: WARNING: codeflow-lab (the desktop app) is NOT in the package: app/lab is not built yet.\033[0m\n' >&2
fi

if ((has_app)); then
    # QtWebEngineProcess: libqt6webenginecore6's shlibs bring it in for every program linking WebEngine.
    depends=$(dpkg-deb --field "$deb" Depends)
    [[ $depends == *libqt6webenginecore6-bin* ]] || fail "Depends lacks libqt6webenginecore6-bin (QtWebEngineProcess): $depends"
fi

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

log "checking $(basename "$tgz")"
top=$(basename "$tgz" .tar.gz)
listing=$(tar -tzf "$tgz") # (not piped into grep -q: under pipefail tar's SIGPIPE would count as failure)
grep -qx "$top/bin/codeflow-bank" <<<"$listing" || fail "$(basename "$tgz") lacks $top/bin/codeflow-bank"
if ((has_app)); then
    grep -qx "$top/bin/codeflow-lab" <<<"$listing" || fail "$(basename "$tgz") lacks $top/bin/codeflow-lab"
fi
(cd "$out" && sha256sum --quiet -c "$(basename "$deb").sha256" "$(basename "$tgz").sha256") || fail "checksum mismatch"

log "packages in $out"
ls -l "$deb" "$tgz"
printf '%s installed size: %s KiB\n' "$(basename "$deb")" "$(dpkg-deb -f "$deb" Installed-Size)"

if ((verify)); then
    exec "$packaging/verify-deb.sh" "${verify_args[@]}" "$deb"
fi
