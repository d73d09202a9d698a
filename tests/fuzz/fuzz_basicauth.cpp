// HTTP Basic client credentials at boris (RFC 6749 §2.3.1: base64 of form-url-encoded id ":" secret,
// UTF-8) through the whole of Bank::handle for /token, /revoke and /introspect, with a body from the
// input. Input: "Authorization value\nbody"; the first byte picks the endpoint. Properties: without
// CoolLoan's secret (256 random bits, unknown to the fuzzer) no request succeeds; every refusal is a
// 4xx with a JSON error (RFC 6749 §5.2), and invalid_client is a 401 with WWW-Authenticate.

#include "FuzzSupport.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace cfl;
using namespace cfl::fuzz;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    bank();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const QByteArray paths[] = { "/token", "/revoke", "/introspect" };
    const QByteArray path = paths[data[0] % 3];
    const auto [authorization, body] = cut(bytesOf(data + 1, size - 1), '\n');
    HttpRequest request = requestTo("POST", path);
    request.headers.append(
        qMakePair(QByteArray("Content-Type"), QByteArray("application/x-www-form-urlencoded")));
    request.headers.append(qMakePair(QByteArray("Authorization"), QByteArray(authorization)));
    request.body = body;
    const HttpResponse response = handleAndForget(request);

    require(response.status >= 400 && response.status < 500, "no success without the client's secret",
        QByteArray::number(response.status) + ' ' + response.body.left(300));
    const QJsonObject error = QJsonDocument::fromJson(response.body).object();
    require(!error.value(QStringLiteral("error")).toString().isEmpty(), "a JSON error (RFC 6749 §5.2)",
        response.body.left(300));
    if (error.value(QStringLiteral("error")).toString() == QLatin1String("invalid_client"))
        require(response.status == 401 && !response.header("WWW-Authenticate").isEmpty(),
            "invalid_client is 401 with a challenge");
    return 0;
}
