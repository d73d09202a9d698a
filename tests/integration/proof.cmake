# Issue 10, "Proof that it holds": every endpoint of the real bank under malformed, oversized, duplicated,
# wrongly-encoded and wrong-method input (a clear 4xx, nothing changed, a normal flow after each).
cfl_add_test(tst_badinput SOURCES tst_badinput.cpp RawHttpClient.h LIBS cfl_bank_harness
    LABELS "integration;sanitize")
# SIGKILL at random points of ≥ 1,000 code flows and refreshes against `codeflow-bank serve`, restarted on
# the same data directory: integrity, all-or-nothing grants, nothing lost, nothing usable twice. Bounded
# at 90 s; not in the sanitizer run (it measures the bank's real speed, and kills it on purpose).
cfl_add_test(tst_crashsafety SOURCES tst_crashsafety.cpp LIBS cfl_bank_harness LABELS "integration")
target_compile_definitions(tst_crashsafety PRIVATE CODEFLOW_BANK_PATH="$<TARGET_FILE:codeflow-bank>")
add_dependencies(tst_crashsafety codeflow-bank)
set_tests_properties(tst_crashsafety PROPERTIES TIMEOUT 120)
