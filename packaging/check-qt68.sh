#!/usr/bin/env bash
# `./dev check-qt68`: builds the project with -Werror and runs every CTest test in a clean,
# debootstrapped Debian 13 (trixie) root with Qt 6.8, so that anyone can re-verify the Qt 6.8 build.
#   packaging/check-qt68.sh [--clean] [--keep]
#     --clean   rebuild from an empty build directory (else only what changed since the last run)
#     --keep    leave the root in place afterwards
# The work is packaging/build-in-root.sh's (see there): the root with dev's build and test packages is
# cached in out/cache (first run: debootstrap ≈ 1 min, apt ≈ 6 min, build ≈ 12 min; later runs much
# less). Ends with one line: PASS or FAIL, with the number of tests.
set -euo pipefail
for arg; do
    case $arg in
    --clean | --keep) ;;
    *) sed -n '4,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done
exec "$(dirname "$0")/build-in-root.sh" --suite trixie --test "$@"
