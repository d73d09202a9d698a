// Redirect URIs from outside: the one an authorization request names (redirect::matches, RFC 6749
// §3.1.2.3, RFC 8252 §7.3), the ones a client registers (redirect::registrationProblem, RFC 6749
// §3.1.2, RFC 8252 §7.1) and the one the bank redirects to with its parameters (withParameters).
// Input: "registered\nreceived". Properties: a URI that may be registered matches itself; a match is
// exact or is between http loopback URIs with the same path and query, without userinfo or fragment;
// the redirect keeps scheme, host and port.

#include "FuzzSupport.h"
#include "bank/RedirectUri.h"

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
        // RFC 8252 §7.3: the one exception to exact matching is an http loopback URI on another port
        // (and, by the bank's choice, another loopback name: Qt 6.7.2+ says localhost, not 127.0.0.1).
        const QUrl a(registered, QUrl::StrictMode);
        const QUrl b(received, QUrl::StrictMode);
        require(a.scheme() == QLatin1String("http") && b.scheme() == QLatin1String("http"),
            "only http loopback", first + " | " + second);
        require(redirect::isLoopbackHost(a.host()) && redirect::isLoopbackHost(b.host()),
            "loopback hosts only", first + " | " + second);
        require(b.userInfo().isEmpty() && !b.hasFragment(), "no userinfo, no fragment", second);
        require(
            a.path() == b.path() && a.query() == b.query(), "same path and query", first + " | " + second);
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
