// JWT/JWS at the resource server: the whole of Bank::validateBearer and the endpoints behind it
// (banky's /api, /userinfo), through Bank::handle. The first byte picks how the token is made:
//   0  the Authorization value as given ("Bearer …" and anything else);
//   1  claims JSON from the input, typ from the input, signed with the bank's own key — so the checks
//      after the signature run on anything (typ, iss, aud, exp, the ledger's jti, scope: RFC 9068 §4,
//      RFC 6750 §3.1) and the endpoints get tokens that pass;
//   2  header JSON ("$kid" becomes the bank's kid), payload and signature bytes from the input — alg
//      none, HS256, crit, other keys (RFC 8725 §3.1, RFC 7515 §4.1.11).
// The second byte picks the endpoint; what follows '\n' is a path parameter or a JSON body.
// Properties: only a token the bank signed, of type at+jwt, for this issuer and audience, unexpired,
// known to the ledger and not revoked, ever gets a 2xx; a 401 carries WWW-Authenticate (RFC 6750 §3).

#include "FuzzSupport.h"
#include "crypto/Base64Url.h"
#include "crypto/Digest.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace cfl;
using namespace cfl::fuzz;

namespace {

constexpr auto GoodJti = "fuzz-access-1";
constexpr auto RevokedJti = "fuzz-access-revoked";
constexpr auto RefreshJti = "fuzz-refresh-1";
QString Kid;
std::unique_ptr<SigningKey> Key;

void insertToken(const QString &jti, TokenKind kind, qint64 revokedAt)
{
    const auto john = bank().store->users().userByUsername(QStringLiteral("john"));
    require(john.has_value(), "John is in the seed");
    IssuedToken token;
    token.tokenHash = sha256Hex(jti.toUtf8());
    token.kind = kind;
    token.jti = jti;
    token.clientId = QStringLiteral("coolloan");
    token.userId = john->id;
    token.scopes = { QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("email"),
        QStringLiteral("accounts:read"), QStringLiteral("transactions:read"),
        QStringLiteral("payments:write") };
    token.familyId = jti;
    token.issuedAt = FuzzBank::Now - 10;
    token.expiresAt = FuzzBank::Now + 3600;
    token.revokedAt = revokedAt;
    require(bank().store->grants().insertToken(token), "the ledger takes the fuzz tokens");
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    bank();
    // The bank signs with a key this target holds too, so that mode 1 can sign what the bank accepts.
    Key = std::make_unique<SigningKey>(SigningKey::generate());
    Kid = Key->kid();
    BankConfig config;
    config.issuer = QUrl(QStringLiteral("http://127.0.0.1:8421"));
    config.clock = [] { return FuzzBank::Now; };
    auto own = SigningKey::fromPrivateJwk(Key->toPrivateJwk());
    require(own.has_value(), "the fuzz key round-trips");
    bank().bank = std::make_unique<Bank>(*bank().store, std::move(*own), config);
    insertToken(QString::fromLatin1(GoodJti), TokenKind::Access, 0);
    insertToken(QString::fromLatin1(RevokedJti), TokenKind::Access, FuzzBank::Now - 5);
    insertToken(QString::fromLatin1(RefreshJti), TokenKind::Refresh, 0);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const int mode = data[0] % 3;
    const int endpoint = data[1] % 5;
    const auto [tokenPart, rest] = cut(bytesOf(data + 2, size - 2), '\n');

    QByteArray authorization;
    QJsonObject signedClaims;
    QByteArray signedTyp;
    if (mode == 0) {
        authorization = tokenPart;
    } else if (mode == 1) {
        const auto [claimsJson, typ] = cut(tokenPart, '\t');
        signedClaims = QJsonDocument::fromJson(claimsJson).object();
        signedTyp = typ.isEmpty() ? QByteArray("at+jwt") : typ;
        // SigningKey hands typ to cjose as a C string: what is signed ends at the first NUL, and that is
        // the typ the bank then reads.
        if (const qsizetype nul = signedTyp.indexOf('\0'); nul >= 0)
            signedTyp.truncate(nul);
        authorization = "Bearer " + Key->signJwt(signedClaims, signedTyp);
    } else {
        const auto [header, others] = cut(tokenPart, '\t');
        const auto [payload, signature] = cut(others, '\t');
        QByteArray withKid = header;
        withKid.replace("$kid", Kid.toUtf8());
        authorization = "Bearer " + base64UrlEncode(withKid) + '.' + base64UrlEncode(payload) + '.'
            + base64UrlEncode(signature);
    }

    static const QByteArray methods[] = { "GET", "GET", "POST", "GET", "POST" };
    QByteArray target;
    switch (endpoint) {
    case 0:
        target = "/api/accounts";
        break;
    case 1:
        target
            = "/api/accounts/" + QUrl::toPercentEncoding(QString::fromUtf8(rest.left(64))) + "/transactions";
        break;
    case 2:
        target = "/api/payments";
        break;
    default:
        target = "/userinfo";
        break;
    }
    HttpRequest request = requestTo(methods[endpoint], target);
    request.headers.append(qMakePair(QByteArray("Authorization"), QByteArray(authorization)));
    if (endpoint == 2) {
        request.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
        request.body = rest;
    }
    const HttpResponse response = handleAndForget(request);

    require(response.status < 500, "no server error", response.body.left(300));
    if (response.status == 401)
        require(!response.header("WWW-Authenticate").isEmpty(), "a 401 names its challenge (RFC 6750 §3)");
    if (response.status >= 200 && response.status < 300) {
        require(mode == 1, "only a token the bank signed is accepted", authorization.left(300));
        require(QByteArray(signedTyp).toLower() == "at+jwt", "only an access token (RFC 9068 §4)", signedTyp);
        require(
            signedClaims.value(QStringLiteral("iss")).toString() == QLatin1String("http://127.0.0.1:8421"),
            "only this issuer");
        require(signedClaims.value(QStringLiteral("aud")).toString()
                == QLatin1String("http://127.0.0.1:8421/api"),
            "only banky's audience");
        require(signedClaims.value(QStringLiteral("exp")).toInteger() > FuzzBank::Now, "only unexpired");
        require(signedClaims.value(QStringLiteral("jti")).toString() == QLatin1String(GoodJti),
            "only a live access token of the ledger");
    }
    return 0;
}
