#pragma once
// eddy's pending browser interactions (storage: Interaction): an authorization request waiting for John's
// login and consent, or a login to online banking. Started with a cookie that binds the interaction to
// the browser, and — for an authorization request — finished with the authorization response.

#include "bank/BankContext.h"
#include "http/HttpMessage.h"
#include "http/WireFormat.h"

#include <QStringList>

namespace cfl {

class Interactions
{
public:
    explicit Interactions(BankContext &bank);

    // The cookie that binds an interaction to the browser that began it, without a value: name
    // "cfl_interaction", Path=/interaction, HttpOnly, SameSite=Lax (RFC 6265 §4.1.2).
    static wire::SetCookie cookie();

    // Gives the interaction its id, CSRF token and lifetime, stores it, and sends the browser to its page
    // with the cookie that binds it to this browser (double submit with the forms' token, RFC 6749 §10.12).
    HttpResponse begin(Interaction interaction);
    // John's remembered consent for this client covers every one of `scopes`, and the trainer lets the
    // bank remember consent (BankConfig::rememberConsent): with remembering off, an older consent in
    // the database answers nothing, prompt=none included.
    bool consentCovers(qint64 userId, const QString &clientId, const QStringList &scopes) const;
    // A public client answered on a loopback redirect URI: any program on John's machine can listen on
    // a loopback port and name itself with the client's id, so nothing proves who receives the code.
    // A remembered consent must not answer for John there (RFC 8252 §8.6, RFC 6749 §10.2).
    static bool clientIdentityUnproven(const Client &client, const QString &redirectUri);
    // What John's consent must cover: the requested scopes, and the scope of every standard claim the
    // client asked for by name (OIDC Core §5.5) — a remembered consent to "openid" does not release a
    // phone number asked for one by one. A claim is not a scope, but the bank remembers consent by scope.
    static QStringList scopesToConsent(const Interaction &interaction, const Client &client);
    // Whether John's remembered consent answers for him now, instead of the consent page: it covers
    // every scope and claim (consentCovers, scopesToConsent), the client did not ask for consent again
    // (prompt=consent), and the client's identity is not unproven (above). Records the decision for the
    // trace.
    bool rememberedConsentAnswers(const Interaction &interaction);
    // The authorization response (seed steps 9 and 10): a code bound to client, redirect URI, PKCE
    // challenge, nonce and the granted scopes, sent back with state and iss.
    // `answeringPost`: the answer to a form John posted (login, consent): the redirect is 303 See Other, so
    // that the browser does not send the form on (RFC 9700 §4.12); to a GET, 302.
    HttpResponse issueCode(const Interaction &interaction, const User &user, const QStringList &granted,
        bool answeringPost = false);

private:
    BankContext &m_bank;
};

} // namespace cfl
