#!/usr/bin/env bash
# Builds the project with -Werror in a clean Debian root that has exactly the packages
# `./dev print-packages build` and `./dev print-packages test` list, and there runs every test and/or
# makes the .deb of that Debian release.
#   packaging/build-in-root.sh [--suite SUITE] [--test] [--package DIR] [--clean] [--keep]
#     --suite SUITE   the Debian suite (default trixie: Debian 13 with Qt 6.8)
#     --test          run every CTest test there, in dev's `headless` wrapper (as ./dev test does)
#     --package DIR   cpack the .deb there (its version names the Debian release) and copy it to DIR
#     --clean         start from an empty build directory
#     --keep          leave the root in place afterwards and say where it is
# `./dev check-qt68` is `--suite trixie --test`; `./dev package` uses `--package` for Debian 13.
# The sources are the working tree's tracked and untracked-not-ignored files. A copy of them and the
# build directory persist in out/cache/SUITE-src and out/cache/SUITE-build (mounted at /cfl/src and
# /cfl/build) so that a rerun compiles only what changed. The compile runs under flock (CFL_BUILD_LOCK,
# default /tmp/cfl-build.lock): one heavy build at a time on this machine. Needs root and the mirror.
set -euo pipefail

usage() { sed -n '5,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { printf 'build-in-root: %s\n' "$*" >&2; exit 2; }

suite=trixie test=0 package_dir='' clean=0 keep=0
while (($#)); do
    case $1 in
    --suite) (($# >= 2)) || usage; suite=$2; shift ;;
    --test) test=1 ;;
    --package) (($# >= 2)) || usage; package_dir=$2; shift ;;
    --clean) clean=1 ;;
    --keep) keep=1 ;;
    *) usage ;;
    esac
    shift
done
if [[ -n $package_dir ]]; then
    mkdir -p "$package_dir" && package_dir=$(cd "$package_dir" && pwd) || die "cannot create $package_dir"
fi

packaging=$(cd "$(dirname "$0")" && pwd)
project=$(dirname "$packaging")
jobs=${CFL_JOBS:-$(nproc)}
# shellcheck source=debian-root.sh
source "$packaging/debian-root.sh"
droot_keep=$keep
droot_init "$suite" build-in-root

# The packages dev installs on a developer's machine: "pkg-" means never install, "cmd=pkg" is pkg here
# (a clean root has no cmd of another origin).
lists=$("$project/dev" print-packages build) && lists+=$'\n'$("$project/dev" print-packages test) ||
    die "'./dev print-packages build|test' failed"
packages=()
while read -r p; do
    [[ -z $p || $p == *- ]] && continue
    packages+=("${p#*=}")
done <<<"$lists"

# --- the sources: a copy of the working tree, updated file by file --------------------------------
# A file whose content changed is copied anew, so its mtime is now: newer than anything built from the
# previous copy, even when it was edited while that build ran. Unchanged files keep their copy and its
# mtime, so ninja rebuilds exactly what changed. (Copying the working tree's own mtimes is not enough:
# an edit made during a build has an mtime older than the objects that build wrote last.)
src=$droot_cache/$suite-src build=$droot_cache/$suite-build
mkdir -p "$src" "$build"
((clean == 0)) || find "$build" -mindepth 1 -delete
declare -A listed=()
total=0 changed=0
while IFS= read -r -d '' f; do
    [[ -e $project/$f || -L $project/$f ]] || continue # a tracked file deleted in the working tree
    listed[$f]=1
    total=$((total + 1))
    if [[ -L $project/$f ]]; then
        [[ -L $src/$f && $(readlink "$src/$f") == "$(readlink "$project/$f")" ]] && continue
    elif [[ -f $src/$f && ! -L $src/$f ]] && cmp -s "$project/$f" "$src/$f" &&
        [[ $(stat -c %a "$project/$f") == "$(stat -c %a "$src/$f")" ]]; then
        continue
    fi
    mkdir -p "$(dirname "$src/$f")"
    rm -rf "${src:?}/$f"
    cp -P --preserve=mode "$project/$f" "$src/$f"
    changed=$((changed + 1))
done < <(cd "$project" && git ls-files -z --cached --others --exclude-standard)
removed=0
while IFS= read -r -d '' f; do
    f=${f#./}
    [[ -n ${listed[$f]:-} ]] || { rm -f "${src:?}/$f"; removed=$((removed + 1)); }
done < <(cd "$src" && find . \( -type f -o -type l \) -print0)
find "$src" -mindepth 1 -type d -empty -delete
echo "build-in-root: $total files of the working tree (tracked + untracked, not ignored) in $src: $changed new or changed, $removed removed"

droot_create "${packages[@]}"
droot_bind "$src" /cfl/src
droot_bind "$build" /cfl/build

qt_version=$(in_root dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' libqt6core6t64 libqt6core6 2>/dev/null |
    awk '$1 == "ii" { sub(/\+.*/, "", $2); print $2; exit }')
gcc_version=$(in_root g++ -dumpfullversion 2>/dev/null || echo '?')
system="$droot_release ($suite), Qt ${qt_version:-?}, GCC $gcc_version"
log_dir=$droot_work

droot_log "configuring and building with -Werror in the $droot_release root ($system)"
in_root cmake -S /cfl/src -B /cfl/build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCFL_WERROR=ON \
    >"$log_dir/configure.log" 2>&1 || { cat "$log_dir/configure.log" >&2; die "cmake could not configure the project ($system)"; }
start=$SECONDS
status=0
in_root_locked cmake --build /cfl/build -j "$jobs" >"$log_dir/build.log" 2>&1 || status=$?
build_time=$((SECONDS - start))
if ((status != 0)); then
    grep -E -B2 -A6 'error:|Error [0-9]|FAILED:' "$log_dir/build.log" | tail -n 120 >&2 || tail -n 60 "$log_dir/build.log" >&2
    printf '\033[1;31mbuild-in-root: FAIL — the -Werror build breaks on %s (see above; %d s)\033[0m\n' "$system" "$build_time"
    exit 1
fi
compiled=$(grep -c '^\[[0-9]*/[0-9]*\] Building' "$log_dir/build.log" || true)
echo "build-in-root: build OK in $build_time s ($compiled files compiled, -Werror)"

if ((test)); then
    # dev's own wrapper, read from the copy of dev in the root: tests see exactly what ./dev test gives
    # them. It may use dev's ROOT (the source tree, where dev lives).
    headless=$(sed -n '/^headless() {/,/^}/p' "$src/dev")
    [[ -n $headless ]] || die "no headless() function in dev"
    # The root shares the host's network namespace, and with it X's abstract sockets (@/tmp/.X11-unix/Xn):
    # an Xvfb -displayfd in the root, blind to the host's /tmp/.Xn-lock files, would take a display number
    # an X server outside already has, and the GUI tests' windows would open there (or not at all). With
    # the host's /tmp, X servers inside and outside see each other's locks.
    droot_bind /tmp /tmp
    droot_log "running every test in the $droot_release root (dev's headless wrapper)"
    start=$SECONDS
    status=0
    in_root bash -c $'cd /cfl/src && ROOT=/cfl/src BUILD=/cfl/build\n'"$headless"$'\nheadless "$@"' headless \
        ctest --test-dir /cfl/build --output-on-failure -j "$jobs" --timeout 300 >"$log_dir/ctest.log" 2>&1 || status=$?
    test_time=$((SECONDS - start))
    cp "$log_dir/ctest.log" "$project/out/build-in-root-$suite-ctest.log"
    summary=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log_dir/ctest.log" | tail -n1)
    if [[ $summary =~ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]]; then
        failed=${BASH_REMATCH[1]} total=${BASH_REMATCH[2]}
    else
        failed='?' total='?'
    fi
    if ((status == 0)) && [[ $failed == 0 ]]; then
        printf '\033[1;32mbuild-in-root: PASS — %s: built with -Werror, %s of %s tests passed (build %d s, tests %d s)\033[0m\n' \
            "$system" "$total" "$total" "$build_time" "$test_time"
    else
        sed -n '/The following tests FAILED/,$p' "$log_dir/ctest.log" >&2
        grep -E -A40 '\*\*\*(Failed|Timeout|Exception)' "$log_dir/ctest.log" | tail -n 150 >&2 || tail -n 80 "$log_dir/ctest.log" >&2
        printf '\033[1;31mbuild-in-root: FAIL — %s: %s of %s tests failed (ctest exit %d; log: out/build-in-root-%s-ctest.log)\033[0m\n' \
            "$system" "$failed" "$total" "$status" "$suite"
        exit 1
    fi
fi

if [[ -n $package_dir ]]; then
    # What cpack needs besides the build: dpkg-shlibdeps (dpkg-dev) and file. Not in dev's lists.
    droot_install dpkg-dev file
    droot_log "cpack DEB in the $droot_release root"
    in_root bash -c 'rm -rf /tmp/cpack && cd /cfl/build && cpack -G DEB -B /tmp/cpack' >"$log_dir/cpack.log" 2>&1 ||
        { cat "$log_dir/cpack.log" >&2; die "cpack failed in the $droot_release root"; }
    shopt -s nullglob
    made=("$droot_dir"/tmp/cpack/*.deb)
    ((${#made[@]} == 1)) || die "cpack made ${#made[@]} .deb files in the $droot_release root, expected 1"
    cp "${made[0]}" "$package_dir/"
    [[ -f ${made[0]}.sha256 ]] && cp "${made[0]}.sha256" "$package_dir/"
    echo "build-in-root: $(basename "${made[0]}") ($system) → $package_dir"
fi
