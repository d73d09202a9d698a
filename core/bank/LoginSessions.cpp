#include "bank/LoginSessions.h"

#include "crypto/Digest.h"
#include "crypto/SecureRandom.h"

namespace cfl {

namespace {
constexpr QByteArrayView SessionCookie = "cfl_session";
} // namespace

LoginSessions::LoginSessions(BankContext &bank)
    : m_bank(bank)
{ }

std::optional<LoginSession> LoginSessions::current(const HttpRequest &request) const
{
    const QByteArray cookie = request.cookie(SessionCookie);
    if (cookie.isEmpty())
        return std::nullopt;
    auto session = m_bank.store().sessions().session(sha256Hex(cookie));
    // A session from before CSRF tokens were stored (schema 3) cannot have its forms checked: none.
    if (!session || session->revokedAt != 0 || session->expiresAt <= m_bank.now()
        || session->csrfToken.isEmpty())
        return std::nullopt;
    return session;
}

QByteArray LoginSessions::start(qint64 userId, qint64 authTime, const QStringList &amr)
{
    const QByteArray value = randomToken();
    LoginSession session;
    session.idHash = sha256Hex(value);
    session.userId = userId;
    session.authTime = authTime;
    session.amr = amr;
    session.expiresAt = m_bank.now() + m_bank.config().sessionLifetime;
    // Independent of the cookie's value: knowing one tells nothing about the other.
    session.csrfToken = randomToken();
    m_bank.store().sessions().insertSession(session);
    wire::SetCookie setCookie = cookie();
    setCookie.value = value;
    setCookie.maxAge = m_bank.config().sessionLifetime;
    return setCookie.toHeaderValue();
}

wire::SetCookie LoginSessions::cookie()
{
    wire::SetCookie setCookie;
    setCookie.name = QByteArray(SessionCookie.data(), SessionCookie.size());
    setCookie.path = "/";
    return setCookie;
}

bool LoginSessions::csrfTokenMatches(const LoginSession &session, const QByteArray &formToken)
{
    return !session.csrfToken.isEmpty() && constantTimeEquals(formToken, session.csrfToken);
}

} // namespace cfl
