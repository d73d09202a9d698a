# core/bank: the catalogue of named checks (bank/Check.h), each endpoint's list pinned in its order.
cfl_add_test(tst_checkcatalogue SOURCES tst_checkcatalogue.cpp LIBS cfl_bank LABELS "unit;sanitize")
# The access token a refresh signs ahead of its transaction, and the key's recorded expiry (bank/TokenIssuer.h).
cfl_add_test(tst_tokenissuer SOURCES tst_tokenissuer.cpp LIBS cfl_bank LABELS "unit;sanitize")
