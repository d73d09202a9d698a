// CoolLoan acts on its own checks, end to end: the real CoolLoanClient (QOAuth2AuthorizationCodeFlow,
// its loopback redirect listener, its back channel) against a tiny in-process authorization server that
// answers one bad value at a time. The validator is tested on its own (tst_idtokenvalidator); here it is
// CoolLoan that must stop: no API call, no offer, a failure that names the rule. The real bank cannot be
// made to send these values, hence the fake; an honest run through the same fake is the control.
//
// The fake is the project's own HTTP stack (HttpServerAdapter + Router) on 127.0.0.1, port 0, with a
// fresh RSA key; John's browser is two GETs (the authorization request, then its redirect to CoolLoan).

#include "client/CoolLoanClient.h"
#include "crypto/Jwt.h"
#include "crypto/Pkce.h"
#include "crypto/SigningKey.h"
#include "http/FormData.h"
#include "http/HttpServerAdapter.h"
#include "http/Router.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

#include <functional>
#include <memory>
#include <optional>

using namespace cfl;

namespace {

constexpr int StepTimeoutMs = 15000;
const QString ClientId = QStringLiteral("coolloan");
const QString OtherIssuer = QStringLiteral("https://bank.example");

// An authorization server that is honest unless told otherwise, one value at a time.
class FakeAuthorizationServer
{
public:
    // What it answers; the defaults are an honest server's answers.
    struct Behaviour
    {
        // The discovery document's issuer: its own when null; left out when undefined.
        QJsonValue discoveryIssuer = QJsonValue::Null;
        QString redirectIss; // the iss of the authorization response (RFC 9207); its own when empty
        std::function<void(QJsonObject &)> editIdToken; // the code grant's ID token claims
        // Signs the code grant's ID token; the published key when null.
        const SigningKey *idTokenKey = nullptr;
        QString refreshedSubject; // sub of the ID token from a refresh; the first one's when empty
    };

    explicit FakeAuthorizationServer(const SigningKey &publishedKey)
        : m_key(publishedKey)
        , m_http([this](HttpRequest &request) { return handle(request); })
    {
        m_router.add("GET", QStringLiteral("/.well-known/openid-configuration"),
            [this](HttpRequest &) { return discovery(); });
        m_router.add("GET", QStringLiteral("/jwks"), [this](HttpRequest &) {
            return HttpResponse::json(
                QJsonDocument(QJsonObject { { QStringLiteral("keys"), QJsonArray { m_key.publicJwk() } } }));
        });
        m_router.add("GET", QStringLiteral("/authorize"), [this](HttpRequest &r) { return authorize(r); });
        m_router.add("POST", QStringLiteral("/token"), [this](HttpRequest &r) { return token(r); });
        m_router.add(
            "POST", QStringLiteral("/revoke"), [](HttpRequest &) { return HttpResponse::empty(200); });
        m_router.add("GET", QStringLiteral("/api/accounts"), [](HttpRequest &) {
            const QJsonObject checking { { QStringLiteral("id"), QStringLiteral("CHK-1") },
                { QStringLiteral("type"), QStringLiteral("checking") },
                { QStringLiteral("name"), QStringLiteral("Checking") },
                { QStringLiteral("currency"), QStringLiteral("EUR") },
                { QStringLiteral("balance"), QStringLiteral("2500.00") } };
            return HttpResponse::json(
                QJsonDocument(QJsonObject { { QStringLiteral("accounts"), QJsonArray { checking } } }));
        });
        m_router.add("GET", QStringLiteral("/api/accounts/{id}/transactions"), [](HttpRequest &) {
            return HttpResponse::json(
                QJsonDocument(QJsonObject { { QStringLiteral("transactions"), QJsonArray {} } }));
        });
    }

    bool start(QString *error) { return m_http.listen(QHostAddress::LocalHost, 0, error); }
    QString issuer() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_http.port()); }
    Behaviour &behaviour() { return m_behaviour; }

    // "GET /jwks", "POST /token grant_type=refresh_token", ... in the order they came.
    const QStringList &requests() const { return m_requests; }
    bool wasAsked(const QString &prefix) const
    {
        return std::any_of(m_requests.cbegin(), m_requests.cend(),
            [&](const QString &request) { return request.startsWith(prefix); });
    }

private:
    HttpResponse handle(HttpRequest &request)
    {
        m_requests.append(QStringLiteral("%1 %2").arg(QString::fromLatin1(request.method), request.path()));
        return m_router.dispatch(request, [](HttpRequest &) { return HttpResponse::empty(404); });
    }

    HttpResponse discovery() const
    {
        QJsonObject metadata { { QStringLiteral("authorization_endpoint"),
                                   issuer() + QStringLiteral("/authorize") },
            { QStringLiteral("token_endpoint"), issuer() + QStringLiteral("/token") },
            { QStringLiteral("revocation_endpoint"), issuer() + QStringLiteral("/revoke") },
            { QStringLiteral("jwks_uri"), issuer() + QStringLiteral("/jwks") },
            { QStringLiteral("authorization_response_iss_parameter_supported"), true } };
        if (m_behaviour.discoveryIssuer.isNull())
            metadata.insert(QStringLiteral("issuer"), issuer());
        else if (!m_behaviour.discoveryIssuer.isUndefined())
            metadata.insert(QStringLiteral("issuer"), m_behaviour.discoveryIssuer);
        return HttpResponse::json(QJsonDocument(metadata));
    }

    HttpResponse authorize(const HttpRequest &request)
    {
        const auto query = FormData::parse(request.url.query(QUrl::FullyEncoded).toUtf8());
        if (!query)
            return HttpResponse::empty(400);
        m_nonce = query->valueOr(QStringLiteral("nonce"));
        m_challenge = query->valueOr(QStringLiteral("code_challenge"));
        m_scope = query->valueOr(QStringLiteral("scope"));
        m_code = QStringLiteral("code-%1").arg(++m_serial);
        QUrl redirect(query->valueOr(QStringLiteral("redirect_uri")));
        const QString iss = m_behaviour.redirectIss.isEmpty() ? issuer() : m_behaviour.redirectIss;
        redirect.setQuery(
            QString::fromLatin1("code=" + formUrlEncode(m_code) + "&state="
                + formUrlEncode(query->valueOr(QStringLiteral("state"))) + "&iss=" + formUrlEncode(iss)),
            QUrl::StrictMode);
        return HttpResponse::redirect(redirect);
    }

    HttpResponse token(const HttpRequest &request)
    {
        const auto form = FormData::parse(request.body);
        const QString grantType = form ? form->valueOr(QStringLiteral("grant_type")) : QString();
        m_requests.last() += QStringLiteral(" grant_type=") + grantType;
        auto refused = [](const char *description) {
            return HttpResponse::json(
                QJsonDocument(QJsonObject { { QStringLiteral("error"), QStringLiteral("invalid_grant") },
                    { QStringLiteral("error_description"), QString::fromLatin1(description) } }),
                400);
        };
        bool refresh = false;
        if (grantType == QLatin1String("authorization_code")) {
            // An honest server's checks, so that the control run proves CoolLoan sends what it must.
            if (m_code.isEmpty() || form->valueOr(QStringLiteral("code")) != m_code)
                return refused("unknown code");
            if (pkce::s256Challenge(form->valueOr(QStringLiteral("code_verifier")).toLatin1())
                != m_challenge.toLatin1())
                return refused("PKCE verifier does not match");
            m_code.clear();
        } else if (grantType == QLatin1String("refresh_token")) {
            if (form->valueOr(QStringLiteral("refresh_token")) != m_refreshToken)
                return refused("unknown refresh token");
            refresh = true;
        } else {
            return refused("unsupported grant_type");
        }
        if (!request.header("Authorization").startsWith("Basic "))
            return HttpResponse::empty(401);

        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QByteArray accessToken = "fake-access-" + QByteArray::number(++m_serial);
        m_refreshToken = QStringLiteral("fake-refresh-%1").arg(++m_serial);
        QJsonObject claims { { QStringLiteral("iss"), issuer() }, { QStringLiteral("sub"), m_subject },
            { QStringLiteral("aud"), ClientId }, { QStringLiteral("azp"), ClientId },
            { QStringLiteral("iat"), now }, { QStringLiteral("exp"), now + 600 },
            { QStringLiteral("nonce"), m_nonce },
            { QStringLiteral("at_hash"), QString::fromLatin1(atHash(accessToken)) } };
        const SigningKey *key = &m_key;
        if (refresh) {
            if (!m_behaviour.refreshedSubject.isEmpty())
                claims.insert(QStringLiteral("sub"), m_behaviour.refreshedSubject);
        } else {
            if (m_behaviour.editIdToken)
                m_behaviour.editIdToken(claims);
            if (m_behaviour.idTokenKey)
                key = m_behaviour.idTokenKey;
        }
        return HttpResponse::json(
            QJsonDocument(QJsonObject {
                { QStringLiteral("access_token"), QString::fromLatin1(accessToken) },
                { QStringLiteral("token_type"), QStringLiteral("Bearer") },
                { QStringLiteral("expires_in"), 600 },
                { QStringLiteral("refresh_token"), m_refreshToken },
                { QStringLiteral("scope"), m_scope },
                { QStringLiteral("id_token"), QString::fromLatin1(key->signJwt(claims)) },
            }))
            .noStore();
    }

    const SigningKey &m_key;
    Router m_router;
    HttpServerAdapter m_http;
    Behaviour m_behaviour;
    QStringList m_requests;
    QString m_subject = QStringLiteral("user-1");
    QString m_nonce;
    QString m_challenge;
    QString m_scope;
    QString m_code;
    QString m_refreshToken;
    int m_serial = 0;
};

// John's browser: GET the authorization request, then follow its redirect to CoolLoan's loopback listener.
// False when the server did not redirect; CoolLoan's answer to the redirect is `*callbackStatus` (0 when
// it closed the connection, as it does when it refuses the response).
bool johnsBrowserFollows(const QUrl &authorizationUrl, int *callbackStatus, QString *why)
{
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy);
    auto get = [&](const QUrl &url) {
        QNetworkRequest request(url);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        std::unique_ptr<QNetworkReply> reply(nam.get(request));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(StepTimeoutMs);
        return std::make_pair(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
            QUrl::fromEncoded(reply->rawHeader("Location")));
    };
    const auto [status, location] = get(authorizationUrl);
    if (status != 302 || !location.isValid()) {
        *why = QStringLiteral("the authorization request answered %1").arg(status);
        return false;
    }
    *callbackStatus = get(location).first;
    return true;
}

} // namespace

class tst_CoolLoanChecks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void honestServerConnects();
    void stopsOnAnInvalidIdToken_data();
    void stopsOnAnInvalidIdToken();
    void refusesAResponseFromAnotherIssuer_data();
    void refusesAResponseFromAnotherIssuer();
    void refusesADiscoveryDocumentOfAnotherIssuer_data();
    void refusesADiscoveryDocumentOfAnotherIssuer();
    void refusesAnotherSubjectAfterARefresh();

private:
    // connectBank, and John's browser through the authorization request; true once CoolLoan is
    // Connected or Failed.
    bool runFlow();
    void verifyStopped(const QString &title, const QString &detail);

    std::optional<SigningKey> m_publishedKey;
    std::optional<SigningKey> m_otherKey;
    std::unique_ptr<FakeAuthorizationServer> m_server;
    std::unique_ptr<CoolLoanClient> m_client;
    std::unique_ptr<QSignalSpy> m_failed;
    std::unique_ptr<QSignalSpy> m_offers;
    int m_callbackStatus = -1;
};

void tst_CoolLoanChecks::initTestCase()
{
    m_publishedKey = SigningKey::generate();
    m_otherKey = SigningKey::generate();
}

void tst_CoolLoanChecks::init()
{
    m_callbackStatus = -1;
    m_server = std::make_unique<FakeAuthorizationServer>(*m_publishedKey);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_client = std::make_unique<CoolLoanClient>();
    CoolLoanClient::Settings settings;
    settings.issuer = QUrl(m_server->issuer());
    settings.clientId = ClientId;
    settings.clientSecret = "fake-secret";
    m_client->setSettings(settings);
    m_failed = std::make_unique<QSignalSpy>(m_client.get(), &CoolLoanClient::failed);
    m_offers = std::make_unique<QSignalSpy>(m_client.get(), &CoolLoanClient::offerReady);
}

void tst_CoolLoanChecks::cleanup()
{
    if (QTest::currentTestFailed() && m_server)
        qInfo("the server was asked: %s", qPrintable(m_server->requests().join(QStringLiteral(", "))));
    m_offers.reset();
    m_failed.reset();
    m_client.reset();
    m_server.reset();
}

bool tst_CoolLoanChecks::runFlow()
{
    QSignalSpy urlReady(m_client.get(), &CoolLoanClient::authorizationUrlReady);
    m_client->connectBank();
    if (!QTest::qWaitFor([&] { return !urlReady.isEmpty() || !m_failed->isEmpty(); }, StepTimeoutMs)) {
        qWarning("CoolLoan never sent John to the server");
        return false;
    }
    if (!m_failed->isEmpty())
        return true;
    QString why;
    if (!johnsBrowserFollows(urlReady.first().first().toUrl(), &m_callbackStatus, &why)) {
        qWarning("%s", qPrintable(why));
        return false;
    }
    const auto done = [this] {
        return m_client->phase() == CoolLoanClient::Phase::Connected
            || m_client->phase() == CoolLoanClient::Phase::Failed;
    };
    if (!QTest::qWaitFor(done, StepTimeoutMs)) {
        qWarning("CoolLoan is stuck in '%s'", qPrintable(CoolLoanClient::phaseName(m_client->phase())));
        return false;
    }
    return true;
}

void tst_CoolLoanChecks::verifyStopped(const QString &title, const QString &detail)
{
    QVERIFY2(m_client->phase() == CoolLoanClient::Phase::Failed,
        qPrintable(
            QStringLiteral("CoolLoan went on to '%1'").arg(CoolLoanClient::phaseName(m_client->phase()))));
    QCOMPARE(m_failed->count(), 1);
    QCOMPARE(m_failed->first().at(0).toString(), title);
    QVERIFY2(m_failed->first().at(1).toString().contains(detail), qPrintable(m_client->lastError()));
    // It acted on nothing: no call to the API, no offer.
    QVERIFY(!m_server->wasAsked(QStringLiteral("GET /api/")));
    QCOMPARE(m_client->apiCallsOk(), 0);
    QVERIFY(m_offers->isEmpty());
}

void tst_CoolLoanChecks::honestServerConnects()
{
    // The control: the fake is honest enough for CoolLoan to go all the way, and back for a refresh.
    QVERIFY(runFlow());
    QVERIFY2(m_client->phase() == CoolLoanClient::Phase::Connected, qPrintable(m_client->lastError()));
    QVERIFY2(m_client->idTokenValidation().valid, qPrintable(m_client->idTokenValidation().firstFailure()));
    QCOMPARE(m_callbackStatus, 200);
    QCOMPARE(m_offers->count(), 1);
    QCOMPARE(m_client->apiCallsOk(), 2);
    QCOMPARE(m_server->requests(),
        (QStringList { QStringLiteral("GET /.well-known/openid-configuration"), QStringLiteral("GET /jwks"),
            QStringLiteral("GET /authorize"), QStringLiteral("POST /token grant_type=authorization_code"),
            QStringLiteral("GET /api/accounts"), QStringLiteral("GET /api/accounts/CHK-1/transactions") }));

    m_client->refreshTokens();
    QTRY_COMPARE_WITH_TIMEOUT(m_client->refreshCount(), 1, StepTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_client->phase(), CoolLoanClient::Phase::Connected, StepTimeoutMs);
    QVERIFY(m_client->idTokenValidation().valid);
    QVERIFY(m_failed->isEmpty());
}

void tst_CoolLoanChecks::stopsOnAnInvalidIdToken_data()
{
    QTest::addColumn<QString>("forgery");
    QTest::addColumn<QString>("failedCheck"); // the first check that fails, as the detail names it

    // OIDC Core §3.1.3.7: each of these alone makes the ID token worthless, and CoolLoan must not log
    // John in on it, whatever came with it.
    QTest::newRow("signed with a key the server does not publish")
        << QStringLiteral("key") << QStringLiteral("signature: ");
    QTest::newRow("from another issuer") << QStringLiteral("iss") << QStringLiteral("iss: ");
    QTest::newRow("for another client") << QStringLiteral("aud") << QStringLiteral("aud: ");
    QTest::newRow("expired an hour ago") << QStringLiteral("exp") << QStringLiteral("exp: ");
    QTest::newRow("the nonce of another login") << QStringLiteral("nonce") << QStringLiteral("nonce: ");
    QTest::newRow("for another access token") << QStringLiteral("at_hash") << QStringLiteral("at_hash: ");
}

void tst_CoolLoanChecks::stopsOnAnInvalidIdToken()
{
    QFETCH(QString, forgery);
    QFETCH(QString, failedCheck);

    FakeAuthorizationServer::Behaviour &bad = m_server->behaviour();
    if (forgery == QLatin1String("key")) {
        bad.idTokenKey = &*m_otherKey;
    } else {
        bad.editIdToken = [forgery](QJsonObject &claims) {
            const qint64 now = QDateTime::currentSecsSinceEpoch();
            if (forgery == QLatin1String("iss"))
                claims.insert(QStringLiteral("iss"), OtherIssuer);
            else if (forgery == QLatin1String("aud"))
                claims.insert(QStringLiteral("aud"), QStringLiteral("pirateloan"));
            else if (forgery == QLatin1String("exp"))
                claims.insert(QStringLiteral("exp"), now - 3600);
            else if (forgery == QLatin1String("nonce"))
                claims.insert(QStringLiteral("nonce"), QStringLiteral("a-nonce-of-another-login"));
            else if (forgery == QLatin1String("at_hash"))
                claims.insert(QStringLiteral("at_hash"), QString::fromLatin1(atHash("another-access-token")));
        };
    }
    QVERIFY(runFlow());
    QVERIFY(m_server->wasAsked(QStringLiteral("POST /token grant_type=authorization_code")));
    verifyStopped(QStringLiteral("The ID token is not valid"), failedCheck);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(!m_client->idTokenValidation().valid);
}

void tst_CoolLoanChecks::refusesAResponseFromAnotherIssuer_data()
{
    QTest::addColumn<QString>("iss");
    // RFC 9207 §2.4: the iss of the authorization response must be the issuer CoolLoan sent John to.
    QTest::newRow("another issuer") << OtherIssuer;
    QTest::newRow("trailing slash") << QStringLiteral("{issuer}/");
    QTest::newRow("localhost for 127.0.0.1") << QStringLiteral("{localhost}");
}

void tst_CoolLoanChecks::refusesAResponseFromAnotherIssuer()
{
    QFETCH(QString, iss);
    const QString issuer = m_server->issuer();
    iss.replace(QLatin1String("{issuer}"), issuer);
    iss.replace(QLatin1String("{localhost}"),
        QString(issuer).replace(QLatin1String("127.0.0.1"), QLatin1String("localhost")));
    m_server->behaviour().redirectIss = iss;

    QVERIFY(runFlow());
    verifyStopped(QStringLiteral("The response came from another issuer"), iss);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(m_client->code().isEmpty());
    QVERIFY(m_client->idToken().isEmpty());
}

void tst_CoolLoanChecks::refusesADiscoveryDocumentOfAnotherIssuer_data()
{
    QTest::addColumn<QJsonValue>("issuer"); // undefined: none
    // OIDC Discovery §4.3: the issuer in the document must be exactly the one CoolLoan asked.
    QTest::newRow("another issuer") << QJsonValue(OtherIssuer);
    QTest::newRow("trailing slash") << QJsonValue(QStringLiteral("{issuer}/"));
    QTest::newRow("no issuer") << QJsonValue(QJsonValue::Undefined);
}

void tst_CoolLoanChecks::refusesADiscoveryDocumentOfAnotherIssuer()
{
    QFETCH(QJsonValue, issuer);
    if (issuer.isString())
        issuer = issuer.toString().replace(QLatin1String("{issuer}"), m_server->issuer());
    m_server->behaviour().discoveryIssuer = issuer;

    QVERIFY(runFlow());
    verifyStopped(QStringLiteral("The bank's configuration is not trustworthy"),
        QStringLiteral("OpenID Connect Discovery §4.3"));
    if (QTest::currentTestFailed())
        return;
    // Nothing of that document was used: not its JWKS, not its authorization endpoint.
    QCOMPARE(m_server->requests(), QStringList { QStringLiteral("GET /.well-known/openid-configuration") });
    QVERIFY(m_client->authorizationRequestUrl().isEmpty());
}

void tst_CoolLoanChecks::refusesAnotherSubjectAfterARefresh()
{
    // OIDC Core §12.2: the ID token of a refresh must be about the same user. Every other check of it
    // passes (the same issuer, key, audience and nonce, a fresh at_hash).
    m_server->behaviour().refreshedSubject = QStringLiteral("user-2");
    QVERIFY(runFlow());
    QVERIFY2(m_client->phase() == CoolLoanClient::Phase::Connected, qPrintable(m_client->lastError()));
    QCOMPARE(m_client->idTokenValidation().claims.value(QStringLiteral("sub")).toString(),
        QStringLiteral("user-1"));
    const int apiCalls = m_client->apiCallsOk();

    m_client->refreshTokens();
    QTRY_VERIFY_WITH_TIMEOUT(m_client->refreshCount() == 1, StepTimeoutMs);
    QVERIFY2(m_client->phase() == CoolLoanClient::Phase::Failed,
        qPrintable(
            QStringLiteral("CoolLoan went on to '%1'").arg(CoolLoanClient::phaseName(m_client->phase()))));
    QCOMPARE(m_failed->count(), 1);
    QCOMPARE(m_failed->first().at(0).toString(), QStringLiteral("The refreshed ID token is not valid"));
    const QString detail = m_failed->first().at(1).toString();
    QVERIFY2(detail.startsWith(QLatin1String("sub: ")), qPrintable(detail));
    QVERIFY2(detail.contains(QStringLiteral("OpenID Connect Core §12.2")), qPrintable(detail));
    QVERIFY2(detail.contains(QLatin1String("user-2")), qPrintable(detail));
    QVERIFY(!m_client->idTokenValidation().valid);
    QCOMPARE(m_client->apiCallsOk(), apiCalls);
}

QTEST_GUILESS_MAIN(tst_CoolLoanChecks)
#include "tst_coolloanchecks.moc"
