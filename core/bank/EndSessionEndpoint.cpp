// eddy's end_session_endpoint (OpenID Connect RP-Initiated Logout 1.0): when the bank sends John back to
// the app, when it asks him first, and what logging out ends (bank/EndSessionEndpoint.h).

#include "bank/EndSessionEndpoint.h"

#include "bank/FormPost.h"
#include "bank/PageRenderer.h"
#include "bank/RedirectUri.h"
#include "bank/Refusal.h"
#include "crypto/Jwt.h"
#include "http/FormData.h"

#include <QJsonArray>

namespace cfl {

namespace {
const QString Logout = QStringLiteral("OpenID Connect RP-Initiated Logout 1.0 §2");
const QString LogoutRedirect = QStringLiteral("OpenID Connect RP-Initiated Logout 1.0 §3");
const QString LogoutHint = QStringLiteral("OpenID Connect RP-Initiated Logout 1.0 §2, §4");

// What the checks found out about a logout request so far.
struct EndSessionRequest
{
    const HttpRequest &http;
    std::optional<LoginSession> session; // the browser's, when it has a live one
    FormData form;
    QJsonObject hint; // the id_token_hint's claims: verified, or as claimed when its check is switched off
    QString clientId; // client_id, or else the app the hint was issued to
    Client client;
    QString postLogoutRedirectUri;
};

QStringList audiences(const QJsonObject &claims)
{
    const QJsonValue aud = claims.value(QStringLiteral("aud"));
    QStringList list;
    if (aud.isArray()) {
        for (const QJsonValue &value : aud.toArray())
            list.append(value.toString());
    } else if (!aud.toString().isEmpty()) {
        list.append(aud.toString());
    }
    return list;
}

// check the parameters: the query (GET) or a form-encoded body (POST), each parameter once (RP-Initiated
// Logout 1.0 §2; RFC 6749 §3.1)
Verdict parameters(BankContext &, EndSessionRequest &r)
{
    QString error;
    const std::optional<FormData> form = r.http.method == "POST"
        ? parseFormPost(r.http, {}, &error)
        : FormData::parse(r.http.url.query(QUrl::FullyEncoded).toUtf8(), &error);
    if (!form)
        return OAuthError::invalidRequest(error, Logout);
    if (!form->repeatedNames().isEmpty())
        return OAuthError::repeatedParameters(form->repeatedNames(), QStringLiteral("RFC 6749 §3.1"));
    r.form = *form;
    r.clientId = r.form.valueOr(QStringLiteral("client_id"));
    r.postLogoutRedirectUri = r.form.valueOr(QStringLiteral("post_logout_redirect_uri"));
    return {};
}

// check id_token_hint is given: without it nothing shows that an app John uses sent him (§3: required for
// a post-logout redirect)
Verdict hintPresent(BankContext &, EndSessionRequest &r)
{
    if (!r.form.valueOr(QStringLiteral("id_token_hint")).isEmpty())
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("the request carries no id_token_hint, so nothing shows that an app you use sent you"),
        LogoutRedirect);
}

// check id_token_hint: an ID token this bank issued — RS256 with the bank's key, its issuer, not an access
// token; an expired one is still a good hint (§2, §4)
Verdict hintIssuedByTheBank(BankContext &bank, EndSessionRequest &r)
{
    const QByteArray token = r.form.valueOr(QStringLiteral("id_token_hint")).toUtf8();
    QString error;
    // Every key the bank signed with: an expired hint's key may have left the JWKS since a rotation (OIDC
    // Core §10.1.1), and it is still the bank's signature.
    const std::optional<DecodedJwt> verified = verifyRs256(token, bank.everySigningKey(), &error);
    // What the checks after this one compare if it is switched off: the token as it claims to be.
    const std::optional<DecodedJwt> decoded = verified ? verified : decodeJwt(token);
    if (decoded)
        r.hint = decoded->payload;
    if (!verified) {
        return OAuthError::invalidRequest(
            QStringLiteral("the id_token_hint is not an ID token of this bank: %1").arg(error), LogoutHint);
    }
    if (verified->header.value(QStringLiteral("typ"))
            .toString()
            .compare(QLatin1String("at+jwt"), Qt::CaseInsensitive)
        == 0) {
        return OAuthError::invalidRequest(
            QStringLiteral("the id_token_hint is an access token, not an ID token"), LogoutHint);
    }
    const QString iss = r.hint.value(QStringLiteral("iss")).toString();
    if (iss == bank.issuer())
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("the id_token_hint comes from another issuer"), LogoutHint)
        .compared(bank.issuer(), iss);
}

// check client_id: when given, the app the id_token_hint was issued to (§2); otherwise that app is the
// one asking
Verdict clientIsTheHintsAudience(BankContext &, EndSessionRequest &r)
{
    const QStringList aud = audiences(r.hint);
    if (r.clientId.isEmpty()) {
        // OIDC Core §2: azp names the party the token was issued to when aud has several.
        r.clientId = aud.size() == 1 ? aud.first() : r.hint.value(QStringLiteral("azp")).toString();
        return {};
    }
    if (aud.contains(r.clientId))
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("client_id names another app than the one the id_token_hint was issued to"), Logout)
        .compared(aud.join(QLatin1Char(' ')), r.clientId);
}

// check the app: registered at the bank; its registered URIs are the only ones John may be sent back to
// (§3)
Verdict clientRegistered(BankContext &bank, EndSessionRequest &r)
{
    r.client = bank.store().clients().client(r.clientId).value_or(Client {});
    if (!r.client.clientId.isEmpty())
        return {};
    return OAuthError::invalidRequest(QStringLiteral("the bank knows no app '%1'").arg(r.clientId), Logout);
}

// check id_token_hint names John: the user of the browser's session, when it has one (§2: a hint "about
// the End-User's current or past authenticated session")
Verdict hintIsAboutTheSessionsUser(BankContext &, EndSessionRequest &r)
{
    if (!r.session)
        return {};
    const QString sub = QStringLiteral("user-%1").arg(r.session->userId);
    const QString hinted = r.hint.value(QStringLiteral("sub")).toString();
    if (hinted == sub)
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("the id_token_hint is about another user than the one logged in here"), Logout)
        .compared(sub, hinted);
}

// check id_token_hint comes from this session's login: the same auth_time. An ID token from an earlier login
// — any app's, kept in a history or a log — must not end today's session unasked (§2: the OP asks when
// the hint "does not belong to the current OP session"; §4: an expired one only for a current session)
Verdict hintIsFromTheSessionsLogin(BankContext &, EndSessionRequest &r)
{
    if (!r.session)
        return {};
    const qint64 hinted = r.hint.value(QStringLiteral("auth_time")).toInteger();
    if (hinted == r.session->authTime)
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("the id_token_hint comes from an earlier login than the one of this session"), Logout)
        .compared(QString::number(r.session->authTime), QString::number(hinted));
}

// check post_logout_redirect_uri: when given, one the app registered, exactly — only a loopback URI's
// port may vary, as for redirect_uri (§3; RFC 8252 §7.3)
Verdict postLogoutRedirectUriRegistered(BankContext &, EndSessionRequest &r)
{
    if (r.postLogoutRedirectUri.isEmpty()
        || redirect::matches(r.client.postLogoutRedirectUris, r.postLogoutRedirectUri))
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("post_logout_redirect_uri is not one %1 registered")
            .arg(r.client.name.isEmpty() ? QStringLiteral("the app") : r.client.name),
        LogoutRedirect)
        .compared(r.client.postLogoutRedirectUris.join(QStringLiteral(" or ")), r.postLogoutRedirectUri);
}

// check John's answer: the confirmation form carries the session's random CSRF token (synchronizer
// token); another site's form must not log him out (OWASP CSRF Prevention Cheat Sheet)
Verdict confirmationCsrf(BankContext &, EndSessionRequest &r)
{
    r.form = parseFormPost(r.http).value_or(FormData {});
    if (r.session
        && LoginSessions::csrfTokenMatches(
            *r.session, r.form.valueOr(QStringLiteral("csrf_token")).toLatin1()))
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("the confirmation form's CSRF token is missing or wrong; you are still logged in"),
        QStringLiteral("OWASP CSRF Prevention Cheat Sheet"));
}

const CheckList<EndSessionRequest> &checklist()
{
    static const CheckList<EndSessionRequest> checks {
        { "end_session.parameters", "the query or form-encoded body gives each parameter once",
            "OpenID Connect RP-Initiated Logout 1.0 §2; RFC 6749 §3.1", parameters },
        { "end_session.id_token_hint.present", "an id_token_hint shows which app sent John",
            "OpenID Connect RP-Initiated Logout 1.0 §3", hintPresent },
        { "end_session.id_token_hint.issued",
            "the id_token_hint is an ID token this bank signed and issued (expired is fine)",
            "OpenID Connect RP-Initiated Logout 1.0 §2, §4", hintIssuedByTheBank },
        { "end_session.client_id.audience", "client_id, when given, is the id_token_hint's audience",
            "OpenID Connect RP-Initiated Logout 1.0 §2", clientIsTheHintsAudience },
        { "end_session.client", "the app is registered", "OpenID Connect RP-Initiated Logout 1.0 §2",
            clientRegistered },
        { "end_session.id_token_hint.subject", "the id_token_hint is about the user of the browser's session",
            "OpenID Connect RP-Initiated Logout 1.0 §2", hintIsAboutTheSessionsUser },
        { "end_session.id_token_hint.session",
            "the id_token_hint comes from the login of the browser's session "
            "(its auth_time)",
            "OpenID Connect RP-Initiated Logout 1.0 §2, §4", hintIsFromTheSessionsLogin },
        { "end_session.post_logout_redirect_uri",
            "post_logout_redirect_uri is one the app registered, exactly (a loopback port may vary)",
            "OpenID Connect RP-Initiated Logout 1.0 §3", postLogoutRedirectUriRegistered },
    };
    return checks;
}

const CheckList<EndSessionRequest> &confirmChecklist()
{
    static const CheckList<EndSessionRequest> checks {
        { "end_session.confirm.csrf",
            "John's confirmation carries the session's random CSRF token (synchronizer token)",
            "OWASP CSRF Prevention Cheat Sheet", confirmationCsrf },
    };
    return checks;
}

QString usernameOf(const BankContext &bank, const std::optional<LoginSession> &session)
{
    if (!session)
        return {};
    const auto user = bank.store().users().userById(session->userId);
    return user ? user->username : QString();
}

HttpResponse page(PageValues values)
{
    return HttpResponse::html(
        PageRenderer::render(QStringLiteral("end-session.html"), QStringLiteral("Log out"), values));
}

// Whatever the answer, the browser forgets the cookie of a session that has ended.
HttpResponse withCookieCleared(HttpResponse response)
{
    response.addHeader("Set-Cookie", LoginSessions::cookie().expired().toHeaderValue());
    return response;
}
} // namespace

EndSessionEndpoint::EndSessionEndpoint(BankContext &bank, LoginSessions &sessions)
    : m_bank(bank)
    , m_sessions(sessions)
{ }

QList<CheckSpec> EndSessionEndpoint::checks()
{
    return specsOf(checklist());
}

QList<CheckSpec> EndSessionEndpoint::confirmChecks()
{
    return specsOf(confirmChecklist());
}

HttpResponse EndSessionEndpoint::handle(HttpRequest &request)
{
    EndSessionRequest r { request, m_sessions.current(request), {}, {}, {}, {}, {} };
    const QString username = usernameOf(m_bank, r.session);
    if (const auto refusal = runChecks(m_bank, checklist(), r)) {
        // Not trusted: no redirect (§3, §4), and John decides whether to log out.
        const RefusalForm ask = RefusalForm::page([&](const OAuthError &error) {
            const PageValues values { { QStringLiteral("confirm"), r.session.has_value() },
                { QStringLiteral("notLoggedIn"), !r.session.has_value() },
                { QStringLiteral("client"), r.client.name },
                { QStringLiteral("reason"), error.description() },
                { QStringLiteral("csrf"),
                    QString::fromLatin1(r.session ? r.session->csrfToken : QByteArray()) } };
            return r.session ? page(values) : withCookieCleared(page(values));
        });
        return refuse(m_bank, *refusal, ask, { r.clientId, username });
    }
    // Short: the diagram writes it beside eddy's lifeline.
    m_bank.decide(
        QStringLiteral("logout request trusted: %1's ID token about John%2")
            .arg(r.client.clientId,
                r.postLogoutRedirectUri.isEmpty() ? QString() : QStringLiteral(", a registered URI")));
    if (r.session) {
        // The session ends at the bank, not only in this browser: the cookie, replayed, opens nothing.
        m_bank.store().sessions().revokeSession(r.session->idHash, m_bank.now());
        m_bank.audit(QStringLiteral("logout"), r.client.clientId, username,
            QStringLiteral("%1 logged John out of the bank (RP-initiated logout)").arg(r.client.name));
        m_bank.decide(QStringLiteral("the bank session ends: revoked, its cookie cleared"));
    }
    if (r.postLogoutRedirectUri.isEmpty()) {
        return withCookieCleared(
            page({ { QStringLiteral("loggedOut"), true }, { QStringLiteral("client"), r.client.name },
                { QStringLiteral("wasLoggedIn"), r.session.has_value() } }));
    }
    QList<QPair<QString, QString>> back;
    const QString state = r.form.valueOr(QStringLiteral("state"));
    if (!state.isEmpty())
        back.append({ QStringLiteral("state"), state }); // as received (§3)
    return withCookieCleared(
        HttpResponse::redirect(redirect::withParameters(r.postLogoutRedirectUri, back), 303));
}

HttpResponse EndSessionEndpoint::confirm(HttpRequest &request)
{
    EndSessionRequest r { request, m_sessions.current(request), {}, {}, {}, {}, {} };
    const QString username = usernameOf(m_bank, r.session);
    if (!r.session) // nothing left to end (logged out meanwhile, or expired)
        return withCookieCleared(page({ { QStringLiteral("loggedOut"), true } }));
    if (const auto refusal = runChecks(m_bank, confirmChecklist(), r))
        return refuse(m_bank, *refusal, RefusalForm::errorPage(), { {}, username });
    m_bank.store().sessions().revokeSession(r.session->idHash, m_bank.now());
    m_bank.audit(QStringLiteral("logout"), {}, username,
        QStringLiteral("John confirmed logging out of the bank; no redirect to an app"));
    m_bank.decide(
        QStringLiteral("John confirmed: the bank session ends, and he is not sent back to any app"));
    return withCookieCleared(page({ { QStringLiteral("loggedOut"), true },
        { QStringLiteral("wasLoggedIn"), true }, { QStringLiteral("notSentBack"), true } }));
}

} // namespace cfl
