// Single use under concurrency: an authorization code redeemed by several requests *at the same time*
// yields tokens once (RFC 6749 §4.1.2, §10.5), and a refresh token presented several times at once is
// rotated once (RFC 9700 §4.14.2). Two `codeflow-bank serve` processes share one data directory (as two
// instances of a bank share a database), and every round sends the same code, or refresh token, to both
// of them at once; requests to one process also overlap at the sockets. Sequential double use is
// tested elsewhere (tst_tokenendpoint, tst_refresh): here only the store's atomic conditional UPDATEs
// (GrantLedger::markCodeRedeemed, GrantLedger::markTokenRotated) stand between a race and two token sets.

#include "BankHarness.h"

#include <QFileInfo>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace cfl;
using namespace cfl::test;

namespace {
// Rounds per property and requests per round (half to each process): enough that a read-then-write
// version of either UPDATE lets two requests through in some round (checked by hand, see the commit).
constexpr int Rounds = 300;
constexpr int RacersPerRound = 6;

struct RaceOutcome
{
    QList<int> statuses;
    QList<QJsonObject> bodies;

    int count(int status) const { return int(statuses.count(status)); }
    QString describe() const
    {
        QStringList parts;
        for (qsizetype i = 0; i < statuses.size(); ++i)
            parts << QStringLiteral("%1 %2")
                         .arg(statuses[i])
                         .arg(bodies[i].value(QStringLiteral("error")).toString());
        return parts.join(QStringLiteral(", "));
    }
};
} // namespace

class tst_SingleUse : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void codeRedeemedInParallelYieldsTokensOnce();
    void refreshTokenRotatedInParallelYieldsTokensOnce();

private:
    // The same token request body sent `racers` times at once, alternately to each bank process.
    RaceOutcome race(const QByteArray &body, int racers = RacersPerRound);

    QTemporaryDir m_dir;
    std::unique_ptr<ServeProcess> m_banks[2];
    QUrl m_issuers[2];
    QByteArray m_secret;
    QNetworkAccessManager m_nam;
};

void tst_SingleUse::initTestCase()
{
    QVERIFY2(QFileInfo(QStringLiteral(CODEFLOW_BANK_PATH)).isExecutable(), CODEFLOW_BANK_PATH);
    QVERIFY(m_dir.isValid());
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOME"), m_dir.path());
    const QString data = m_dir.filePath(QStringLiteral("bank"));
    for (int i = 0; i < 2; ++i) {
        // The first process seeds the data directory; the second opens the same database.
        m_banks[i] = std::make_unique<ServeProcess>(QStringLiteral(CODEFLOW_BANK_PATH),
            QStringList { QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--data-dir"), data },
            environment);
        m_issuers[i] = m_banks[i]->waitForIssuer();
        QVERIFY2(m_issuers[i].isValid() && m_issuers[i].port() > 0, m_banks[i]->err().constData());
    }
    QVERIFY(m_issuers[0] != m_issuers[1]);
    // "coolloan client_secret: …", shown once on a fresh data directory.
    QTRY_VERIFY(m_banks[0]->out().contains("client_secret: "));
    const QRegularExpressionMatch secret = QRegularExpression(QStringLiteral("client_secret: (\\S+)"))
                                               .match(QString::fromUtf8(m_banks[0]->out()));
    QVERIFY(secret.hasMatch());
    m_secret = secret.captured(1).toLatin1();
}

void tst_SingleUse::cleanupTestCase()
{
    for (auto &bank : m_banks) {
        if (bank)
            QVERIFY2(bank->stop(), bank->err().right(400).constData());
    }
}

RaceOutcome tst_SingleUse::race(const QByteArray &body, int racers)
{
    QList<QNetworkReply *> replies;
    for (int i = 0; i < racers; ++i) {
        QNetworkRequest request(m_issuers[i % 2].resolved(QUrl(QStringLiteral("/token"))));
        request.setHeader(
            QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
        request.setRawHeader(
            "Authorization", "Basic " + (QByteArray(CoolLoanId) + ':' + m_secret).toBase64());
        // One connection per request (no reuse, no pipelining), so that they really overlap.
        request.setRawHeader("Connection", "close");
        replies << m_nam.post(request, body);
    }
    RaceOutcome outcome;
    for (QNetworkReply *reply : replies) {
        if (!reply->isFinished()) {
            QSignalSpy finished(reply, &QNetworkReply::finished);
            finished.wait(ServeTimeoutMs);
        }
        outcome.statuses << reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        outcome.bodies << QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
    }
    return outcome;
}

void tst_SingleUse::codeRedeemedInParallelYieldsTokensOnce()
{
    Browser browser(m_issuers[0]);
    for (int round = 0; round < Rounds; ++round) {
        AuthorizationRequest request;
        const QString code = browser.authorize(request).code();
        QVERIFY2(!code.isEmpty(), qPrintable(QStringLiteral("round %1: no code").arg(round)));
        const RaceOutcome outcome
            = race(encodeForm({ { QStringLiteral("grant_type"), QStringLiteral("authorization_code") },
                { QStringLiteral("code"), code }, { QStringLiteral("redirect_uri"), request.redirectUri },
                { QStringLiteral("code_verifier"), QString::fromLatin1(request.verifier) } }));
        // Exactly one token response; every other request is refused as a used code, none fails.
        QVERIFY2(outcome.count(200) == 1,
            qPrintable(QStringLiteral("round %1: %2").arg(round).arg(outcome.describe())));
        QVERIFY2(outcome.count(400) == RacersPerRound - 1,
            qPrintable(QStringLiteral("round %1: %2").arg(round).arg(outcome.describe())));
        for (const QJsonObject &body : outcome.bodies) {
            if (!body.contains(QStringLiteral("access_token")))
                QCOMPARE(body.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
        }
    }
}

void tst_SingleUse::refreshTokenRotatedInParallelYieldsTokensOnce()
{
    Browser browser(m_issuers[0]);
    for (int round = 0; round < Rounds; ++round) {
        AuthorizationRequest request;
        const QString code = browser.authorize(request).code();
        QVERIFY(!code.isEmpty());
        const RaceOutcome first = race(
            encodeForm({ { QStringLiteral("grant_type"), QStringLiteral("authorization_code") },
                { QStringLiteral("code"), code }, { QStringLiteral("redirect_uri"), request.redirectUri },
                { QStringLiteral("code_verifier"), QString::fromLatin1(request.verifier) } }),
            1); // one redemption: a raced code's losers would revoke these tokens (RFC 6749 §10.5)
        QCOMPARE(first.count(200), 1);
        QString refreshToken;
        for (const QJsonObject &body : first.bodies)
            refreshToken += body.value(QStringLiteral("refresh_token")).toString();
        QVERIFY(!refreshToken.isEmpty());

        const RaceOutcome outcome
            = race(encodeForm({ { QStringLiteral("grant_type"), QStringLiteral("refresh_token") },
                { QStringLiteral("refresh_token"), refreshToken } }));
        // One rotation; the others are reuses of a rotated token (which also revoke the family).
        QVERIFY2(outcome.count(200) == 1,
            qPrintable(QStringLiteral("round %1: %2").arg(round).arg(outcome.describe())));
        QVERIFY2(outcome.count(400) == RacersPerRound - 1,
            qPrintable(QStringLiteral("round %1: %2").arg(round).arg(outcome.describe())));
        for (const QJsonObject &body : outcome.bodies) {
            if (!body.contains(QStringLiteral("access_token")))
                QCOMPARE(body.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
        }
    }
}

QTEST_GUILESS_MAIN(tst_SingleUse)
#include "tst_singleuse.moc"
