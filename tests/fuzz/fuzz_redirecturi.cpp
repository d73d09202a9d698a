// Redirect URIs from outside: the one an authorization request names (redirect::matches, RFC 6749
// §3.1.2.3, RFC 8252 §7.3), the ones a client registers (redirect::registrationProblem, RFC 6749
// §3.1.2, RFC 8252 §7.1) and the one the bank redirects to with its parameters (withParameters).
// Input: "registered\nreceived". Properties: a URI that may be registered matches itself; a match is
// exact or is between http loopback URIs written with the same host literal, path and query, differing
// only in the port; the redirect keeps scheme, host and port.

#include "FuzzSupport.h"
#include "bank/RedirectUri.h"

#include <QRegularExpression>

using namespace cfl;
using namespace cfl::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto [first, second] = cut(bytesOf(data, size), '\n');
    const QString registered = QString::fromUtf8(first);
    const QString received = QString::fromUtf8(second);

    const auto problem = redirect::registrationProblem(registered);
    if (!problem)
        require(redirect::matches({ registered }, registered), "a registrable URI matches itself", first);
    if (redirect::matches({ registered }, received) && registered != received) {
        // RFC 8252 §7.3: the one exception to exact matching is an http loopback URI on another port —
        // and only the port: the same host literal, path and query, as written (issue 10 finding 5).
        static const QRegularExpression loopback(
            QStringLiteral("^http://(127\\.0\\.0\\.1|\\[::1\\]|localhost)(?::([0-9]*))?([/?].*)?\\z"),
            QRegularExpression::DotMatchesEverythingOption);
        const QRegularExpressionMatch a = loopback.match(registered);
        const QRegularExpressionMatch b = loopback.match(received);
        require(a.hasMatch() && b.hasMatch(), "only http loopback URIs written with a literal host",
            first + " | " + second);
        require(a.captured(1) == b.captured(1), "the same host literal", first + " | " + second);
        require(
            a.captured(3) == b.captured(3), "the same path and query, as written", first + " | " + second);
        if (b.capturedStart(2) >= 0) { // a ':' after the host: a port as a browser writes it
            const QString port = b.captured(2);
            require(!port.isEmpty() && !port.startsWith(QLatin1Char('0')) && port.size() <= 5
                    && port.toInt() <= 65535,
                "a port of 1-65535, no leading zero", second);
        }
        require(!received.contains(QLatin1Char('#')), "no fragment", second);
    }
    redirect::isLoopbackHost(received);
    const QUrl redirect = redirect::withParameters(received,
        { { QStringLiteral("code"), QStringLiteral("c+/=&#") },
            { QStringLiteral("state"), received.left(64) },
            { QStringLiteral("iss"), QStringLiteral("http://127.0.0.1:8421") } });
    const QUrl original(received);
    if (original.isValid() && redirect.isValid()) {
        require(redirect.scheme() == original.scheme() && redirect.host() == original.host()
                && redirect.port() == original.port(),
            "the redirect goes where the URI says", second);
    }
    return 0;
}
