# The storage area on a real SQLite file in a temporary directory: the Database (open, migrations,
# transactions, reset, the statement cache) and one test per store (issue 9 §5).
foreach(store database accountstore clientstore consentstore sessionstore grantledger auditlog keystore)
    cfl_add_test(tst_${store} SOURCES tst_${store}.cpp StoreTestSupport.h LIBS cfl_storage LABELS "unit;sanitize")
endforeach()
# Issue 10 §7: data directory 0700, database files 0600 (the headless bank's signing key is in them).
if(UNIX)
    cfl_add_test(tst_privatedatadirectory SOURCES tst_privatedatadirectory.cpp LIBS cfl_bank LABELS "unit;sanitize")
endif()
