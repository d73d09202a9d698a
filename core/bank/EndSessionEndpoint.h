#pragma once
// eddy's end_session_endpoint: OpenID Connect RP-Initiated Logout 1.0. An app sends John's browser here
// to log him out of the bank, with id_token_hint, client_id, post_logout_redirect_uri, state, logout_hint
// and ui_locales (§2), by GET or by a form POST.
//
// The bank sends John back to the app only when the request can be trusted to come from it: an ID token
// the bank issued to that app, about John, and a post-logout redirect URI the app registered (§3). Then
// the session ends at once and the browser goes back with `state`. Anything less — no hint, a forged one,
// another app's, an unregistered, modified or extended URI, an unknown client_id — never redirects (§3,
// §4) and never ends the session by itself: a confirmation page asks John ("Log out of the bank?", a form
// with the session's CSRF token), because any web page can send a browser to this URL and would
// otherwise log John out of the bank behind his back (logout CSRF). The page says why the bank will not
// send him back. Each rule is a named check; a "refusal" here answers with that page, never an error
// redirect.
//
// Logging out ends the bank's session (the cookie cleared, the session revoked: a later prompt=none
// answers login_required). It does not revoke tokens already issued to apps, nor withdraw consent:
// John's Connected apps page does that. logout_hint and ui_locales are accepted and not used: a browser
// has one session at the bank, and its pages are in English.

#include "bank/BankContext.h"
#include "bank/Check.h"
#include "bank/LoginSessions.h"
#include "http/HttpMessage.h"

namespace cfl {

class EndSessionEndpoint
{
public:
    EndSessionEndpoint(BankContext &bank, LoginSessions &sessions);

    HttpResponse handle(HttpRequest &request); // GET|POST /session/end
    HttpResponse confirm(HttpRequest &request); // POST /session/end/confirm, John's answer
    static QList<CheckSpec> checks();
    static QList<CheckSpec> confirmChecks();

private:
    BankContext &m_bank;
    LoginSessions &m_sessions;
};

} // namespace cfl
