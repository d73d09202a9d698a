# John's session cookie on its own (issue 10, finding 1): the forms' synchronizer CSRF token, logout at
# the bank, and the bank on "localhost" apart from the clients' 127.0.0.1 callbacks (RFC 6265 §8.5,
# RFC 8252 §8.3).
cfl_add_test(tst_sessionisolation SOURCES tst_sessionisolation.cpp LIBS cfl_bank_harness
             LABELS "integration;sanitize")
