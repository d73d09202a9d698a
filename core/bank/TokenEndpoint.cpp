// boris's token endpoint: RFC 6749 §3.2, §4.1.3, §5, §6.

#include "bank/TokenEndpoint.h"

#include "bank/ClientAuthentication.h"
#include "bank/Refusal.h"

#include <QJsonDocument>

namespace cfl {

namespace {
const QString CodeGrantType = QStringLiteral("authorization_code");
const QString RefreshGrantType = QStringLiteral("refresh_token");

// check grant_type: present (RFC 6749 §4.1.3)
Verdict grantTypePresent(BankContext &, ClientRequest &r)
{
    if (!r.form.valueOr(QStringLiteral("grant_type")).isEmpty())
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("grant_type is missing"), QStringLiteral("RFC 6749 §4.1.3"));
}

// check grant_type: authorization_code or refresh_token (RFC 6749 §5.2 unsupported_grant_type)
Verdict grantTypeSupported(BankContext &, ClientRequest &r)
{
    const QString grantType = r.form.valueOr(QStringLiteral("grant_type"));
    if (grantType.isEmpty() || grantType == CodeGrantType || grantType == RefreshGrantType)
        return {};
    return OAuthError::unsupportedGrantType(grantType);
}

const CheckList<ClientRequest> &tokenChecks()
{
    static const CheckList<ClientRequest> checks = [] {
        CheckList<ClientRequest> list = clientRequestChecks();
        list.insert(list.end(),
            {
                { "token.grant_type.present", "grant_type is present", "RFC 6749 §4.1.3", grantTypePresent },
                { "token.grant_type.supported", "grant_type is authorization_code or refresh_token",
                    "RFC 6749 §5.2", grantTypeSupported },
            });
        return list;
    }();
    return checks;
}
} // namespace

TokenEndpoint::TokenEndpoint(BankContext &bank)
    : m_bank(bank)
    , m_issuer(bank)
    , m_codeGrant(bank, m_issuer)
    , m_refreshGrant(bank, m_issuer)
{ }

QList<CheckSpec> TokenEndpoint::checks()
{
    return specsOf(tokenChecks());
}

HttpResponse TokenEndpoint::handle(HttpRequest &request)
{
    // Refused or not, a code grant is the client swapping its code for tokens (seed step 12).
    const auto asked = FormData::parse(request.body);
    if (asked && asked->valueOr(QStringLiteral("grant_type")) == CodeGrantType)
        m_bank.requestRealises(seed::TokenRequest);
    ClientRequest r(request);
    if (const auto refusal = runChecks(m_bank, tokenChecks(), r))
        return refuse(m_bank, *refusal, RefusalForm::tokenEndpoint(), { r.clientId });

    const QString grantType = r.form.valueOr(QStringLiteral("grant_type"));
    std::variant<QJsonObject, Refusal> result = cannotServe(QStringLiteral("token.grant_type.supported"),
        QStringLiteral("there is no grant '%1' to run").arg(grantType));
    // All or nothing: the code's redemption (RFC 6749 §4.1.2) or the refresh token's rotation (RFC 9700
    // §4.14.2) commits together with the tokens it yields, before the answer is written. A bank killed in
    // between restarts with the code unredeemed (the token unrotated) and no tokens, and the client's
    // second try gets them; never a used code or a rotated token with nothing to show for it
    // (tests/integration/tst_crashsafety). A refusal's revocations commit too.
    // A refresh's access token is signed before the transaction, which then only checks, rotates and
    // records: the signature held every other writer of the bank (docs/benchmarks.md, "Refresh").
    std::optional<SignedAccessToken> ahead;
    if (grantType == RefreshGrantType)
        ahead = m_refreshGrant.signAhead(r);
    const bool recorded = m_bank.store().inTransaction([&] {
        if (grantType == CodeGrantType)
            result = m_codeGrant.exchange(r);
        else if (grantType == RefreshGrantType)
            result = m_refreshGrant.refresh(r, ahead ? &*ahead : nullptr);
        return true;
    });
    if (!recorded)
        result = cannotServe(QStringLiteral("token.grant_type.supported"),
            QStringLiteral(
                "the ledger could not record the grant; nothing was issued, send the request again"));
    if (const auto *refusal = std::get_if<Refusal>(&result))
        return refuse(m_bank, *refusal, RefusalForm::tokenEndpoint(), { r.client.clientId });
    if (grantType == CodeGrantType)
        m_bank.answerRealises(seed::TokenResponse);
    QJsonObject &tokens = std::get<QJsonObject>(result);
    m_issuer.signIdToken(tokens);
    return HttpResponse::json(QJsonDocument(tokens)).noStore();
}

} // namespace cfl
