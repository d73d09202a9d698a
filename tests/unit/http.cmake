cfl_add_test(tst_formdata SOURCES tst_formdata.cpp LIBS cfl_http LABELS "unit;sanitize")
cfl_add_test(tst_redirecturi SOURCES tst_redirecturi.cpp LIBS cfl_bank LABELS "unit;sanitize")
# core/http: the router (404, 405 + Allow, path parameters) and the Cookie header (RFC 6265 §4.2.1, §5.4).
cfl_add_test(tst_router SOURCES tst_router.cpp LIBS cfl_http LABELS "unit;sanitize")
cfl_add_test(tst_cookieheader SOURCES tst_cookieheader.cpp LIBS cfl_http LABELS "unit;sanitize")
# The bank's page renderer: escaped and raw slots, on its own templates (pagerenderer/, under :/bank).
cfl_add_test(tst_pagerenderer SOURCES tst_pagerenderer.cpp LIBS cfl_bank LABELS "unit;sanitize")
file(GLOB pagerenderer_templates CONFIGURE_DEPENDS RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} pagerenderer/*.html)
qt_add_resources(tst_pagerenderer tst_pagerenderer_pages PREFIX /bank BASE pagerenderer FILES ${pagerenderer_templates})
# Log forging (CWE-117): escapeForLog, the bank's access log line and every Qt message, one line each.
cfl_add_test(tst_accesslog SOURCES tst_accesslog.cpp LIBS cfl_bank LABELS "unit;sanitize")
# Issue 10 §4: how the guard in front of QHttpServer frames a request and applies the limits.
cfl_add_test(tst_requestframing SOURCES tst_requestframing.cpp LIBS cfl_http LABELS "unit;sanitize")
# Issue 9 §3: the wire formats inside HTTP messages, read and written in one place (http/WireFormat.h).
cfl_add_test(tst_wireformat SOURCES tst_wireformat.cpp LIBS cfl_http LABELS "unit;sanitize")
