# core/client: CoolLoan's own checks (ID token validation, OIDC Core §3.1.3.7) and its loan offer.
# cfl_client needs NetworkAuth and QtKeychain, so these exist only in the desktop build.
if(CFL_BUILD_GUI)
    cfl_add_test(tst_idtokenvalidator SOURCES tst_idtokenvalidator.cpp LIBS cfl_client LABELS "unit")
    cfl_add_test(tst_loanoffer SOURCES tst_loanoffer.cpp LIBS cfl_client LABELS "unit")
    # RFC 9207 §2.4: the authorization response's iss, against a tiny in-process issuer.
    cfl_add_test(tst_authorizationresponseiss SOURCES tst_authorizationresponseiss.cpp LIBS cfl_client
        LABELS "unit")
endif()
