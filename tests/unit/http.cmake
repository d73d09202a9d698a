cfl_add_test(tst_formdata SOURCES tst_formdata.cpp LIBS cfl_http LABELS "unit;sanitize")
cfl_add_test(tst_redirecturi SOURCES tst_redirecturi.cpp LIBS cfl_bank LABELS "unit;sanitize")
