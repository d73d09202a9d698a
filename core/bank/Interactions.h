#pragma once
// eddy's pending browser interactions (storage: Interaction): an authorization request waiting for John's
// login and consent, or a login to online banking. Started with a cookie that binds the interaction to
// the browser, and — for an authorization request — finished with the authorization response.

#include "bank/BankContext.h"
#include "http/HttpMessage.h"

#include <QStringList>

namespace cfl {

class Interactions
{
public:
    explicit Interactions(BankContext &bank);

    // Gives the interaction its id, CSRF token and lifetime, stores it, and sends the browser to its page
    // with the cookie that binds it to this browser (double submit with the forms' token, RFC 6749 §10.12).
    HttpResponse begin(Interaction interaction);
    // John's remembered consent for this client covers every one of `scopes`.
    bool consentCovers(qint64 userId, const QString &clientId, const QStringList &scopes) const;
    // The authorization response (seed steps 9 and 10): a code bound to client, redirect URI, PKCE
    // challenge, nonce and the granted scopes, sent back with state and iss.
    HttpResponse issueCode(const Interaction &interaction, const User &user, const QStringList &granted);

private:
    BankContext &m_bank;
};

} // namespace cfl
