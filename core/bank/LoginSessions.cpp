#include "bank/LoginSessions.h"

#include "crypto/Base64Url.h"
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
    auto session = m_bank.store().session(sha256Hex(cookie));
    if (!session || session->revokedAt != 0 || session->expiresAt <= m_bank.now())
        return std::nullopt;
    return session;
}

QByteArray LoginSessions::start(qint64 userId, qint64 authTime)
{
    const QByteArray value = randomToken();
    LoginSession session;
    session.idHash = sha256Hex(value);
    session.userId = userId;
    session.authTime = authTime;
    session.expiresAt = m_bank.now() + m_bank.config().sessionLifetime;
    m_bank.store().insertSession(session);
    return QByteArray(SessionCookie.data(), SessionCookie.size()) + '=' + value
        + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + QByteArray::number(m_bank.config().sessionLifetime);
}

QByteArray LoginSessions::csrfTokenFor(const HttpRequest &request)
{
    const QByteArray cookie = request.cookie(SessionCookie);
    return cookie.isEmpty() ? QByteArray() : base64UrlEncode(sha256("csrf:" + cookie));
}

} // namespace cfl
