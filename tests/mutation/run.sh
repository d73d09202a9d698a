#!/usr/bin/env bash
# The mutation run (issue 15 §3): switches each named check off in turn — through the attack lab's own
# switch, never by editing sources — runs the tests, and says per check whether some test noticed.
#   tests/mutation/run.sh [CHECK-ID...]      every named check by default (./dev mutate calls this)
# It builds build-mutate (-DCFL_MUTATION=ON: only there does CFL_MUTATE_CHECKS switch checks off,
# core/mutation/MutationSwitch.h), runs a baseline (every relevant test must pass with nothing switched
# off), then for each check, with CFL_MUTATE_CHECKS=<id>, in a private D-Bus session with an unlocked
# gnome-keyring, offscreen (./dev's `headless`):
#   1. the tests whose sources name the check (the likeliest to kill it), until one fails;
#   1b. if none failed, the tests of the check's endpoint (`neighbours_of`), until one fails;
#   2. if none failed, every other unit and integration test, until one fails;
#   3. if none failed, the GUI tests (the real window, WebEngine, the keychain), until one fails;
#   4. if none failed, the catalogue walk (tst_refusalcatalogue), which refuses with every check by construction.
# Killed: some test failed, and failed again when run alone (a flaky failure is not a kill). Independent:
# a test other than the catalogue walk killed it. Exits 1 if any check survived or could not be decided.
# Environment: CFL_MUTATE_BUILD_DIR (default build-mutate), CFL_JOBS (default 2), CFL_BUILD_LOCK (default
# /tmp/cfl-build.lock, flocked around the build), CFL_MUTATE_NICE (default 10), CFL_MUTATE_CHECK_TIMEOUT
# (seconds per check, default 900), CFL_MUTATE_NO_BUILD=1 (use the build as it is).
# Results: $CFL_MUTATE_BUILD_DIR/mutation-results.tsv and .md (the table in docs/reliability.md), a log
# per check in $CFL_MUTATE_BUILD_DIR/mutation-logs/.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${CFL_MUTATE_BUILD_DIR:-$ROOT/build-mutate}
JOBS=${CFL_JOBS:-2}
LOCK=${CFL_BUILD_LOCK:-/tmp/cfl-build.lock}
NICE=${CFL_MUTATE_NICE:-10}
CHECK_TIMEOUT=${CFL_MUTATE_CHECK_TIMEOUT:-900}
TEST_TIMEOUT=180 # per test; a test that hangs because a check is off fails, and that is a kill
# The catalogue walk asserts that each check refuses: it kills every bank check by construction.
WALK='tst_refusalcatalogue'
# tst_launch runs './dev run' on a real X server against ./dev's own build: no check is involved.
# tst_mutationswitch and mutation_backdoor_* set CFL_MUTATE_CHECKS themselves or read the executables.
EXCLUDE='^(tst_launch|tst_mutationswitch|mutation_backdoor_.*)$'

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() {
    printf 'mutate: %s\n' "$*" >&2
    exit 2
}

command -v dbus-run-session >/dev/null || die "dbus-run-session is missing (./dev test installs dbus)"
command -v gnome-keyring-daemon >/dev/null || die "gnome-keyring-daemon is missing (./dev test installs gnome-keyring)"

# ./dev's `headless`: a private session bus and an unlocked gnome-keyring, offscreen, caches in a
# temporary home, so that nothing reaches the developer's own keyring. One per ctest run: every mutant
# starts with an empty keychain.
headless() {
    local tmp status=0
    tmp=$(mktemp -d)
    mkdir -p "$tmp"/{data,cache,config,runtime} && chmod 700 "$tmp/runtime"
    env XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache" XDG_CONFIG_HOME="$tmp/config" \
        XDG_RUNTIME_DIR="$tmp/runtime" QT_QPA_PLATFORM="offscreen:configfile=$ROOT/tests/offscreen-1280x800.json" \
        QTWEBENGINE_DISABLE_SANDBOX=1 \
        dbus-run-session -- sh -c 'printf workshop | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' sh "$@" ||
        status=$?
    rm -rf "$tmp"
    return "$status"
}
export -f headless
export ROOT

if [[ -z ${CFL_MUTATE_NO_BUILD:-} ]]; then
    log "building $BUILD (-DCFL_MUTATION=ON)"
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCFL_MUTATION=ON >/dev/null
    # What the relevant tests need, not the packages or the benchmarks.
    mapfile -t targets < <(ctest --test-dir "$BUILD" -N -L 'unit|integration|gui' | sed -n 's/^ *Test *#[0-9]*: \(tst_[a-z0-9_]*\)$/\1/p')
    flock "$LOCK" nice -n "$NICE" cmake --build "$BUILD" -j "$JOBS" --target cfl-mutation-checks codeflow-bank \
        "${targets[@]}" >"$BUILD/mutation-build.log" 2>&1 ||
        die "the build failed: $BUILD/mutation-build.log"
fi
[[ -x $BUILD/tests/mutation/cfl-mutation-checks ]] || die "$BUILD is not a mutation build (no cfl-mutation-checks)"

# Every named check: id, rule, section.
declare -A RULE
ALL_IDS=()
while IFS=$'\t' read -r id rule section; do
    RULE[$id]="$rule ($section)"
    ALL_IDS+=("$id")
done < <("$BUILD/tests/mutation/cfl-mutation-checks")
IDS=("$@")
((${#IDS[@]})) || IDS=("${ALL_IDS[@]}")
for id in "${IDS[@]}"; do
    [[ -n ${RULE[$id]+set} ]] || die "no named check '$id' (cfl-mutation-checks lists them)"
done

# Tests by label, as ctest names them.
tests_labelled() {
    ctest --test-dir "$BUILD" -N -L "$1" | sed -n 's/^ *Test *#[0-9]*: \([A-Za-z0-9_]*\)$/\1/p' | grep -Ev "$EXCLUDE" || true
}
mapfile -t UNIT_INTEGRATION < <(tests_labelled 'unit|integration')
mapfile -t GUI < <(tests_labelled 'gui')
regex_of() { # ^(a|b|c)$
    local IFS='|'
    printf '^(%s)$' "$*"
}

# Runs ctest on the tests named by regex $1 with the check ids $2 switched off; the rest are ctest options.
# Prints the names of the tests that failed (not those that did not run). Output goes to $LOGFILE.
FAILED=()
run_tests() {
    local regex=$1 ids=$2 out status=0
    shift 2
    out=$(mktemp)
    # The check's time budget bounds every run, the process group of ctest and its tests included.
    local budget=$((DEADLINE - SECONDS))
    ((budget > 0)) || budget=1
    CFL_MUTATE_CHECKS=$ids timeout -k 10 "$budget" bash -c 'headless "$@"' headless nice -n "$NICE" ctest --test-dir "$BUILD" -R "$regex" -j "$JOBS" \
        --timeout "$TEST_TIMEOUT" --output-on-failure "$@" >"$out" 2>&1 || status=$?
    cat "$out" >>"$LOGFILE"
    # ctest's summary: "	 12 - tst_foo (Failed)"; "Not Run" is a missing executable, not a kill.
    local summary
    summary=$(sed -n 's/^[[:space:]]*[0-9]* - \([A-Za-z0-9_]*\) (\(.*\))$/\1 \2/p' "$out")
    mapfile -t FAILED < <(grep -v ' Not Run$' <<<"$summary" | cut -d' ' -f1 | sed '/^$/d' | sort -u)
    mapfile -t NOT_RUN < <(grep ' Not Run$' <<<"$summary" | cut -d' ' -f1 | sort -u)
    rm -f "$out"
    if ((status == 124 || status == 137)); then
        FAILED=("?timeout")
    elif ((status != 0 && ${#FAILED[@]} == 0)); then
        FAILED=("?ctest-exit-$status")
    fi
}

# The first failing test of a run that fails again on its own, with the same switch: one confirmed kill
# is enough, and re-running every failing test would double the cost of a check.
confirmed() {
    local ids=$1 test
    shift
    CONFIRMED=()
    for test in "$@"; do
        [[ $test == \?* ]] && continue
        run_tests "^${test}\$" "$ids"
        if ((${#FAILED[@]})); then
            CONFIRMED=("$test")
            return 0
        fi
    done
    return 0
}

# The tests of a check's endpoint, by the first part of its id. Most checks have no test that names them
# (the catalogue walk aside): their endpoint's tests send the requests they refuse and assert the error,
# so they are the likeliest independent killers after the tests that name the id.
neighbours_of() {
    case ${1%%.*} in
    authorize | interaction | login | consent)
        echo tst_authorizationendpoint tst_sessionisolation tst_loginthrottle tst_webbanking tst_badinput ;;
    client_auth | client_request | token)
        echo tst_tokenendpoint tst_refresh tst_revokedrefreshtoken tst_singleuse tst_introspection tst_badinput ;;
    revoke | introspect) echo tst_revocation tst_introspection tst_badinput ;;
    api | userinfo) echo tst_resourceapi tst_accesstokenclaims tst_resourceownership tst_userinfo tst_badinput ;;
    web) echo tst_webbanking tst_connectedapps tst_logforging tst_badinput ;;
    request) echo tst_hostheader tst_requestlimits tst_badinput ;;
    coolloan) echo tst_coolloanchecks tst_coolloan ;;
    esac
}

mkdir -p "$BUILD/mutation-logs"

log "baseline: every relevant test with nothing switched off"
LOGFILE=$BUILD/mutation-logs/baseline.log
: >"$LOGFILE"
DEADLINE=$((SECONDS + 3 * CHECK_TIMEOUT))
run_tests "$(regex_of "${UNIT_INTEGRATION[@]}" "${GUI[@]}")" ""
if ((${#FAILED[@]})) && [[ -z ${CFL_MUTATE_LEAVE_OUT_FAILING:-} ]]; then
    die "the baseline fails (${FAILED[*]}): fix that first ($LOGFILE), or CFL_MUTATE_LEAVE_OUT_FAILING=1"
fi
# A test that does not build, or fails already (only with CFL_MUTATE_LEAVE_OUT_FAILING), cannot kill
# anything: say so, and leave it out.
LEFT_OUT=("${NOT_RUN[@]}" "${FAILED[@]}")
printf '%s\n' "${LEFT_OUT[@]}" | sed '/^$/d' >"$BUILD/mutation-left-out.txt"
if [[ -s $BUILD/mutation-left-out.txt ]]; then
    log "left out, not built (${NOT_RUN[*]:-none}) or failing without any mutation (${FAILED[*]:-none})"
    mapfile -t UNIT_INTEGRATION < <(printf '%s\n' "${UNIT_INTEGRATION[@]}" | grep -vxF -f "$BUILD/mutation-left-out.txt" || true)
    mapfile -t GUI < <(printf '%s\n' "${GUI[@]}" | grep -vxF -f "$BUILD/mutation-left-out.txt" || true)
fi
WALK_RUNS=yes
grep -qxF "$WALK" "$BUILD/mutation-left-out.txt" && WALK_RUNS=no

results=$BUILD/mutation-results.tsv
printf 'check\trule\tresult\tkilled_by\tindependent\tseconds\n' >"$results"
survived=()
for id in "${IDS[@]}"; do
    LOGFILE=$BUILD/mutation-logs/$id.log
    : >"$LOGFILE"
    started=$SECONDS
    DEADLINE=$((started + CHECK_TIMEOUT))
    killers=()
    # 1. The tests whose sources name the check, except the walk.
    mapfile -t likely < <(grep -rlF --include='tst_*.cpp' "\"$id\"" "$ROOT/tests" | xargs -r -n1 basename |
        sed 's/\.cpp$//' | grep -vx "$WALK" | sort -u)
    present=()
    for t in "${likely[@]}"; do
        printf '%s\n' "${UNIT_INTEGRATION[@]}" "${GUI[@]}" | grep -qx "$t" && present+=("$t")
    done
    if ((${#present[@]})); then
        run_tests "$(regex_of "${present[@]}")" "$id" --stop-on-failure
        confirmed "$id" "${FAILED[@]}"
        killers+=("${CONFIRMED[@]}")
    fi
    # 1b. The tests of the check's endpoint, until one fails.
    if ((${#killers[@]} == 0)); then
        near=()
        for t in $(neighbours_of "$id"); do
            printf '%s\n' "${present[@]}" | grep -qx "$t" && continue
            printf '%s\n' "${UNIT_INTEGRATION[@]}" "${GUI[@]}" | grep -qx "$t" && near+=("$t")
        done
        if ((${#near[@]})); then
            run_tests "$(regex_of "${near[@]}")" "$id" --stop-on-failure
            confirmed "$id" "${FAILED[@]}"
            killers+=("${CONFIRMED[@]}")
        fi
        present+=("${near[@]}")
    fi
    # 2. Every other unit and integration test, then 3. the GUI tests, until one fails.
    for stage in UNIT_INTEGRATION GUI; do
        ((${#killers[@]} == 0)) || break
        ((SECONDS - started < CHECK_TIMEOUT)) || break
        declare -n group=$stage
        rest=()
        for t in "${group[@]}"; do
            [[ $t == "$WALK" ]] && continue
            printf '%s\n' "${present[@]}" | grep -qx "$t" || rest+=("$t")
        done
        unset -n group
        ((${#rest[@]})) || continue
        run_tests "$(regex_of "${rest[@]}")" "$id" --stop-on-failure
        confirmed "$id" "${FAILED[@]}"
        killers+=("${CONFIRMED[@]}")
    done
    independent=no
    ((${#killers[@]})) && independent=yes
    # 4. The catalogue walk, when no other test killed the check.
    if [[ $WALK_RUNS == yes && $independent == no ]]; then
        run_tests "^${WALK}\$" "$id"
        ((${#FAILED[@]})) && [[ ${FAILED[0]} != \?* ]] && killers+=("$WALK")
    fi
    seconds=$((SECONDS - started))
    if ((${#killers[@]})); then
        result=killed
    elif ((seconds >= CHECK_TIMEOUT)); then
        result=timeout
        survived+=("$id")
    else
        result=survived
        survived+=("$id")
    fi
    by=$(
        IFS=,
        echo "${killers[*]}"
    )
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "${RULE[$id]}" "$result" "$by" "$independent" "$seconds" >>"$results"
    printf '%-8s %-45s %s%s\n' "${result^^}" "$id" "${by:-—}" "$([[ $independent == yes ]] && echo '' || echo '  (no independent kill)')"
done

# The table for docs/reliability.md.
{
    echo '| check | rule | result | killed by | independent kill |'
    echo '| --- | --- | --- | --- | --- |'
    tail -n +2 "$results" | while IFS=$'\t' read -r id rule result by independent _; do
        printf '| `%s` | %s | %s | %s | %s |\n' "$id" "$rule" "$result" "${by//,/, }" "$independent"
    done
} >"$BUILD/mutation-results.md"
killed=$(awk -F'\t' 'NR > 1 && $3 == "killed"' "$results" | wc -l)
independent=$(awk -F'\t' 'NR > 1 && $5 == "yes"' "$results" | wc -l)
log "${#IDS[@]} checks: $killed killed ($independent by a test other than the catalogue walk), ${#survived[@]} survived"
log "results: $results, $BUILD/mutation-results.md; logs: $BUILD/mutation-logs/"
if ((${#survived[@]})); then
    printf 'mutate: survived: %s\n' "${survived[*]}" >&2
    exit 1
fi
