#include "client/CoolLoanClient.h"

#include "compat/QtCompat.h"
#include "crypto/Jwt.h"
#include "crypto/Pkce.h"
#include "crypto/SecureRandom.h"
#include "http/FormData.h"
#include "secrets/SecretStore.h"
#include "trace/SeedSteps.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QOAuth2AuthorizationCodeFlow>
#include <QOAuthHttpServerReplyHandler>
#include <QUrlQuery>

#include <algorithm>

Q_LOGGING_CATEGORY(lcCoolLoan, "cfl.coolloan", QtWarningMsg)

namespace cfl {

namespace {
constexpr auto CallbackPath = "/callback";
// Registered as http://127.0.0.1/logged-out (storage/SeedData.cpp); any port, as for the callback.
constexpr auto LoggedOutPath = "/logged-out";

QString bearerErrorDescription(QNetworkReply *reply)
{
    const QByteArray challenge = reply->rawHeader("WWW-Authenticate");
    const QJsonObject body = QJsonDocument::fromJson(reply->peek(reply->bytesAvailable())).object();
    QString text = body.value(QStringLiteral("error_description")).toString();
    if (text.isEmpty())
        text = QString::fromUtf8(challenge);
    const QString error = body.value(QStringLiteral("error")).toString();
    return error.isEmpty() ? text : error + QStringLiteral(": ") + text;
}

// CoolLoan's redirect URI names the loopback address it registered, http://127.0.0.1/callback, whatever
// Qt calls its listener: the bank compares the host as registered and lets only the port vary (RFC 8252
// §7.3), and 127.0.0.1 is what RFC 8252 §8.3 recommends. Qt 6.4's callback() already says 127.0.0.1;
// later versions say "localhost" for a loopback listener, which the bank would refuse.
class LoopbackReplyHandler : public QOAuthHttpServerReplyHandler
{
public:
    using QOAuthHttpServerReplyHandler::QOAuthHttpServerReplyHandler;

    QString callback() const override
    {
        const QString qtCallback = QOAuthHttpServerReplyHandler::callback();
        QUrl url(qtCallback);
        if (url.host() == QLatin1String("127.0.0.1"))
            return qtCallback;
        url.setHost(QStringLiteral("127.0.0.1"));
        return url.toString(QUrl::FullyEncoded);
    }
};
} // namespace

CoolLoanClient::CoolLoanClient(QObject *parent)
    : QObject(parent)
    , m_network(new ClientNetworkAccess(QStringLiteral("CoolLoan"), this))
{
    m_network->setClassifier(
        [this](const QByteArray &method, const QUrl &url) { return classify(method, url); });
    // The exchange goes into the trace before what CoolLoan decides about its answer.
    connect(m_network, &ClientNetworkAccess::exchanged, this, &CoolLoanClient::traceEvent);
    connect(m_network, &ClientNetworkAccess::exchanged, this, &CoolLoanClient::onBackChannelExchange);
}

CoolLoanClient::~CoolLoanClient()
{
    discardFlow();
}

void CoolLoanClient::setSettings(const Settings &settings)
{
    m_settings = settings;
}

QString CoolLoanClient::phaseName(Phase phase)
{
    switch (phase) {
    case Phase::Idle:
        return QStringLiteral("Not connected");
    case Phase::Discovering:
        return QStringLiteral("Reading the bank's configuration");
    case Phase::WaitingForJohn:
        return QStringLiteral("Waiting for John at the bank");
    case Phase::ExchangingCode:
        return QStringLiteral("Swapping the code for tokens");
    case Phase::ValidatingIdToken:
        return QStringLiteral("Checking the ID token");
    case Phase::CallingApi:
        return QStringLiteral("Reading John's bank data");
    case Phase::Connected:
        return QStringLiteral("Connected");
    case Phase::Refreshing:
        return QStringLiteral("Refreshing the tokens");
    case Phase::Disconnected:
        return QStringLiteral("Disconnected");
    case Phase::LoggingOut:
        return QStringLiteral("Logging John out at the bank");
    case Phase::LoggedOut:
        return QStringLiteral("Logged out");
    case Phase::Failed:
        return QStringLiteral("Failed");
    }
    return {};
}

void CoolLoanClient::setPhase(Phase phase)
{
    if (m_phase == phase)
        return;
    m_phase = phase;
    Q_EMIT phaseChanged(phase);
}

void CoolLoanClient::fail(const QString &title, const QString &detail, const QString &checkId)
{
    if (m_phase == Phase::Failed)
        return; // the first failure is the one that explains
    m_lastError = title + QStringLiteral(" — ") + detail;
    m_refusedCheck = checkId;
    qCInfo(lcCoolLoan).noquote() << "failed:" << title << detail << checkId;
    discardFlow();
    setPhase(Phase::Failed);
    Q_EMIT failed(title, detail, checkId);
}

bool CoolLoanClient::refuse(const Refusal &refusal)
{
    const ClientCheck &check = clientCheck(refusal.check);
    if (isSwitchedOff(check.id)) {
        // As the bank records a switched-off check (bank/Check.h, runChecks): where its refusal would
        // have been, and the grant goes on.
        recordDecision(QStringLiteral("check skipped: %1 (%2)").arg(check.id, check.rule));
        qCInfo(lcCoolLoan).noquote() << "check skipped:" << check.id;
        return false;
    }
    recordDecision(refusal.summary + QStringLiteral(" (check %1)").arg(check.id), check.section,
        refusal.expected, refusal.received);
    fail(refusal.title, refusal.detail, check.id);
    return true;
}

void CoolLoanClient::discardFlow()
{
    // Qt's flow listens to the same callback after CoolLoan (it connects in grant()): once CoolLoan has
    // refused a redirect, the flow must not go on and swap its code (RFC 9207 §2.4: "MUST NOT proceed
    // with the authorization grant").
    if (m_replyHandler && m_flow)
        QObject::disconnect(m_replyHandler, nullptr, m_flow, nullptr);
    if (m_replyHandler) {
        m_replyHandler->close();
        m_replyHandler->deleteLater();
    }
    if (m_flow)
        m_flow->deleteLater();
    m_flow = nullptr;
    m_replyHandler = nullptr;
}

QUrl CoolLoanClient::apiUrl(const QString &path) const
{
    QUrl url = m_settings.issuer;
    url.setPath(url.path() + QStringLiteral("/api") + path);
    return url;
}

ClientNetworkAccess::Route CoolLoanClient::classify(const QByteArray &, const QUrl &url) const
{
    // No seed step numbers here: the bank records the same exchanges and numbers them (BankTrace).
    const QString path = url.path();
    if (path.contains(QLatin1String("/api/")))
        return { QStringLiteral("banky"), TraceChannel::ResourceApi, 0 };
    if (url.adjusted(QUrl::RemoveQuery) == m_tokenEndpoint)
        return { QStringLiteral("boris"), TraceChannel::BackChannel, 0 };
    if (url == m_revocationEndpoint || path.endsWith(QLatin1String("/introspect")))
        return { QStringLiteral("boris"), TraceChannel::BackChannel, 0 };
    return { QStringLiteral("eddy"), TraceChannel::BackChannel, 0 };
}

// --- connect: discovery, JWKS, authorization request ----------------------------------------------

void CoolLoanClient::startOver()
{
    discardFlow();
    m_authorizationUrl.clear();
    m_code.clear();
    m_accessToken.clear();
    m_refreshToken.clear();
    m_idToken.clear();
    m_grantedScopes.clear();
    m_tokenResponse = {};
    m_idTokenValidation = {};
    m_subject.clear();
    m_accounts = {};
    m_offer = {};
    m_lastError.clear();
    m_refusedCheck.clear();
    m_phase = Phase::Idle;
    Q_EMIT phaseChanged(m_phase);
    Q_EMIT tokensChanged();
}

void CoolLoanClient::connectBank()
{
    startOver();
    setPhase(Phase::Discovering);
    Q_EMIT narration(tr("CoolLoan reads the bank's public configuration (OpenID Connect discovery)."));
    discover();
}

void CoolLoanClient::discover()
{
    QUrl url = m_settings.issuer;
    url.setPath(url.path() + QStringLiteral("/.well-known/openid-configuration"));
    QNetworkReply *reply = m_network->get(QNetworkRequest(url));
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        if (reply->error() != QNetworkReply::NoError
            && reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 0) {
            fail(tr("The bank is unreachable"),
                tr("CoolLoan could not reach %1: %2")
                    .arg(m_settings.issuer.toString(), reply->errorString()));
            return;
        }
        const QJsonObject metadata = QJsonDocument::fromJson(reply->readAll()).object();
        // OIDC Discovery §4.3: the issuer in the document must be the one we asked.
        const QString issuer = metadata.value(QStringLiteral("issuer")).toString();
        if (issuer != m_settings.issuer.toString()
            && refuse({ ClientCheckId::DiscoveryIssuer,
                QStringLiteral("CoolLoan refuses the bank's configuration: another issuer"),
                tr("The bank's configuration is not trustworthy"),
                tr("issuer %1 does not match %2 (OpenID Connect Discovery §4.3)")
                    .arg(issuer, m_settings.issuer.toString()),
                m_settings.issuer.toString(), issuer }))
            return;
        m_discovery = metadata;
        m_tokenEndpoint = QUrl(metadata.value(QStringLiteral("token_endpoint")).toString());
        m_revocationEndpoint = QUrl(metadata.value(QStringLiteral("revocation_endpoint")).toString());
        m_network->setBasicCredentials(
            { m_tokenEndpoint, m_revocationEndpoint }, m_settings.clientId, m_settings.clientSecret);

        QNetworkReply *jwksReply
            = m_network->get(QNetworkRequest(QUrl(metadata.value(QStringLiteral("jwks_uri")).toString())));
        connect(jwksReply, &QNetworkReply::finished, this, [this, jwksReply] {
            jwksReply->deleteLater();
            m_jwks = QJsonDocument::fromJson(jwksReply->readAll()).object();
            // RFC 7517 §5: a JWK Set is {"keys": [...]}; without a key no ID token can be verified.
            if ((jwksReply->error() != QNetworkReply::NoError
                    || m_jwks.value(QStringLiteral("keys")).toArray().isEmpty())
                && refuse(
                    { ClientCheckId::JwksKeys, QStringLiteral("CoolLoan finds no key in the bank's JWKS"),
                        tr("The bank's keys are unavailable"),
                        tr("CoolLoan could not read the JWKS: %1").arg(jwksReply->errorString()) }))
                return;
            beginGrant();
        });
    });
}

void CoolLoanClient::beginGrant()
{
    auto *flow = new QOAuth2AuthorizationCodeFlow(this);
    flow->setNetworkAccessManager(m_network);
    flow->setClientIdentifier(m_settings.clientId);
    // No shared key: the secret goes in the Authorization header (client_secret_basic), added by
    // ClientNetworkAccess; Qt 6.4 would put it in the body.
    flow->setAuthorizationUrl(QUrl(m_discovery.value(QStringLiteral("authorization_endpoint")).toString()));
    flow->setAccessTokenUrl(m_tokenEndpoint);
    flow->setScope(m_settings.scopes.join(QLatin1Char(' ')));
    flow->setUserAgent(QStringLiteral("CoolLoan/" CFL_VERSION " (CodeFlow Lab)"));
#if CFL_QT_OAUTH_HAS_PKCE
    flow->setPkceMethod(QOAuth2AuthorizationCodeFlow::PkceMethod::None); // ours is below, on every Qt
#endif

    // RFC 8252 §7.3: a loopback redirect on an ephemeral port, on 127.0.0.1 only (the default would
    // listen on every interface).
    auto *handler = new LoopbackReplyHandler(QHostAddress::LocalHost, 0, flow);
    handler->setCallbackPath(QString::fromLatin1(CallbackPath));
    handler->setCallbackText(tr("CoolLoan received the code from the bank. You can go back to CoolLoan."));
    if (!handler->isListening()) {
        delete flow;
        fail(tr("CoolLoan cannot receive the redirect"), tr("no free loopback port for the redirect URI"));
        return;
    }
    flow->setReplyHandler(handler);
    m_redirectUri = handler->callback();

    // A fresh, unguessable state and nonce for every grant (Qt 6.4 reuses a clock-seeded state).
    m_state = QString::fromLatin1(randomToken(16));
    m_nonce = QString::fromLatin1(randomToken(16));
    m_verifier = pkce::generateVerifier();
    m_challenge = pkce::s256Challenge(m_verifier);
    flow->setState(m_state);
    flow->setModifyParametersFunction(
        [this](QAbstractOAuth::Stage stage, QMultiMap<QString, QVariant> *parameters) {
            if (stage == QAbstractOAuth::Stage::RequestingAuthorization) {
                parameters->replace(QStringLiteral("code_challenge"), QString::fromLatin1(m_challenge));
                parameters->replace(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
                parameters->replace(QStringLiteral("nonce"), m_nonce);
            } else if (stage == QAbstractOAuth::Stage::RequestingAccessToken) {
                parameters->replace(QStringLiteral("code_verifier"), QString::fromLatin1(m_verifier));
            }
        });

    connect(flow, &QAbstractOAuth::authorizeWithBrowser, this, [this](const QUrl &url) {
        m_authorizationUrl = url;
        setPhase(Phase::WaitingForJohn);
        Q_EMIT narration(
            tr("CoolLoan sends John's browser to the bank with its client_id, the scope it wants, "
               "a state, a nonce and a PKCE challenge."));
        Q_EMIT authorizationUrlReady(url);
    });
    connect(handler, &QOAuthHttpServerReplyHandler::callbackReceived, this, &CoolLoanClient::onCallback);
    // Not QAbstractOAuth::granted: CoolLoan reads every answer of the token endpoint itself
    // (onBackChannelExchange), because Qt 6.4 emits nothing for a 4xx and drops a 200 without
    // access_token without a word, so that CoolLoan could never refuse it.
    connect(flow, &QAbstractOAuth2::error, this,
        [this](const QString &error, const QString &description, const QUrl &) {
            fail(tr("The bank refused"), error + QStringLiteral(": ") + description);
        });
    m_flow = flow;
    m_replyHandler = handler;
    flow->grant();
}

void CoolLoanClient::recordDecision(
    const QString &summary, const QString &rule, const QString &expected, const QString &received)
{
    TraceEvent event;
    event.kind = TraceKind::Decision;
    event.source = QStringLiteral("coolloan");
    event.channel = TraceChannel::Internal;
    event.from = event.to = QStringLiteral("CoolLoan");
    event.timeMs = QDateTime::currentMSecsSinceEpoch();
    event.summary = summary;
    event.refusalRule = rule;
    event.expected = expected;
    event.received = received;
    Q_EMIT traceEvent(event);
}

void CoolLoanClient::traceBrowserArrival(const QString &listenerUrl, const QVariantMap &parameters, int step,
    const QString &requestSummary, const QString &responseSummary)
{
    QUrl url(listenerUrl);
    QUrlQuery query;
    for (auto it = parameters.cbegin(); it != parameters.cend(); ++it)
        query.addQueryItem(it.key(), it.value().toString());
    url.setQuery(query);
    TraceEvent request;
    request.kind = TraceKind::Request;
    request.source = QStringLiteral("coolloan");
    request.channel = TraceChannel::FrontChannel;
    request.from = QStringLiteral("Browser");
    request.to = QStringLiteral("CoolLoan");
    request.method = "GET";
    request.url = url;
    request.status = 200;
    request.step = step;
    request.timeMs = QDateTime::currentMSecsSinceEpoch();
    request.summary = requestSummary;
    // The pair shares an id of its own (negative: the TraceModel numbers the bank's from 1 up).
    static qint64 arrivalExchange = 0;
    request.exchangeId = --arrivalExchange;
    TraceEvent response = request;
    response.kind = TraceKind::Response;
    response.from = request.to;
    response.to = request.from;
    response.step = 0;
    response.summary = responseSummary;
    Q_EMIT traceEvent(request);
    Q_EMIT traceEvent(response);
}

void CoolLoanClient::onCallback(const QVariantMap &parameters)
{
    if (m_phase != Phase::WaitingForJohn)
        return;
    // Seed step 11: the browser brings the redirect (and the code) to CoolLoan's loopback listener.
    // Only CoolLoan sees this request, so CoolLoan records it.
    traceBrowserArrival(m_redirectUri, parameters, seed::Callback, QStringLiteral("call redirect URL + code"),
        QStringLiteral("200 “CoolLoan received the code”"));
    const QString error = parameters.value(QStringLiteral("error")).toString();
    const QString description
        = QUrl::fromPercentEncoding(parameters.value(QStringLiteral("error_description")).toByteArray());
    // RFC 6749 §10.12: the state must be the one CoolLoan sent, or this redirect is not ours (CSRF).
    // Qt 6.4 only logs a mismatch; CoolLoan stops.
    const QString state = parameters.value(QStringLiteral("state")).toString();
    if (state != m_state) {
        if (refuse({ ClientCheckId::RedirectState,
                QStringLiteral("CoolLoan refuses the redirect: state does not match"),
                tr("The state does not match"),
                tr("the redirect carried state '%1' but CoolLoan sent '%2': someone else's response was "
                   "pushed to John's browser (CSRF, RFC 6749 §10.12). CoolLoan ignores it.")
                    .arg(state, m_state),
                m_state, state }))
            return;
        // Switched off: Qt's flow, which compares the state once more after CoolLoan (it only logs a
        // mismatch and drops the redirect), is told the state that came, so that the grant goes on as
        // it would in a client without the check.
        if (m_flow)
            m_flow->setState(state);
    }
    // RFC 9207 §2.4: a server that advertises authorization_response_iss_parameter_supported names
    // itself in every authorization response, errors included; a response without iss did not come
    // from it (a mix-up attack, RFC 9207 §1), so CoolLoan "MUST reject" it.
    const bool issRequired
        = m_discovery.value(QStringLiteral("authorization_response_iss_parameter_supported")).toBool();
    if (issRequired && !parameters.contains(QStringLiteral("iss"))
        && refuse({ ClientCheckId::RedirectIssPresent,
            QStringLiteral("CoolLoan refuses the redirect: it does not name its issuer"),
            tr("The response does not name its issuer"),
            tr("the bank says every authorization response carries iss "
               "(authorization_response_iss_parameter_supported), but this one has none: it may come "
               "from another authorization server (mix-up, RFC 9207 §2.4). CoolLoan ignores it."),
            m_settings.issuer.toString(), QStringLiteral("(no iss)") }))
        return;
    // RFC 9207 §2.4: the response names its issuer; a different one means a mix-up attack.
    const QString iss = QUrl::fromPercentEncoding(parameters.value(QStringLiteral("iss")).toByteArray());
    if (parameters.contains(QStringLiteral("iss")) && iss != m_settings.issuer.toString()
        && refuse(
            { ClientCheckId::RedirectIss, QStringLiteral("CoolLoan refuses the redirect: another issuer"),
                tr("The response came from another issuer"),
                tr("iss is %1, expected %2 (RFC 9207)").arg(iss, m_settings.issuer.toString()),
                m_settings.issuer.toString(), iss }))
        return;
    if (error == QLatin1String("access_denied")) {
        fail(tr("John said no"),
            tr("John denied CoolLoan access at the bank (error=access_denied). No code, no token: "
               "CoolLoan sees nothing."));
        return;
    }
    if (!error.isEmpty()) {
        fail(tr("The bank refused the authorization request"), error + QStringLiteral(": ") + description);
        return;
    }
    m_code = parameters.value(QStringLiteral("code")).toString();
    setPhase(Phase::ExchangingCode);
    Q_EMIT narration(
        tr("The browser brought back a one-time code. CoolLoan swaps it at boris, proving who it is "
           "with its client secret and the PKCE verifier."));
}

void CoolLoanClient::onBackChannelExchange(const TraceEvent &event)
{
    if (event.url.adjusted(QUrl::RemoveQuery) != m_tokenEndpoint || m_phase != Phase::ExchangingCode)
        return;
    // Qt 6.4 emits nothing when the token endpoint answers 4xx: CoolLoan reads the answer itself.
    const QJsonObject body = QJsonDocument::fromJson(event.responseBody).object();
    if (event.status == 0) {
        fail(tr("The bank is unreachable"), event.summary);
    } else if (event.status >= 400) {
        fail(tr("The bank refused the code"),
            body.value(QStringLiteral("error")).toString() + QStringLiteral(": ")
                + body.value(QStringLiteral("error_description")).toString());
    } else {
        m_tokenResponse = body;
        onGranted();
    }
}

void CoolLoanClient::acceptTokenResponse(const QJsonObject &response)
{
    m_tokenResponse = response;
    m_accessToken = response.value(QStringLiteral("access_token")).toString();
    if (response.contains(QStringLiteral("refresh_token")))
        m_refreshToken = response.value(QStringLiteral("refresh_token")).toString();
    // The ID token is read from the response itself: Qt moved it between versions (extraTokens in
    // 6.4, idToken() from 6.9) and never validates it.
    m_idToken = response.value(QStringLiteral("id_token")).toString();
    // A response without scope keeps the granted one, and the first one grants the scope requested
    // (RFC 6749 §5.1); Qt 6.4 would clear it.
    if (response.contains(QStringLiteral("scope")))
        m_grantedScopes
            = response.value(QStringLiteral("scope")).toString().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    else if (m_grantedScopes.isEmpty())
        m_grantedScopes = m_settings.scopes;
    m_accessTokenExpiresAt = QDateTime::currentDateTimeUtc().addSecs(
        response.value(QStringLiteral("expires_in")).toInteger(600));
    if (m_flow) {
        m_flow->setToken(m_accessToken);
        m_flow->setRefreshToken(m_refreshToken);
    }
    if (m_secrets && !m_refreshToken.isEmpty())
        m_secrets->write(SecretStore::coolLoanRefreshTokenKey(), m_refreshToken.toLatin1());
    Q_EMIT tokensChanged();
}

void CoolLoanClient::whenIdTokenKeyIsKnown(std::function<void()> next)
{
    const auto header = decodeJwt(m_idToken.toLatin1());
    const QString kid = header ? header->header.value(QStringLiteral("kid")).toString() : QString();
    const QJsonArray keys = m_jwks.value(QStringLiteral("keys")).toArray();
    const bool known = std::any_of(keys.cbegin(), keys.cend(),
        [&](const QJsonValue &key) { return key.toObject().value(QStringLiteral("kid")).toString() == kid; });
    if (kid.isEmpty() || known) {
        next();
        return;
    }
    // OIDC Core §10.1.1: "The verifier knows to go back to the jwks_uri location to re-retrieve the keys
    // when it sees an unfamiliar kid value" — the bank may have rotated its signing key. But a kid is
    // whatever the token says: made-up kids must not turn CoolLoan into a flood of requests to the bank.
    // So one fetch per unknown kid, and at most one fetch per jwksRefetchIntervalSeconds: CoolLoan's own
    // rule, as relying-party libraries have it (the jose library's remote JWK Set waits 30 s, openid-client
    // a minute; tests/conformance). Otherwise the signature check refuses.
    const qint64 interval = qint64(m_settings.jwksRefetchIntervalSeconds) * 1000;
    QString withheld;
    if (m_kidsRefetchedFor.contains(kid))
        withheld = QStringLiteral("it fetched the JWKS for this key id once already");
    else if (m_sinceJwksRefetch.isValid() && m_sinceJwksRefetch.elapsed() < interval)
        withheld = QStringLiteral("it fetched the JWKS %1 s ago, and fetches it at most once every %2 s")
                       .arg(m_sinceJwksRefetch.elapsed() / 1000)
                       .arg(m_settings.jwksRefetchIntervalSeconds);
    if (!withheld.isEmpty()) {
        recordDecision(QStringLiteral("CoolLoan meets key id %1, not in the bank's JWKS, and does not fetch "
                                      "the JWKS again: %2")
                           .arg(kid, withheld));
        next();
        return;
    }
    m_kidsRefetchedFor.insert(kid);
    m_sinceJwksRefetch.start();
    recordDecision(QStringLiteral("CoolLoan meets key id %1, not in the JWKS it fetched: the bank may have "
                                  "rotated its signing key, so it fetches the JWKS again (OpenID Connect "
                                  "Core §10.1.1)")
                       .arg(kid));
    Q_EMIT narration(tr("The ID token names a signing key CoolLoan does not know: the bank may have rotated "
                        "its key. CoolLoan fetches the bank's public keys again."));
    QNetworkReply *reply
        = m_network->get(QNetworkRequest(QUrl(m_discovery.value(QStringLiteral("jwks_uri")).toString())));
    connect(
        reply, &QNetworkReply::finished, this, [this, reply, idToken = m_idToken, next = std::move(next)] {
            reply->deleteLater();
            if (idToken != m_idToken)
                return; // another grant began meanwhile
            const QJsonObject jwks = QJsonDocument::fromJson(reply->readAll()).object();
            // A failed fetch keeps the keys CoolLoan had; the signature check then says what is missing.
            if (reply->error() == QNetworkReply::NoError
                && !jwks.value(QStringLiteral("keys")).toArray().isEmpty())
                m_jwks = jwks;
            next();
        });
}

void CoolLoanClient::checkIdToken()
{
    if (!m_idToken.isEmpty()) {
        IdTokenExpectations expected;
        expected.issuer = m_settings.issuer.toString();
        expected.clientId = m_settings.clientId;
        expected.nonce = m_nonce;
        expected.accessToken = m_accessToken.toLatin1();
        expected.now = QDateTime::currentSecsSinceEpoch();
        expected.checkClaimsOfUnverifiedToken
            = isSwitchedOff(clientCheck(ClientCheckId::IdTokenSignature).id);
        m_idTokenValidation = validateIdToken(m_idToken.toLatin1(), m_jwks, expected);
        // OIDC Core §12.2: an ID token from a refresh names the same user from the same issuer.
        const QString sub = m_idTokenValidation.claims.value(QStringLiteral("sub")).toString();
        if (m_subject.isEmpty()) {
            m_subject = sub;
        } else if (sub != m_subject) {
            m_idTokenValidation.valid = false;
            m_idTokenValidation.checks.append({ QStringLiteral("sub"), false,
                QStringLiteral(
                    "the refreshed ID token is about %1, the first one about %2 (OpenID Connect Core §12.2)")
                    .arg(sub, m_subject),
                ClientCheckId::IdTokenSameSubject });
        }
        Q_EMIT idTokenChecked(m_idTokenValidation);
    }
}

bool CoolLoanClient::refusesTokenResponse(bool refreshed)
{
    const QString idTokenTitle
        = refreshed ? tr("The refreshed ID token is not valid") : tr("The ID token is not valid");
    // RFC 6749 §5.1: access_token is REQUIRED in a successful token response.
    if (m_accessToken.isEmpty()
        && refuse({ ClientCheckId::AccessTokenPresent,
            QStringLiteral("CoolLoan refuses the token response: no access_token"), tr("No access token"),
            tr("the token response had no access_token") }))
        return true;
    if (m_idToken.isEmpty()) {
        // OIDC Core §3.1.3.3: the code grant's response to an openid request carries an ID token; a
        // refresh "might not" (§12.2), and then the first one stands.
        return !refreshed && m_grantedScopes.contains(QStringLiteral("openid"))
            && refuse({ ClientCheckId::IdTokenPresent,
                QStringLiteral("CoolLoan refuses the token response: no ID token"), idTokenTitle,
                tr("id_token: openid was granted, but the token response has no ID token "
                   "(OpenID Connect Core §3.1.3.3)") });
    }
    // OIDC Core §3.1.3.7: each failed check of the ID token refuses it, in the validator's order.
    for (const IdTokenCheck &check : std::as_const(m_idTokenValidation.checks)) {
        if (check.passed)
            continue;
        const QString failure = check.name + QStringLiteral(": ") + check.detail;
        if (refuse({ check.check, QStringLiteral("CoolLoan rejects the ID token: %1").arg(failure),
                idTokenTitle, failure }))
            return true;
    }
    if (m_idTokenValidation.valid)
        recordDecision(
            QStringLiteral("CoolLoan validates the ID token: signature, iss, aud, exp, iat, nonce, at_hash"));
    return false;
}

void CoolLoanClient::onGranted()
{
    if (m_phase != Phase::ExchangingCode)
        return;
    setPhase(Phase::ValidatingIdToken);
    acceptTokenResponse(m_tokenResponse);
    whenIdTokenKeyIsKnown([this] {
        checkIdToken();
        if (refusesTokenResponse(false))
            return;
        Q_EMIT narration(tr(
            "CoolLoan checked the ID token itself: signature, issuer, audience, expiry, nonce and at_hash."));
        callApi();
    });
}

// --- banky ---------------------------------------------------------------------------------------

QNetworkReply *CoolLoanClient::bearerGet(const QUrl &url)
{
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + m_accessToken.toLatin1());
    return m_network->get(request);
}

void CoolLoanClient::callApi()
{
    if (m_accessToken.isEmpty()) {
        fail(tr("Not connected"), tr("CoolLoan has no access token: connect to the bank first"));
        return;
    }
    setPhase(Phase::CallingApi);
    // An access token about to expire is refreshed first, visibly.
    if (QDateTime::currentDateTimeUtc().addSecs(5) >= m_accessTokenExpiresAt && !m_refreshToken.isEmpty()) {
        Q_EMIT narration(
            tr("The access token has expired: CoolLoan uses its refresh token to get a new one."));
        refreshThen([this] { fetchAccounts(false); });
        return;
    }
    fetchAccounts(true);
}

void CoolLoanClient::fetchAccounts(bool mayRefresh)
{
    setPhase(Phase::CallingApi);
    QNetworkReply *reply = bearerGet(apiUrl(QStringLiteral("/accounts")));
    connect(reply, &QNetworkReply::finished, this, [this, reply, mayRefresh] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 0) {
            fail(tr("The bank is unreachable"), reply->errorString());
            return;
        }
        if (status == 401 && mayRefresh && !m_refreshToken.isEmpty()
            && bearerErrorDescription(reply).contains(QLatin1String("expired"))) {
            Q_EMIT narration(
                tr("banky says the access token expired: CoolLoan refreshes it by itself and tries again."));
            refreshThen([this] { fetchAccounts(false); });
            return;
        }
        if (status != 200) {
            fail(tr("banky refused CoolLoan's token"), bearerErrorDescription(reply));
            return;
        }
        ++m_apiCallsOk;
        m_accounts
            = QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("accounts")).toArray();
        QString checking;
        for (const QJsonValue &account : std::as_const(m_accounts)) {
            if (account.toObject().value(QStringLiteral("type")).toString() == QLatin1String("checking"))
                checking = account.toObject().value(QStringLiteral("id")).toString();
        }
        if (m_grantedScopes.contains(QStringLiteral("transactions:read")) && !checking.isEmpty()) {
            fetchTransactions(checking);
        } else {
            m_offer = computeLoanOffer(m_accounts, {});
            setPhase(Phase::Connected);
            Q_EMIT offerReady(m_offer);
        }
    });
}

void CoolLoanClient::fetchTransactions(const QString &accountId)
{
    QNetworkReply *reply = bearerGet(apiUrl(QStringLiteral("/accounts/%1/transactions").arg(accountId)));
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status != 200) {
            fail(tr("banky refused CoolLoan's token"),
                status == 0 ? reply->errorString() : bearerErrorDescription(reply));
            return;
        }
        ++m_apiCallsOk;
        const QJsonArray transactions = QJsonDocument::fromJson(reply->readAll())
                                            .object()
                                            .value(QStringLiteral("transactions"))
                                            .toArray();
        m_offer = computeLoanOffer(m_accounts, transactions);
        setPhase(Phase::Connected);
        Q_EMIT narration(tr("CoolLoan computed an offer from the data John let it read — nothing more."));
        Q_EMIT offerReady(m_offer);
    });
}

// --- refresh and revocation ----------------------------------------------------------------------

void CoolLoanClient::refreshTokens()
{
    refreshThen([this] {
        setPhase(Phase::Connected);
        Q_EMIT narration(tr("New tokens: the old refresh token is now spent (rotation)."));
    });
}

void CoolLoanClient::refreshThen(std::function<void()> next)
{
    if (m_refreshToken.isEmpty()) {
        fail(tr("No refresh token"),
            tr("CoolLoan did not get a refresh token (offline_access was not granted)"));
        return;
    }
    setPhase(Phase::Refreshing);
    // Refreshed here rather than with QOAuth2AuthorizationCodeFlow::refreshAccessToken(): Qt 6.4
    // stays stuck in RefreshingToken after a refusal and sends a bare client_secret even when empty.
    QNetworkRequest request(m_tokenEndpoint);
    request.setHeader(
        QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    const QByteArray body = "grant_type=refresh_token&refresh_token=" + formUrlEncode(m_refreshToken);
    QNetworkReply *reply = m_network->post(request, body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, next = std::move(next)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject response = QJsonDocument::fromJson(reply->readAll()).object();
        if (status != 200) {
            m_refreshToken.clear();
            if (m_secrets)
                m_secrets->remove(SecretStore::coolLoanRefreshTokenKey());
            fail(tr("The bank refused the refresh token"),
                status == 0 ? reply->errorString()
                            : response.value(QStringLiteral("error")).toString() + QStringLiteral(": ")
                        + response.value(QStringLiteral("error_description")).toString());
            return;
        }
        ++m_refreshCount;
        acceptTokenResponse(response);
        whenIdTokenKeyIsKnown([this, next] {
            checkIdToken();
            if (refusesTokenResponse(true))
                return;
            next();
        });
    });
}

void CoolLoanClient::revokeAndForgetTokens()
{
    const QString refresh = m_refreshToken;
    const QString access = m_accessToken;
    auto revoke = [this](const QString &token, const char *hint) {
        QNetworkRequest request(m_revocationEndpoint);
        request.setHeader(
            QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
        QNetworkReply *reply
            = m_network->post(request, "token=" + formUrlEncode(token) + "&token_type_hint=" + hint);
        connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    };
    // RFC 7009 §2.1: revoking the refresh token also ends the access tokens of the grant.
    if (!refresh.isEmpty())
        revoke(refresh, "refresh_token");
    else if (!access.isEmpty())
        revoke(access, "access_token");
    if (m_secrets)
        m_secrets->remove(SecretStore::coolLoanRefreshTokenKey());
    discardFlow();
    m_accessToken.clear();
    m_refreshToken.clear();
    m_idToken.clear();
    m_offer = {};
}

void CoolLoanClient::disconnectBank()
{
    revokeAndForgetTokens();
    setPhase(Phase::Disconnected);
    Q_EMIT tokensChanged();
    Q_EMIT narration(tr("CoolLoan asked the bank to revoke its tokens and forgot them."));
}

// --- RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) ------------------------------------

void CoolLoanClient::logOut()
{
    const QUrl endpoint(m_discovery.value(QStringLiteral("end_session_endpoint")).toString());
    if (m_idToken.isEmpty() || endpoint.isEmpty()) {
        fail(tr("CoolLoan cannot log John out at the bank"),
            m_idToken.isEmpty() ? tr("it holds no ID token to name John's session with (id_token_hint)")
                                : tr("the bank's configuration names no end_session_endpoint"));
        return;
    }
    if (m_logoutHandler) {
        m_logoutHandler->close();
        m_logoutHandler->deleteLater();
    }
    // RFC 8252 §7.3: the post-logout redirect comes back to a loopback listener of CoolLoan's, on
    // 127.0.0.1 only, on a port of the moment; the bank lets only the port vary.
    auto *handler = new LoopbackReplyHandler(QHostAddress::LocalHost, 0, this);
    handler->setCallbackPath(QString::fromLatin1(LoggedOutPath));
    handler->setCallbackText(tr("The bank logged you out. You can go back to CoolLoan."));
    if (!handler->isListening()) {
        delete handler;
        fail(tr("CoolLoan cannot receive the logout redirect"), tr("no free loopback port"));
        return;
    }
    m_logoutHandler = handler;
    connect(handler, &QOAuthHttpServerReplyHandler::callbackReceived, this, &CoolLoanClient::onLoggedOut);

    // §2: the ID token names the session and the app; the state comes back only to the one who sent it.
    m_logoutState = QString::fromLatin1(randomToken(16));
    const QByteArray query = "id_token_hint=" + formUrlEncode(m_idToken)
        + "&client_id=" + formUrlEncode(m_settings.clientId) + "&post_logout_redirect_uri="
        + formUrlEncode(handler->callback()) + "&state=" + formUrlEncode(m_logoutState);
    m_endSessionUrl = endpoint;
    m_endSessionUrl.setQuery(QString::fromLatin1(query), QUrl::StrictMode);
    // CoolLoan's own side of the logout does not wait for the bank: the bank may ask John first rather
    // than send him back (§2, §3: an untrusted request is not redirected), and CoolLoan must not be left
    // holding John's tokens then. It revokes and forgets them now; the return only confirms.
    recordDecision(QStringLiteral("CoolLoan logs out: it revokes and forgets its tokens before John's "
                                  "browser goes to the bank"));
    revokeAndForgetTokens();
    setPhase(Phase::LoggingOut);
    Q_EMIT tokensChanged();
    Q_EMIT narration(
        tr("CoolLoan revoked its tokens and forgot them, then sends John's browser to the bank to log out: "
           "its ID token as a hint of who and for which app, where to come back, and a fresh state."));
    Q_EMIT endSessionUrlReady(m_endSessionUrl);
}

void CoolLoanClient::onLoggedOut(const QVariantMap &parameters)
{
    if (m_phase != Phase::LoggingOut)
        return;
    // Only CoolLoan sees the browser come back, so CoolLoan records it.
    const QString listener = m_logoutHandler ? m_logoutHandler->callback() : QString();
    traceBrowserArrival(listener, parameters, 0, QStringLiteral("back from the bank's logout + state"),
        QStringLiteral("200 “The bank logged you out”"));
    // RP-Initiated Logout 1.0 §3: state "to maintain state between the logout request and the callback";
    // a return with another state is not the answer to this logout (someone else sent the browser here).
    const QString state = parameters.value(QStringLiteral("state")).toString();
    if (state != m_logoutState) {
        recordDecision(QStringLiteral("CoolLoan ignores a logout return with another state"),
            QStringLiteral("OpenID Connect RP-Initiated Logout 1.0 §3"), m_logoutState, state);
        Q_EMIT narration(
            tr("Something sent John's browser to CoolLoan's logout address with a state CoolLoan "
               "never sent: CoolLoan ignores it and keeps waiting."));
        return;
    }
    // No more returns; the handler itself stays until the next logout or CoolLoan goes: Qt writes its
    // answer to the browser after this slot returns.
    m_logoutHandler->close();
    recordDecision(
        QStringLiteral("CoolLoan logged out: the state is the one it sent; the bank ended the session"));
    setPhase(Phase::LoggedOut);
    Q_EMIT narration(
        tr("The bank ended John's session and sent him back with CoolLoan's state. CoolLoan had already "
           "revoked its tokens and forgotten them. Other apps keep the tokens the bank gave them, and "
           "John's consent stays until he withdraws it at the bank."));
}

} // namespace cfl
