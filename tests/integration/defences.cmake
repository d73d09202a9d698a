# Defences that a mutation survey (issue 15) found untested, each reached on its own over real HTTP so
# that removing it fails a test: ownership of accounts (API and online banking, with Mallory as the
# other customer), the claims of an access token (RFC 9068 §4), a revoked refresh token (RFC 7009 §2.1).
foreach(subject IN ITEMS resourceownership accesstokenclaims revokedrefreshtoken)
    cfl_add_test(tst_${subject} SOURCES tst_${subject}.cpp LIBS cfl_bank_harness LABELS "integration;sanitize")
endforeach()
