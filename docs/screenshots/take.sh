#!/usr/bin/env bash
# Screenshots of the desktop app as a newcomer first sees it: './dev run' (build step skipped) on a
# private Xvfb screen of the given size, with a fresh home, so the first-run story is open over the window
# (CFL_STORY_SEEN=1: as on a later start, the window alone).
#   docs/screenshots/take.sh WIDTHxHEIGHT OUT.png [SECONDS_TO_SETTLE] [codeflow-lab options...]
# Needs a build (./dev build), xvfb, x11-utils and imagemagick (`import`).
set -euo pipefail
(($# >= 2)) || { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
screen=$1 out=$2 settle=${3:-4}
shift $(($# >= 3 ? 3 : 2))
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
cleanup() { [[ -n ${app:-} ]] && kill "$app" 2>/dev/null; [[ -n ${xvfb:-} ]] && kill "$xvfb" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
Xvfb -displayfd 3 -screen 0 "${screen}x24" -nolisten tcp 3>"$tmp/display" 2>/dev/null &
xvfb=$!
for _ in $(seq 100); do [[ -s $tmp/display ]] && break; sleep 0.1; done
export DISPLAY=:$(cat "$tmp/display")
mkdir -p "$tmp"/{config/CodeFlowLab,data,cache,runtime} && chmod 700 "$tmp/runtime"
[[ -z ${CFL_STORY_SEEN:-} ]] || printf '[welcome]\nshown=true\n' >"$tmp/config/CodeFlowLab/codeflow-lab.conf"
env -u QT_QPA_PLATFORM XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache" \
    XDG_RUNTIME_DIR="$tmp/runtime" CFL_RUN_NO_BUILD=1 "$root/dev" run --data-dir "$tmp/bank" "$@" 2>"$tmp/app.log" &
app=$!
for _ in $(seq 300); do xwininfo -root -children | grep -q '"CodeFlow Lab"' && break; sleep 0.2; done
sleep "$settle" # let WebEngine paint the page
import -window root "$out"
echo "$out: $(identify -format '%wx%h' "$out")"
