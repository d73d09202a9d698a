# Issue 10: log forging through the headless bank's stderr.
cfl_add_test(tst_logforging SOURCES tst_logforging.cpp RawHttpClient.h LIBS cfl_bank_harness LABELS "integration;sanitize")
target_compile_definitions(tst_logforging PRIVATE CODEFLOW_BANK_PATH="$<TARGET_FILE:codeflow-bank>")
add_dependencies(tst_logforging codeflow-bank)
