#pragma once
// John's own online banking (/web): the same login as eddy's, then a session cookie. It shows what a
// password gives — everything, forever, which is exactly what PirateLoan gets — and, under Connected
// apps, the scoped, revocable access he granted with OAuth. Its forms carry a CSRF token derived from the
// session cookie; each form's answer is an ordered list of checks.

#include "bank/BankContext.h"
#include "bank/Check.h"
#include "bank/Interactions.h"
#include "bank/LoginSessions.h"
#include "http/HttpMessage.h"

#include <QHash>

namespace cfl {

class WebBanking
{
public:
    WebBanking(BankContext &bank, LoginSessions &sessions, Interactions &interactions);

    HttpResponse home(HttpRequest &request); // GET /web
    HttpResponse login(HttpRequest &request); // GET /web/login
    HttpResponse logout(HttpRequest &request); // POST /web/logout
    HttpResponse account(HttpRequest &request); // GET /web/accounts/{id}
    HttpResponse paymentForm(HttpRequest &request); // GET /web/payments
    HttpResponse paymentSubmit(HttpRequest &request); // POST /web/payments
    HttpResponse apps(HttpRequest &request); // GET /web/apps
    HttpResponse revokeApp(HttpRequest &request); // POST /web/apps/{clientId}/revoke
    static QList<CheckSpec> logoutChecks();
    static QList<CheckSpec> accountChecks();
    static QList<CheckSpec> paymentChecks();
    static QList<CheckSpec> revokeAppChecks();

private:
    // John, when the browser holds a live session; without one every page starts a login interaction.
    std::optional<User> user(const HttpRequest &request);
    HttpResponse page(const QString &templateName, const QString &title, const User &user,
        const HttpRequest &request, QHash<QString, QString> values);

    BankContext &m_bank;
    LoginSessions &m_sessions;
    Interactions &m_interactions;
};

} // namespace cfl
