#pragma once
// Unguessable values from the operating system's CSPRNG (QRandomGenerator::system()).

#include <QByteArray>

namespace cfl {

QByteArray randomBytes(int count);
// `bytes` random bytes, base64url-encoded: 32 bytes → 43 characters (256 bits), RFC 6749 §10.10.
QByteArray randomToken(int bytes = 32);

} // namespace cfl
