#include "bank/ClientAuthentication.h"

#include "crypto/Digest.h"
#include "http/WireFormat.h"

namespace cfl {

namespace {
// check Content-Type: application/x-www-form-urlencoded (RFC 6749 §3.2)
Verdict formUrlEncoded(BankContext &, ClientRequest &r)
{
    const QByteArray contentType = r.http.header("Content-Type").split(';').value(0).trimmed().toLower();
    if (contentType == "application/x-www-form-urlencoded")
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("the body must be application/x-www-form-urlencoded, not '%1'")
            .arg(QString::fromLatin1(contentType.isEmpty() ? QByteArray("nothing") : contentType)),
        QStringLiteral("RFC 6749 §3.2"));
}

// check the body: valid form encoding (RFC 6749 Appendix B)
Verdict formEncoding(BankContext &, ClientRequest &r)
{
    QString error;
    const auto form = FormData::parse(r.http.body, &error);
    if (!form)
        return OAuthError::invalidRequest(error, QStringLiteral("RFC 6749 Appendix B"));
    r.form = *form;
    return {};
}

// check one authentication method only: not Basic and client_secret together (RFC 6749 §2.3)
Verdict oneMethod(BankContext &, ClientRequest &r)
{
    r.usesBasic = wire::isBasic(r.http.header("Authorization"));
    r.usesPost = r.form.contains(QStringLiteral("client_secret"));
    // Without Basic, the client names itself in the body (client_secret_post, or a public client).
    r.clientId = r.form.valueOr(QStringLiteral("client_id"));
    r.secret = r.form.valueOr(QStringLiteral("client_secret"));
    r.hasSecret = r.usesPost;
    if (!(r.usesBasic && r.usesPost))
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral(
            "the client authenticated twice (Authorization header and client_secret); use one method"),
        QStringLiteral("RFC 6749 §2.3"));
}

// check the Authorization header: the Basic scheme, if any (RFC 6749 §2.3.1)
Verdict basicScheme(BankContext &, ClientRequest &r)
{
    if (r.http.header("Authorization").isEmpty() || r.usesBasic)
        return {};
    return OAuthError::invalidClient(QStringLiteral("only HTTP Basic client authentication is supported"));
}

// check Basic credentials: base64(client_id ":" client_secret) (RFC 6749 §2.3.1)
Verdict basicFormat(BankContext &, ClientRequest &r)
{
    if (!r.usesBasic)
        return {};
    r.basic = wire::parseBasicCredentials(r.http.header("Authorization"));
    using Problem = wire::BasicCredentials::Problem;
    if (r.basic.problem != Problem::NotBase64 && r.basic.problem != Problem::NoColon)
        return {};
    return OAuthError::invalidClient(
        QStringLiteral("the Basic credentials are not base64(client_id:client_secret)"));
}

// check Basic credentials: client_id and secret each form-url-encoded UTF-8 (RFC 6749 §2.3.1)
Verdict basicEncoding(BankContext &, ClientRequest &r)
{
    if (!r.usesBasic)
        return {};
    r.clientId = r.basic.clientId;
    r.secret = r.basic.secret;
    r.hasSecret = true;
    if (r.basic.problem != wire::BasicCredentials::Problem::NotFormEncoded)
        return {};
    return OAuthError::invalidClient(QStringLiteral("the Basic credentials are not form-url-encoded UTF-8"));
}

// check a client_id in the body names the same client as the Basic credentials (RFC 6749 §2.3.1)
Verdict basicMatchesBody(BankContext &, ClientRequest &r)
{
    const auto bodyId = r.form.value(QStringLiteral("client_id"));
    if (!r.usesBasic || !bodyId || *bodyId == r.clientId)
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("client_id in the body differs from the Basic credentials"),
        QStringLiteral("RFC 6749 §2.3.1"));
}

// check the client says who it is (RFC 6749 §3.2.1)
Verdict clientNamed(BankContext &, ClientRequest &r)
{
    if (!r.clientId.isEmpty())
        return {};
    return OAuthError::invalidClient(
        QStringLiteral("no client authentication: send client_id and client_secret"));
}

// check the client: registered (RFC 6749 §5.2)
Verdict clientRegistered(BankContext &bank, ClientRequest &r)
{
    r.client = bank.store().clients().client(r.clientId).value_or(Client {});
    if (!r.client.clientId.isEmpty())
        return {};
    return OAuthError::invalidClient(QStringLiteral("unknown client '%1'").arg(r.clientId));
}

// check a confidential client sends its secret (RFC 6749 §3.2.1)
Verdict secretSent(BankContext &, ClientRequest &r)
{
    if (r.client.isPublic || r.hasSecret)
        return {};
    return OAuthError::invalidClient(
        QStringLiteral("%1 is a confidential client: it must send its secret").arg(r.client.name));
}

// check the secret: its SHA-256 equals the stored one, compared in constant time (RFC 6749 §2.3.1)
Verdict secretMatches(BankContext &, ClientRequest &r)
{
    if (r.client.isPublic || constantTimeEquals(sha256Hex(r.secret.toUtf8()), r.client.secretHash))
        return {};
    return OAuthError::invalidClient(QStringLiteral("wrong client secret for %1").arg(r.client.name));
}

// check a public client sends no secret: it has none to send
Verdict publicClientWithoutSecret(BankContext &, ClientRequest &r)
{
    if (!r.client.isPublic || !r.hasSecret || r.secret.isEmpty())
        return {};
    return OAuthError::invalidClient(
        QStringLiteral("%1 is a public client and has no secret").arg(r.client.name));
}

// check no parameter is repeated (RFC 6749 §3.2)
Verdict noRepeatedParameters(BankContext &, ClientRequest &r)
{
    const QStringList repeated = r.form.repeatedNames();
    if (repeated.isEmpty())
        return {};
    return OAuthError::repeatedParameters(repeated, QStringLiteral("RFC 6749 §3.2"));
}
} // namespace

const CheckList<ClientRequest> &clientRequestChecks()
{
    static const CheckList<ClientRequest> checks {
        { "client_request.content_type", "the body is application/x-www-form-urlencoded", "RFC 6749 §3.2",
            formUrlEncoded },
        { "client_request.form_encoding", "the body is valid form encoding", "RFC 6749 Appendix B",
            formEncoding },
        { "client_auth.one_method", "one authentication method only, not Basic and client_secret together",
            "RFC 6749 §2.3", oneMethod },
        { "client_auth.basic_scheme", "an Authorization header uses the Basic scheme", "RFC 6749 §2.3.1",
            basicScheme },
        { "client_auth.basic_format", "Basic credentials are base64(client_id \":\" client_secret)",
            "RFC 6749 §2.3.1", basicFormat },
        { "client_auth.basic_encoding", "Basic client_id and secret are form-url-encoded UTF-8",
            "RFC 6749 §2.3.1", basicEncoding },
        { "client_auth.basic_matches_body", "a client_id in the body names the Basic credentials' client",
            "RFC 6749 §2.3.1", basicMatchesBody },
        { "client_auth.client_id_present", "the client says who it is", "RFC 6749 §3.2.1", clientNamed },
        { "client_auth.registered", "the client is registered", "RFC 6749 §5.2", clientRegistered },
        { "client_auth.secret_present", "a confidential client sends its secret", "RFC 6749 §3.2.1",
            secretSent },
        { "client_auth.secret_matches", "the secret's SHA-256 matches, compared in constant time",
            "RFC 6749 §2.3.1", secretMatches },
        { "client_auth.public_no_secret", "a public client sends no secret", "RFC 6749 §2.1",
            publicClientWithoutSecret },
        // After authentication: a stranger's body costs the bank no more than parsing it, and the
        // check is linear in it all the same (FormData::repeatedNames; issue 10 finding 3).
        { "client_request.parameters.once", "no parameter is repeated", "RFC 6749 §3.2",
            noRepeatedParameters },
    };
    return checks;
}

} // namespace cfl
