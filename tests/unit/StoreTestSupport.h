#pragma once
// What the storage tests (tst_database, tst_accountstore, tst_clientstore, tst_consentstore,
// tst_sessionstore, tst_grantledger, tst_auditlog, tst_keystore) share: a BankStore opened and seeded in a
// temporary directory for each test function, and the rows they write.

#include "crypto/Digest.h"
#include "storage/BankStore.h"

#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace cfl::storetest {

// A fixed "now" for everything the tests write (the seed itself follows the real clock).
constexpr qint64 kNow = 1750000000;

inline QString text(const char *latin1)
{
    return QString::fromLatin1(latin1);
}

inline QByteArray hashOf(const char *value)
{
    return sha256Hex(QByteArray(value));
}

// One line per transaction, every field: what "the same history" means.
inline QStringList describe(const QList<BankTransaction> &transactions)
{
    QStringList lines;
    for (const BankTransaction &t : transactions)
        lines << QStringLiteral("%1|%2|%3|%4|%5|%6|%7|%8")
                     .arg(t.id)
                     .arg(t.accountId, t.bookedOn.toString(Qt::ISODate), t.description, t.counterparty,
                         t.category)
                     .arg(t.amountCents)
                     .arg(t.balanceAfterCents);
    return lines;
}

inline IssuedToken makeToken(const char *value, TokenKind kind, const char *family, const char *code,
    const QString &clientId = text("coolloan"))
{
    IssuedToken token;
    token.tokenHash = hashOf(value);
    token.kind = kind;
    token.jti = kind == TokenKind::Access ? QString::fromLatin1(value) + QStringLiteral("-jti") : QString();
    token.clientId = clientId;
    token.userId = 1;
    token.scopes = { text("openid"), text("accounts:read") };
    token.codeHash = hashOf(code);
    token.familyId = QString::fromLatin1(family);
    token.nonce = text("n-0S6_WzA2Mj");
    token.authTime = kNow - 30;
    token.amr = { text("pwd") };
    token.acr = text("0");
    token.claims = text(R"({"userinfo":{"phone_number":null}})");
    token.issuedAt = kNow;
    token.expiresAt = kNow + (kind == TokenKind::Access ? 300 : 86400);
    return token;
}

inline Interaction makeInteraction(const char *id, qint64 expiresAt)
{
    Interaction i;
    i.id = QString::fromLatin1(id);
    i.kind = text("authorize");
    i.clientId = text("coolloan");
    i.redirectUri = text("http://127.0.0.1:53682/callback");
    i.scopes = { text("openid"), text("accounts:read") };
    i.state = text("af0ifjsldkj & more");
    i.codeChallenge = text("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    i.codeChallengeMethod = text("S256");
    i.csrfToken = "csrf-token-value";
    i.createdAt = expiresAt - 600;
    i.expiresAt = expiresAt;
    return i;
}

inline AuthorizationCode makeCode(const char *value, qint64 expiresAt)
{
    AuthorizationCode code;
    code.codeHash = hashOf(value);
    code.clientId = text("coolloan");
    code.userId = 1;
    code.redirectUri = text("http://127.0.0.1:53682/callback");
    code.scopes = { text("openid"), text("profile") };
    code.nonce = text("nonce-1");
    code.codeChallenge = text("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    code.codeChallengeMethod = text("S256");
    code.authTime = expiresAt - 90;
    code.amr = { text("pwd") };
    code.acr = text("0");
    code.claims = text(R"({"id_token":{"email":{"essential":true}}})");
    code.issuedAt = expiresAt - 60;
    code.expiresAt = expiresAt;
    return code;
}

// A test class's init() calls openStore() and its cleanup() closeStore(): every test function starts on
// a freshly seeded database (a failed open fails init, and QtTest then skips the function).
class StoreFixture
{
protected:
    void openStore()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        QString error;
        m_store = BankStore::open(m_dir->path(), &error, &m_seed);
        QVERIFY2(m_store, qPrintable(error));
    }

    void closeStore()
    {
        m_store.reset();
        m_dir.reset();
    }

    qint64 johnId() const { return m_store->users().userByUsername(text("john")).value_or(User {}).id; }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<BankStore> m_store;
    SeedReport m_seed;
};

} // namespace cfl::storetest
