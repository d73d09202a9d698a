# CoolLoan end to end against a tiny in-process authorization server that answers one bad value at a
# time: it must stop, not log John in (issue 15). cfl_client needs NetworkAuth and QtKeychain, so this
# exists only in the desktop build.
if(CFL_BUILD_GUI)
    cfl_add_test(tst_coolloanchecks SOURCES tst_coolloanchecks.cpp LIBS cfl_client LABELS "integration")
endif()
