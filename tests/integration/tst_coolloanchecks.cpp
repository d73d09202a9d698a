// CoolLoan acts on its own checks, end to end: the real CoolLoanClient (QOAuth2AuthorizationCodeFlow,
// its loopback redirect listener, its back channel) against a tiny in-process authorization server that
// answers one bad value at a time. The validator is tested on its own (tst_idtokenvalidator); here it is
// CoolLoan that must stop: no API call, no offer, a failure that names the rule. The real bank cannot be
// made to send these values, hence the fake; an honest run through the same fake is the control.
//
// The fake is the project's own HTTP stack (HttpServerAdapter + Router) on 127.0.0.1, port 0, with a
// fresh RSA key; John's browser is two GETs (the authorization request, then its redirect to CoolLoan).
//
// Every check of CoolLoan's (client/ClientChecks.h) is walked (issue 15 §2): for each id, a case where that
// check is the first to refuse, proven by the id the refusal carries (failed(), refusedCheck(), the trace's
// decision), not by its words; the same case with that check switched off goes past it.

#include "client/ClientChecks.h"
#include "client/CoolLoanClient.h"
#include "crypto/Base64Url.h"
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
#include <QSet>
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
        bool publishNoKeys = false; // a JWKS of no key
        QList<const SigningKey *> publishedKeys; // the JWKS's keys; the constructor's key when empty
        QString redirectState; // the state of the authorization response; the one it was sent when empty
        QString redirectIss; // the iss of the authorization response (RFC 9207); its own when empty
        bool redirectWithoutIss = false;
        std::function<void(QJsonObject &)> editIdToken; // the code grant's ID token claims
        // Signs the code grant's ID token; the published key when null.
        const SigningKey *idTokenKey = nullptr;
        std::function<void(QJsonObject &)> editTokenResponse; // the code grant's, ID token signed
        QString refreshedSubject; // sub of the ID token from a refresh; the first one's when empty
        std::function<void(QJsonObject &)> editRefreshResponse; // a refresh's token response
    };

    explicit FakeAuthorizationServer(const SigningKey &publishedKey)
        : m_key(publishedKey)
        , m_http([this](HttpRequest &request) { return handle(request); })
    {
        m_router.add("GET", QStringLiteral("/.well-known/openid-configuration"),
            [this](HttpRequest &) { return discovery(); });
        m_router.add("GET", QStringLiteral("/jwks"), [this](HttpRequest &) {
            QJsonArray keys;
            for (const SigningKey *key : m_behaviour.publishedKeys)
                keys.append(key->publicJwk());
            if (m_behaviour.publishedKeys.isEmpty() && !m_behaviour.publishNoKeys)
                keys.append(m_key.publicJwk());
            return HttpResponse::json(QJsonDocument(QJsonObject { { QStringLiteral("keys"), keys } }));
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
    int countOf(const QString &request) const { return int(m_requests.count(request)); }
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
        const QString state = m_behaviour.redirectState.isEmpty() ? query->valueOr(QStringLiteral("state"))
                                                                  : m_behaviour.redirectState;
        QByteArray parameters = "code=" + formUrlEncode(m_code) + "&state=" + formUrlEncode(state);
        if (!m_behaviour.redirectWithoutIss)
            parameters += "&iss=" + formUrlEncode(iss);
        redirect.setQuery(QString::fromLatin1(parameters), QUrl::StrictMode);
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
        QJsonObject response {
            { QStringLiteral("access_token"), QString::fromLatin1(accessToken) },
            { QStringLiteral("token_type"), QStringLiteral("Bearer") },
            { QStringLiteral("expires_in"), 600 },
            { QStringLiteral("refresh_token"), m_refreshToken },
            { QStringLiteral("scope"), m_scope },
            { QStringLiteral("id_token"), QString::fromLatin1(key->signJwt(claims)) },
        };
        const auto &edit = refresh ? m_behaviour.editRefreshResponse : m_behaviour.editTokenResponse;
        if (edit)
            edit(response);
        return HttpResponse::json(QJsonDocument(response)).noStore();
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

// The same ID token with {"alg":"none"} and no signature (RFC 8725 §3.1).
void withAlgNone(QJsonObject &response)
{
    const QList<QByteArray> parts
        = response.value(QStringLiteral("id_token")).toString().toLatin1().split('.');
    const QByteArray header = base64UrlEncode(QByteArrayLiteral(R"({"alg":"none","typ":"JWT"})"));
    response.insert(QStringLiteral("id_token"), QString::fromLatin1(header + '.' + parts.value(1) + '.'));
}

// One way to make one check of CoolLoan's the first to refuse.
struct CheckCase
{
    QString check; // the id of client/ClientChecks.h
    QString how;
    bool onRefresh = false; // after an honest connect, the refresh brings it
    std::function<void(FakeAuthorizationServer::Behaviour &)> arrange;
};

QString checkId(ClientCheckId check)
{
    return clientCheck(check).id;
}

// What CoolLoan decided, from its trace.
struct Decisions
{
    QList<TraceEvent> events;

    // Refusals carry their rule's section; "validates" and "check skipped" do not.
    QList<TraceEvent> refusals() const
    {
        QList<TraceEvent> found;
        for (const TraceEvent &event : events) {
            if (!event.refusalRule.isEmpty())
                found.append(event);
        }
        return found;
    }
    QStringList skipped() const
    {
        QStringList found;
        for (const TraceEvent &event : events) {
            if (event.summary.startsWith(QLatin1String("check skipped: ")))
                found.append(event.summary);
        }
        return found;
    }
};

} // namespace

Q_DECLARE_METATYPE(CheckCase)

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
    void refetchesTheJwksForAnUnknownKid();
    void refetchIsRateLimited_data();
    void refetchIsRateLimited();
    void kidStillUnknownAfterTheRefetchIsRefused();
    void anUnknownKidIsFetchedForOnce();

    void catalogueIsPinned();
    void everyClientCheckIsWalked();
    void firstRefusal_data();
    void firstRefusal();
    void switchedOffCheckGoesOn_data();
    void switchedOffCheckGoesOn();

private:
    QList<CheckCase> checkCases() const;
    // runFlow(), and for a case on refresh the refresh after it; true once CoolLoan has settled.
    bool runCase(const CheckCase &checkCase);

    // connectBank, and John's browser through the authorization request; true once CoolLoan is
    // Connected or Failed.
    bool runFlow(const std::function<void()> &beforeJohnFollows = {});
    void verifyStopped(const QString &title, const QString &detail);

    std::optional<SigningKey> m_publishedKey;
    std::optional<SigningKey> m_otherKey;
    std::optional<SigningKey> m_thirdKey;
    std::unique_ptr<FakeAuthorizationServer> m_server;
    std::unique_ptr<CoolLoanClient> m_client;
    std::unique_ptr<QSignalSpy> m_failed;
    std::unique_ptr<QSignalSpy> m_offers;
    Decisions m_decisions;
    int m_callbackStatus = -1;
};

void tst_CoolLoanChecks::initTestCase()
{
    m_publishedKey = SigningKey::generate();
    m_otherKey = SigningKey::generate();
    m_thirdKey = SigningKey::generate();
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
    m_decisions = {};
    connect(m_client.get(), &CoolLoanClient::traceEvent, m_client.get(), [this](const TraceEvent &event) {
        if (event.kind == TraceKind::Decision)
            m_decisions.events.append(event);
    });
}

void tst_CoolLoanChecks::cleanup()
{
    if (QTest::currentTestFailed() && m_server) {
        qInfo("the server was asked: %s", qPrintable(m_server->requests().join(QStringLiteral(", "))));
        for (const TraceEvent &decision : std::as_const(m_decisions.events))
            qInfo("CoolLoan decided: %s", qPrintable(decision.summary));
    }
    m_offers.reset();
    m_failed.reset();
    m_client.reset();
    m_server.reset();
}

bool tst_CoolLoanChecks::runFlow(const std::function<void()> &beforeJohnFollows)
{
    QSignalSpy urlReady(m_client.get(), &CoolLoanClient::authorizationUrlReady);
    m_client->connectBank();
    if (!QTest::qWaitFor([&] { return !urlReady.isEmpty() || !m_failed->isEmpty(); }, StepTimeoutMs)) {
        qWarning("CoolLoan never sent John to the server");
        return false;
    }
    if (!m_failed->isEmpty())
        return true;
    if (beforeJohnFollows)
        beforeJohnFollows();
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

void tst_CoolLoanChecks::refetchesTheJwksForAnUnknownKid()
{
    // The server rotates its key after CoolLoan read its JWKS and before it signs the ID token (OIDC
    // Core §10.1.1): the new kid sends CoolLoan back to the JWKS, once, and the token then verifies.
    QStringList trace; // CoolLoan's trace: its decisions and the requests it sent, in order
    connect(m_client.get(), &CoolLoanClient::traceEvent, m_client.get(), [&trace](const TraceEvent &event) {
        if (event.kind == TraceKind::Decision)
            trace << event.summary.section(QLatin1Char(':'), 0, 0);
        else if (event.kind == TraceKind::Request)
            trace << QString::fromLatin1(event.method) + QLatin1Char(' ') + event.url.path();
    });
    QVERIFY(runFlow([this] {
        m_server->behaviour().publishedKeys = { &*m_otherKey, &*m_publishedKey };
        m_server->behaviour().idTokenKey = &*m_otherKey;
    }));
    QVERIFY2(m_client->phase() == CoolLoanClient::Phase::Connected, qPrintable(m_client->lastError()));
    QVERIFY(m_client->idTokenValidation().valid);
    QCOMPARE(m_server->requests().mid(3, 3),
        (QStringList { QStringLiteral("POST /token grant_type=authorization_code"),
            QStringLiteral("GET /jwks"), QStringLiteral("GET /api/accounts") }));
    QCOMPARE(m_server->countOf(QStringLiteral("GET /jwks")), 2);
    // The fetch is a traced exchange like the first one, right after the decision that says why.
    const qsizetype why = trace.indexOf(
        QStringLiteral("CoolLoan meets key id %1, not in the JWKS it fetched").arg(m_otherKey->kid()));
    QVERIFY2(why > 0, qPrintable(trace.join(QStringLiteral(" | "))));
    QCOMPARE(trace.value(why + 1), QStringLiteral("GET /jwks"));
    QCOMPARE(trace.value(why - 1), QStringLiteral("POST /token"));
    // The trace says why it fetched.
    const bool explained
        = std::any_of(m_decisions.events.cbegin(), m_decisions.events.cend(), [&](const TraceEvent &e) {
              return e.summary.contains(m_otherKey->kid())
                  && e.summary.contains(QLatin1String("fetches the JWKS again"))
                  && e.summary.contains(QStringLiteral("OpenID Connect Core §10.1.1"));
          });
    QVERIFY(explained);
}

void tst_CoolLoanChecks::refetchIsRateLimited_data()
{
    QTest::addColumn<int>("intervalSeconds");
    QTest::addColumn<bool>("connects");
    QTest::newRow("a second rotation within the rate limit") << 30 << false;
    QTest::newRow("a second rotation after it") << 0 << true;
}

void tst_CoolLoanChecks::refetchIsRateLimited()
{
    QFETCH(int, intervalSeconds);
    QFETCH(bool, connects);
    CoolLoanClient::Settings settings = m_client->settings();
    settings.jwksRefetchIntervalSeconds = intervalSeconds;
    m_client->setSettings(settings);
    FakeAuthorizationServer::Behaviour &server = m_server->behaviour();
    QVERIFY(runFlow([&] {
        server.publishedKeys = { &*m_otherKey, &*m_publishedKey };
        server.idTokenKey = &*m_otherKey;
    }));
    QVERIFY2(m_client->phase() == CoolLoanClient::Phase::Connected, qPrintable(m_client->lastError()));
    QCOMPARE(m_server->countOf(QStringLiteral("GET /jwks")), 2);

    // The next grant reads the JWKS afresh; the server rotates again behind it.
    QVERIFY(runFlow([&] {
        server.publishedKeys = { &*m_thirdKey, &*m_otherKey };
        server.idTokenKey = &*m_thirdKey;
    }));
    QCOMPARE(m_server->countOf(QStringLiteral("GET /jwks")), connects ? 4 : 3);
    if (connects) {
        QVERIFY2(m_client->phase() == CoolLoanClient::Phase::Connected, qPrintable(m_client->lastError()));
        return;
    }
    // No second fetch: the token's kid is unknown, and the signature check refuses it.
    QCOMPARE(m_client->refusedCheck(), checkId(ClientCheckId::IdTokenSignature));
    const bool explained
        = std::any_of(m_decisions.events.cbegin(), m_decisions.events.cend(), [&](const TraceEvent &e) {
              return e.summary.contains(m_thirdKey->kid())
                  && e.summary.contains(QLatin1String("does not fetch"));
          });
    QVERIFY(explained);
}

void tst_CoolLoanChecks::kidStillUnknownAfterTheRefetchIsRefused()
{
    // A kid the server never publishes: one fetch, then the signature check refuses, as before.
    m_server->behaviour().idTokenKey = &*m_otherKey;
    QVERIFY(runFlow());
    QCOMPARE(m_server->countOf(QStringLiteral("GET /jwks")), 2);
    verifyStopped(QStringLiteral("The ID token is not valid"), QStringLiteral("signature: "));
    QCOMPARE(m_client->refusedCheck(), checkId(ClientCheckId::IdTokenSignature));
}

void tst_CoolLoanChecks::anUnknownKidIsFetchedForOnce()
{
    // Without the interval, the same made-up kid still gets one fetch, not one per token.
    CoolLoanClient::Settings settings = m_client->settings();
    settings.jwksRefetchIntervalSeconds = 0;
    m_client->setSettings(settings);
    m_server->behaviour().idTokenKey = &*m_otherKey;
    QVERIFY(runFlow());
    QCOMPARE(m_server->countOf(QStringLiteral("GET /jwks")), 2);
    m_failed->clear();
    QVERIFY(runFlow());
    QCOMPARE(m_failed->count(), 1);
    QCOMPARE(m_server->countOf(QStringLiteral("GET /jwks")), 3); // the new grant's own fetch only
    QCOMPARE(m_client->refusedCheck(), checkId(ClientCheckId::IdTokenSignature));
}

void tst_CoolLoanChecks::catalogueIsPinned()
{
    // The ids are stable (the attack lab, ./dev mutate and the trace name checks by them), in the order a
    // grant meets them; a new check is inserted here on purpose.
    QStringList ids;
    for (const ClientCheck &check : clientChecks()) {
        ids.append(check.id);
        QVERIFY2(check.id.startsWith(QLatin1String("coolloan.")), qPrintable(check.id)); // never a bank id
        QVERIFY2(!check.rule.isEmpty() && !check.section.isEmpty(), qPrintable(check.id));
        QCOMPARE(findClientCheck(check.id)->rule, check.rule);
    }
    QCOMPARE(ids,
        (QStringList { QStringLiteral("coolloan.discovery.issuer"), QStringLiteral("coolloan.jwks.keys"),
            QStringLiteral("coolloan.redirect.state"), QStringLiteral("coolloan.redirect.iss_present"),
            QStringLiteral("coolloan.redirect.iss"), QStringLiteral("coolloan.token.access_token"),
            QStringLiteral("coolloan.id_token.present"), QStringLiteral("coolloan.id_token.signature"),
            QStringLiteral("coolloan.id_token.issuer"), QStringLiteral("coolloan.id_token.audience"),
            QStringLiteral("coolloan.id_token.azp"), QStringLiteral("coolloan.id_token.expiry"),
            QStringLiteral("coolloan.id_token.issued_at"), QStringLiteral("coolloan.id_token.nonce"),
            QStringLiteral("coolloan.id_token.at_hash"), QStringLiteral("coolloan.id_token.same_subject") }));
    QCOMPARE(checkId(ClientCheckId::IdTokenSameSubject), ids.last());
    QVERIFY(!findClientCheck(QStringLiteral("token.code.pkce")));
}

QList<CheckCase> tst_CoolLoanChecks::checkCases() const
{
    using B = FakeAuthorizationServer::Behaviour;
    auto claim = [](const QString &name, const QJsonValue &value) {
        return [name, value](B &bad) {
            bad.editIdToken = [name, value](QJsonObject &claims) { claims.insert(name, value); };
        };
    };
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const SigningKey *otherKey = &*m_otherKey;
    return {
        { checkId(ClientCheckId::DiscoveryIssuer), QStringLiteral("another issuer"), false,
            [](B &bad) { bad.discoveryIssuer = OtherIssuer; } },
        { checkId(ClientCheckId::JwksKeys), QStringLiteral("no key"), false,
            [](B &bad) { bad.publishNoKeys = true; } },
        { checkId(ClientCheckId::RedirectState), QStringLiteral("another state"), false,
            [](B &bad) { bad.redirectState = QStringLiteral("the-state-of-another-login"); } },
        { checkId(ClientCheckId::RedirectIssPresent), QStringLiteral("no iss"), false,
            [](B &bad) { bad.redirectWithoutIss = true; } },
        { checkId(ClientCheckId::RedirectIss), QStringLiteral("another issuer"), false,
            [](B &bad) { bad.redirectIss = OtherIssuer; } },
        { checkId(ClientCheckId::AccessTokenPresent), QStringLiteral("code grant"), false,
            [](B &bad) {
                bad.editTokenResponse
                    = [](QJsonObject &response) { response.remove(QStringLiteral("access_token")); };
            } },
        { checkId(ClientCheckId::AccessTokenPresent), QStringLiteral("refresh"), true,
            [](B &bad) {
                bad.editRefreshResponse
                    = [](QJsonObject &response) { response.remove(QStringLiteral("access_token")); };
            } },
        { checkId(ClientCheckId::IdTokenPresent), QStringLiteral("no ID token"), false,
            [](B &bad) {
                bad.editTokenResponse
                    = [](QJsonObject &response) { response.remove(QStringLiteral("id_token")); };
            } },
        { checkId(ClientCheckId::IdTokenSignature), QStringLiteral("another key"), false,
            [otherKey](B &bad) { bad.idTokenKey = otherKey; } },
        { checkId(ClientCheckId::IdTokenSignature), QStringLiteral("alg none"), false,
            [](B &bad) { bad.editTokenResponse = withAlgNone; } },
        { checkId(ClientCheckId::IdTokenIssuer), QStringLiteral("another issuer"), false,
            claim(QStringLiteral("iss"), OtherIssuer) },
        { checkId(ClientCheckId::IdTokenAudience), QStringLiteral("another client"), false,
            claim(QStringLiteral("aud"), QStringLiteral("pirateloan")) },
        { checkId(ClientCheckId::IdTokenAuthorizedParty), QStringLiteral("issued to another client"), false,
            claim(QStringLiteral("azp"), QStringLiteral("pirateloan")) },
        { checkId(ClientCheckId::IdTokenAuthorizedParty), QStringLiteral("several audiences, no azp"), false,
            [](B &bad) {
                bad.editIdToken = [](QJsonObject &claims) {
                    claims.insert(QStringLiteral("aud"), QJsonArray { ClientId, QStringLiteral("banky") });
                    claims.remove(QStringLiteral("azp"));
                };
            } },
        { checkId(ClientCheckId::IdTokenExpiry), QStringLiteral("expired an hour ago"), false,
            claim(QStringLiteral("exp"), now - 3600) },
        { checkId(ClientCheckId::IdTokenIssuedAt), QStringLiteral("issued in an hour"), false,
            claim(QStringLiteral("iat"), now + 3600) },
        { checkId(ClientCheckId::IdTokenNonce), QStringLiteral("the nonce of another login"), false,
            claim(QStringLiteral("nonce"), QStringLiteral("a-nonce-of-another-login")) },
        { checkId(ClientCheckId::IdTokenAtHash), QStringLiteral("for another access token"), false,
            claim(QStringLiteral("at_hash"), QString::fromLatin1(atHash("another-access-token"))) },
        { checkId(ClientCheckId::IdTokenSameSubject), QStringLiteral("another user"), true,
            [](B &bad) { bad.refreshedSubject = QStringLiteral("user-2"); } },
    };
}

bool tst_CoolLoanChecks::runCase(const CheckCase &checkCase)
{
    checkCase.arrange(m_server->behaviour());
    if (!runFlow())
        return false;
    if (!checkCase.onRefresh)
        return true;
    if (m_client->phase() != CoolLoanClient::Phase::Connected) {
        qWarning("the connect before the refresh ended in '%s': %s",
            qPrintable(CoolLoanClient::phaseName(m_client->phase())), qPrintable(m_client->lastError()));
        return false;
    }
    m_client->refreshTokens();
    if (!QTest::qWaitFor(
            [this] { return m_client->phase() != CoolLoanClient::Phase::Refreshing; }, StepTimeoutMs)) {
        qWarning("CoolLoan is stuck refreshing");
        return false;
    }
    return true;
}

void tst_CoolLoanChecks::everyClientCheckIsWalked()
{
    // Every check of the catalogue has a case, and every case names a check of the catalogue: a new
    // check without a case fails here.
    QSet<QString> catalogue;
    for (const ClientCheck &check : clientChecks())
        catalogue.insert(check.id);
    QSet<QString> walked;
    for (const CheckCase &checkCase : checkCases())
        walked.insert(checkCase.check);
    QCOMPARE(walked, catalogue);
}

void tst_CoolLoanChecks::firstRefusal_data()
{
    QTest::addColumn<CheckCase>("checkCase");
    for (const CheckCase &checkCase : checkCases())
        QTest::newRow(qPrintable(checkCase.check + QStringLiteral(": ") + checkCase.how)) << checkCase;
}

void tst_CoolLoanChecks::firstRefusal()
{
    QFETCH(CheckCase, checkCase);
    const ClientCheck check = *findClientCheck(checkCase.check);
    QVERIFY(runCase(checkCase));
    const int apiCallsBefore = checkCase.onRefresh ? 2 : 0;

    // The grant ended in one refusal, by this check, named by its id.
    QVERIFY2(m_client->phase() == CoolLoanClient::Phase::Failed,
        qPrintable(
            QStringLiteral("CoolLoan went on to '%1'").arg(CoolLoanClient::phaseName(m_client->phase()))));
    QCOMPARE(m_client->refusedCheck(), check.id);
    QCOMPARE(m_failed->count(), 1);
    QCOMPARE(m_failed->first().at(2).toString(), check.id);
    // The trace shows it as the only refusal, with the check's id and section; nothing was skipped.
    const QList<TraceEvent> refusals = m_decisions.refusals();
    QCOMPARE(refusals.size(), 1);
    QVERIFY2(refusals.first().summary.endsWith(QStringLiteral(" (check %1)").arg(check.id)),
        qPrintable(refusals.first().summary));
    QCOMPARE(refusals.first().refusalRule, check.section);
    QCOMPARE(m_decisions.skipped(), QStringList());
    // And CoolLoan acted on nothing it refused: no (further) API call, no offer.
    QCOMPARE(m_client->apiCallsOk(), apiCallsBefore);
    QCOMPARE(m_offers->count(), checkCase.onRefresh ? 1 : 0);
    if (!checkCase.onRefresh)
        QVERIFY(!m_server->wasAsked(QStringLiteral("GET /api/")));
}

void tst_CoolLoanChecks::switchedOffCheckGoesOn_data()
{
    firstRefusal_data();
}

void tst_CoolLoanChecks::switchedOffCheckGoesOn()
{
    // The attack lab's switch: the same case with its check off is not refused by it. CoolLoan records
    // the skip where the refusal would have been, as the bank does, and goes on — to the end, or to the
    // next check that refuses in its place.
    QFETCH(CheckCase, checkCase);
    const ClientCheck check = *findClientCheck(checkCase.check);
    m_client->setDisabledChecks({ check.id, QStringLiteral("token.code.pkce") }); // a bank id is ignored
    QVERIFY(runCase(checkCase));

    QVERIFY2(m_client->refusedCheck() != check.id, qPrintable(m_client->lastError()));
    QCOMPARE(m_decisions.skipped(),
        QStringList { QStringLiteral("check skipped: %1 (%2)").arg(check.id, check.rule) });
    for (const TraceEvent &refusal : m_decisions.refusals())
        QVERIFY2(!refusal.summary.endsWith(QStringLiteral(" (check %1)").arg(check.id)),
            qPrintable(refusal.summary));
    const QVariant refusedBy = m_failed->isEmpty() ? QVariant() : m_failed->first().at(2);
    qInfo("with %s off: %s%s", qPrintable(check.id), qPrintable(CoolLoanClient::phaseName(m_client->phase())),
        refusedBy.toString().isEmpty() ? ""
                                       : qPrintable(QStringLiteral(", refused by ") + refusedBy.toString()));
}

QTEST_GUILESS_MAIN(tst_CoolLoanChecks)
#include "tst_coolloanchecks.moc"
