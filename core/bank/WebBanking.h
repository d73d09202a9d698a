#pragma once
// John's own online banking (/web): the same login as eddy's, then a session cookie. It shows what a
// password gives — everything, forever, which is exactly what PirateLoan gets — and, under Connected
// apps, the scoped, revocable access he granted with OAuth. Its forms carry the session's random CSRF
// token, stored with the session (synchronizer token); each form's answer is an ordered list of checks.

#include "bank/BankContext.h"
#include "bank/Check.h"
#include "bank/Interactions.h"
#include "bank/LoginSessions.h"
#include "bank/PageRenderer.h"
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
    // The browser's session's CSRF token for the forms of a page (empty without a session).
    QByteArray csrfToken(const HttpRequest &request) const;
    HttpResponse page(const QString &templateName, const QString &title, const User &user,
        const HttpRequest &request, PageValues values);
    // The payment form; `error`, when given, above it (the form again after a refusal).
    HttpResponse paymentPage(const HttpRequest &request, const User &user, const QString &error);

    BankContext &m_bank;
    LoginSessions &m_sessions;
    Interactions &m_interactions;
};

} // namespace cfl
