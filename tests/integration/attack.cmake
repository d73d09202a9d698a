# The attack lab (issue 11): each scenario played against a real bank on loopback (its own SQLite file in a
# temporary directory), weak, defended and layer by layer; and `codeflow-bank serve --weakness`, run as a
# separate process.
cfl_add_test(tst_attackscenarios SOURCES tst_attackscenarios.cpp LIBS cfl_attack LABELS "integration")
cfl_add_test(tst_bankweakness SOURCES tst_bankweakness.cpp LIBS cfl_bank_harness cfl_attack LABELS "integration;sanitize")
target_compile_definitions(tst_bankweakness PRIVATE CODEFLOW_BANK_PATH="$<TARGET_FILE:codeflow-bank>")
add_dependencies(tst_bankweakness codeflow-bank)
