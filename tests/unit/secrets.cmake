# core/secrets: KeychainSecretStore against the session's real Secret Service (./dev test's headless
# session: dbus-run-session with an unlocked gnome-keyring). cfl_secrets exists only in the desktop build;
# the keychain is shared with the GUI tests, hence their lock.
if(CFL_BUILD_GUI)
    cfl_add_test(tst_keychainsecretstore SOURCES tst_keychainsecretstore.cpp LIBS cfl_secrets LABELS "unit;keychain")
    set_tests_properties(tst_keychainsecretstore PROPERTIES RESOURCE_LOCK cfl_secret_service)
endif()
