// GrantLedger: codes and tokens, single use, revocations, families, the ledger's read queries.
// (Split from tst_bankstore, issue 9 §5: each function moved as it was.)

#include "unit/StoreTestSupport.h"

#include <QRegularExpression>
#include <QTest>

using namespace cfl;
using namespace cfl::storetest;

class tst_GrantLedger : public QObject, private StoreFixture
{
    Q_OBJECT

private slots:
    void init() { openStore(); }
    void cleanup() { closeStore(); }

    void codeIsRedeemedOnce();
    void tokenRotationIsOnceAndOnlyForLiveRefreshTokens();
    void revocationCounts();
    void ledgerCodesNewestFirst();
    void ledgerTokensNewestFirst();
    void tokenFamilyThroughRotations();
    void tokensFromCode();
};

void tst_GrantLedger::codeIsRedeemedOnce()
{
    const AuthorizationCode code = makeCode("the-code", kNow + 60);
    QVERIFY(m_store->grants().insertCode(code));
    std::optional<AuthorizationCode> read = m_store->grants().code(code.codeHash);
    QVERIFY(read);
    QCOMPARE(read->clientId, code.clientId);
    QCOMPARE(read->userId, code.userId);
    QCOMPARE(read->redirectUri, code.redirectUri);
    QCOMPARE(read->scopes, code.scopes);
    QCOMPARE(read->nonce, code.nonce);
    QCOMPARE(read->codeChallenge, code.codeChallenge);
    QCOMPARE(read->codeChallengeMethod, code.codeChallengeMethod);
    QCOMPARE(read->authTime, code.authTime);
    QCOMPARE(read->amr, code.amr);
    QCOMPARE(read->acr, code.acr);
    QCOMPARE(read->claims, code.claims);
    QCOMPARE(read->issuedAt, code.issuedAt);
    QCOMPARE(read->expiresAt, code.expiresAt);
    QCOMPARE(read->redeemedAt, 0);

    QVERIFY(m_store->grants().markCodeRedeemed(code.codeHash, kNow + 1));
    QVERIFY(!m_store->grants().markCodeRedeemed(code.codeHash, kNow + 2));
    QCOMPARE(m_store->grants().code(code.codeHash)->redeemedAt, kNow + 1);
    QVERIFY(!m_store->grants().markCodeRedeemed(hashOf("never issued"), kNow));
    QVERIFY(!m_store->grants().code(hashOf("never issued")));

    // The same code twice is refused (primary key).
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(text("UNIQUE constraint failed")));
    QVERIFY(!m_store->grants().insertCode(code));
}

// Sequential uses only; the same under real concurrency: tests/integration/tst_singleuse.cpp.
void tst_GrantLedger::tokenRotationIsOnceAndOnlyForLiveRefreshTokens()
{
    const IssuedToken refresh = makeToken("refresh-1", TokenKind::Refresh, "family-1", "code-1");
    const IssuedToken access = makeToken("access-1", TokenKind::Access, "family-1", "code-1");
    QVERIFY(m_store->grants().insertToken(refresh));
    QVERIFY(m_store->grants().insertToken(access));

    const std::optional<IssuedToken> read = m_store->grants().tokenByJti(access.jti);
    QVERIFY(read);
    QCOMPARE(read->tokenHash, access.tokenHash);
    QCOMPARE(read->kind, TokenKind::Access);
    QCOMPARE(read->clientId, access.clientId);
    QCOMPARE(read->userId, access.userId);
    QCOMPARE(read->scopes, access.scopes);
    QCOMPARE(read->codeHash, access.codeHash);
    QCOMPARE(read->familyId, access.familyId);
    QVERIFY(read->parentHash.isEmpty());
    QCOMPARE(read->nonce, access.nonce);
    QCOMPARE(read->authTime, access.authTime);
    QCOMPARE(read->amr, access.amr);
    QCOMPARE(read->acr, access.acr);
    QCOMPARE(read->claims, access.claims);
    QCOMPARE(read->issuedAt, access.issuedAt);
    QCOMPARE(read->expiresAt, access.expiresAt);
    QVERIFY(!m_store->grants().tokenByJti(QString()));
    QCOMPARE(m_store->grants().token(refresh.tokenHash)->kind, TokenKind::Refresh);

    QVERIFY(m_store->grants().markTokenRotated(refresh.tokenHash, kNow + 10));
    QVERIFY(!m_store->grants().markTokenRotated(refresh.tokenHash, kNow + 11));
    QCOMPARE(m_store->grants().token(refresh.tokenHash)->rotatedAt, kNow + 10);

    IssuedToken child = makeToken("refresh-2", TokenKind::Refresh, "family-1", "code-1");
    child.parentHash = refresh.tokenHash;
    QVERIFY(m_store->grants().insertToken(child));
    QCOMPARE(m_store->grants().token(child.tokenHash)->parentHash, refresh.tokenHash);

    // Neither a revoked refresh token nor an access token rotates.
    QCOMPARE(m_store->grants().revokeToken(child.tokenHash, kNow + 12, text("test")), 1);
    QVERIFY(!m_store->grants().markTokenRotated(child.tokenHash, kNow + 13));
    QVERIFY(!m_store->grants().markTokenRotated(access.tokenHash, kNow + 13));
    QVERIFY(!m_store->grants().markTokenRotated(hashOf("unknown"), kNow + 13));
}

void tst_GrantLedger::revocationCounts()
{
    Client other;
    other.clientId = text("other");
    other.name = text("Other");
    QString error;
    QVERIFY2(m_store->clients().insertClient(other, &error), qPrintable(error));

    IssuedToken rotated = makeToken("r1", TokenKind::Refresh, "family-1", "code-1");
    rotated.rotatedAt = kNow;
    IssuedToken alreadyRevoked = makeToken("a0", TokenKind::Access, "family-1", "code-1");
    alreadyRevoked.revokedAt = kNow - 5;
    alreadyRevoked.revokedReason = text("earlier");
    for (const IssuedToken &token :
        { rotated, alreadyRevoked, makeToken("r2", TokenKind::Refresh, "family-1", "code-1"),
            makeToken("a1", TokenKind::Access, "family-1", "code-1"),
            makeToken("r3", TokenKind::Refresh, "family-2", "code-2"),
            makeToken("a3", TokenKind::Access, "family-2", "code-2"),
            makeToken("o1", TokenKind::Refresh, "family-3", "code-3", text("other")),
            makeToken("o2", TokenKind::Access, "family-3", "code-3", text("other")),
            makeToken("o3", TokenKind::Access, "family-4", "code-4", text("other")) })
        QVERIFY(m_store->grants().insertToken(token));

    QCOMPARE(m_store->grants().revokeFamily(text("family-1"), kNow + 1, text("refresh token reuse")), 3);
    QCOMPARE(m_store->grants().revokeFamily(text("family-1"), kNow + 2, text("again")), 0);
    QCOMPARE(m_store->grants().token(hashOf("r2"))->revokedReason, text("refresh token reuse"));
    QCOMPARE(m_store->grants().token(hashOf("r2"))->revokedAt, kNow + 1);
    QCOMPARE(m_store->grants().token(hashOf("a0"))->revokedReason, text("earlier")); // left as it was
    QCOMPARE(m_store->grants().token(hashOf("a0"))->revokedAt, kNow - 5);
    QCOMPARE(m_store->grants().revokeFamily(QString(), kNow, text("none")), 0);

    QCOMPARE(m_store->grants().revokeTokensFromCode(hashOf("code-2"), kNow + 3, text("code replay")), 2);
    QCOMPARE(m_store->grants().revokeTokensFromCode(hashOf("code-2"), kNow + 4, text("code replay")), 0);

    QCOMPARE(m_store->grants().revokeToken(hashOf("o1"), kNow + 5, text("revocation endpoint")), 1);
    QCOMPARE(m_store->grants().revokeToken(hashOf("o1"), kNow + 6, text("revocation endpoint")), 0);
    QCOMPARE(
        m_store->grants().revokeTokensOfClient(johnId(), text("other"), kNow + 7, text("consent revoked")),
        2);
    QCOMPARE(
        m_store->grants().revokeTokensOfClient(johnId(), text("other"), kNow + 8, text("consent revoked")),
        0);
    QCOMPARE(
        m_store->grants().revokeTokensOfClient(johnId(), text("coolloan"), kNow + 9, text("consent revoked")),
        0);
}

// The ledger's read queries (the inspection panels): newest first, limited, every state included.

void tst_GrantLedger::ledgerCodesNewestFirst()
{
    QVERIFY(m_store->grants().recentCodes().isEmpty());
    QVERIFY(m_store->grants().insertCode(makeCode("code-a", kNow + 60)));
    QVERIFY(m_store->grants().insertCode(makeCode("code-b", kNow + 70)));
    // Issued in the same second as code-b: insertion order decides.
    AuthorizationCode c = makeCode("code-c", kNow + 70);
    QVERIFY(m_store->grants().insertCode(c));
    QVERIFY(m_store->grants().markCodeRedeemed(hashOf("code-a"), kNow + 1));

    const QList<AuthorizationCode> codes = m_store->grants().recentCodes();
    QCOMPARE(codes.size(), 3);
    QCOMPARE(codes[0].codeHash, hashOf("code-c"));
    QCOMPARE(codes[1].codeHash, hashOf("code-b"));
    QCOMPARE(codes[2].codeHash, hashOf("code-a"));
    QCOMPARE(codes[2].redeemedAt, kNow + 1); // redeemed ones stay in the ledger
    QCOMPARE(codes[0].codeChallenge, c.codeChallenge);
    QCOMPARE(codes[0].nonce, c.nonce);
    QCOMPARE(codes[0].scopes, c.scopes);

    QCOMPARE(m_store->grants().recentCodes(2).size(), 2);
    QCOMPARE(m_store->grants().recentCodes(2)[0].codeHash, hashOf("code-c"));
    QCOMPARE(m_store->grants().recentCodes(0).size(), 0);
    QCOMPARE(m_store->grants().recentCodes(-1).size(), 3); // no limit
}

void tst_GrantLedger::ledgerTokensNewestFirst()
{
    QVERIFY(m_store->grants().recentTokens().isEmpty());
    IssuedToken older = makeToken("access-old", TokenKind::Access, "family-1", "code-1");
    older.issuedAt = kNow - 100;
    IssuedToken revoked = makeToken("refresh-revoked", TokenKind::Refresh, "family-1", "code-1");
    revoked.issuedAt = kNow - 100;
    revoked.revokedAt = kNow - 50;
    revoked.revokedReason = text("reuse");
    QVERIFY(m_store->grants().insertToken(older));
    QVERIFY(m_store->grants().insertToken(revoked));
    QVERIFY(m_store->grants().insertToken(makeToken("access-new", TokenKind::Access, "family-2", "code-2")));

    const QList<IssuedToken> tokens = m_store->grants().recentTokens();
    QCOMPARE(tokens.size(), 3);
    QCOMPARE(tokens[0].tokenHash, hashOf("access-new"));
    QCOMPARE(tokens[1].tokenHash, hashOf("refresh-revoked"));
    QCOMPARE(tokens[1].kind, TokenKind::Refresh);
    QCOMPARE(tokens[1].revokedAt, kNow - 50);
    QCOMPARE(tokens[1].revokedReason, text("reuse"));
    QCOMPARE(tokens[2].tokenHash, hashOf("access-old"));
    QCOMPARE(m_store->grants().recentTokens(1).size(), 1);
    QCOMPARE(m_store->grants().recentTokens(1)[0].tokenHash, hashOf("access-new"));
}

void tst_GrantLedger::tokenFamilyThroughRotations()
{
    // refresh-1 → refresh-2 → refresh-3 in family-1; another family alongside.
    IssuedToken first = makeToken("refresh-1", TokenKind::Refresh, "family-1", "code-1");
    IssuedToken second = makeToken("refresh-2", TokenKind::Refresh, "family-1", "code-1");
    second.parentHash = first.tokenHash;
    second.issuedAt = kNow + 10;
    IssuedToken third = makeToken("refresh-3", TokenKind::Refresh, "family-1", "code-1");
    third.parentHash = second.tokenHash;
    third.issuedAt = kNow + 20;
    // Inserted out of order: the family still reads in issue order.
    for (const IssuedToken &token :
        { third, first, makeToken("other", TokenKind::Refresh, "family-2", "code-2"), second })
        QVERIFY(m_store->grants().insertToken(token));
    QVERIFY(m_store->grants().markTokenRotated(first.tokenHash, kNow + 10));
    QVERIFY(m_store->grants().markTokenRotated(second.tokenHash, kNow + 20));

    const QList<IssuedToken> family = m_store->grants().tokenFamily(text("family-1"));
    QCOMPARE(family.size(), 3);
    QCOMPARE(family[0].tokenHash, first.tokenHash);
    QCOMPARE(family[0].rotatedAt, kNow + 10);
    QCOMPARE(family[1].tokenHash, second.tokenHash);
    QCOMPARE(family[1].parentHash, first.tokenHash);
    QCOMPARE(family[1].rotatedAt, kNow + 20);
    QCOMPARE(family[2].tokenHash, third.tokenHash);
    QCOMPARE(family[2].parentHash, second.tokenHash);
    QCOMPARE(family[2].rotatedAt, 0);
    // The family's start, for its absolute lifetime: the first token's, whatever the insertion order.
    QCOMPARE(m_store->grants().familyStartedAt(text("family-1")), first.issuedAt);
    QCOMPARE(m_store->grants().familyStartedAt(text("family-unknown")), 0);
    QCOMPARE(m_store->grants().familyStartedAt(QString()), 0);

    QCOMPARE(m_store->grants().revokeFamily(text("family-1"), kNow + 30, text("refresh token reuse")), 3);
    for (const IssuedToken &token : m_store->grants().tokenFamily(text("family-1")))
        QCOMPARE(token.revokedAt, kNow + 30);
    QCOMPARE(m_store->grants().tokenFamily(text("family-2")).size(), 1);
    QVERIFY(m_store->grants().tokenFamily(text("family-unknown")).isEmpty());
    QVERIFY(m_store->grants().tokenFamily(QString()).isEmpty());
}

void tst_GrantLedger::tokensFromCode()
{
    for (const IssuedToken &token : { makeToken("a1", TokenKind::Access, "family-1", "code-1"),
             makeToken("r1", TokenKind::Refresh, "family-1", "code-1"),
             makeToken("a2", TokenKind::Access, "family-2", "code-2") })
        QVERIFY(m_store->grants().insertToken(token));

    QList<IssuedToken> issued = m_store->grants().tokensFromCode(hashOf("code-1"));
    QCOMPARE(issued.size(), 2);
    QCOMPARE(issued[0].tokenHash, hashOf("a1"));
    QCOMPARE(issued[1].tokenHash, hashOf("r1"));
    // What a replayed code does to them (RFC 6749 §4.1.2), as the ledger then shows it.
    QCOMPARE(m_store->grants().revokeTokensFromCode(
                 hashOf("code-1"), kNow + 5, text("authorization code replayed")),
        2);
    issued = m_store->grants().tokensFromCode(hashOf("code-1"));
    QCOMPARE(issued[0].revokedReason, text("authorization code replayed"));
    QCOMPARE(issued[1].revokedAt, kNow + 5);
    QCOMPARE(m_store->grants().tokensFromCode(hashOf("code-2")).size(), 1);
    QVERIFY(m_store->grants().tokensFromCode(QByteArray()).isEmpty());
}

QTEST_GUILESS_MAIN(tst_GrantLedger)
#include "tst_grantledger.moc"
