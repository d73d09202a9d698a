# The attack lab's weakness table (issue 11): every check it names exists in the bank's catalogue or in
# CoolLoan's (cfl_client_checks, headless: this runs in the sanitizer build too).
cfl_add_test(tst_weaknesses SOURCES tst_weaknesses.cpp LIBS cfl_attack LABELS "unit;sanitize")
