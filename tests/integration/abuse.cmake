# Issue 10: what an attacker elsewhere may not do — reach the bank under another host name (DNS
# rebinding, RFC 9110 §7.2), lock John out by guessing, or make the bank hash for unknown user names without
# bound (OWASP ASVS 2.2.1, NIST SP 800-63B §5.2.2). Real bank on loopback, raw sockets where the Host or
# the client's address matter.
foreach(subject IN ITEMS hostheader loginthrottle)
    cfl_add_test(tst_${subject} SOURCES tst_${subject}.cpp RawHttpClient.h LIBS cfl_bank_harness
        LABELS "integration;sanitize")
endforeach()
