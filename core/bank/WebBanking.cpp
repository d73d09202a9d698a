// John's own online banking (/web): the same login as eddy's, then a session cookie. It shows what
// a password gives: everything, forever — which is exactly what PirateLoan gets — and, under
// Connected apps, the scoped, revocable access he granted with OAuth.

#include "bank/Bank.h"
#include "bank/PageRenderer.h"
#include "bank/Scopes.h"
#include "crypto/Digest.h"
#include "storage/Money.h"

#include <QDateTime>
#include <QTimeZone>
#include <QtNumeric>

namespace cfl {

namespace {
// Every value that goes into a fragment built here: escaped for element content and quoted attributes.
QString html(const QString &text)
{
    return PageRenderer::escape(text);
}

// The bank's pages and the storage layer's messages show amounts the same way.
QString money(qint64 cents, const QString &currency = QStringLiteral("EUR"))
{
    return formatMoney(cents, currency);
}

QString date(qint64 epochSeconds)
{
    return QDateTime::fromSecsSinceEpoch(epochSeconds, QTimeZone::utc())
        .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
}

QString amountCell(qint64 cents)
{
    return QStringLiteral("<td class=\"amount %1\">%2</td>")
        .arg(cents < 0 ? QStringLiteral("debit") : QStringLiteral("credit"), html(money(cents)));
}
} // namespace

std::optional<User> Bank::webUser(const HttpRequest &request)
{
    const auto session = m_sessions.current(request);
    return session ? m_store.userById(session->userId) : std::nullopt;
}

HttpResponse Bank::webPage(const QString &templateName, const QString &title, const User &user,
    const HttpRequest &request, QHash<QString, QString> values)
{
    values.insert(QStringLiteral("user"), user.name);
    values.insert(QStringLiteral("csrf"), QString::fromLatin1(LoginSessions::csrfTokenFor(request)));
    return page(PageRenderer::render(templateName, title, values));
}

HttpResponse Bank::webLogin(HttpRequest &)
{
    Interaction ia;
    ia.kind = QStringLiteral("web-login");
    return m_interactions.begin(std::move(ia));
}

HttpResponse Bank::webLogout(HttpRequest &request)
{
    const auto form = FormData::parse(request.body);
    if (form
        && constantTimeEquals(
            form->valueOr(QStringLiteral("csrf_token")).toLatin1(), LoginSessions::csrfTokenFor(request))) {
        m_store.revokeSession(sha256Hex(request.cookie("cfl_session")), now());
    }
    HttpResponse response = HttpResponse::redirect(QUrl(QStringLiteral("/web")), 303);
    response.addHeader("Set-Cookie", "cfl_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    return response;
}

HttpResponse Bank::webHome(HttpRequest &request)
{
    const auto user = webUser(request);
    if (!user)
        return webLogin(request);
    QString rows;
    qint64 total = 0;
    for (const BankAccount &account : m_store.accountsOf(user->id)) {
        total += account.balanceCents;
        rows += QStringLiteral(
            "<tr><td><a href=\"/web/accounts/%1\">%2</a></td><td>%3</td><td><code>%4</code></td>%5</tr>\n")
                    .arg(html(account.id), html(account.name), html(account.kind), html(account.iban),
                        amountCell(account.balanceCents));
    }
    return webPage(QStringLiteral("web-home.html"), QStringLiteral("Your accounts"), *user, request,
        { { QStringLiteral("rows"), rows }, { QStringLiteral("total"), money(total) } });
}

HttpResponse Bank::webAccount(HttpRequest &request)
{
    const auto user = webUser(request);
    if (!user)
        return webLogin(request);
    const auto account = m_store.account(request.pathParameter(QStringLiteral("id")));
    if (!account || account->userId != user->id)
        return notFound(request);
    QString rows;
    for (const BankTransaction &t : m_store.transactionsOf(account->id)) {
        rows += QStringLiteral(
            "<tr><td>%1</td><td>%2<br><small>%3</small></td><td>%4</td>%5<td class=\"amount\">%6</td></tr>\n")
                    .arg(t.bookedOn.toString(Qt::ISODate), html(t.description), html(t.counterparty),
                        html(t.category), amountCell(t.amountCents), html(money(t.balanceAfterCents)));
    }
    return webPage(QStringLiteral("web-account.html"), account->name, *user, request,
        { { QStringLiteral("name"), account->name }, { QStringLiteral("iban"), account->iban },
            { QStringLiteral("balance"), money(account->balanceCents, account->currency) },
            { QStringLiteral("rows"), rows } });
}

HttpResponse Bank::webPaymentForm(HttpRequest &request)
{
    const auto user = webUser(request);
    if (!user)
        return webLogin(request);
    QString options;
    for (const BankAccount &account : m_store.accountsOf(user->id)) {
        options += QStringLiteral("<option value=\"%1\">%2 — %3</option>")
                       .arg(html(account.id), html(account.name), html(money(account.balanceCents)));
    }
    QHash<QString, QString> values { { QStringLiteral("options"), options } };
    if (request.url.query() == QLatin1String("done"))
        values.insert(
            QStringLiteral("message"), QStringLiteral("<p class=\"ok\" role=\"status\">Payment booked.</p>"));
    return webPage(
        QStringLiteral("web-payment.html"), QStringLiteral("Make a payment"), *user, request, values);
}

HttpResponse Bank::webPaymentSubmit(HttpRequest &request)
{
    const auto user = webUser(request);
    if (!user)
        return webLogin(request);
    QString parseError;
    const auto form = FormData::parse(request.body, &parseError);
    auto fail = [&](const QString &message, int status) {
        HttpResponse response = webPaymentForm(request);
        response.body.replace("<!--message-->",
            QStringLiteral("<p class=\"error\" role=\"alert\">%1</p>").arg(html(message)).toUtf8());
        response.status = status;
        return response;
    };
    if (!form)
        return fail(parseError, 400);
    if (!constantTimeEquals(
            form->valueOr(QStringLiteral("csrf_token")).toLatin1(), LoginSessions::csrfTokenFor(request)))
        return fail(
            QStringLiteral("The form expired or came from another site (CSRF token). Try again."), 400);
    bool ok = false;
    const double amount
        = form->valueOr(QStringLiteral("amount")).replace(QLatin1Char(','), QLatin1Char('.')).toDouble(&ok);
    // Not finite or beyond ±9.2e16: qRound64 below would be undefined behaviour.
    if (!ok || !qIsFinite(amount) || qAbs(amount) > 1e13)
        return fail(QStringLiteral("The amount must be a number, e.g. 25.00."), 400);
    QString error;
    const auto booked = m_store.makePayment(user->id, form->valueOr(QStringLiteral("from_account")),
        form->valueOr(QStringLiteral("payee")).trimmed(), qRound64(amount * 100),
        form->valueOr(QStringLiteral("reference")), now(), &error);
    if (!booked)
        return fail(error, 400);
    audit(QStringLiteral("payment"), {}, user->username,
        QStringLiteral("%1 to %2 in online banking").arg(money(-booked->amountCents), booked->counterparty));
    return HttpResponse::redirect(QUrl(QStringLiteral("/web/payments?done")), 303);
}

HttpResponse Bank::webApps(HttpRequest &request)
{
    const auto user = webUser(request);
    if (!user)
        return webLogin(request);
    QString rows;
    for (const Consent &consent : m_store.consentsOf(user->id)) {
        const auto client = m_store.client(consent.clientId);
        QString scopeList;
        for (const QString &scope : consent.scopes) {
            const scopes::ScopeInfo *info = scopes::find(scope);
            scopeList += QStringLiteral("<li><code>%1</code> %2</li>")
                             .arg(html(scope), info ? html(info->title) : QString());
        }
        rows += QStringLiteral("<tr><td><b>%1</b><br><small><code>%2</code></small></td><td><ul>%3</ul></td>"
                               "<td>%4<br><small>updated %5</small></td><td><form method=\"post\" "
                               "action=\"/web/apps/%6/revoke\">"
                               "<input type=\"hidden\" name=\"csrf_token\" value=\"%7\">"
                               "<button type=\"submit\" class=\"danger\">Revoke</button></form></td></tr>\n")
                    .arg(html(client ? client->name : consent.clientId), html(consent.clientId), scopeList,
                        date(consent.grantedAt), date(consent.updatedAt),
                        // In a URL path: one percent-encoded segment (RFC 3986 §3.3), then escaped for the
                        // attribute.
                        html(QString::fromLatin1(QUrl::toPercentEncoding(consent.clientId))),
                        QString::fromLatin1(LoginSessions::csrfTokenFor(request)));
    }
    if (rows.isEmpty())
        rows = QStringLiteral("<tr><td colspan=\"4\">No app has access to your bank. (Apps that got your "
                              "password are not listed: the bank cannot tell them from you.)</td></tr>");
    QHash<QString, QString> values { { QStringLiteral("rows"), rows } };
    if (request.url.query() == QLatin1String("revoked"))
        values.insert(QStringLiteral("message"),
            QStringLiteral(
                "<p class=\"ok\" role=\"status\">Access revoked. The app's tokens no longer work.</p>"));
    return webPage(QStringLiteral("web-apps.html"), QStringLiteral("Connected apps"), *user, request, values);
}

HttpResponse Bank::webRevokeApp(HttpRequest &request)
{
    const auto user = webUser(request);
    if (!user)
        return webLogin(request);
    const auto form = FormData::parse(request.body);
    if (!form
        || !constantTimeEquals(
            form->valueOr(QStringLiteral("csrf_token")).toLatin1(), LoginSessions::csrfTokenFor(request)))
        return errorPage(
            OAuthError::invalidRequest(QStringLiteral("the form's CSRF token is missing or wrong")));
    const QString clientId = request.pathParameter(QStringLiteral("clientId"));
    if (!m_store.activeConsent(user->id, clientId))
        return notFound(request);
    // Revoking consent revokes every token of that client for John: access stops at the next call.
    m_store.inTransaction([&] {
        return m_store.revokeConsent(user->id, clientId, now())
            && m_store.revokeTokensOfClient(
                   user->id, clientId, now(), QStringLiteral("John revoked the app in online banking"))
            >= 0;
    });
    audit(QStringLiteral("revocation"), clientId, user->username,
        QStringLiteral("John revoked the app's consent and tokens"));
    decide(QStringLiteral("consent and tokens revoked by John"));
    return HttpResponse::redirect(QUrl(QStringLiteral("/web/apps?revoked")), 303);
}

} // namespace cfl
