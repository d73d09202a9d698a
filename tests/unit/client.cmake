# core/client: CoolLoan's own checks (ID token validation, OIDC Core §3.1.3.7: cfl_client_checks, headless,
# so the sanitizer build runs it too) and its loan offer. cfl_client needs NetworkAuth and QtKeychain, so
# the others exist only in the desktop build.
cfl_add_test(tst_idtokenvalidator SOURCES tst_idtokenvalidator.cpp LIBS cfl_client_checks LABELS "unit;sanitize")
if(CFL_BUILD_GUI)
    cfl_add_test(tst_loanoffer SOURCES tst_loanoffer.cpp LIBS cfl_client LABELS "unit")
    # RFC 9207 §2.4: the authorization response's iss, against a tiny in-process issuer.
    cfl_add_test(tst_authorizationresponseiss SOURCES tst_authorizationresponseiss.cpp LIBS cfl_client
        LABELS "unit")
endif()
