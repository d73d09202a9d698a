#pragma once
// PirateLoan, the wrong way: it asks John for his bank password and logs in to online banking *as
// John* — the same login form, the same session cookie. The bank cannot tell it from John; it sees
// and can do everything, with no scope and no expiry, until John changes his password.

#include "client/ClientNetworkAccess.h"

#include <QList>
#include <QObject>
#include <QUrl>

#include <functional>

namespace cfl {

struct ScrapedAccount
{
    QString id;
    QString name;
    QString kind;
    QString iban;
    QString balance;
    int transactionCount = 0;
    QStringList recentTransactions; // "2026-11-20  Rent  -1,150.00 EUR"
};

class PirateLoanClient : public QObject
{
    Q_OBJECT
public:
    explicit PirateLoanClient(QObject *parent = nullptr);

    void setBankUrl(const QUrl &bankUrl) { m_bankUrl = bankUrl; }
    ClientNetworkAccess *network() const { return m_network; }
    bool isLoggedIn() const { return m_loggedIn; }
    const QList<ScrapedAccount> &accounts() const { return m_accounts; }

public Q_SLOTS:
    void logIn(const QString &username, const QString &password);
    // The proof that a password is total access: a payment John never agreed to.
    void payPirate(const QString &amount);
    void forget();

Q_SIGNALS:
    void loggedIn();
    void accountsScraped();
    void paymentMade(const QString &message);
    void failed(const QString &message);
    void traceEvent(const cfl::TraceEvent &event);

private:
    QUrl url(const QString &path) const;
    void getPage(
        const QString &path, std::function<void(int status, const QString &html, const QUrl &finalUrl)> then);
    void postForm(const QUrl &action, const QByteArray &body,
        std::function<void(int status, const QString &html, const QUrl &finalUrl)> then);
    void scrapeAccounts(const QString &html);

    ClientNetworkAccess *m_network;
    QUrl m_bankUrl;
    bool m_loggedIn = false;
    QList<ScrapedAccount> m_accounts;
};

} // namespace cfl
