#include "crypto/SecureRandom.h"

#include "crypto/Base64Url.h"

#include <QRandomGenerator>

#include <cstring>
#include <vector>

namespace cfl {

QByteArray randomBytes(int count)
{
    if (count <= 0)
        return {};
    // system() is the OS CSPRNG (getrandom on Linux); global() is seeded from it but is not meant for
    // secrets that an attacker must not predict.
    std::vector<quint32> words((static_cast<size_t>(count) + 3) / 4);
    QRandomGenerator::system()->generate(words.begin(), words.end());
    QByteArray bytes(count, Qt::Uninitialized);
    std::memcpy(bytes.data(), words.data(), static_cast<size_t>(count));
    return bytes;
}

QByteArray randomToken(int bytes)
{
    return base64UrlEncode(randomBytes(bytes));
}

} // namespace cfl
