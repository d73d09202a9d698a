# The attack lab's weakness table (issue 11): every check it names exists in the bank's catalogue or in
# CoolLoan's. CoolLoan's checks live in cfl_client, which needs the desktop build.
if(TARGET cfl_client)
    cfl_add_test(tst_weaknesses SOURCES tst_weaknesses.cpp LIBS cfl_attack cfl_client LABELS "unit")
endif()
