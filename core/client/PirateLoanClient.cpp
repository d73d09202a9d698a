#include "client/PirateLoanClient.h"

#include "http/FormData.h"

#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QRegularExpression>

namespace cfl {

namespace {
QString csrfToken(const QString &html)
{
    static const QRegularExpression re(QStringLiteral(R"re(name="csrf_token" value="([^"]+)")re"));
    return re.match(html).captured(1);
}

QString formAction(const QString &html)
{
    static const QRegularExpression re(QStringLiteral(R"re(<form method="post" action="([^"]+)")re"));
    return re.match(html).captured(1);
}

QString plain(const QString &html)
{
    QString text = html;
    text.remove(QRegularExpression(QStringLiteral("<[^>]*>")));
    return text.replace(QStringLiteral("&amp;"), QStringLiteral("&"))
        .replace(QStringLiteral("&#39;"), QStringLiteral("'"))
        .trimmed();
}
} // namespace

PirateLoanClient::PirateLoanClient(QObject *parent)
    : QObject(parent)
    , m_network(new ClientNetworkAccess(QStringLiteral("PirateLoan"), this))
{
    m_network->setCookieJar(new QNetworkCookieJar(m_network));
    m_network->setClassifier([](const QByteArray &, const QUrl &) {
        return ClientNetworkAccess::Route { QStringLiteral("eddy"), TraceChannel::BackChannel, 0 };
    });
    connect(m_network, &ClientNetworkAccess::exchanged, this, &PirateLoanClient::traceEvent);
}

QUrl PirateLoanClient::url(const QString &path) const
{
    return m_bankUrl.resolved(QUrl(path));
}

void PirateLoanClient::getPage(
    const QString &path, std::function<void(int, const QString &, const QUrl &)> then)
{
    QNetworkRequest request(url(path));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    QNetworkReply *reply = m_network->get(request);
    connect(reply, &QNetworkReply::finished, this, [reply, then = std::move(then)] {
        reply->deleteLater();
        then(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
            QString::fromUtf8(reply->readAll()), reply->url());
    });
}

void PirateLoanClient::postForm(
    const QUrl &action, const QByteArray &body, std::function<void(int, const QString &, const QUrl &)> then)
{
    QNetworkRequest request(action);
    request.setHeader(
        QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    QNetworkReply *reply = m_network->post(request, body);
    connect(reply, &QNetworkReply::finished, this, [reply, then = std::move(then)] {
        reply->deleteLater();
        then(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
            QString::fromUtf8(reply->readAll()), reply->url());
    });
}

void PirateLoanClient::forget()
{
    m_network->setCookieJar(new QNetworkCookieJar(m_network));
    m_loggedIn = false;
    m_accounts.clear();
}

void PirateLoanClient::logIn(const QString &username, const QString &password)
{
    forget();
    // The very same login page John uses: PirateLoan fills it in with his password.
    getPage(QStringLiteral("/web/login"),
        [this, username, password](int status, const QString &html, const QUrl &finalUrl) {
            if (status == 0) {
                Q_EMIT failed(tr("PirateLoan cannot reach the bank."));
                return;
            }
            const QString action = formAction(html);
            if (action.isEmpty()) {
                Q_EMIT failed(tr("PirateLoan could not find the bank's login form."));
                return;
            }
            const QByteArray body = "csrf_token=" + formUrlEncode(csrfToken(html))
                + "&username=" + formUrlEncode(username) + "&password=" + formUrlEncode(password);
            postForm(finalUrl.resolved(QUrl(action)), body,
                [this](int loginStatus, const QString &page, const QUrl &) {
                    if (loginStatus != 200 || !page.contains(QLatin1String("/web/accounts/"))) {
                        static const QRegularExpression error(
                            QStringLiteral(R"re(<p class="error"[^>]*>([^<]+)</p>)re"));
                        const QString reason = error.match(page).captured(1);
                        Q_EMIT failed(reason.isEmpty()
                                ? tr("The bank did not let PirateLoan in.")
                                : tr("The bank refused the password: %1").arg(plain(reason)));
                        return;
                    }
                    m_loggedIn = true;
                    Q_EMIT loggedIn();
                    scrapeAccounts(page);
                });
        });
}

void PirateLoanClient::scrapeAccounts(const QString &html)
{
    static const QRegularExpression row(QStringLiteral(
        R"re(<tr><td><a href="/web/accounts/([^"]+)">([^<]+)</a></td><td>([^<]*)</td><td><code>([^<]*)</code></td><td class="amount[^"]*">([^<]+)</td></tr>)re"));
    m_accounts.clear();
    auto it = row.globalMatch(html);
    while (it.hasNext()) {
        const auto m = it.next();
        m_accounts.append({ plain(m.captured(1)), plain(m.captured(2)), plain(m.captured(3)),
            plain(m.captured(4)), plain(m.captured(5)), 0, {} });
    }
    if (m_accounts.isEmpty()) {
        Q_EMIT accountsScraped();
        return;
    }
    auto pending = std::make_shared<int>(int(m_accounts.size()));
    for (int i = 0; i < m_accounts.size(); ++i) {
        getPage(QStringLiteral("/web/accounts/") + m_accounts[i].id,
            [this, i, pending](int, const QString &page, const QUrl &) {
                static const QRegularExpression tx(QStringLiteral(
                    R"re(<tr><td>([0-9-]+)</td><td>([^<]*)<br><small>[^<]*</small></td><td>[^<]*</td><td class="amount [^"]*">([^<]+)</td>)re"));
                auto matches = tx.globalMatch(page);
                if (i < m_accounts.size()) {
                    while (matches.hasNext()) {
                        const auto m = matches.next();
                        ++m_accounts[i].transactionCount;
                        if (m_accounts[i].recentTransactions.size() < 6)
                            m_accounts[i].recentTransactions.append(
                                QStringLiteral("%1  %2  %3")
                                    .arg(m.captured(1), plain(m.captured(2)), plain(m.captured(3))));
                    }
                }
                if (--*pending == 0)
                    Q_EMIT accountsScraped();
            });
    }
}

void PirateLoanClient::payPirate(const QString &amount)
{
    if (!m_loggedIn || m_accounts.isEmpty()) {
        Q_EMIT failed(tr("PirateLoan is not logged in."));
        return;
    }
    const QString from = m_accounts.first().id;
    getPage(QStringLiteral("/web/payments"),
        [this, amount, from](int status, const QString &html, const QUrl &finalUrl) {
            const QString csrf = csrfToken(html);
            if (status != 200 || csrf.isEmpty() || finalUrl.path() != QLatin1String("/web/payments")) {
                m_loggedIn = false;
                Q_EMIT failed(tr("The bank no longer accepts PirateLoan's session (John logged out or "
                                 "changed his password)."));
                return;
            }
            const QByteArray body = "csrf_token=" + formUrlEncode(csrf) + "&from_account="
                + formUrlEncode(from) + "&payee=" + formUrlEncode(QStringLiteral("PirateLoan Ltd"))
                + "&amount=" + formUrlEncode(amount)
                + "&reference=" + formUrlEncode(QStringLiteral("processing fee"));
            postForm(url(QStringLiteral("/web/payments")), body,
                [this, amount](int payStatus, const QString &page, const QUrl &) {
                    if (payStatus == 200 && page.contains(QLatin1String("Payment booked"))) {
                        Q_EMIT paymentMade(tr("PirateLoan paid itself %1 EUR from John's account. The bank "
                                              "saw John's session: it could not tell.")
                                               .arg(amount));
                    } else {
                        static const QRegularExpression error(
                            QStringLiteral(R"re(<p class="error"[^>]*>([^<]+)</p>)re"));
                        Q_EMIT failed(tr("The payment failed: %1").arg(plain(error.match(page).captured(1))));
                    }
                });
        });
}

} // namespace cfl
