# The storage area: BankStore on a real SQLite file in a temporary directory.
cfl_add_test(tst_bankstore SOURCES tst_bankstore.cpp LIBS cfl_storage LABELS "unit;sanitize")
# Issue 10 §7: data directory 0700, database files 0600 (the headless bank's signing key is in them).
if(UNIX)
    cfl_add_test(tst_privatedatadirectory SOURCES tst_privatedatadirectory.cpp LIBS cfl_bank LABELS "unit;sanitize")
endif()
