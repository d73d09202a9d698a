#include "bank/RedirectUri.h"

#include "http/FormData.h"

namespace cfl::redirect {

bool isLoopbackHost(const QString &host)
{
    return host == QLatin1String("127.0.0.1") || host == QLatin1String("::1")
        || host == QLatin1String("[::1]")
        || host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0;
}

namespace {
bool isLoopbackHttp(const QUrl &url)
{
    return url.isValid() && url.scheme() == QLatin1String("http") && isLoopbackHost(url.host())
        && url.userInfo().isEmpty() && !url.hasFragment();
}
} // namespace

bool matches(const QStringList &registered, const QString &received)
{
    if (received.isEmpty())
        return false;
    if (registered.contains(received))
        return true;
    const QUrl receivedUrl(received, QUrl::StrictMode);
    if (!isLoopbackHttp(receivedUrl))
        return false;
    for (const QString &candidate : registered) {
        const QUrl registeredUrl(candidate, QUrl::StrictMode);
        // RFC 8252 §7.3: "MUST allow any port to be specified at the time of the request for loopback
        // IP redirect URIs". Path and query must still match exactly.
        if (isLoopbackHttp(registeredUrl)
            && registeredUrl.path(QUrl::FullyEncoded) == receivedUrl.path(QUrl::FullyEncoded)
            && registeredUrl.query(QUrl::FullyEncoded) == receivedUrl.query(QUrl::FullyEncoded)) {
            return true;
        }
    }
    return false;
}

std::optional<QString> registrationProblem(const QString &uri)
{
    const QUrl url(uri, QUrl::StrictMode);
    if (!url.isValid() || url.isRelative())
        return QStringLiteral("'%1' is not an absolute URI").arg(uri);
    if (url.hasFragment())
        return QStringLiteral("'%1' has a fragment; RFC 6749 §3.1.2 forbids one").arg(uri);
    const QString scheme = url.scheme();
    if (scheme == QLatin1String("https"))
        return std::nullopt;
    if (scheme == QLatin1String("http")) {
        if (isLoopbackHost(url.host()))
            return std::nullopt;
        return QStringLiteral("'%1' uses plain http on a non-loopback host; use https, or http on 127.0.0.1 "
                              "(RFC 8252 §7.3)")
            .arg(uri);
    }
    if (scheme.contains(QLatin1Char('.')))
        return std::nullopt; // RFC 8252 §7.1 private-use URI scheme (reverse domain name)
    return QStringLiteral(
        "'%1' uses the scheme '%2'; use https, http on a loopback address, or a reverse-domain "
        "private-use scheme (RFC 8252 §7.1)")
        .arg(uri, scheme);
}

QUrl withParameters(const QString &redirectUri, const QList<QPair<QString, QString>> &parameters)
{
    QUrl url(redirectUri);
    QByteArray query = url.query(QUrl::FullyEncoded).toLatin1();
    for (const auto &[name, value] : parameters) {
        if (!query.isEmpty())
            query += '&';
        query += formUrlEncode(name) + '=' + formUrlEncode(value);
    }
    url.setQuery(QString::fromLatin1(query), QUrl::StrictMode);
    return url;
}

} // namespace cfl::redirect
