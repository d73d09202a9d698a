#include "crypto/PasswordHasher.h"

#include "crypto/SecureRandom.h"

#include <QList>
#include <QLoggingCategory>
#include <QSemaphore>
#include <QThread>

#include <algorithm>
#include <argon2.h>
#include <optional>

namespace cfl {

namespace {

Q_LOGGING_CATEGORY(lcPasswordHasher, "cfl.crypto.password")

// RFC 9106 §4 recommends a 128-bit salt and a 256-bit tag.
constexpr int kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

// A stored hash is data: a crafted or corrupted one must not make a login allocate gigabytes or spin for
// minutes, so its cost is bounded here, and hashPassword() refuses to produce what verify would refuse.
constexpr quint32 kMaxMemoryKiB = 256 * 1024;
constexpr quint32 kMaxTimeCost = 32;
constexpr quint32 kMaxParallelism = 16;

// At most as many hashes at once as there are cores, whichever threads ask (the bank answers on several,
// bank/BankWorkers.h): more would not finish sooner, each holds memoryKiB (19 MiB by default) while it
// runs, and the threads waiting here leave the cores to requests that hash nothing.
QSemaphore &hashSlots()
{
    static QSemaphore cores(std::max(1, QThread::idealThreadCount()));
    return cores;
}

bool isAcceptableCost(const PasswordHashCost &cost)
{
    // argon2 itself needs at least 8 KiB per lane (ARGON2_MIN_MEMORY, 2 blocks per sync point).
    return cost.timeCost >= 1 && cost.timeCost <= kMaxTimeCost && cost.parallelism >= 1
        && cost.parallelism <= kMaxParallelism && cost.memoryKiB >= 8 * cost.parallelism
        && cost.memoryKiB <= kMaxMemoryKiB;
}

std::optional<quint32> parseParameter(QByteArrayView field, QByteArrayView name)
{
    if (!field.startsWith(name) || field.size() == name.size())
        return std::nullopt;
    const QByteArrayView digits = field.sliced(name.size());
    for (const char c : digits) {
        if (c < '0' || c > '9')
            return std::nullopt;
    }
    bool ok = false;
    const quint32 value = digits.toByteArray().toUInt(&ok);
    return ok ? std::optional<quint32>(value) : std::nullopt;
}

// The PHC string format as libargon2 writes it: $argon2id$v=19$m=<m>,t=<t>,p=<p>$<salt>$<hash>.
std::optional<PasswordHashCost> parseArgon2idCost(const QByteArray &encoded)
{
    const QList<QByteArray> fields = encoded.split('$');
    if (fields.size() != 6 || !fields[0].isEmpty() || fields[1] != "argon2id" || fields[2] != "v=19")
        return std::nullopt;
    const QList<QByteArray> parameters = fields[3].split(',');
    if (parameters.size() != 3)
        return std::nullopt;
    const auto memory = parseParameter(parameters[0], "m=");
    const auto time = parseParameter(parameters[1], "t=");
    const auto lanes = parseParameter(parameters[2], "p=");
    if (!memory || !time || !lanes)
        return std::nullopt;
    return PasswordHashCost { *time, *memory, *lanes };
}

} // namespace

QByteArray hashPassword(QByteArrayView password, const PasswordHashCost &cost)
{
    // An empty result never verifies, so a caller that stores it locks the account rather than opening it.
    if (!isAcceptableCost(cost)) {
        qCWarning(lcPasswordHasher) << "refusing argon2id cost outside the accepted bounds: m ="
                                    << cost.memoryKiB << "KiB, t =" << cost.timeCost
                                    << ", p =" << cost.parallelism;
        return {};
    }
    const QByteArray salt = randomBytes(kSaltBytes);
    const size_t encodedLength = argon2_encodedlen(
        cost.timeCost, cost.memoryKiB, cost.parallelism, kSaltBytes, kHashBytes, Argon2_id);
    QByteArray encoded(static_cast<qsizetype>(encodedLength), '\0');
    hashSlots().acquire();
    const QSemaphoreReleaser slot(hashSlots());
    const int rc = argon2id_hash_encoded(cost.timeCost, cost.memoryKiB, cost.parallelism, password.data(),
        static_cast<size_t>(password.size()), salt.constData(), static_cast<size_t>(salt.size()), kHashBytes,
        encoded.data(), encodedLength);
    if (rc != ARGON2_OK) {
        qCWarning(lcPasswordHasher) << "argon2id hashing failed:" << argon2_error_message(rc);
        return {};
    }
    // argon2_encodedlen() counts the terminating NUL and is an upper bound.
    encoded.truncate(static_cast<qsizetype>(qstrlen(encoded.constData())));
    return encoded;
}

bool verifyPassword(QByteArrayView encodedHash, QByteArrayView password)
{
    const QByteArray encoded = encodedHash.toByteArray();
    // libargon2 reads a C string: an embedded NUL would make it check only a prefix.
    if (encoded.contains('\0'))
        return false;
    // Only argon2id with a bounded cost reaches libargon2: argon2i/argon2d, bcrypt or plain text are false.
    const auto cost = parseArgon2idCost(encoded);
    if (!cost || !isAcceptableCost(*cost))
        return false;
    hashSlots().acquire();
    const QSemaphoreReleaser slot(hashSlots());
    return argon2id_verify(encoded.constData(), password.data(), static_cast<size_t>(password.size()))
        == ARGON2_OK;
}

} // namespace cfl
