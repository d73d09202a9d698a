#pragma once
// The bank's signing keys (OIDC Core §10.1.1): the current one, which signs, and the retired ones, which
// stay in the JWKS while a JWT they signed may still be valid. The headless bank keeps each private JWK
// here (the reason bank.sqlite is 0600, storage/PrivateDataDirectory.h); the desktop app keeps its private
// key in the keychain and only the public JWK here.

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace cfl {

class Database;

struct SigningKeyRecord
{
    QString kid;
    QByteArray privateJwk; // empty when the private key lives elsewhere (the desktop app's keychain)
    QByteArray publicJwk; // empty for keys saved before schema 8: derived from privateJwk
    qint64 createdAt = 0;
    qint64 retiredAt = 0; // 0: the current key, the one that signs
    qint64 lastExpiry = 0; // the latest exp of a JWT it signed; 0 while it signed none
};

class KeyStore
{
public:
    explicit KeyStore(Database &db)
        : m_db(db)
    { }

    std::optional<QByteArray> signingKeyJwk() const; // the current key's private JWK
    // The current key's kid alone: what the bank reads before every signature, to notice a rotation made
    // by another process (`codeflow-bank rotate-key`) without parsing a key.
    std::optional<QString> currentKid() const;
    std::optional<SigningKeyRecord> key(const QString &kid) const;
    // What the JWKS publishes at `now`: the current key first, then every retired key a JWT may still
    // need (lastExpiry > now), newest first.
    QList<SigningKeyRecord> publishedKeys(qint64 now) const;
    // Every key the bank signed with, published or long retired, the current one first.
    QList<SigningKeyRecord> everyKey() const;

    // Makes `kid` the current key (inserted, or taken back if known) and retires every other current key
    // at `now`, in one transaction.
    bool makeCurrent(const SigningKeyRecord &key, qint64 now);
    bool saveSigningKeyJwk(const QString &kid, const QByteArray &privateJwk, qint64 now);
    // A JWT signed by `kid` expires at `expiresAt`: the key stays published until then.
    bool recordSignature(const QString &kid, qint64 expiresAt);

private:
    Database &m_db;
};

} // namespace cfl
