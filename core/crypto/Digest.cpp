#include "crypto/Digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace cfl {

QByteArray sha256(QByteArrayView data)
{
    QByteArray digest(32, Qt::Uninitialized);
    unsigned int length = 0;
    if (EVP_Digest(data.data(), static_cast<size_t>(data.size()),
            reinterpret_cast<unsigned char *>(digest.data()), &length, EVP_sha256(), nullptr)
            != 1
        || length != 32) {
        // Only an OpenSSL that cannot allocate gets here; an empty digest never equals a stored one.
        return {};
    }
    return digest;
}

QByteArray sha256Hex(QByteArrayView data)
{
    return sha256(data).toHex();
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    // Lengths are public (every stored value is a fixed-size digest); only the contents must not leak
    // through timing.
    if (a.size() != b.size())
        return false;
    if (a.isEmpty())
        return true;
    return CRYPTO_memcmp(a.data(), b.data(), static_cast<size_t>(a.size())) == 0;
}

} // namespace cfl
