#pragma once
// John's login sessions at the bank (cookie "cfl_session"): started by eddy's login form, shared by the
// authorization endpoint (a session skips the login page) and online banking (every page needs one).

#include "bank/BankContext.h"
#include "http/HttpMessage.h"
#include "http/WireFormat.h"

#include <QByteArray>

#include <optional>

namespace cfl {

class LoginSessions
{
public:
    explicit LoginSessions(BankContext &bank);

    // The browser's session, when it sent a cookie for one that is neither revoked nor expired.
    std::optional<LoginSession> current(const HttpRequest &request) const;
    // Stores a new session, with a fresh random CSRF token for its forms and how John authenticated (amr,
    // RFC 8176), and returns its Set-Cookie value (random, stored hashed, HttpOnly; SameSite=Lax).
    QByteArray start(qint64 userId, qint64 authTime, const QStringList &amr);
    // Whether a form carries its session's CSRF token: the random one stored with the session when it
    // started (synchronizer token; OWASP CSRF Prevention Cheat Sheet), compared in constant time. Never
    // computed from the cookie: whoever sees a cookie could compute that. A session without a token
    // matches nothing.
    static bool csrfTokenMatches(const LoginSession &session, const QByteArray &formToken);
    // The session cookie without a value: name, Path=/, HttpOnly, SameSite=Lax (RFC 6265 §4.1.2;
    // .expired() is what logout sends).
    static wire::SetCookie cookie();

private:
    BankContext &m_bank;
};

} // namespace cfl
