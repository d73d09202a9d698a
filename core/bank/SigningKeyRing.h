#pragma once
// The bank's signing keys as its endpoints use them (OpenID Connect Core §10.1.1; docs/architecture.md,
// "Signing keys"). The current key is looked up in the database before every signature, by its kid alone,
// so that a rotation made by another process (`codeflow-bank rotate-key` while `serve` runs on the same
// directory) signs the very next token, without a restart. The JWKS publishes the current key and every
// retired key whose JWTs may still be valid: a key leaves when the last JWT it signed expires.

#include "crypto/SigningKey.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <memory>
#include <optional>

namespace cfl {

class BankShared;
class BankStore;

// What a rotation did, for the one who asked (the CLI, the desktop app's trainer settings).
struct KeyRotation
{
    QString kid; // the new key's: it signs from now on
    QString retiredKid; // the key it replaced
    qint64 retiredAt = 0;
    // When the retired key leaves the JWKS: the exp of the last JWT it signed (retiredAt when it signed
    // none: it leaves at once).
    qint64 retiredKeyLeavesAt = 0;
    // The new private JWK when it is kept outside the database (the desktop app's keychain); else empty.
    QByteArray privateJwk;
};

// Makes a new signing key the current one and retires the one before, in one transaction; a store
// without a key gets its first one made (and at once retired) first. `privateKeysInStore`: the headless
// bank keeps the private JWK in the database; the desktop app keeps it itself (KeyRotation::privateJwk).
// nullopt and *error when the database refused.
std::optional<KeyRotation> rotateSigningKey(
    BankStore &store, qint64 now, bool privateKeysInStore, QString *error);

class SigningKeyRing
{
public:
    explicit SigningKeyRing(BankStore &store);

    // At start: the database's current key (a new one when it has none), or — the desktop app — `external`,
    // a private JWK kept outside the database, whose public JWK becomes the database's current key.
    bool load(const std::optional<QByteArray> &external, qint64 now, QString *error);
    // `key` becomes the current key, its private JWK in the database (tests and fuzzers that bring a key).
    void adopt(SigningKey key, qint64 now);

    // A compact JWS (RFC 7515) by the current key, recording the claims' exp so that the key stays in the
    // JWKS until then. Runs inside the caller's transaction, if any, as the ledger's token row does. An exp
    // this ring already recorded, outside any transaction, is not written again: of the tokens of one
    // second (exp is in seconds), the first is recorded.
    QByteArray sign(const QJsonObject &claims, const QByteArray &typ, qint64 now);
    // The key the next signature will use.
    const SigningKey &current(qint64 now);
    // {"keys": [...]}: the current key first, then the retired keys that may still be needed (RFC 7517 §5).
    QJsonObject jwks(qint64 now);
    // {"keys": [...]} of every key the bank signed with, retired ones included: for a JWT of the bank's own
    // whose expiry does not matter, such as an expired id_token_hint (RP-Initiated Logout 1.0 §4).
    QJsonObject everyKey(qint64 now);
    // A new current key, in this process; the desktop app keeps KeyRotation::privateJwk in its keychain.
    std::optional<KeyRotation> rotate(qint64 now, QString *error);
    // The bank's other threads sign too (bank/BankShared.h): private keys the database does not hold (the
    // desktop app's) are kept in `shared`, so that a key rotated on one thread signs on every thread.
    void shareWith(std::shared_ptr<BankShared> shared);

private:
    // Makes the key in use the database's current key again (see current()).
    void publishCurrent(qint64 now);

    BankStore &m_store;
    std::shared_ptr<BankShared> m_shared;
    bool m_privateKeysInStore = true;
    std::optional<SigningKey> m_current;
    // The JWKS as last built, and what it depends on: the current kid, and the first time a retired key
    // in it expires.
    QJsonObject m_jwks;
    QString m_jwksKid;
    qint64 m_jwksValidUntil = 0;
    // The latest exp this ring recorded for m_recordedKid in a write that committed (the database keeps
    // the maximum); forgotten whenever the ring publishes its key again (a reset emptied the table).
    QString m_recordedKid;
    qint64 m_recordedExpiry = 0;
};

} // namespace cfl
