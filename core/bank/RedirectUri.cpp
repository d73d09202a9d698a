#include "bank/RedirectUri.h"

#include "http/FormData.h"

#include <QHostAddress>

namespace cfl::redirect {

bool isLoopbackHost(const QString &host)
{
    return host == QLatin1String("127.0.0.1") || host == QLatin1String("::1")
        || host == QLatin1String("[::1]")
        || host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0;
}

namespace {
// An http loopback URI as it is written, nothing normalised: "http://", a loopback host literal, an
// optional ":port", then the rest (path and query). A URL parser would make 0x7f.1, 2130706433 and
// 127.000.000.001 into 127.0.0.1 and /%63allback into /callback; the comparison must not (RFC 8252 §7.3:
// only the port may vary; RFC 6749 §3.1.2.3, RFC 9700 §4.1.3: the rest is compared as a string).
struct WrittenLoopbackUri
{
    QStringView host;
    std::optional<QStringView> port; // the digits after ':', possibly none ("http://127.0.0.1:/cb")
    QStringView rest;
};

std::optional<WrittenLoopbackUri> splitLoopback(QStringView uri)
{
    static const QLatin1String Scheme("http://");
    static const QLatin1String Hosts[] { QLatin1String("127.0.0.1"), QLatin1String("[::1]"),
        QLatin1String("localhost") };
    if (!uri.startsWith(Scheme))
        return std::nullopt;
    const QStringView authorityOn = uri.sliced(Scheme.size());
    for (const QLatin1String &host : Hosts) {
        if (!authorityOn.startsWith(host))
            continue;
        WrittenLoopbackUri parts { authorityOn.first(host.size()), std::nullopt,
            authorityOn.sliced(host.size()) };
        if (parts.rest.startsWith(QLatin1Char(':'))) {
            qsizetype end = 1;
            while (end < parts.rest.size() && parts.rest[end].isDigit() && parts.rest[end].unicode() < 128)
                ++end;
            parts.port = parts.rest.sliced(1, end - 1);
            parts.rest = parts.rest.sliced(end);
        }
        // The authority ends here: "127.0.0.1.evil.example", "localhost@evil.example" are other hosts.
        if (!parts.rest.isEmpty() && parts.rest[0] != QLatin1Char('/') && parts.rest[0] != QLatin1Char('?'))
            return std::nullopt;
        return parts;
    }
    return std::nullopt;
}

// A port as a browser writes it: 1-65535 in decimal, no leading zero. Not empty: "http://127.0.0.1:/cb"
// is no port at all.
bool isCanonicalPort(QStringView digits)
{
    if (digits.isEmpty() || digits.size() > 5 || digits[0] == QLatin1Char('0'))
        return false;
    const int port = digits.toInt();
    return port >= 1 && port <= 65535;
}
} // namespace

bool isLoopbackRedirect(const QString &uri)
{
    const QUrl url(uri, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != QLatin1String("http"))
        return false;
    const QString host = url.host();
    return host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0
        || QHostAddress(host).isLoopback();
}

bool matches(const QStringList &registered, const QString &received)
{
    if (received.isEmpty())
        return false;
    if (registered.contains(received))
        return true;
    // RFC 8252 §7.3: "MUST allow any port to be specified at the time of the request for loopback IP
    // redirect URIs". Only the port: the host literal, path and query exactly as registered.
    const auto asked = splitLoopback(received);
    if (!asked || (asked->port && !isCanonicalPort(*asked->port)) || asked->rest.contains(QLatin1Char('#')))
        return false;
    for (const QString &candidate : registered) {
        const auto allowed = splitLoopback(candidate);
        if (allowed && allowed->host == asked->host && allowed->rest == asked->rest)
            return true;
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
        // Written with a loopback literal, so that redirect::matches can compare it as written.
        if (splitLoopback(uri) && url.userInfo().isEmpty())
            return std::nullopt;
        return QStringLiteral("'%1' uses plain http on a non-loopback host (or one not written as 127.0.0.1, "
                              "[::1] or localhost); use https, or http on 127.0.0.1 (RFC 8252 §7.3)")
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
