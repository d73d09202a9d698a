#pragma once
// Typed protocol errors, produced in one place (after node-oidc-provider's). Each carries what
// the client is told (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1) and, for the teaching views, the rule
// that was broken, where it is written, and the values that were compared. A value is complete when a
// factory returns it: nothing patches its status or code afterwards; compared() and withHint() return
// a copy with more to show. How it is answered is up to the endpoint that refuses (bank/Refusal.h).

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace cfl {

class OAuthError
{
public:
    static OAuthError invalidRequest(
        const QString &description, const QString &rfc = QStringLiteral("RFC 6749 §4.1.2.1"));
    // A parameter given more than once (RFC 6749 §3.1, §3.2): the first few names, not the whole body back.
    static OAuthError repeatedParameters(const QStringList &names, const QString &rfc);
    // At boris: 401, with a Basic challenge (RFC 6749 §5.2).
    static OAuthError invalidClient(const QString &description);
    // At eddy: an unknown client_id, shown on the error page and never redirected (RFC 6749 §4.1.2.1).
    static OAuthError unregisteredClient(const QString &clientId);
    static OAuthError invalidGrant(
        const QString &description, const QString &rfc = QStringLiteral("RFC 6749 §5.2"));
    static OAuthError unauthorizedClient(const QString &description);
    static OAuthError unsupportedGrantType(const QString &grantType);
    static OAuthError unsupportedResponseType(const QString &responseType);
    static OAuthError invalidScope(
        const QString &description, const QString &rfc = QStringLiteral("RFC 6749 §3.3"));
    static OAuthError accessDenied(const QString &description);
    static OAuthError loginRequired();
    // An acr requested as essential that the bank cannot assert: a failed authentication (OIDC Core
    // §5.5.1.1), answered access_denied.
    static OAuthError essentialAcrUnmet(const QString &description);
    // The login form: someone else logged in than the subject the client asked for (OIDC Core §5.5.1).
    static OAuthError otherSubjectRequested();
    static OAuthError consentRequired();
    // prompt=none where John must be asked whatever he consented to before (RFC 8252 §8.6).
    static OAuthError consentRequired(const QString &description, const QString &rfc);
    // OpenID Connect Core §6: request objects, by value or by reference.
    static OAuthError requestNotSupported();
    static OAuthError requestUriNotSupported();
    static OAuthError serverError(const QString &description);
    // The login form: a wrong user name or password (401), and too many of them (429).
    static OAuthError wrongCredentials();
    static OAuthError tooManyAttempts(qint64 waitSeconds);
    // RFC 6750 §3.1 (resource server and userinfo). A request without any credentials gets a challenge
    // but no error code at all.
    static OAuthError noBearerToken();
    static OAuthError invalidToken(const QString &description);
    static OAuthError insufficientScope(const QString &scope);
    // 404 (RFC 9110 §15.5.5): also the answer for another customer's account, which must look missing.
    static OAuthError notFound(const QString &description);
    // 421 (RFC 9110 §15.5.20): a request whose Host is not this bank (DNS rebinding).
    static OAuthError misdirectedRequest(const QString &description);

    int status() const { return m_status; }
    const QString &error() const { return m_error; } // "invalid_request", "invalid_grant", ...
    const QString &description() const { return m_description; } // error_description, for the developer
    const QString &rfc() const { return m_rfc; } // e.g. "RFC 7636 §4.6"
    const QString &expected() const { return m_expected; } // compared values, when there were any
    const QString &received() const { return m_received; }
    const QString &hint() const { return m_hint; } // what John can do, on the bank's error page

    OAuthError compared(const QString &expected, const QString &received) const;
    OAuthError withHint(const QString &hint) const;
    QJsonObject toJson() const; // {"error", "error_description"} (RFC 6749 §5.2)

private:
    OAuthError(int status, const char *error, const QString &description, const QString &rfc);

    int m_status = 400;
    QString m_error;
    QString m_description;
    QString m_rfc;
    QString m_expected;
    QString m_received;
    QString m_hint;
};

} // namespace cfl
