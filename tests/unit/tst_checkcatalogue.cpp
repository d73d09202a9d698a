// The bank's named checks (bank/Check.h), as the catalogue lists them at run time. The order of each
// endpoint's list is part of the design — it decides which refusal an attack meets first — so it is
// pinned here, id by id: moving, adding or removing a check changes a row below on purpose.

#include "bank/Check.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace cfl;

Q_DECLARE_METATYPE(cfl::Endpoint)

namespace {
QStringList ids(const QList<CheckSpec> &checks)
{
    QStringList result;
    for (const CheckSpec &check : checks)
        result.append(check.id);
    return result;
}

QStringList words(const char *text)
{
    return QString::fromLatin1(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

// Every endpoint of boris starts with the body and the client's authentication.
// The repeated-parameter check comes after authentication (issue 10 finding 3).
const QStringList ClientRequest = words("client_request.content_type client_request.form_encoding "
                                        "client_auth.one_method "
                                        "client_auth.basic_scheme client_auth.basic_format "
                                        "client_auth.basic_encoding client_auth.basic_matches_body "
                                        "client_auth.client_id_present client_auth.registered "
                                        "client_auth.secret_present client_auth.secret_matches "
                                        "client_auth.public_no_secret client_request.parameters.once");
// banky and userinfo start with the access token.
const QStringList BearerToken = words("api.token.not_in_url api.token.body_form api.token.one_method "
                                      "api.token.present api.token.bearer_scheme "
                                      "api.token.signature api.token.type api.token.issuer "
                                      "api.token.audience api.token.expiry api.token.known "
                                      "api.token.not_revoked api.token.ledger_expiry api.token.scope");
const QStringList Interaction = words("interaction.exists interaction.browser");

struct Pinned
{
    const char *name;
    Endpoint endpoint;
    QStringList ids;
};

// Each endpoint's checks, in the order it runs them.
const QList<Pinned> &pinnedOrder()
{
    static const QList<Pinned> table {
        // before routing, for every request
        { "every request", Endpoint::AnyRequest, words("request.host.valid request.host.allowed") },
        { "authorize", Endpoint::Authorization,
            words("authorize.request.form_encoding authorize.client_id.once "
                  "authorize.redirect_uri.once authorize.client_id.present "
                  "authorize.client.registered authorize.redirect_uri.present "
                  "authorize.redirect_uri.exact_match "
                  // from here on, refusals go back to the client
                  "authorize.parameters.once authorize.parameters.length "
                  "authorize.response_type.present authorize.response_type.code "
                  "authorize.response_mode.query authorize.request_object.absent "
                  "authorize.request_uri.absent authorize.scope.present "
                  "authorize.scope.known authorize.scope.allowed "
                  "authorize.pkce.challenge_present authorize.pkce.method_s256 "
                  "authorize.pkce.challenge_format authorize.prompt.known "
                  "authorize.prompt.none_alone authorize.max_age.seconds "
                  "authorize.claims.well_formed authorize.claims.essential_acr "
                  // prompt=none, after the session is known
                  "authorize.prompt_none.login authorize.prompt_none.public_loopback "
                  "authorize.prompt_none.consent") },
        { "interaction page", Endpoint::InteractionPage, Interaction },
        { "login", Endpoint::Login,
            Interaction
                + words("login.form_encoding login.csrf login.credentials_given login.throttle "
                        "login.unknown_user_budget login.password login.requested_subject") },
        { "consent", Endpoint::Consent,
            Interaction
                + words("consent.form_encoding consent.csrf consent.logged_in consent.decision_known "
                        "consent.approved") },
        { "token", Endpoint::Token,
            ClientRequest + words("token.grant_type.present token.grant_type.supported") },
        { "authorization_code grant", Endpoint::AuthorizationCodeGrant,
            // the code's client before its replay check: only its owner revokes (issue 10 finding 10)
            words("token.code.present token.code.known token.code.client token.code.unused token.code.expiry "
                  "token.code.redirect_uri token.code.verifier_present token.code.verifier_format "
                  "token.code.pkce token.code.redeem_once token.code.user") },
        { "refresh_token grant", Endpoint::RefreshTokenGrant,
            words("token.refresh.present token.refresh.known token.refresh.client token.refresh.not_rotated "
                  "token.refresh.not_revoked token.refresh.expiry token.refresh.family_lifetime "
                  "token.refresh.scope token.refresh.user "
                  "token.refresh.rotate_once") },
        { "revocation", Endpoint::Revocation,
            ClientRequest + words("revoke.token.present revoke.token.owner") },
        { "introspection", Endpoint::Introspection,
            ClientRequest + words("introspect.client.confidential introspect.token.present") },
        { "userinfo", Endpoint::UserInfo, BearerToken + words("userinfo.user") },
        { "accounts", Endpoint::Accounts, BearerToken },
        { "transactions", Endpoint::Transactions, BearerToken + words("api.account.owner") },
        { "payments", Endpoint::Payments,
            BearerToken
                + words("api.payment.json api.payment.object api.payment.fields api.payment.booked") },
        { "online banking: logout", Endpoint::WebLogout, words("web.logout.csrf") },
        { "online banking: account", Endpoint::WebAccount, words("web.account.owner") },
        { "online banking: payment", Endpoint::WebPayment,
            words("web.payment.form_encoding web.payment.csrf web.payment.amount web.payment.booked") },
        { "online banking: revoke an app", Endpoint::WebRevokeApp, words("web.apps.csrf web.apps.consent") },
        // Trust before redirect: the hint's issuer before its audience, the app before its URIs.
        { "end session", Endpoint::EndSession,
            words("end_session.parameters end_session.id_token_hint.present end_session.id_token_hint.issued "
                  "end_session.client_id.audience end_session.client end_session.id_token_hint.subject "
                  "end_session.id_token_hint.session "
                  "end_session.post_logout_redirect_uri") },
        { "end session: John confirms", Endpoint::EndSessionConfirm, words("end_session.confirm.csrf") },
    };
    return table;
}
} // namespace

class tst_CheckCatalogue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void orderIsPinned_data();
    void orderIsPinned();
    void everyEndpointIsPinned();
    void checksAreWellFormed();
    void aSharedCheckIsOneCheck();
    void findCheck();
};

void tst_CheckCatalogue::orderIsPinned_data()
{
    QTest::addColumn<Endpoint>("endpoint");
    QTest::addColumn<QStringList>("expected");
    for (const Pinned &row : pinnedOrder())
        QTest::newRow(row.name) << row.endpoint << row.ids;
}

void tst_CheckCatalogue::orderIsPinned()
{
    QFETCH(Endpoint, endpoint);
    QFETCH(QStringList, expected);
    QCOMPARE(ids(checksOf(endpoint)), expected);
}

void tst_CheckCatalogue::everyEndpointIsPinned()
{
    // A new endpoint needs its row above.
    QSet<Endpoint> pinned;
    for (const Pinned &row : pinnedOrder())
        pinned.insert(row.endpoint);
    for (const Endpoint endpoint : allEndpoints())
        QVERIFY2(pinned.contains(endpoint), qPrintable(endpointName(endpoint)));
    QCOMPARE(pinned.size(), allEndpoints().size());
}

void tst_CheckCatalogue::checksAreWellFormed()
{
    static const QRegularExpression id(QStringLiteral("^[a-z_]+(\\.[a-z0-9_]+)+$"));
    for (const Endpoint endpoint : allEndpoints()) {
        const QList<CheckSpec> checks = checksOf(endpoint);
        QVERIFY2(!checks.isEmpty(), qPrintable(endpointName(endpoint)));
        QSet<QString> seen;
        for (const CheckSpec &check : checks) {
            QVERIFY2(id.match(check.id).hasMatch(), qPrintable(check.id));
            QVERIFY2(
                !seen.contains(check.id), qPrintable(endpointName(endpoint) + QLatin1Char(' ') + check.id));
            seen.insert(check.id);
            QVERIFY2(!check.rule.isEmpty(), qPrintable(check.id));
            // One line, as a comment would name it.
            QVERIFY2(
                !check.rule.contains(QLatin1Char('\n')) && check.rule.size() <= 110, qPrintable(check.id));
            QVERIFY2(!check.section.isEmpty(), qPrintable(check.id));
        }
    }
}

void tst_CheckCatalogue::aSharedCheckIsOneCheck()
{
    // Client authentication runs at /token, /revoke and /introspect; the access token's checks at banky
    // and /userinfo. Wherever a check runs, it is the same check: one id, one rule, one section, one switch.
    QHash<QString, CheckSpec> byId;
    for (const Endpoint endpoint : allEndpoints()) {
        for (const CheckSpec &check : checksOf(endpoint)) {
            const auto known = byId.constFind(check.id);
            if (known == byId.cend()) {
                byId.insert(check.id, check);
                continue;
            }
            QCOMPARE(check.rule, known->rule);
            QCOMPARE(check.section, known->section);
        }
    }
    const QStringList all = ids(allChecks());
    QCOMPARE(all.size(), byId.size());
    QCOMPARE(QSet<QString>(all.cbegin(), all.cend()).size(), byId.size());
}

void tst_CheckCatalogue::findCheck()
{
    const auto pkce = cfl::findCheck(QStringLiteral("token.code.pkce"));
    QVERIFY(pkce.has_value());
    QCOMPARE(pkce->section, QStringLiteral("RFC 7636 §4.6"));
    QVERIFY(!pkce->rule.isEmpty());
    QVERIFY(!cfl::findCheck(QStringLiteral("token.code.nothing")).has_value());
}

QTEST_GUILESS_MAIN(tst_CheckCatalogue)
#include "tst_checkcatalogue.moc"
