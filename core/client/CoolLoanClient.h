#pragma once
// CoolLoan, the right way: an OAuth client (QOAuth2AuthorizationCodeFlow) with PKCE S256, a fresh state and
// nonce for every grant, client_secret_basic, a loopback redirect (RFC 8252 §7.3), its own validation of the
// ID token, and bearer calls to banky. Every gap of Qt 6.4's flow is handled here: no PKCE API, a
// clock-seeded state reused by every grant, the client secret only in the body, no signal when the token
// endpoint answers 4xx (docs/architecture.md, "Qt versions").
//
// Each of its refusals is one named check (client/ClientChecks.h): the refusal names it (failed(),
// refusedCheck(), the trace), and the attack lab can switch it off (setDisabledChecks).

#include "client/ClientChecks.h"
#include "client/ClientNetworkAccess.h"
#include "client/IdTokenValidator.h"
#include "client/LoanOffer.h"
#include "mutation/MutationSwitch.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QUrl>
#include <QVariantMap>

#include <functional>

QT_BEGIN_NAMESPACE
class QOAuth2AuthorizationCodeFlow;
class QOAuthHttpServerReplyHandler;
class QNetworkReply;
QT_END_NAMESPACE

namespace cfl {

class SecretStore;

class CoolLoanClient : public QObject
{
    Q_OBJECT
public:
    enum class Phase {
        Idle,
        Discovering,
        WaitingForJohn,
        ExchangingCode,
        ValidatingIdToken,
        CallingApi,
        Connected,
        Refreshing,
        Disconnected,
        LoggingOut,
        LoggedOut,
        Failed
    };
    Q_ENUM(Phase)

    struct Settings
    {
        QUrl issuer;
        QString clientId = QStringLiteral("coolloan");
        QByteArray clientSecret;
        QStringList scopes { QStringLiteral("openid"), QStringLiteral("profile"),
            QStringLiteral("offline_access"), QStringLiteral("accounts:read"),
            QStringLiteral("transactions:read") };
        // At most one JWKS fetch for an unknown kid in this many seconds (CoolLoanClient.cpp,
        // whenIdTokenKeyIsKnown).
        int jwksRefetchIntervalSeconds = 30;
    };

    explicit CoolLoanClient(QObject *parent = nullptr);
    ~CoolLoanClient() override;

    void setSettings(const Settings &settings);
    const Settings &settings() const { return m_settings; }
    void setSecretStore(SecretStore *store) { m_secrets = store; }
    ClientNetworkAccess *network() const { return m_network; }
    // The attack lab's switches (ids of client/ClientChecks.h; others are ignored): a check named here
    // does not refuse. It records "check skipped: <id> (<rule>)" in the trace where its refusal would have
    // been, and the grant goes on. In memory only; a new CoolLoanClient starts with none.
    void setDisabledChecks(const QSet<QString> &checkIds) { m_disabledChecks = checkIds; }
    QSet<QString> disabledChecks() const { return m_disabledChecks; }

    Phase phase() const { return m_phase; }
    static QString phaseName(Phase phase);
    // What happened, for the panels.
    QUrl authorizationRequestUrl() const { return m_authorizationUrl; }
    QString redirectUri() const { return m_redirectUri; }
    QUrl endSessionUrl() const { return m_endSessionUrl; } // the last logOut()'s request
    QString state() const { return m_state; }
    QString nonce() const { return m_nonce; }
    QByteArray codeVerifier() const { return m_verifier; }
    QByteArray codeChallenge() const { return m_challenge; }
    QString code() const { return m_code; }
    QString accessToken() const { return m_accessToken; }
    QString refreshToken() const { return m_refreshToken; }
    QString idToken() const { return m_idToken; }
    QStringList grantedScopes() const { return m_grantedScopes; }
    QDateTime accessTokenExpiresAt() const { return m_accessTokenExpiresAt; }
    QJsonObject tokenResponse() const { return m_tokenResponse; }
    QJsonObject jwks() const { return m_jwks; }
    const IdTokenValidation &idTokenValidation() const { return m_idTokenValidation; }
    const LoanOffer &offer() const { return m_offer; }
    QJsonArray accounts() const { return m_accounts; }
    int apiCallsOk() const { return m_apiCallsOk; }
    int refreshCount() const { return m_refreshCount; }
    QString lastError() const { return m_lastError; }
    // The id of the check whose refusal ended this grant (client/ClientChecks.h); empty while none has,
    // and when the grant ended otherwise (the bank refused, the bank is unreachable).
    QString refusedCheck() const { return m_refusedCheck; }

public Q_SLOTS:
    // Discovery, JWKS, then the authorization request: authorizationUrlReady tells where John goes.
    void connectBank();
    // GET /api/accounts (+ transactions), then the offer; refreshes first when the token expired.
    void callApi();
    void refreshTokens();
    // Revokes the refresh and access tokens at the bank (RFC 7009) and forgets them.
    void disconnectBank();
    // OpenID Connect RP-Initiated Logout 1.0: sends John's browser (endSessionUrlReady) to the bank's
    // end_session_endpoint with the ID token as id_token_hint, CoolLoan's post-logout redirect URI (a
    // loopback listener of its own, RFC 8252 §7.3) and a fresh state. When the browser comes back with
    // that state, CoolLoan revokes its tokens and forgets them (keychain included). It ends the bank's
    // session and CoolLoan's tokens; not the tokens the bank issued to other apps, nor John's consent.
    void logOut();
    void startOver();

Q_SIGNALS:
    void phaseChanged(cfl::CoolLoanClient::Phase phase);
    void authorizationUrlReady(const QUrl &url);
    // Where John's browser goes to log out of the bank (logOut()); in his current browser session.
    void endSessionUrlReady(const QUrl &url);
    void narration(const QString &text);
    // `checkId`: the check of CoolLoan's that refused (as refusedCheck()); empty for other failures.
    void failed(const QString &title, const QString &detail, const QString &checkId);
    void tokensChanged();
    void idTokenChecked(const cfl::IdTokenValidation &validation);
    void offerReady(const cfl::LoanOffer &offer);
    void traceEvent(const cfl::TraceEvent &event);

private:
    // One refusal of CoolLoan's own: the check, what the pane says, what the trace says.
    struct Refusal
    {
        ClientCheckId check;
        QString summary; // the trace's decision line; " (check <id>)" is added
        QString title; // the pane's headline
        QString detail; // the pane's explanation
        QString expected = {};
        QString received = {};
    };

    void setPhase(Phase phase);
    void fail(const QString &title, const QString &detail, const QString &checkId = {});
    // The one way CoolLoan says no: records the decision (with the check's id and section) and ends the
    // grant (fail). True when it refused; false when the check is switched off, which it records instead.
    bool refuse(const Refusal &refusal);
    void discover();
    void beginGrant();
    void onCallback(const QVariantMap &parameters);
    // The browser arriving at one of CoolLoan's loopback listeners, for the trace (only CoolLoan sees it).
    void traceBrowserArrival(const QString &listenerUrl, const QVariantMap &parameters, int step,
        const QString &requestSummary, const QString &responseSummary);
    // A decision of CoolLoan's own, for the trace (refusals carry their rule and compared values).
    void recordDecision(const QString &summary, const QString &rule = {}, const QString &expected = {},
        const QString &received = {});
    void onGranted();
    void onBackChannelExchange(const TraceEvent &event);
    void acceptTokenResponse(const QJsonObject &response);
    // Calls `next` once CoolLoan has the key the ID token names, or knows it will not get it: an
    // unknown kid means the bank may have rotated its key, and the JWKS is fetched again, rate-limited.
    void whenIdTokenKeyIsKnown(std::function<void()> next);
    // The ID token's checks against the JWKS CoolLoan has (client/IdTokenValidator.h).
    void checkIdToken();
    // The checks of the token response acceptTokenResponse took (code grant and refresh alike), in order;
    // true when one refused.
    bool refusesTokenResponse(bool refreshed);
    void fetchAccounts(bool mayRefresh);
    void fetchTransactions(const QString &accountId);
    void refreshThen(std::function<void()> next);
    QNetworkReply *bearerGet(const QUrl &url);
    ClientNetworkAccess::Route classify(const QByteArray &method, const QUrl &url) const;
    void discardFlow();
    void onLoggedOut(const QVariantMap &parameters);
    // Revokes the refresh token (or else the access token) at boris, and forgets every token (keychain
    // included).
    void revokeAndForgetTokens();
    QUrl apiUrl(const QString &path) const;

    Settings m_settings;
    SecretStore *m_secrets = nullptr;
    ClientNetworkAccess *m_network = nullptr;
    QPointer<QOAuth2AuthorizationCodeFlow> m_flow;
    QPointer<QOAuthHttpServerReplyHandler> m_replyHandler;
    QPointer<QOAuthHttpServerReplyHandler> m_logoutHandler; // the post-logout redirect's listener
    Phase m_phase = Phase::Idle;

    QJsonObject m_discovery;
    QJsonObject m_jwks;
    QSet<QString> m_kidsRefetchedFor; // each unknown kid gets one JWKS fetch, ever
    QElapsedTimer m_sinceJwksRefetch; // and the fetches, one per jwksRefetchIntervalSeconds
    QUrl m_tokenEndpoint;
    QUrl m_revocationEndpoint;
    QUrl m_authorizationUrl;
    QString m_redirectUri;
    QString m_state;
    QUrl m_endSessionUrl;
    QString m_logoutState;
    QString m_nonce;
    QByteArray m_verifier;
    QByteArray m_challenge;
    QString m_code;
    QString m_accessToken;
    QString m_refreshToken;
    QString m_idToken;
    QStringList m_grantedScopes;
    QDateTime m_accessTokenExpiresAt;
    QJsonObject m_tokenResponse;
    IdTokenValidation m_idTokenValidation;
    QString m_subject; // sub of the first ID token of this grant
    QJsonArray m_accounts;
    LoanOffer m_offer;
    int m_apiCallsOk = 0;
    int m_refreshCount = 0;
    QString m_lastError;
    QString m_refusedCheck;
    QSet<QString> m_disabledChecks;
    // The attack lab's switches, and in a mutation build also CFL_MUTATE_CHECKS (mutation/MutationSwitch.h,
    // issue 15 §3); no other build can switch a check off from outside.
    bool isSwitchedOff(const QString &checkId) const
    {
#ifdef CFL_MUTATION
        if (mutation::isSwitchedOff(checkId))
            return true;
#endif
        return m_disabledChecks.contains(checkId);
    }
};

} // namespace cfl
