#include "bank/SigningKeyRing.h"

#include "bank/BankShared.h"
#include "storage/BankStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

#include <algorithm>
#include <limits>

namespace cfl {

namespace {

Q_LOGGING_CATEGORY(lcKeys, "cfl.bank.keys", QtWarningMsg)

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

SigningKeyRecord recordOf(const SigningKey &key, bool withPrivateJwk)
{
    SigningKeyRecord record;
    record.kid = key.kid();
    record.publicJwk = compactJson(key.publicJwk());
    if (withPrivateJwk)
        record.privateJwk = key.toPrivateJwk();
    return record;
}

// The public JWK of a stored key; keys saved before schema 8 have only their private JWK.
std::optional<QJsonObject> publicJwkOf(const SigningKeyRecord &record)
{
    if (!record.publicJwk.isEmpty()) {
        const QJsonDocument document = QJsonDocument::fromJson(record.publicJwk);
        if (document.isObject())
            return document.object();
    }
    if (const auto key = SigningKey::fromPrivateJwk(record.privateJwk))
        return key->publicJwk();
    return std::nullopt;
}

} // namespace

std::optional<KeyRotation> rotateSigningKey(
    BankStore &store, qint64 now, bool privateKeysInStore, QString *error)
{
    // Made before the write lock is taken: an RSA key takes a while, and the bank signs meanwhile.
    const bool hasKey = store.keys().currentKid().has_value();
    std::optional<SigningKey> first = hasKey ? std::nullopt : std::optional(SigningKey::generate());
    SigningKey next = SigningKey::generate();

    KeyRotation rotation;
    const bool ok = store.inTransaction([&] {
        KeyStore keys = store.keys();
        if (!keys.currentKid()) {
            if (!first) // deleted meanwhile (`codeflow-bank reset`)
                first = SigningKey::generate();
            if (!keys.makeCurrent(recordOf(*first, privateKeysInStore), now))
                return false;
        }
        const std::optional<QString> retired = keys.currentKid();
        if (!retired || !keys.makeCurrent(recordOf(next, privateKeysInStore), now))
            return false;
        // In the same transaction as the retirement: a token signed meanwhile by the retired key (the
        // bank signs inside its own write transaction) has recorded its expiry already.
        const std::optional<SigningKeyRecord> old = keys.key(*retired);
        if (!old)
            return false;
        rotation.retiredKid = old->kid;
        rotation.retiredAt = old->retiredAt;
        rotation.retiredKeyLeavesAt = std::max(old->retiredAt, old->lastExpiry);
        return true;
    });
    if (!ok) {
        if (error)
            *error = QStringLiteral("the database refused the new signing key; nothing changed");
        return std::nullopt;
    }
    rotation.kid = next.kid();
    if (!privateKeysInStore)
        rotation.privateJwk = next.toPrivateJwk();
    return rotation;
}

SigningKeyRing::SigningKeyRing(BankStore &store)
    : m_store(store)
{ }

bool SigningKeyRing::load(const std::optional<QByteArray> &external, qint64 now, QString *error)
{
    m_privateKeysInStore = !external.has_value();
    if (external) {
        QString keyError;
        m_current = SigningKey::fromPrivateJwk(*external, &keyError);
        if (!m_current) {
            *error = QStringLiteral("the signing key is unusable (%1)").arg(keyError);
            return false;
        }
        if (m_store.keys().currentKid() != m_current->kid())
            publishCurrent(now);
        return true;
    }
    if (const std::optional<QByteArray> stored = m_store.keys().signingKeyJwk()) {
        QString keyError;
        m_current = SigningKey::fromPrivateJwk(*stored, &keyError);
        if (!m_current) {
            *error
                = QStringLiteral("the stored signing key is unusable (%1); reset the bank to make a new one")
                      .arg(keyError);
            return false;
        }
        return true;
    }
    m_current = SigningKey::generate();
    publishCurrent(now);
    return true;
}

void SigningKeyRing::adopt(SigningKey key, qint64 now)
{
    m_privateKeysInStore = true;
    m_current = std::move(key);
    publishCurrent(now);
}

void SigningKeyRing::publishCurrent(qint64 now)
{
    m_recordedKid.clear();
    m_recordedExpiry = 0;
    if (!m_store.keys().makeCurrent(recordOf(*m_current, m_privateKeysInStore), now))
        qCWarning(lcKeys) << "could not record the signing key" << m_current->kid() << "as the current one";
}

const SigningKey &SigningKeyRing::current(qint64 now)
{
    // The hot path: one indexed read of a short row per signature (docs/benchmarks.md).
    const std::optional<QString> kid = m_store.keys().currentKid();
    if (kid && *kid == m_current->kid())
        return *m_current;
    if (kid) {
        // Rotated by another process: its private JWK is in the database. Rotated by another thread of
        // the desktop app's bank: in what the threads share.
        const std::optional<SigningKeyRecord> record = m_store.keys().key(*kid);
        std::optional<QByteArray> privateJwk;
        if (record && !record->privateJwk.isEmpty())
            privateJwk = record->privateJwk;
        else if (m_shared)
            privateJwk = m_shared->privateKey(*kid);
        if (privateJwk) {
            if (auto key = SigningKey::fromPrivateJwk(*privateJwk)) {
                m_current = std::move(key);
                return *m_current;
            }
        }
        qCWarning(lcKeys) << "the current signing key" << *kid
                          << "has no usable private key here; signing with" << m_current->kid();
    }
    // The key that signs must be the one the database publishes as current (its keys were deleted by a
    // reset while the bank ran, or name a key this process cannot sign with): publish it again, or the
    // tokens it signs could not be verified.
    publishCurrent(now);
    return *m_current;
}

QByteArray SigningKeyRing::sign(const QJsonObject &claims, const QByteArray &typ, qint64 now)
{
    const qint64 expiresAt = claims.value(QStringLiteral("exp")).toInteger();
    const SigningKey &key = current(now);
    const QByteArray jwt = key.signJwt(claims, typ);
    // One write per key and second, not one per token: a refresh signs two JWTs, and each write queued
    // on the bank's write lock (docs/benchmarks.md, "Refresh").
    if (key.kid() == m_recordedKid && expiresAt <= m_recordedExpiry)
        return jwt;
    if (!m_store.keys().recordSignature(key.kid(), expiresAt)) {
        qCWarning(lcKeys) << "could not record the expiry of a JWT signed by" << key.kid();
    } else if (!m_store.database().isInTransaction()) {
        // Inside a transaction the write may yet be rolled back: remembered only once committed.
        m_recordedKid = key.kid();
        m_recordedExpiry = expiresAt;
    }
    return jwt;
}

QJsonObject SigningKeyRing::jwks(qint64 now)
{
    const QString kid = current(now).kid();
    if (kid == m_jwksKid && now < m_jwksValidUntil)
        return m_jwks;
    QJsonArray keys;
    qint64 validUntil = std::numeric_limits<qint64>::max();
    for (const SigningKeyRecord &record : m_store.keys().publishedKeys(now)) {
        const std::optional<QJsonObject> jwk = publicJwkOf(record);
        if (!jwk) {
            qCWarning(lcKeys) << "the stored signing key" << record.kid
                              << "is unusable; left out of the JWKS";
            continue;
        }
        keys.append(*jwk);
        if (record.retiredAt != 0)
            validUntil = std::min(validUntil, record.lastExpiry);
    }
    m_jwks = QJsonObject { { QStringLiteral("keys"), keys } };
    m_jwksKid = kid;
    m_jwksValidUntil = validUntil;
    return m_jwks;
}

QJsonObject SigningKeyRing::everyKey(qint64 now)
{
    current(now);
    QJsonArray keys;
    for (const SigningKeyRecord &record : m_store.keys().everyKey()) {
        if (const std::optional<QJsonObject> jwk = publicJwkOf(record))
            keys.append(*jwk);
    }
    return QJsonObject { { QStringLiteral("keys"), keys } };
}

std::optional<KeyRotation> SigningKeyRing::rotate(qint64 now, QString *error)
{
    auto rotation = rotateSigningKey(m_store, now, m_privateKeysInStore, error);
    if (!rotation)
        return std::nullopt;
    if (!m_privateKeysInStore) {
        m_current = SigningKey::fromPrivateJwk(rotation->privateJwk);
        if (m_shared)
            m_shared->keepPrivateKey(rotation->kid, rotation->privateJwk);
    } else {
        current(now);
    }
    return rotation;
}

void SigningKeyRing::shareWith(std::shared_ptr<BankShared> shared)
{
    m_shared = std::move(shared);
    if (!m_privateKeysInStore && m_current)
        m_shared->keepPrivateKey(m_current->kid(), m_current->toPrivateJwk());
}

} // namespace cfl
