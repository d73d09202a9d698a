# The attack lab (issue 11): each scenario played against a real bank on loopback (its own SQLite file in a
# temporary directory), weak, defended and layer by layer; and `codeflow-bank serve --weakness`, run as a
# separate process.
cfl_add_test(tst_attackscenarios SOURCES tst_attackscenarios.cpp LIBS cfl_attack LABELS "integration")
# The same engine played at a pace on a thread of its own, as the window's attack lab plays it.
cfl_add_test(tst_pacedattack SOURCES tst_pacedattack.cpp LIBS cfl_attack LABELS "integration")
cfl_add_test(tst_bankweakness SOURCES tst_bankweakness.cpp LIBS cfl_bank_harness cfl_attack LABELS "integration;sanitize")
target_compile_definitions(tst_bankweakness PRIVATE CODEFLOW_BANK_PATH="$<TARGET_FILE:codeflow-bank>")
add_dependencies(tst_bankweakness codeflow-bank)

# `codeflow-lab --attack ID --weak|--defended`, run as its own process, offscreen (the desktop build only).
if(CFL_BUILD_GUI)
    cfl_add_test(tst_labattack SOURCES tst_labattack.cpp LIBS cfl_attack LABELS "integration")
    target_compile_definitions(tst_labattack PRIVATE CFL_LAB_EXECUTABLE="$<TARGET_FILE:codeflow-lab>")
    add_dependencies(tst_labattack codeflow-lab)
    set_tests_properties(tst_labattack PROPERTIES TIMEOUT 240)
endif()
