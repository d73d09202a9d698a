// SessionStore: login sessions, interactions, login throttling.
// (Split from tst_bankstore, issue 9 §5: each function moved as it was.)

#include "unit/StoreTestSupport.h"

#include <QTest>

using namespace cfl;
using namespace cfl::storetest;

class tst_SessionStore : public QObject, private StoreFixture
{
    Q_OBJECT

private slots:
    void init() { openStore(); }
    void cleanup() { closeStore(); }

    void sessions();
    void interactions();
    void loginFailures();
    void sessionKeepsItsCsrfToken();
    void ledgerSessionsAndConsents();
};

void tst_SessionStore::sessions()
{
    LoginSession session;
    session.idHash = hashOf("session cookie");
    session.userId = johnId();
    session.authTime = kNow;
    session.expiresAt = kNow + 3600;
    session.amr = { text("pwd") };
    QVERIFY(m_store->sessions().insertSession(session));

    std::optional<LoginSession> read = m_store->sessions().session(session.idHash);
    QVERIFY(read);
    QCOMPARE(read->amr, session.amr);
    QCOMPARE(read->idHash, session.idHash);
    QCOMPARE(read->userId, session.userId);
    QCOMPARE(read->authTime, kNow);
    QCOMPARE(read->expiresAt, kNow + 3600);
    QCOMPARE(read->revokedAt, 0);

    QVERIFY(m_store->sessions().revokeSession(session.idHash, kNow + 5));
    QCOMPARE(m_store->sessions().session(session.idHash)->revokedAt, kNow + 5);
    QVERIFY(!m_store->sessions().revokeSession(session.idHash, kNow + 6));
    QVERIFY(!m_store->sessions().session(hashOf("unknown")));
}

void tst_SessionStore::interactions()
{
    Interaction interaction = makeInteraction("interaction-1", kNow + 600);
    interaction.nonce = text("n-0S6_WzA2Mj");
    interaction.prompt = text("login consent");
    interaction.maxAge = 0;
    interaction.claims
        = text(R"({"id_token":{"acr":{"essential":true,"values":["0"]}},"userinfo":{"email":null}})");
    interaction.acrValues = text("urn:example:silver 0");
    QVERIFY(m_store->sessions().insertInteraction(interaction));

    std::optional<Interaction> read = m_store->sessions().interaction(interaction.id);
    QVERIFY(read);
    QCOMPARE(read->kind, interaction.kind);
    QCOMPARE(read->clientId, interaction.clientId);
    QCOMPARE(read->redirectUri, interaction.redirectUri);
    QCOMPARE(read->scopes, interaction.scopes);
    QCOMPARE(read->state, interaction.state);
    QCOMPARE(read->nonce, interaction.nonce);
    QCOMPARE(read->codeChallenge, interaction.codeChallenge);
    QCOMPARE(read->codeChallengeMethod, interaction.codeChallengeMethod);
    QCOMPARE(read->prompt, interaction.prompt);
    QCOMPARE(read->maxAge, 0);
    QCOMPARE(read->csrfToken, interaction.csrfToken);
    QCOMPARE(read->userId, 0);
    QCOMPARE(read->authTime, 0);
    QVERIFY(read->amr.isEmpty());
    QCOMPARE(read->claims, interaction.claims);
    QCOMPARE(read->acrValues, interaction.acrValues);
    QCOMPARE(read->createdAt, interaction.createdAt);
    QCOMPARE(read->expiresAt, interaction.expiresAt);

    // A web login: no client, no max_age given.
    Interaction webLogin;
    webLogin.id = text("interaction-2");
    webLogin.kind = text("web-login");
    webLogin.csrfToken = "csrf-2";
    webLogin.createdAt = kNow;
    webLogin.expiresAt = kNow + 600;
    QVERIFY(m_store->sessions().insertInteraction(webLogin));
    QCOMPARE(m_store->sessions().interaction(webLogin.id)->maxAge, -1);
    QVERIFY(m_store->sessions().interaction(webLogin.id)->clientId.isEmpty());

    QVERIFY(m_store->sessions().updateInteractionLogin(interaction.id, johnId(), kNow + 42, { text("pwd") }));
    read = m_store->sessions().interaction(interaction.id);
    QCOMPARE(read->userId, johnId());
    QCOMPARE(read->authTime, kNow + 42);
    QCOMPARE(read->amr, QStringList { text("pwd") });
    QVERIFY(!m_store->sessions().updateInteractionLogin(text("unknown"), johnId(), kNow, { text("pwd") }));

    QVERIFY(m_store->sessions().deleteInteraction(interaction.id));
    QVERIFY(!m_store->sessions().interaction(interaction.id));
    QVERIFY(!m_store->sessions().deleteInteraction(interaction.id));
}

void tst_SessionStore::loginFailures()
{
    const QString john = text("john");
    const QString here = text("127.0.0.1");
    const QString elsewhere = text("2001:db8::/64");
    QCOMPARE(m_store->sessions().loginFailuresSince(john, here, 0).count, 0);
    QVERIFY(m_store->sessions().recordLoginFailure(john, here, kNow));
    QVERIFY(m_store->sessions().recordLoginFailure(john, here, kNow + 10));
    QVERIFY(m_store->sessions().recordLoginFailure(text("JOHN"), here, kNow + 20));
    QVERIFY(m_store->sessions().recordLoginFailure(
        text("trudy"), here, kNow + 20)); // unknown usernames count too
    QVERIFY(m_store->sessions().recordLoginFailure(john, elsewhere, kNow + 30));

    QCOMPARE(m_store->sessions().loginFailuresSince(john, here, kNow).count, 3);
    QCOMPARE(m_store->sessions().loginFailuresSince(john, here, kNow).lastAt, kNow + 20);
    QCOMPARE(m_store->sessions().loginFailuresSince(john, here, kNow + 5).count, 2);
    QCOMPARE(m_store->sessions().loginFailuresSince(john, here, kNow + 21).count, 0);
    QCOMPARE(
        m_store->sessions().loginFailuresSince(john, elsewhere, kNow).count, 1); // each client its own count
    QCOMPARE(m_store->sessions().loginFailuresSince(text("trudy"), here, kNow).count, 1);

    // John logging in from here forgets his failures from here only.
    QVERIFY(m_store->sessions().clearLoginFailures(john, here));
    QCOMPARE(m_store->sessions().loginFailuresSince(john, here, 0).count, 0);
    QCOMPARE(m_store->sessions().loginFailuresSince(john, elsewhere, 0).count, 1);
    QCOMPARE(m_store->sessions().loginFailuresSince(text("trudy"), here, 0).count, 1);

    // Failures that no longer count are purged.
    QCOMPARE(m_store->sessions().purgeLoginFailures(kNow + 25), 1); // trudy's
    QCOMPARE(m_store->sessions().loginFailuresSince(text("trudy"), here, 0).count, 0);
    QCOMPARE(m_store->sessions().loginFailuresSince(john, elsewhere, 0).count, 1);
}

void tst_SessionStore::sessionKeepsItsCsrfToken()
{
    LoginSession session;
    session.idHash = hashOf("a session");
    session.userId = johnId();
    session.authTime = kNow;
    session.expiresAt = kNow + 3600;
    session.csrfToken = "Zm9ybS10b2tlbi1vZi10aGlzLXNlc3Npb24tb25seQ";
    QVERIFY(m_store->sessions().insertSession(session));
    QCOMPARE(m_store->sessions().session(session.idHash)->csrfToken, session.csrfToken);
}

void tst_SessionStore::ledgerSessionsAndConsents()
{
    QVERIFY(m_store->sessions().recentSessions().isEmpty());
    QVERIFY(m_store->consents().allConsents().isEmpty());
    LoginSession early;
    early.idHash = hashOf("early");
    early.userId = johnId();
    early.authTime = kNow - 600;
    early.expiresAt = kNow - 1; // expired: still listed
    LoginSession late = early;
    late.idHash = hashOf("late");
    late.authTime = kNow;
    late.expiresAt = kNow + 3600;
    QVERIFY(m_store->sessions().insertSession(early));
    QVERIFY(m_store->sessions().insertSession(late));
    QVERIFY(m_store->sessions().revokeSession(early.idHash, kNow));

    QList<LoginSession> sessions = m_store->sessions().recentSessions();
    QCOMPARE(sessions.size(), 2);
    QCOMPARE(sessions[0].idHash, late.idHash);
    QCOMPARE(sessions[0].expiresAt, kNow + 3600);
    QCOMPARE(sessions[1].idHash, early.idHash);
    QCOMPARE(sessions[1].revokedAt, kNow);
    QCOMPARE(m_store->sessions().recentSessions(1).size(), 1);

    Client other;
    other.clientId = text("other");
    other.name = text("Other");
    QString error;
    QVERIFY2(m_store->clients().insertClient(other, &error), qPrintable(error));
    QVERIFY(m_store->consents().saveConsent(johnId(), text("coolloan"), { text("openid") }, kNow));
    QVERIFY(m_store->consents().saveConsent(
        johnId(), text("other"), { text("openid"), text("accounts:read") }, kNow + 10));
    QVERIFY(m_store->consents().revokeConsent(johnId(), text("other"), kNow + 20));

    // The ledger shows revoked consents too (consentsOf does not), last changed first.
    const QList<Consent> consents = m_store->consents().allConsents();
    QCOMPARE(consents.size(), 2);
    QCOMPARE(consents[0].clientId, text("other"));
    QCOMPARE(consents[0].revokedAt, kNow + 20);
    QCOMPARE(consents[0].scopes, (QStringList { text("accounts:read"), text("openid") }));
    QCOMPARE(consents[1].clientId, text("coolloan"));
    QCOMPARE(consents[1].revokedAt, 0);
    QCOMPARE(m_store->consents().consentsOf(johnId()).size(), 1);
}

QTEST_GUILESS_MAIN(tst_SessionStore)
#include "tst_sessionstore.moc"
