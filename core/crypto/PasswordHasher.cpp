#include "crypto/PasswordHasher.h"

#include "crypto/SecureRandom.h"

#include <QList>
#include <QLoggingCategory>
#include <QSemaphore>
#include <QThread>

#include <algorithm>
#include <argon2.h>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <vector>

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
int hashesAtOnce()
{
    return std::max(1, QThread::idealThreadCount());
}

QSemaphore &hashSlots()
{
    static QSemaphore cores(hashesAtOnce());
    return cores;
}

// The memory of each hash (memoryKiB in one block), kept for the next hash: at most one block per hash
// that may run at once. Left to malloc, a freed 19 MiB block would stay in the arena of the thread that
// hashed (glibc raises its mmap threshold to the largest block freed), so every thread that ever hashed
// would hold one for good; given back to the system after every hash, the next one would fault in 19 MiB
// of fresh pages again (a quarter more CPU per hash here). Kept here, the bank's memory is its hashes at
// once, and a hash reuses pages it already has.
class BlockPool
{
public:
    int take(uint8_t **memory, size_t bytes)
    {
        {
            std::lock_guard lock(m_mutex);
            for (auto it = m_free.begin(); it != m_free.end(); ++it) {
                if (it->bytes == bytes) {
                    *memory = it->block.release();
                    m_free.erase(it);
                    return ARGON2_OK;
                }
            }
        }
        *memory = new (std::nothrow) uint8_t[bytes];
        return *memory ? ARGON2_OK : ARGON2_MEMORY_ALLOCATION_ERROR;
    }

    void give(uint8_t *memory, size_t bytes)
    {
        std::unique_ptr<uint8_t[]> block(memory);
        std::lock_guard lock(m_mutex);
        if (m_free.size() >= std::size_t(hashesAtOnce())) {
            // Full: a block of another size (a hash with another cost) makes room, or this one goes.
            const auto other = std::find_if(
                m_free.begin(), m_free.end(), [bytes](const Free &free) { return free.bytes != bytes; });
            if (other == m_free.end())
                return;
            m_free.erase(other);
        }
        m_free.push_back({ bytes, std::move(block) });
    }

private:
    struct Free
    {
        size_t bytes;
        std::unique_ptr<uint8_t[]> block;
    };
    std::mutex m_mutex;
    std::vector<Free> m_free;
};

BlockPool &blocks()
{
    static BlockPool pool;
    return pool;
}

int takeBlock(uint8_t **memory, size_t bytes)
{
    return blocks().take(memory, bytes);
}

void giveBlock(uint8_t *memory, size_t bytes)
{
    blocks().give(memory, bytes);
}

// A libargon2 context for argon2id at `cost`, its memory from the pool.
argon2_context contextFor(const PasswordHashCost &cost, QByteArrayView password, const QByteArray &salt,
    uint8_t *out, size_t outBytes)
{
    argon2_context context {};
    context.out = out;
    context.outlen = static_cast<uint32_t>(outBytes);
    // libargon2 reads the password and salt only.
    context.pwd = reinterpret_cast<uint8_t *>(const_cast<char *>(password.data()));
    context.pwdlen = static_cast<uint32_t>(password.size());
    context.salt = reinterpret_cast<uint8_t *>(const_cast<char *>(salt.constData()));
    context.saltlen = static_cast<uint32_t>(salt.size());
    context.t_cost = cost.timeCost;
    context.m_cost = cost.memoryKiB;
    context.lanes = cost.parallelism;
    context.threads = cost.parallelism;
    context.version = ARGON2_VERSION_13;
    context.allocate_cbk = takeBlock;
    context.free_cbk = giveBlock;
    context.flags = ARGON2_DEFAULT_FLAGS;
    return context;
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

// The PHC string format as libargon2 writes it: $argon2id$v=19$m=<m>,t=<t>,p=<p>$<salt>$<hash>, salt and
// hash in base64 without padding.
struct EncodedHash
{
    PasswordHashCost cost;
    QByteArray salt;
    QByteArray hash;
};

std::optional<QByteArray> unpaddedBase64(const QByteArray &text)
{
    if (text.isEmpty() || text.contains('='))
        return std::nullopt;
    auto decoded = QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
    return decoded ? std::optional<QByteArray>(*decoded) : std::nullopt;
}

std::optional<EncodedHash> parseArgon2id(const QByteArray &encoded)
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
    const auto salt = unpaddedBase64(fields[4]);
    const auto hash = unpaddedBase64(fields[5]);
    // libargon2's own bounds (ARGON2_MIN_SALT_LENGTH, ARGON2_MIN_OUTLEN), and a tag no longer than ours.
    if (!memory || !time || !lanes || !salt || !hash || salt->size() < 8 || hash->size() < 4
        || hash->size() > 64)
        return std::nullopt;
    return EncodedHash { PasswordHashCost { *time, *memory, *lanes }, *salt, *hash };
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
    uint8_t hash[kHashBytes];
    argon2_context context = contextFor(cost, password, salt, hash, kHashBytes);
    int rc = ARGON2_OK;
    {
        hashSlots().acquire();
        const QSemaphoreReleaser slot(hashSlots());
        rc = argon2id_ctx(&context);
    }
    if (rc != ARGON2_OK) {
        qCWarning(lcPasswordHasher) << "argon2id hashing failed:" << argon2_error_message(rc);
        return {};
    }
    const auto base64 = [](const QByteArray &bytes) {
        return bytes.toBase64(QByteArray::Base64Encoding | QByteArray::OmitTrailingEquals);
    };
    return "$argon2id$v=19$m=" + QByteArray::number(cost.memoryKiB)
        + ",t=" + QByteArray::number(cost.timeCost) + ",p=" + QByteArray::number(cost.parallelism) + '$'
        + base64(salt) + '$' + base64(QByteArray(reinterpret_cast<const char *>(hash), kHashBytes));
}

bool verifyPassword(QByteArrayView encodedHash, QByteArrayView password)
{
    const QByteArray encoded = encodedHash.toByteArray();
    // A NUL is in no hash this or libargon2 writes.
    if (encoded.contains('\0'))
        return false;
    // Only argon2id with a bounded cost reaches libargon2: argon2i/argon2d, bcrypt or plain text are false.
    const auto parsed = parseArgon2id(encoded);
    if (!parsed || !isAcceptableCost(parsed->cost))
        return false;
    QByteArray computed(parsed->hash.size(), '\0');
    argon2_context context = contextFor(parsed->cost, password, parsed->salt,
        reinterpret_cast<uint8_t *>(computed.data()), static_cast<size_t>(computed.size()));
    hashSlots().acquire();
    const QSemaphoreReleaser slot(hashSlots());
    // Compares in constant time (libargon2's argon2_verify_ctx).
    return argon2id_verify_ctx(&context, parsed->hash.constData()) == ARGON2_OK;
}

} // namespace cfl
