// boris authenticates the client: client_secret_basic or client_secret_post (RFC 6749 §2.3.1), one
// method per request (§2.3), secrets compared in constant time; public clients identify with client_id
// alone and rely on PKCE (RFC 7636, RFC 9700 §2.1.1).

#include "bank/Bank.h"
#include "crypto/Digest.h"

namespace cfl {

Bank::Checked<FormData> Bank::parseTokenRequestBody(const HttpRequest &request)
{
    // check Content-Type: application/x-www-form-urlencoded (RFC 6749 §4.1.3, §3.2)
    const QByteArray contentType = request.header("Content-Type").split(';').value(0).trimmed().toLower();
    if (contentType != "application/x-www-form-urlencoded") {
        return OAuthError::invalidRequest(
            QStringLiteral("the body must be application/x-www-form-urlencoded, not '%1'")
                .arg(QString::fromLatin1(contentType.isEmpty() ? QByteArray("nothing") : contentType)),
            QStringLiteral("RFC 6749 §3.2"));
    }
    QString error;
    auto form = FormData::parse(request.body, &error);
    if (!form)
        return OAuthError::invalidRequest(error, QStringLiteral("RFC 6749 Appendix B"));
    // reject repeated parameters (RFC 6749 §3.2)
    if (const QStringList repeated = form->repeatedNames(); !repeated.isEmpty()) {
        return OAuthError::invalidRequest(
            QStringLiteral("parameters must not be repeated: %1").arg(repeated.join(QStringLiteral(", "))),
            QStringLiteral("RFC 6749 §3.2"));
    }
    return *form;
}

Bank::Checked<Client> Bank::authenticateClient(const HttpRequest &request, const FormData &form)
{
    QString clientId;
    QString secret;
    bool hasSecret = false;
    const QByteArray authorization = request.header("Authorization");
    const bool usesBasic = authorization.left(6).compare("Basic ", Qt::CaseInsensitive) == 0;
    const bool usesPost = form.contains(QStringLiteral("client_secret"));

    // check one authentication method only (RFC 6749 §2.3)
    if (usesBasic && usesPost) {
        return OAuthError::invalidRequest(
            QStringLiteral(
                "the client authenticated twice (Authorization header and client_secret); use one method"),
            QStringLiteral("RFC 6749 §2.3"));
    }
    if (!authorization.isEmpty() && !usesBasic) {
        return OAuthError::invalidClient(
            QStringLiteral("only HTTP Basic client authentication is supported"));
    }
    if (usesBasic) {
        // check Basic credentials: base64(urlencode(id) ":" urlencode(secret)) (RFC 6749 §2.3.1)
        const auto decoded = QByteArray::fromBase64Encoding(
            authorization.mid(6).trimmed(), QByteArray::AbortOnBase64DecodingErrors);
        const qsizetype colon = decoded ? decoded.decoded.indexOf(':') : -1;
        if (colon < 0)
            return OAuthError::invalidClient(
                QStringLiteral("the Basic credentials are not base64(client_id:client_secret)"));
        const auto id = formUrlDecode(decoded.decoded.left(colon));
        const auto pass = formUrlDecode(decoded.decoded.mid(colon + 1));
        if (!id || !pass)
            return OAuthError::invalidClient(
                QStringLiteral("the Basic credentials are not form-url-encoded UTF-8"));
        clientId = *id;
        secret = *pass;
        hasSecret = true;
        // A client_id in the body too must name the same client.
        if (const auto bodyId = form.value(QStringLiteral("client_id")); bodyId && *bodyId != clientId) {
            return OAuthError::invalidRequest(
                QStringLiteral("client_id in the body differs from the Basic credentials"),
                QStringLiteral("RFC 6749 §2.3.1"));
        }
    } else {
        clientId = form.valueOr(QStringLiteral("client_id"));
        hasSecret = usesPost;
        secret = form.valueOr(QStringLiteral("client_secret"));
    }
    if (clientId.isEmpty())
        return OAuthError::invalidClient(
            QStringLiteral("no client authentication: send client_id and client_secret"));

    // check client: known
    const auto client = m_store.client(clientId);
    if (!client) {
        audit(QStringLiteral("refusal"), clientId, {}, QStringLiteral("unknown client"));
        return OAuthError::invalidClient(QStringLiteral("unknown client '%1'").arg(clientId));
    }
    // check secret: confidential clients must authenticate (RFC 6749 §3.2.1)
    if (!client->isPublic) {
        if (!hasSecret)
            return OAuthError::invalidClient(
                QStringLiteral("%1 is a confidential client: it must send its secret").arg(client->name));
        if (!constantTimeEquals(sha256Hex(secret.toUtf8()), client->secretHash)) {
            audit(QStringLiteral("refusal"), clientId, {}, QStringLiteral("wrong client secret"));
            return OAuthError::invalidClient(QStringLiteral("wrong client secret for %1").arg(client->name));
        }
    } else if (hasSecret && !secret.isEmpty()) {
        return OAuthError::invalidClient(
            QStringLiteral("%1 is a public client and has no secret").arg(client->name));
    }
    return *client;
}

Bank::Checked<Bank::ClientRequest> Bank::authenticatedClientRequest(const HttpRequest &request)
{
    auto form = parseTokenRequestBody(request);
    if (auto *error = std::get_if<OAuthError>(&form))
        return *error;
    auto client = authenticateClient(request, std::get<FormData>(form));
    if (auto *error = std::get_if<OAuthError>(&client))
        return *error;
    return ClientRequest { std::move(std::get<FormData>(form)), std::move(std::get<Client>(client)) };
}

HttpResponse Bank::tokenEndpointError(const OAuthError &error)
{
    refuse(error);
    return error.toTokenEndpointResponse();
}

} // namespace cfl
