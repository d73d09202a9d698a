cfl_add_test(tst_formdata SOURCES tst_formdata.cpp LIBS cfl_http LABELS "unit;sanitize")
cfl_add_test(tst_redirecturi SOURCES tst_redirecturi.cpp LIBS cfl_bank LABELS "unit;sanitize")
# core/http: the router (404, 405 + Allow, path parameters) and the Cookie header (RFC 6265 §4.2.1, §5.4).
cfl_add_test(tst_router SOURCES tst_router.cpp LIBS cfl_http LABELS "unit;sanitize")
cfl_add_test(tst_cookieheader SOURCES tst_cookieheader.cpp LIBS cfl_http LABELS "unit;sanitize")
