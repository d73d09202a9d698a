# The seed's steps said where the bank answers, over real HTTP, as BankTrace numbers them.
cfl_add_test(tst_seedstepsource SOURCES tst_seedstepsource.cpp LIBS cfl_bank_harness LABELS "integration;sanitize")
