#include "crypto/Pkce.h"

#include "crypto/Base64Url.h"
#include "crypto/Digest.h"
#include "crypto/SecureRandom.h"

namespace cfl::pkce {

namespace {

// RFC 7636 §4.1: code-verifier = 43*128unreserved.
constexpr qsizetype kMinVerifierLength = 43;
constexpr qsizetype kMaxVerifierLength = 128;

bool isUnreserved(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
        || c == '_' || c == '~';
}

} // namespace

bool isValidVerifier(QByteArrayView verifier)
{
    if (verifier.size() < kMinVerifierLength || verifier.size() > kMaxVerifierLength)
        return false;
    for (const char c : verifier) {
        if (!isUnreserved(c))
            return false;
    }
    return true;
}

bool isValidS256Challenge(QByteArrayView challenge)
{
    // §4.2: the base64url form of a 32-byte digest, which is 43 characters with the last one canonical.
    if (challenge.size() != 43)
        return false;
    const auto digest = base64UrlDecode(challenge);
    return digest && digest->size() == 32;
}

QByteArray s256Challenge(QByteArrayView verifier)
{
    return base64UrlEncode(sha256(verifier));
}

bool verifyS256(QByteArrayView verifier, QByteArrayView challenge)
{
    // §4.6, and §4.1 on the server side too: a verifier outside the grammar is refused even when it
    // happens to hash to the challenge, so that clients cannot get away with a weak one.
    if (!isValidVerifier(verifier) || !isValidS256Challenge(challenge))
        return false;
    return constantTimeEquals(s256Challenge(verifier), challenge);
}

QByteArray generateVerifier()
{
    return randomToken(32);
}

} // namespace cfl::pkce
