#pragma once
// eddy's pages: John logs in (seed steps 3–5) and gives his consent (steps 6–8). Plain HTML forms, each
// with a CSRF token bound to the interaction cookie (double submit, RFC 6749 §10.12); each form's
// answer is an ordered list of checks.

#include "bank/BankContext.h"
#include "bank/Check.h"
#include "bank/Interactions.h"
#include "bank/LoginSessions.h"
#include "http/HttpMessage.h"

namespace cfl {

class InteractionPages
{
public:
    InteractionPages(BankContext &bank, LoginSessions &sessions, Interactions &interactions);

    HttpResponse page(HttpRequest &request); // GET /interaction/{id}: the login or the consent page
    HttpResponse login(HttpRequest &request); // POST /interaction/{id}/login
    HttpResponse consent(HttpRequest &request); // POST /interaction/{id}/consent
    static QList<CheckSpec> pageChecks();
    static QList<CheckSpec> loginChecks();
    static QList<CheckSpec> consentChecks();

private:
    HttpResponse showLogin(
        const Interaction &interaction, const QString &message, const QString &username, int status = 200);
    HttpResponse showConsent(const Interaction &interaction, const User &user);

    BankContext &m_bank;
    LoginSessions &m_sessions;
    Interactions &m_interactions;
};

} // namespace cfl
