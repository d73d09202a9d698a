#pragma once
// eddy's authorization endpoint (RFC 6749 §4.1.1, OpenID Connect Core §3.1.2.1): three ordered lists of
// checks, then the login and consent pages or, when nothing needs asking, the code.

#include "bank/BankContext.h"
#include "bank/Check.h"
#include "bank/Interactions.h"
#include "bank/LoginSessions.h"
#include "http/HttpMessage.h"

namespace cfl {

class AuthorizationEndpoint
{
public:
    AuthorizationEndpoint(BankContext &bank, LoginSessions &sessions, Interactions &interactions);

    HttpResponse handle(HttpRequest &request); // GET (query) and POST (form body)
    static QList<CheckSpec> checks();

private:
    BankContext &m_bank;
    LoginSessions &m_sessions;
    Interactions &m_interactions;
};

} // namespace cfl
