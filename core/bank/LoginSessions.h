#pragma once
// John's login sessions at the bank (cookie "cfl_session"): started by eddy's login form, shared by the
// authorization endpoint (a session skips the login page) and online banking (every page needs one).

#include "bank/BankContext.h"
#include "http/HttpMessage.h"

#include <QByteArray>

#include <optional>

namespace cfl {

class LoginSessions
{
public:
    explicit LoginSessions(BankContext &bank);

    // The browser's session, when it sent a cookie for one that is neither revoked nor expired.
    std::optional<LoginSession> current(const HttpRequest &request) const;
    // Stores a new session and returns its Set-Cookie value (random, stored hashed, HttpOnly; SameSite=Lax).
    QByteArray start(qint64 userId, qint64 authTime);
    // The online banking forms' CSRF token: derived from the secret session cookie, so that another site
    // can neither read nor compute it.
    static QByteArray csrfTokenFor(const HttpRequest &request);

private:
    BankContext &m_bank;
};

} // namespace cfl
