# Issue 10: what an attacker elsewhere may not do: reach the bank under another host name (DNS
# rebinding, RFC 9110 §7.2). Real bank on loopback, raw sockets where the Host matters.
foreach(subject IN ITEMS hostheader)
    cfl_add_test(tst_${subject} SOURCES tst_${subject}.cpp RawHttpClient.h LIBS cfl_bank_harness
        LABELS "integration;sanitize")
endforeach()
