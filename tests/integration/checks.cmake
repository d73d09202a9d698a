# The bank's named checks over real HTTP (bank/Check.h): every refusal of the catalogue reaches the trace
# and the audit log with its check's id; a switched-off check lets a request through and says so.
foreach(subject IN ITEMS refusalcatalogue checkswitches)
    cfl_add_test(tst_${subject} SOURCES tst_${subject}.cpp LIBS cfl_bank_harness LABELS "integration;sanitize")
endforeach()
