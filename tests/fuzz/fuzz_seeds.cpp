// Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/): a few well-formed inputs
// per target, so that the fuzzer starts from requests, tokens and documents the bank really meets. Run
// by hand after changing a target's input format: `build-fuzz/tests/fuzz/cfl-fuzz-seeds tests/fuzz/corpus`.
// The JWT seeds are signed with a key made here and thrown away: they are public data (a token and the
// JWKS that verifies it), no private key is kept.

#include "crypto/Base64Url.h"
#include "crypto/SigningKey.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

using namespace cfl;

namespace {

QDir root;

void seed(const QString &target, const QByteArray &input)
{
    root.mkpath(target);
    const QString name
        = QString::fromLatin1(QCryptographicHash::hash(input, QCryptographicHash::Sha1).toHex());
    QFile file(root.filePath(target + QLatin1Char('/') + name));
    if (!file.open(QIODevice::WriteOnly) || file.write(input) != input.size()) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(file.fileName()));
        std::exit(1);
    }
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray basic(const QByteArray &id, const QByteArray &secret)
{
    return "Basic " + (id + ':' + secret).toBase64();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: cfl-fuzz-seeds CORPUS-DIR\n");
        return 2;
    }
    root = QDir(QString::fromLocal8Bit(argv[1]));
    const QByteArray verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const QByteArray tokenBody = "grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&redirect_uri="
                                 "http%3A%2F%2F127.0.0.1%3A5555%2Fcallback&code_verifier="
        + verifier;

    // Form bodies and queries (RFC 6749 App. B).
    for (const QByteArray &form :
        { tokenBody,
            QByteArray(
                "grant_type=refresh_token&refresh_token=tGzv3JOkF0XG5Qx2TlKWIA&scope=openid+accounts%3Aread"),
            QByteArray("a=1&a=2&b="), QByteArray("x=%E2%82%AC+y&%C3%A9=%F0%9F%98%80"), QByteArray("bad=%zz"),
            QByteArray("&&=&x"), QByteArray("csrf=abc&username=john&password=banking-is-fun") })
        seed(QStringLiteral("formdata"), form);

    // Request targets.
    for (const QByteArray &target :
        { QByteArray("GET "
                     "/authorize?response_type=code&client_id=coolloan&redirect_uri=http%3A%2F%2F127.0.0.1%"
                     "3A5555%2Fcallback&scope=openid%20accounts%3Aread&state=xyz&code_challenge="
                     "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"),
            QByteArray("POST /interaction/abc%2Fdef/login"),
            QByteArray("GET /api/accounts/CHK-1001/transactions?x=%0Ay"),
            QByteArray("POST /web/apps/cool%20loan/revoke"),
            QByteArray("GET /authorize?client_id=x%0A12:00:00%20fake=1"),
            QByteArray("GET http://127.0.0.1:8421/api/accounts/%2e%2e/transactions"),
            QByteArray("GET //a//b/?#") })
        seed(QStringLiteral("querystring"), target);

    // Redirect URIs: "registered\nreceived".
    for (const QByteArray &pair : { QByteArray("http://127.0.0.1/callback\nhttp://127.0.0.1:5555/callback"),
             QByteArray("https://app.example/cb\nhttps://app.example/cb"),
             QByteArray("com.example.app:/cb\ncom.example.app:/cb"),
             QByteArray("http://[::1]/cb\nhttp://[::1]:8080/cb"),
             QByteArray("http://localhost/cb\nhttp://user@localhost:1/cb"),
             QByteArray("http://127.0.0.1/cb\nhttp://127.0.0.1:5555/cb#frag"),
             QByteArray("https://app.example/cb\nhttps://app.example.evil/cb"),
             QByteArray("http://127.0.0.1/cb?x=1\nhttp://127.0.0.1:1/cb?x=1") })
        seed(QStringLiteral("redirecturi"), pair);

    // Cookie fields, one per line.
    for (const QByteArray &cookies : { QByteArray("cfl_session=abc; theme=dark"),
             QByteArray("theme=dark;cfl_interaction=x\ncfl_session=y"),
             QByteArray("=v; cfl_session=\"q\"; cfl_session=second"),
             QByteArray(";; cfl_session ; cfl_session=a=b=") })
        seed(QStringLiteral("cookie"), cookies);

    // Basic credentials: endpoint byte, Authorization value, '\n', body.
    const QList<QByteArray> authorizations { basic("coolloan", "not-the-secret"),
        basic("cool%3Aloan", "a%20b"), "basic Y29vbGxvYW46", "Basic ", "Basic ====", "Bearer x",
        basic("coolloan", ""), basic("%FF%FE", "x"), QByteArray() };
    const QList<QByteArray> bodies { tokenBody, "token=abc&token_type_hint=refresh_token",
        "client_id=coolloan&client_secret=x&grant_type=refresh_token&refresh_token=r",
        "client_id=other&token=t" };
    for (int endpoint = 0; endpoint < 3; ++endpoint) {
        for (const QByteArray &authorization : authorizations)
            seed(QStringLiteral("basicauth"),
                char(endpoint) + authorization + '\n'
                    + bodies.value(int(authorization.size()) % bodies.size()));
    }

    // Bearer tokens at banky. Mode 1: claims signed by the bank's key inside the target.
    const QJsonObject good { { QStringLiteral("iss"), QStringLiteral("http://127.0.0.1:8421") },
        { QStringLiteral("aud"), QStringLiteral("http://127.0.0.1:8421/api") },
        { QStringLiteral("exp"), 1'800'003'600 }, { QStringLiteral("iat"), 1'799'999'990 },
        { QStringLiteral("jti"), QStringLiteral("fuzz-access-1") },
        { QStringLiteral("sub"), QStringLiteral("1") },
        { QStringLiteral("client_id"), QStringLiteral("coolloan") },
        { QStringLiteral("scope"),
            QStringLiteral("openid accounts:read transactions:read payments:write") } };
    const QByteArray payment
        = R"({"from_account":"CHK-1001","payee":"Bob","amount":"12.50","reference":"rent"})";
    for (char endpoint = 0; endpoint < 5; ++endpoint) {
        const QByteArray rest = endpoint == 1 ? QByteArray("CHK-1001")
            : endpoint == 2                   ? payment
                                              : QByteArray();
        seed(QStringLiteral("bearer"), QByteArray(1, 1) + endpoint + json(good) + "\tat+jwt\n" + rest);
    }
    QJsonObject revoked = good;
    revoked.insert(QStringLiteral("jti"), QStringLiteral("fuzz-access-revoked"));
    QJsonObject refresh = good;
    refresh.insert(QStringLiteral("jti"), QStringLiteral("fuzz-refresh-1"));
    QJsonObject expired = good;
    expired.insert(QStringLiteral("exp"), 1'799'999'999);
    for (const QJsonObject &claims : { revoked, refresh, expired })
        seed(QStringLiteral("bearer"), QByteArray("\1\0", 2) + json(claims) + "\tat+jwt\n");
    seed(QStringLiteral("bearer"), QByteArray("\1\3", 2) + json(good) + "\tJWT\n");
    seed(QStringLiteral("bearer"),
        QByteArray("\1\2", 2) + json(good)
            + "\tat+jwt\n{\"amount\":\"nan\",\"from_account\":\"CHK-3001\",\"payee\":\"x\"}");
    // Mode 2: header ("$kid" becomes the bank's kid), payload, signature.
    for (const QByteArray &header : { QByteArray(R"({"alg":"RS256","kid":"$kid","typ":"at+jwt"})"),
             QByteArray(R"({"alg":"none","typ":"at+jwt"})"), QByteArray(R"({"alg":"HS256","kid":"$kid"})"),
             QByteArray(R"({"alg":"RS256","kid":"$kid","crit":["exp"]})"),
             QByteArray(R"({"alg":"RS256","kid":["$kid"]})") })
        seed(QStringLiteral("bearer"),
            QByteArray("\2\0", 2) + header + '\t' + json(good) + '\t' + QByteArray(256, 'S') + '\n');

    // Compact JWS + JWKS, signed with a key that exists only here.
    const SigningKey key = SigningKey::generate();
    const QByteArray token = key.signJwt(good, "at+jwt");
    const QJsonObject jwks { { QStringLiteral("keys"), QJsonArray { key.publicJwk() } } };
    seed(QStringLiteral("jwt"), token + '\n' + json(jwks));
    seed(QStringLiteral("bearer"), QByteArray("\0\0", 2) + "Bearer " + token);
    seed(QStringLiteral("bearer"), QByteArray("\0\4", 2) + "bearer  " + token + "  ");
    QJsonObject smallKey = key.publicJwk();
    smallKey.insert(QStringLiteral("n"), QString::fromLatin1(base64UrlEncode(QByteArray(128, '\xff'))));
    seed(QStringLiteral("jwt"), token + '\n' + json({ { QStringLiteral("keys"), QJsonArray { smallKey } } }));
    QJsonObject ecKey = key.publicJwk();
    ecKey.insert(QStringLiteral("kty"), QStringLiteral("EC"));
    seed(QStringLiteral("jwt"),
        token + '\n' + json({ { QStringLiteral("keys"), QJsonArray { ecKey, key.publicJwk() } } }));
    const QList<QByteArray> parts = token.split('.');
    seed(QStringLiteral("jwt"),
        base64UrlEncode(R"({"alg":"none"})") + '.' + parts.value(1) + ".\n" + json(jwks));
    seed(QStringLiteral("jwt"),
        parts.value(0) + '.' + parts.value(1) + '.' + parts.value(2).left(40) + '\n' + json(jwks));
    seed(QStringLiteral("jwt"), "a.b.c\n{}");

    // Client registration metadata (RFC 7591 §2).
    for (const QByteArray &metadata :
        { QByteArray(
              R"({"client_name":"My App","redirect_uris":["http://127.0.0.1/callback"],"scope":"openid profile","token_endpoint_auth_method":"none"})"),
            QByteArray(
                R"({"client_name":"Ünïcødé ✓","redirect_uris":["https://app.example/cb","com.example.app:/cb"],"scope":"openid offline_access accounts:read"})"),
            QByteArray(R"({"client_name":" ","redirect_uris":["http://evil.example/cb#x"],"scope":"admin"})"),
            QByteArray(R"({"client_name":"A","redirect_uris":["http://[::1]:1/cb?q=%20"],"scope":""})") })
        seed(QStringLiteral("clientregistration"), metadata);

    // Page renderer: template byte, title, values (NUL-separated).
    static const char pageValues[] = "Sign in\0john\0<script>alert(1)</script>\0\" onmouseover=\"x\0' "
                                     "x='\0{{{content}}}\0{{csrf}}\0&amp;";
    for (char page = 0; page < 9; ++page)
        seed(QStringLiteral("pagerenderer"),
            QByteArray(1, page) + QByteArray(pageValues, sizeof(pageValues) - 1));

    // Requests on the wire.
    for (const QByteArray &request : { QByteArray("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
             "POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
             "application/x-www-form-urlencoded\r\nContent-Length: "
                 + QByteArray::number(tokenBody.size()) + "\r\n\r\n" + tokenBody,
             QByteArray("\r\nPOST /web/pay HTTP/1.1\nContent-Length: 3\n\nabcGET / HTTP/1.0\n\n"),
             QByteArray("POST /token HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
             QByteArray("GET / HTTP/1.1\r\nA: 1\r\n b\r\nContent-Length : 2\r\n\r\n"),
             QByteArray("POST /token HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab") })
        seed(QStringLiteral("requestframing"), request);
    return 0;
}
