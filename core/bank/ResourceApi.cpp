// banky, the resource server: bearer tokens only (RFC 6750 §2.1), validated for signature, issuer,
// audience, expiry (RFC 9068 §4), revocation, and scope (RFC 6750 §3.1 insufficient_scope).

#include "bank/ResourceApi.h"

#include "bank/BearerToken.h"
#include "bank/Refusal.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtNumeric>

#include <algorithm>

namespace cfl {

namespace {
const QString Realm = QStringLiteral("banky");

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

// A request for one account's transactions, as the checks found it.
struct AccountRequest
{
    const BearerRequest &bearer;
    BankAccount account; // empty until found
};

// check the account: the token's user's own; another customer's answers like a missing one (404), so
// that account ids cannot be probed
Verdict ownAccount(BankContext &bank, AccountRequest &r)
{
    r.account = bank.store()
                    .accounts()
                    .account(r.bearer.http.pathParameter(QStringLiteral("id")))
                    .value_or(BankAccount {});
    if (!r.account.id.isEmpty() && r.account.userId == r.bearer.record.userId)
        return {};
    return OAuthError::notFound(QStringLiteral("no such account"));
}

// A payment order, as the checks found it.
struct PaymentRequest
{
    const BearerRequest &bearer;
    QJsonObject payment;
    QString from;
    QString payee;
    QString reference;
    double amount = 0;
    std::optional<BankTransaction> booked;
};

// check the body: JSON
Verdict paymentIsJson(BankContext &, PaymentRequest &r)
{
    if (r.bearer.http.header("Content-Type").startsWith("application/json"))
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("send the payment as application/json"), QStringLiteral("—"));
}

// check the body: one JSON object
Verdict paymentIsObject(BankContext &, PaymentRequest &r)
{
    // RFC 8259 §7: control characters (U+0000 to U+001F) are escaped inside strings, and only space, tab,
    // LF and CR separate tokens. QJsonDocument takes a raw NUL inside a string: a payee "B\0ob" would be
    // booked.
    const QByteArray &body = r.bearer.http.body;
    if (std::any_of(body.cbegin(), body.cend(),
            [](char c) { return uchar(c) < 0x20 && c != '\t' && c != '\n' && c != '\r'; })) {
        return OAuthError::invalidRequest(
            QStringLiteral("the body is not JSON: a control character is not escaped"),
            QStringLiteral("RFC 8259 §7"));
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(r.bearer.http.body, &parseError);
    r.payment = document.object();
    if (document.isObject())
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("the body is not a JSON object: %1").arg(parseError.errorString()),
        QStringLiteral("—"));
}

// check the order: from_account, payee and a finite amount
Verdict paymentFields(BankContext &, PaymentRequest &r)
{
    r.from = r.payment.value(QStringLiteral("from_account")).toString();
    r.payee = r.payment.value(QStringLiteral("payee")).toString().trimmed();
    r.reference = r.payment.value(QStringLiteral("reference")).toString();
    bool ok = false;
    r.amount = r.payment.value(QStringLiteral("amount")).toVariant().toString().toDouble(&ok);
    // qRound64 of a NaN, an infinity or anything beyond ±9.2e16 is undefined behaviour: such an amount is
    // no amount ("1e300" and "nan" parse as doubles).
    const bool amount = ok && qIsFinite(r.amount) && qAbs(r.amount) <= 1e13;
    if (!amount)
        r.amount = 0;
    if (!r.from.isEmpty() && !r.payee.isEmpty() && amount)
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("a payment needs from_account, payee and amount (e.g. \"12.50\")"),
        QStringLiteral("—"));
}

// check the ledger books it, in one transaction: amount > 0, a payee, the token user's own account
// (the same answer as for no such account), enough funds (AccountStore::makePayment)
Verdict paymentBooked(BankContext &bank, PaymentRequest &r)
{
    QString error;
    r.booked = bank.store().accounts().makePayment(
        r.bearer.record.userId, r.from, r.payee, qRound64(r.amount * 100), r.reference, bank.now(), &error);
    if (r.booked)
        return {};
    return OAuthError::invalidRequest(error, QStringLiteral("—"));
}

const CheckList<AccountRequest> &transactionChecklist()
{
    static const CheckList<AccountRequest> checks {
        { "api.account.owner", "the account is the token user's; another's answers like a missing one",
            "OWASP API1:2023", ownAccount },
    };
    return checks;
}

const CheckList<PaymentRequest> &paymentChecklist()
{
    static const CheckList<PaymentRequest> checks {
        { "api.payment.json", "the payment is sent as application/json", "—", paymentIsJson },
        { "api.payment.object", "the body is one JSON object", "—", paymentIsObject },
        { "api.payment.fields", "from_account, payee and a finite amount are given", "—", paymentFields },
        { "api.payment.booked",
            "the ledger books it: amount > 0, a payee, the token user's own account, enough funds", "—",
            paymentBooked },
    };
    return checks;
}
} // namespace

ResourceApi::ResourceApi(BankContext &bank)
    : m_bank(bank)
{ }

QList<CheckSpec> ResourceApi::accountsChecks()
{
    return specsOf(bearerChecks());
}

QList<CheckSpec> ResourceApi::transactionsChecks()
{
    return specsOf(bearerChecks()) + specsOf(transactionChecklist());
}

QList<CheckSpec> ResourceApi::paymentsChecks()
{
    return specsOf(bearerChecks()) + specsOf(paymentChecklist());
}

HttpResponse ResourceApi::accounts(HttpRequest &request)
{
    m_bank.requestRealises(seed::ResourceRequest); // refused or not
    BearerRequest bearer(request, QStringLiteral("accounts:read"));
    if (const auto refusal = runChecks(m_bank, bearerChecks(), bearer))
        return refuse(m_bank, *refusal, RefusalForm::bearerChallenge(Realm, bearer.requiredScope),
            { bearer.record.clientId });
    m_bank.decide(
        QStringLiteral("access token validated: signature, issuer, audience, expiry, revocation, scope"), 15);

    QJsonArray accounts;
    for (const BankAccount &account : m_bank.store().accounts().accountsOf(bearer.record.userId))
        accounts.append(accountJson(account));
    m_bank.answerRealises(seed::Resource);
    return HttpResponse::json(QJsonDocument(QJsonObject { { QStringLiteral("accounts"), accounts } }))
        .noStore();
}

HttpResponse ResourceApi::transactions(HttpRequest &request)
{
    m_bank.requestRealises(seed::ResourceRequest); // refused or not
    BearerRequest bearer(request, QStringLiteral("transactions:read"));
    if (const auto refusal = runChecks(m_bank, bearerChecks(), bearer))
        return refuse(m_bank, *refusal, RefusalForm::bearerChallenge(Realm, bearer.requiredScope),
            { bearer.record.clientId });
    m_bank.decide(
        QStringLiteral("access token validated: signature, issuer, audience, expiry, revocation, scope"), 15);

    AccountRequest r { bearer, {} };
    if (const auto refusal = runChecks(m_bank, transactionChecklist(), r))
        return refuse(m_bank, *refusal, RefusalForm::resourceError(), { bearer.record.clientId });
    QJsonArray transactions;
    for (const BankTransaction &t : m_bank.store().accounts().transactionsOf(r.account.id))
        transactions.append(transactionJson(t));
    m_bank.answerRealises(seed::Resource);
    return HttpResponse::json(
        QJsonDocument(QJsonObject { { QStringLiteral("account"), accountJson(r.account) },
            { QStringLiteral("transactions"), transactions } }))
        .noStore();
}

HttpResponse ResourceApi::payments(HttpRequest &request)
{
    m_bank.requestRealises(seed::ResourceRequest); // refused or not
    BearerRequest bearer(request, QStringLiteral("payments:write"));
    if (const auto refusal = runChecks(m_bank, bearerChecks(), bearer))
        return refuse(m_bank, *refusal, RefusalForm::bearerChallenge(Realm, bearer.requiredScope),
            { bearer.record.clientId });
    m_bank.decide(
        QStringLiteral("access token validated: signature, issuer, audience, expiry, revocation, scope"), 15);

    PaymentRequest r { bearer, {}, {}, {}, {}, 0, std::nullopt };
    std::optional<Refusal> refusal = runChecks(m_bank, paymentChecklist(), r);
    if (!refusal && !r.booked)
        refusal
            = cannotServe(QStringLiteral("api.payment.booked"), QStringLiteral("the ledger booked nothing"));
    if (refusal)
        return refuse(m_bank, *refusal, RefusalForm::resourceError(), { bearer.record.clientId });
    m_bank.audit(QStringLiteral("payment"), bearer.record.clientId, {},
        QStringLiteral("%1 EUR to %2 through the API").arg(money(-r.booked->amountCents), r.payee));
    m_bank.answerRealises(seed::Resource);
    return HttpResponse::json(QJsonDocument(transactionJson(*r.booked)), 201).noStore();
}

} // namespace cfl
