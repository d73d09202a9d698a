# Issue 10: limits on what a client may send and for how long (HttpServerAdapter's ConnectionGuard, the
# bank's per-route limits, `codeflow-bank serve` under a 200 MB body), and log forging through the
# headless bank's stderr.
cfl_add_test(tst_requestlimits SOURCES tst_requestlimits.cpp RawHttpClient.h LIBS cfl_bank_harness
    LABELS "integration;sanitize")
target_compile_definitions(tst_requestlimits PRIVATE CODEFLOW_BANK_PATH="$<TARGET_FILE:codeflow-bank>")
add_dependencies(tst_requestlimits codeflow-bank)
cfl_add_test(tst_logforging SOURCES tst_logforging.cpp RawHttpClient.h LIBS cfl_bank_harness
    LABELS "integration;sanitize")
target_compile_definitions(tst_logforging PRIVATE CODEFLOW_BANK_PATH="$<TARGET_FILE:codeflow-bank>")
add_dependencies(tst_logforging codeflow-bank)
