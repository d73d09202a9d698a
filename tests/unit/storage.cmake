# The storage area: BankStore on a real SQLite file in a temporary directory.
cfl_add_test(tst_bankstore SOURCES tst_bankstore.cpp LIBS cfl_storage LABELS "unit;sanitize")
