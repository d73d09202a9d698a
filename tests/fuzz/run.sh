#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, -DCFL_FUZZ=ON, a build directory of their own unless given one) and
# runs each one on its corpus, as many at once as CFL_JOBS.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]     SECONDS per target (default 30); all targets by default
#   CFL_FUZZ_RUNS=1000000 tests/fuzz/run.sh 0   a number of executions per target instead of a time
# Environment: CFL_FUZZ_BUILD_DIR (default build-fuzz), CFL_JOBS (build jobs), CFL_BUILD_LOCK (a file to
# flock around the build), CFL_FUZZ_NICE (default 19). The corpora in tests/fuzz/corpus/ are only read;
# what the fuzzer finds goes to $CFL_FUZZ_BUILD_DIR/fuzz-corpus/, crashes to .../fuzz-artifacts/. Exits 1
# when a target crashes, leaks, times out or reports undefined behaviour, and says which input did it.
# Results, one line per target, in $CFL_FUZZ_BUILD_DIR/fuzz-results.tsv (docs/reliability.md).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${CFL_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
JOBS=${CFL_JOBS:-$(nproc)}
NICE=${CFL_FUZZ_NICE:-19}
SECONDS_PER_TARGET=${1:-30}
shift || true
ALL=(formdata querystring redirecturi cookie basicauth bearer jwt clientregistration pagerenderer requestframing)
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=("${ALL[@]}")

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'fuzz: %s\n' "$*" >&2; exit 2; }

command -v clang++ >/dev/null || die "clang++ is missing (Debian: apt-get install clang libclang-rt-dev)"
lock=()
[[ -n ${CFL_BUILD_LOCK:-} ]] && lock=(flock "$CFL_BUILD_LOCK")
log "building the fuzz targets in $BUILD (clang, ASan + UBSan + libFuzzer)"
mkdir -p "$BUILD"
# A tree configured for fuzzing already (./dev test's sanitizer tree, which also builds the sanitized
# tests) is built as it is; any other is configured for the fuzz targets alone.
if ! grep -q '^CFL_FUZZ:BOOL=ON' "$BUILD/CMakeCache.txt" 2>/dev/null; then
    # -g1: line tables, all a crash report needs (as ./dev's builds).
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO='-O2 -g1 -DNDEBUG' -DCMAKE_CXX_COMPILER=clang++ \
        -DCFL_FUZZ=ON -DCFL_BUILD_GUI=OFF -DCFL_BUILD_WIDGETS=OFF >"$BUILD/fuzz-configure.log" 2>&1 ||
        { tail -n 30 "$BUILD/fuzz-configure.log" >&2; die "cmake could not configure $BUILD"; }
fi
if ! "${lock[@]}" cmake --build "$BUILD" -j "$JOBS" --target "${TARGETS[@]/#/fuzz_}" >"$BUILD/fuzz-build.log" 2>&1; then
    grep -E -B2 -A8 'error|FAILED' "$BUILD/fuzz-build.log" | head -n 60 >&2
    die "the fuzz targets did not build (whole log: $BUILD/fuzz-build.log)"
fi

# A smaller quarantine than ASan's 256 MB: freed memory is still poisoned long enough to catch a use
# after free, and the run's memory stays near what the target itself needs.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:quarantine_size_mb=64:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Qt's own chatter is not a finding; its warnings stay visible.
export QT_LOGGING_RULES=${QT_LOGGING_RULES:-*.debug=false;*.info=false}
results=$BUILD/fuzz-results.tsv
[[ -f $results ]] || printf 'date\ttarget\tseconds\texecutions\tcorpus\tresult\n' >"$results"
# One target: its line in the results and on stderr; false when it failed.
run_target() {
    local target=$1 work artifacts limit dict output status executions corpus seconds result
    work=$BUILD/fuzz-corpus/$target
    artifacts=$BUILD/fuzz-artifacts/$target/
    mkdir -p "$work" "$artifacts"
    limit=(-max_total_time="$SECONDS_PER_TARGET")
    [[ -n ${CFL_FUZZ_RUNS:-} ]] && limit=(-runs="$CFL_FUZZ_RUNS")
    dict=$HERE/dict/http.dict
    case $target in bearer | jwt | clientregistration) dict=$HERE/dict/jose.dict ;; esac
    log "fuzz_$target: ${CFL_FUZZ_RUNS:-$SECONDS_PER_TARGET s}${CFL_FUZZ_RUNS:+ runs}"
    output=$BUILD/fuzz-$target.log
    status=0
    nice -n "$NICE" "$BUILD/tests/fuzz/fuzz_$target" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
        -dict="$dict" -artifact_prefix="$artifacts" -print_final_stats=1 "$work" "$HERE/corpus/$target" \
        >"$output" 2>&1 || status=$?
    executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$output" | grep -o '[0-9]*$' || echo 0)
    corpus=$(find "$work" "$HERE/corpus/$target" -type f | wc -l)
    seconds=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$output" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || echo "?")
    if ((status == 0)); then
        result=ok
    else
        result="FAILED (exit $status; $(grep -m1 -oE 'ERROR: [A-Za-z]+: [^ ]+|property violated: .*|SUMMARY: .*' "$output" || echo 'see log'))"
        tail -n 60 "$output" >&2
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$target" "$seconds" "$executions" "$corpus" "$result" >>"$results"
    printf '   %-20s %12s executions  %6s inputs  %s\n' "$target" "$executions" "$corpus" "$result" >&2
    ((status == 0))
}

# As many targets at once as build jobs (each fuzzer is one process on one core).
for target in "${TARGETS[@]}"; do
    [[ -d $HERE/corpus/$target ]] || die "no corpus for '$target' (targets: ${ALL[*]})"
done
pids=()
for target in "${TARGETS[@]}"; do
    while (($(jobs -rp | wc -l) >= JOBS)); do wait -n || true; done
    run_target "$target" &
    pids+=("$!")
done
failed=()
for i in "${!TARGETS[@]}"; do
    wait "${pids[$i]}" || failed+=("${TARGETS[$i]}")
done
((${#failed[@]} == 0)) || { printf 'fuzz: failed: %s (logs: %s/fuzz-<target>.log, inputs: %s/fuzz-artifacts/)\n' "${failed[*]}" "$BUILD" "$BUILD" >&2; exit 1; }
log "fuzzing: no crash, leak, timeout or sanitizer report in ${#TARGETS[@]} target(s)"
