// RFC 9207 §2.4 as CoolLoan applies it to the authorization response that reaches its loopback redirect
// listener: when the issuer's metadata says authorization_response_iss_parameter_supported, a response
// without `iss` (or with another issuer) is rejected, and the grant does not go on — the code is never
// sent to the token endpoint. A tiny in-process issuer (HttpServerAdapter on 127.0.0.1) serves the
// discovery document, with or without that flag, and counts token requests; the test plays the browser
// and sends the redirect itself.

#include "client/CoolLoanClient.h"
#include "http/HttpServerAdapter.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>
#include <QUrlQuery>

#include <memory>

using namespace cfl;

namespace {

constexpr int WaitMs = 10000;

// The issuer as CoolLoan sees it over HTTP: discovery, a JWKS with one key, a token endpoint that
// refuses every code (what matters is whether a code reaches it at all).
class FakeIssuer
{
public:
    explicit FakeIssuer(bool advertisesIss)
        : m_http([this, advertisesIss](HttpRequest &request) { return answer(request, advertisesIss); })
    { }

    bool start() { return m_http.listen(QHostAddress::LocalHost, 0, nullptr); }
    QString issuer() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_http.port()); }
    int tokenRequests() const { return m_tokenRequests; }

private:
    HttpResponse answer(const HttpRequest &request, bool advertisesIss)
    {
        if (request.path() == QLatin1String("/.well-known/openid-configuration")) {
            QJsonObject metadata { { QStringLiteral("issuer"), issuer() },
                { QStringLiteral("authorization_endpoint"), issuer() + QStringLiteral("/authorize") },
                { QStringLiteral("token_endpoint"), issuer() + QStringLiteral("/token") },
                { QStringLiteral("revocation_endpoint"), issuer() + QStringLiteral("/revoke") },
                { QStringLiteral("jwks_uri"), issuer() + QStringLiteral("/jwks") } };
            if (advertisesIss)
                metadata.insert(QStringLiteral("authorization_response_iss_parameter_supported"), true);
            return HttpResponse::json(QJsonDocument(metadata));
        }
        if (request.path() == QLatin1String("/jwks")) {
            const QJsonObject key { { QStringLiteral("kty"), QStringLiteral("RSA") },
                { QStringLiteral("kid"), QStringLiteral("k1") },
                { QStringLiteral("n"), QStringLiteral("AQAB") },
                { QStringLiteral("e"), QStringLiteral("AQAB") } };
            return HttpResponse::json(
                QJsonDocument(QJsonObject { { QStringLiteral("keys"), QJsonArray { key } } }));
        }
        if (request.path() == QLatin1String("/token")) {
            ++m_tokenRequests;
            return HttpResponse::json(
                QJsonDocument(QJsonObject { { QStringLiteral("error"), QStringLiteral("invalid_grant") } }),
                400);
        }
        return HttpResponse::empty(404);
    }

    HttpServerAdapter m_http;
    int m_tokenRequests = 0;
};

// What the redirect carries besides state: "iss=<issuer>" stands for the issuer's own identifier.
enum class Iss { Issuer, Missing, Empty, Other };

} // namespace

Q_DECLARE_METATYPE(Iss)

class tst_AuthorizationResponseIss : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void redirectIsCheckedForIss_data();
    void redirectIsCheckedForIss();
};

void tst_AuthorizationResponseIss::redirectIsCheckedForIss_data()
{
    QTest::addColumn<bool>("advertised"); // authorization_response_iss_parameter_supported
    QTest::addColumn<Iss>("iss");
    QTest::addColumn<bool>("withError"); // an error response (access_denied) instead of a code
    QTest::addColumn<bool>("accepted");

    QTest::newRow("advertised, own issuer") << true << Iss::Issuer << false << true;
    // RFC 9207 §2.4: "Clients MUST reject authorization responses without the iss parameter from
    // authorization servers that do support the iss parameter."
    QTest::newRow("advertised, no iss") << true << Iss::Missing << false << false;
    QTest::newRow("advertised, empty iss") << true << Iss::Empty << false << false;
    QTest::newRow("advertised, another issuer") << true << Iss::Other << false << false;
    // §2: error responses carry iss too; one without it is no more the bank's than a code is.
    QTest::newRow("advertised, error without iss") << true << Iss::Missing << true << false;
    // §2.4: without the flag a response without iss is accepted; a wrong one is still refused.
    QTest::newRow("not advertised, no iss") << false << Iss::Missing << false << true;
    QTest::newRow("not advertised, another issuer") << false << Iss::Other << false << false;
}

void tst_AuthorizationResponseIss::redirectIsCheckedForIss()
{
    QFETCH(bool, advertised);
    QFETCH(Iss, iss);
    QFETCH(bool, withError);
    QFETCH(bool, accepted);

    FakeIssuer issuer(advertised);
    QVERIFY(issuer.start());
    CoolLoanClient coolLoan;
    CoolLoanClient::Settings settings;
    settings.issuer = QUrl(issuer.issuer());
    settings.clientSecret = "secret";
    coolLoan.setSettings(settings);
    QSignalSpy ready(&coolLoan, &CoolLoanClient::authorizationUrlReady);
    QSignalSpy phases(&coolLoan, &CoolLoanClient::phaseChanged);
    coolLoan.connectBank();
    QVERIFY2(ready.wait(WaitMs), qPrintable(coolLoan.lastError()));

    // John's browser, redirected back by "the bank".
    QUrlQuery query;
    if (withError)
        query.addQueryItem(QStringLiteral("error"), QStringLiteral("access_denied"));
    else
        query.addQueryItem(QStringLiteral("code"), QStringLiteral("c0de"));
    query.addQueryItem(QStringLiteral("state"), coolLoan.state());
    if (iss == Iss::Issuer)
        query.addQueryItem(
            QStringLiteral("iss"), QString::fromLatin1(QUrl::toPercentEncoding(issuer.issuer())));
    else if (iss == Iss::Empty)
        query.addQueryItem(QStringLiteral("iss"), QString());
    else if (iss == Iss::Other)
        query.addQueryItem(QStringLiteral("iss"), QStringLiteral("http%3A%2F%2Fattacker.example"));
    QUrl redirect(coolLoan.redirectUri());
    redirect.setQuery(query);
    QNetworkAccessManager browser;
    std::unique_ptr<QNetworkReply> reply(browser.get(QNetworkRequest(redirect)));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(WaitMs));

    // Accepted: CoolLoan goes on to swap the code at the token endpoint (which refuses it here).
    // Refused: it stops at once, saying why, and no code ever reaches the token endpoint.
    QTRY_COMPARE_WITH_TIMEOUT(coolLoan.phase(), CoolLoanClient::Phase::Failed, WaitMs);
    QList<CoolLoanClient::Phase> seen;
    for (const QList<QVariant> &arguments : phases)
        seen.append(arguments.at(0).value<CoolLoanClient::Phase>());
    if (accepted && !withError) {
        QVERIFY2(seen.contains(CoolLoanClient::Phase::ExchangingCode), qPrintable(coolLoan.lastError()));
        QCOMPARE(issuer.tokenRequests(), 1);
    } else {
        QVERIFY(!seen.contains(CoolLoanClient::Phase::ExchangingCode));
        QVERIFY2(coolLoan.lastError().contains(QLatin1String("RFC 9207")), qPrintable(coolLoan.lastError()));
        // Give a grant that went on anyway the time to reach the token endpoint.
        QTest::qWait(200);
        QCOMPARE(issuer.tokenRequests(), 0);
    }
}

QTEST_GUILESS_MAIN(tst_AuthorizationResponseIss)
#include "tst_authorizationresponseiss.moc"
