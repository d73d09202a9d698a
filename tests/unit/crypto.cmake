# core/crypto: one test per subject (base64url, digests, randomness, PKCE, argon2id, RS256 JWTs, the
# verified-JWT cache).
cfl_add_test(tst_base64url SOURCES tst_base64url.cpp LIBS cfl_crypto LABELS "unit;sanitize")
cfl_add_test(tst_digest SOURCES tst_digest.cpp LIBS cfl_crypto LABELS "unit;sanitize")
cfl_add_test(tst_securerandom SOURCES tst_securerandom.cpp LIBS cfl_crypto LABELS "unit;sanitize")
cfl_add_test(tst_pkce SOURCES tst_pkce.cpp LIBS cfl_crypto LABELS "unit;sanitize")
cfl_add_test(tst_passwordhasher SOURCES tst_passwordhasher.cpp LIBS cfl_crypto LABELS "unit;sanitize")
cfl_add_test(tst_jwt SOURCES tst_jwt.cpp LIBS cfl_crypto LABELS "unit;sanitize")
cfl_add_test(tst_verifiedjwts SOURCES tst_verifiedjwts.cpp LIBS cfl_crypto LABELS "unit;sanitize")
