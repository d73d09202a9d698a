# OpenID Connect RP-Initiated Logout 1.0 (issue 12 §6): the trusted redirect with state, every untrusted
# combination answered with a page and never a redirect, the session over after either, and
# `codeflow-bank register-client --post-logout-redirect-uri`.
cfl_add_test(tst_endsession SOURCES tst_endsession.cpp LIBS cfl_bank_harness LABELS "integration;sanitize")
target_compile_definitions(tst_endsession PRIVATE CODEFLOW_BANK_PATH="$<TARGET_FILE:codeflow-bank>")
add_dependencies(tst_endsession codeflow-bank)
