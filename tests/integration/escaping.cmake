# Every value on the bank's pages arrives as text: markup fed through each page of the real
# bank, over real HTTP (BankHarness, from bank.cmake).
cfl_add_test(tst_pageescaping SOURCES tst_pageescaping.cpp LIBS cfl_bank_harness LABELS "integration;sanitize")
