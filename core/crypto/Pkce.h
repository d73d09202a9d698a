#pragma once
// PKCE, RFC 7636.

#include <QByteArray>
#include <QByteArrayView>

namespace cfl::pkce {

// §4.1: 43–128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
bool isValidVerifier(QByteArrayView verifier);
// A S256 challenge is base64url(SHA-256) without padding: exactly 43 base64url characters.
bool isValidS256Challenge(QByteArrayView challenge);
// §4.2: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))).
QByteArray s256Challenge(QByteArrayView verifier);
// §4.6, compared in constant time.
bool verifyS256(QByteArrayView verifier, QByteArrayView challenge);
// A fresh verifier: 32 random bytes → 43 base64url characters (§7.1).
QByteArray generateVerifier();

} // namespace cfl::pkce
