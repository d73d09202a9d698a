// banky, the resource server: bearer tokens only (RFC 6750 §2.1), validated for signature, issuer,
// audience, expiry (RFC 9068 §4), revocation, and scope (RFC 6750 §3.1 insufficient_scope).

#include "bank/Bank.h"
#include "crypto/Jwt.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtNumeric>

namespace cfl {

namespace {
constexpr auto Realm = "banky";

QString money(qint64 cents)
{
    return QString::number(double(cents) / 100.0, 'f', 2);
}

QJsonObject accountJson(const BankAccount &account)
{
    return QJsonObject { { QStringLiteral("id"), account.id }, { QStringLiteral("name"), account.name },
        { QStringLiteral("type"), account.kind }, { QStringLiteral("iban"), account.iban },
        { QStringLiteral("currency"), account.currency },
        { QStringLiteral("balance"), money(account.balanceCents) } };
}

QJsonObject transactionJson(const BankTransaction &t)
{
    return QJsonObject { { QStringLiteral("id"), t.id },
        { QStringLiteral("booked_on"), t.bookedOn.toString(Qt::ISODate) },
        { QStringLiteral("description"), t.description }, { QStringLiteral("counterparty"), t.counterparty },
        { QStringLiteral("category"), t.category }, { QStringLiteral("amount"), money(t.amountCents) },
        { QStringLiteral("balance_after"), money(t.balanceAfterCents) } };
}
} // namespace

Bank::Checked<IssuedToken> Bank::validateBearer(const HttpRequest &request, const QString &requiredScope)
{
    // check the token travels in the Authorization header only (RFC 6750 §2.1; query and body forms
    // leak into logs and histories, RFC 9700 §2.5 / RFC 6750 §5.3)
    if (request.url.hasQuery() && request.url.query().contains(QStringLiteral("access_token="))) {
        return OAuthError::invalidRequest(
            QStringLiteral("send the access token in the Authorization header, not the URL"),
            QStringLiteral("RFC 6750 §2.1, §5.3"));
    }
    const QByteArray authorization = request.header("Authorization");
    if (authorization.isEmpty())
        return OAuthError::noBearerToken(); // §3.1: no error code when the request had no authentication
    if (authorization.left(7).compare("Bearer ", Qt::CaseInsensitive) != 0)
        return OAuthError::invalidRequest(
            QStringLiteral("the Authorization header must use the Bearer scheme"),
            QStringLiteral("RFC 6750 §2.1"));
    const QByteArray token = authorization.mid(7).trimmed();

    // check signature (RS256 with our key only)
    QString error;
    const auto jwt = verifyRs256(token, jwks(), &error);
    if (!jwt)
        return OAuthError::invalidToken(QStringLiteral("access token rejected: %1").arg(error));
    const QJsonObject &claims = jwt->payload;
    // check type: an access token, not an ID token (RFC 9068 §4: typ at+jwt)
    if (jwt->header.value(QStringLiteral("typ"))
            .toString()
            .compare(QLatin1String("at+jwt"), Qt::CaseInsensitive)
        != 0)
        return OAuthError::invalidToken(
            QStringLiteral("this is not an access token (typ must be at+jwt); an ID token is not for APIs"));
    // check issuer and audience (RFC 9068 §4)
    if (claims.value(QStringLiteral("iss")).toString() != issuer())
        return OAuthError::invalidToken(QStringLiteral("access token from another issuer"))
            .compared(issuer(), claims.value(QStringLiteral("iss")).toString());
    if (claims.value(QStringLiteral("aud")).toString() != apiAudience())
        return OAuthError::invalidToken(QStringLiteral("access token is not meant for banky"))
            .compared(apiAudience(), claims.value(QStringLiteral("aud")).toString());
    // check expiry
    const qint64 exp = claims.value(QStringLiteral("exp")).toInteger();
    if (exp <= now())
        return OAuthError::invalidToken(QStringLiteral("access token expired %1 s ago").arg(now() - exp))
            .compared(QStringLiteral("exp > %1").arg(now()), QString::number(exp));
    // check revocation in the ledger (RFC 7009: revoked tokens stop working at once)
    const auto record = m_store.tokenByJti(claims.value(QStringLiteral("jti")).toString());
    if (!record || record->kind != TokenKind::Access)
        return OAuthError::invalidToken(QStringLiteral("access token unknown to the bank"));
    if (record->revokedAt != 0)
        return OAuthError::invalidToken(
            QStringLiteral("access token was revoked (%1)").arg(record->revokedReason));
    // check scope (RFC 6750 §3.1)
    if (!requiredScope.isEmpty() && !record->scopes.contains(requiredScope))
        return OAuthError::insufficientScope(requiredScope);
    decide(
        QStringLiteral("access token validated: signature, issuer, audience, expiry, revocation, scope"), 15);
    return *record;
}

namespace {
template <typename Checked>
std::optional<HttpResponse> bearerFailure(const Checked &checked, const QString &scope)
{
    if (const auto *error = std::get_if<OAuthError>(&checked))
        return error->toBearerResponse(QString::fromLatin1(Realm),
            error->error() == QLatin1String("insufficient_scope") ? scope : QString());
    return std::nullopt;
}
} // namespace

HttpResponse Bank::apiAccounts(HttpRequest &request)
{
    const QString scope = QStringLiteral("accounts:read");
    const auto token = validateBearer(request, scope);
    if (auto failure = bearerFailure(token, scope)) {
        refuse(std::get<OAuthError>(token));
        return *failure;
    }
    QJsonArray accounts;
    for (const BankAccount &account : m_store.accountsOf(std::get<IssuedToken>(token).userId))
        accounts.append(accountJson(account));
    return HttpResponse::json(QJsonDocument(QJsonObject { { QStringLiteral("accounts"), accounts } }))
        .noStore();
}

HttpResponse Bank::apiTransactions(HttpRequest &request)
{
    const QString scope = QStringLiteral("transactions:read");
    const auto token = validateBearer(request, scope);
    if (auto failure = bearerFailure(token, scope)) {
        refuse(std::get<OAuthError>(token));
        return *failure;
    }
    const auto account = m_store.account(request.pathParameter(QStringLiteral("id")));
    // Another customer's account looks exactly like a missing one.
    if (!account || account->userId != std::get<IssuedToken>(token).userId) {
        return HttpResponse::json(
            QJsonDocument(QJsonObject { { QStringLiteral("error"), QStringLiteral("not_found") },
                { QStringLiteral("error_description"), QStringLiteral("no such account") } }),
            404);
    }
    QJsonArray transactions;
    for (const BankTransaction &t : m_store.transactionsOf(account->id))
        transactions.append(transactionJson(t));
    return HttpResponse::json(
        QJsonDocument(QJsonObject { { QStringLiteral("account"), accountJson(*account) },
            { QStringLiteral("transactions"), transactions } }))
        .noStore();
}

HttpResponse Bank::apiPayments(HttpRequest &request)
{
    const QString scope = QStringLiteral("payments:write");
    const auto token = validateBearer(request, scope);
    if (auto failure = bearerFailure(token, scope)) {
        refuse(std::get<OAuthError>(token));
        return *failure;
    }
    auto badRequest = [](const QString &description) {
        return HttpResponse::json(
            QJsonDocument(QJsonObject { { QStringLiteral("error"), QStringLiteral("invalid_request") },
                { QStringLiteral("error_description"), description } }),
            400);
    };
    if (!request.header("Content-Type").startsWith("application/json"))
        return badRequest(QStringLiteral("send the payment as application/json"));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (!document.isObject())
        return badRequest(QStringLiteral("the body is not a JSON object: %1").arg(parseError.errorString()));
    const QJsonObject payment = document.object();
    const QString from = payment.value(QStringLiteral("from_account")).toString();
    const QString payee = payment.value(QStringLiteral("payee")).toString().trimmed();
    const QString reference = payment.value(QStringLiteral("reference")).toString();
    bool ok = false;
    const double amount = payment.value(QStringLiteral("amount")).toVariant().toString().toDouble(&ok);
    // qRound64 of a NaN, an infinity or anything beyond ±9.2e16 is undefined behaviour: such an amount
    // is no amount ("1e300" and "nan" parse as doubles).
    if (from.isEmpty() || payee.isEmpty() || !ok || !qIsFinite(amount) || qAbs(amount) > 1e13)
        return badRequest(QStringLiteral("a payment needs from_account, payee and amount (e.g. \"12.50\")"));
    QString error;
    const auto booked = m_store.makePayment(
        std::get<IssuedToken>(token).userId, from, payee, qRound64(amount * 100), reference, now(), &error);
    if (!booked)
        return badRequest(error);
    audit(QStringLiteral("payment"), std::get<IssuedToken>(token).clientId, {},
        QStringLiteral("%1 EUR to %2 through the API").arg(money(-booked->amountCents), payee));
    return HttpResponse::json(QJsonDocument(transactionJson(*booked)), 201).noStore();
}

} // namespace cfl
