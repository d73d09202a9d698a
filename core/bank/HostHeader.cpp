#include "bank/HostHeader.h"

#include "bank/Refusal.h"

#include <QStringList>

#include <cctype>

namespace cfl {

namespace {
struct HostRequest
{
    const HttpRequest &http;
    QString host; // lower case; an IPv6 literal in brackets
    int port = -1;
};

// Splits host[:port] (RFC 9110 §7.2, uri-host and port of RFC 3986 §3.2.2-3); nothing when it is not one.
bool parseHost(const QByteArray &value, int defaultPort, QString *host, int *port)
{
    QByteArray name = value;
    QByteArray portText;
    if (value.startsWith('[')) {
        const qsizetype close = value.indexOf(']');
        if (close < 0)
            return false;
        name = value.left(close + 1);
        const QByteArray rest = value.mid(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(':'))
            return false;
        portText = rest.mid(1);
        if (rest.startsWith(':') && portText.isEmpty())
            return false;
        for (const char c : name.mid(1, name.size() - 2)) {
            if (!std::isxdigit(uchar(c)) && c != ':' && c != '.')
                return false;
        }
    } else {
        const qsizetype colon = value.indexOf(':');
        if (colon >= 0) {
            name = value.left(colon);
            portText = value.mid(colon + 1);
            if (portText.isEmpty())
                return false;
        }
        // A reg-name or an IPv4 literal; no userinfo, path or percent-encoding in a Host (RFC 9110 §7.2).
        for (const char c : name) {
            if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '-'
                && c != '.')
                return false;
        }
    }
    if (name.isEmpty() || name == "[]" || portText.size() > 5)
        return false;
    int number = defaultPort;
    if (!portText.isEmpty()) {
        for (const char c : portText) {
            if (c < '0' || c > '9')
                return false;
        }
        number = portText.toInt();
        if (number < 1 || number > 65535)
            return false;
    }
    *host = QString::fromLatin1(name).toLower();
    *port = number;
    return true;
}

// The port a Host without one means: the scheme's (RFC 9110 §4.2.1, §4.2.2).
int schemeDefaultPort(const QUrl &issuer)
{
    return issuer.scheme() == QLatin1String("https") ? 443 : 80;
}

// check the Host header: exactly one, and a host[:port] (RFC 9112 §3.2: otherwise 400, also when missing)
Verdict hostValid(BankContext &bank, HostRequest &r)
{
    QList<QByteArray> values;
    for (const auto &[name, value] : r.http.headers) {
        if (name.compare("Host", Qt::CaseInsensitive) == 0)
            values.append(value.trimmed());
    }
    if (values.size() == 1
        && parseHost(values.first(), schemeDefaultPort(bank.config().issuer), &r.host, &r.port))
        return {};
    return OAuthError::invalidRequest(values.isEmpty() ? QStringLiteral("the request has no Host header")
            : values.size() > 1 ? QStringLiteral("the request has more than one Host header")
                                : QStringLiteral("the Host header is not a host[:port]"),
        QStringLiteral("RFC 9112 §3.2"));
}

// check the Host: the issuer's host and port, or a loopback literal 127.0.0.1 or [::1]; a DNS name
// that leads here is someone else's (DNS rebinding: RFC 9110 §7.2, §15.5.20 421 Misdirected Request)
Verdict hostAllowed(BankContext &bank, HostRequest &r)
{
    const QUrl &issuer = bank.config().issuer;
    QString issuerHost = issuer.host(QUrl::FullyEncoded).toLower();
    if (issuerHost.contains(QLatin1Char(':')))
        issuerHost = QLatin1Char('[') + issuerHost + QLatin1Char(']');
    const int issuerPort = issuer.port(schemeDefaultPort(issuer));
    if (r.host == issuerHost && r.port == issuerPort)
        return {};
    const bool loopbackLiteral = r.host == QLatin1String("127.0.0.1") || r.host == QLatin1String("[::1]");
    // A loopback literal cannot be rebound by anyone's DNS; its port is the listener's business.
    if (loopbackLiteral)
        return {};
    const QString expected = QStringLiteral("%1:%2").arg(issuerHost).arg(issuerPort);
    return OAuthError::misdirectedRequest(
        QStringLiteral("This bank answers only to %1 and to 127.0.0.1 or [::1]; the request was meant for "
                       "another host (a DNS name that points here is refused: DNS rebinding).")
            .arg(expected))
        .compared(expected,
            r.host.isEmpty() ? QStringLiteral("(none)") : QStringLiteral("%1:%2").arg(r.host).arg(r.port));
}

const CheckList<HostRequest> &hostChecks()
{
    static const CheckList<HostRequest> checks {
        { "request.host.valid", "exactly one Host header, a host[:port]; else 400", "RFC 9112 §3.2",
            hostValid },
        { "request.host.allowed", "the Host is the issuer's host:port or 127.0.0.1/[::1]: no DNS rebinding",
            "RFC 9110 §7.2, §15.5.20", hostAllowed },
    };
    return checks;
}
} // namespace

HostHeader::HostHeader(BankContext &bank)
    : m_bank(bank)
{ }

QList<CheckSpec> HostHeader::checks()
{
    return specsOf(hostChecks());
}

std::optional<HttpResponse> HostHeader::refusal(const HttpRequest &request)
{
    HostRequest r { request, {}, -1 };
    const auto refusal = runChecks(m_bank, hostChecks(), r);
    if (!refusal)
        return std::nullopt;
    // {"error", "error_description"}, as the connection's own limits answer (http/ConnectionGuard.cpp): no
    // page of the bank's is served to a host that is not the bank.
    return refuse(m_bank, *refusal, RefusalForm::resourceError());
}

} // namespace cfl
