# The bank end to end: a real BankServer on 127.0.0.1 (port 0), a real SQLite file in a temporary
# directory, driven over sockets with QNetworkAccessManager. BankHarness is the shared test driver.
add_library(cfl_bank_harness STATIC BankHarness.cpp BankHarness.h)
target_link_libraries(cfl_bank_harness PUBLIC cfl_bank Qt6::Network Qt6::Test cfl_build_flags)
cfl_use_pch(cfl_bank_harness test ${CFL_PCH_TEST})

foreach(subject IN ITEMS authorizationendpoint tokenendpoint idtoken refresh resourceapi userinfo revocation
                         introspection webbanking discovery claimsparameter acr)
    cfl_add_test(tst_${subject} SOURCES tst_${subject}.cpp LIBS cfl_bank_harness LABELS "integration;sanitize")
endforeach()

# The headless bank's command line, run as a separate process.
cfl_add_test(tst_bankcli SOURCES tst_bankcli.cpp LIBS cfl_bank_harness LABELS "integration;sanitize")
target_compile_definitions(tst_bankcli PRIVATE CODEFLOW_BANK_PATH="$<TARGET_FILE:codeflow-bank>")
add_dependencies(tst_bankcli codeflow-bank)

# Single use under concurrency: two `codeflow-bank serve` processes on one data directory, raced.
cfl_add_test(tst_singleuse SOURCES tst_singleuse.cpp LIBS cfl_bank_harness LABELS "integration;sanitize")
target_compile_definitions(tst_singleuse PRIVATE CODEFLOW_BANK_PATH="$<TARGET_FILE:codeflow-bank>")
add_dependencies(tst_singleuse codeflow-bank)

# Signing key rotation (OIDC Core §10.1.1): `codeflow-bank rotate-key` beside a running bank.
cfl_add_test(tst_keyrotation SOURCES tst_keyrotation.cpp LIBS cfl_bank_harness LABELS "integration;sanitize")
target_compile_definitions(tst_keyrotation PRIVATE CODEFLOW_BANK_PATH="$<TARGET_FILE:codeflow-bank>")
add_dependencies(tst_keyrotation codeflow-bank)
