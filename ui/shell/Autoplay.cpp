#include "ui/shell/Autoplay.h"

#include "client/CoolLoanClient.h"
#include "secrets/SecretStore.h"
#include "ui/shell/LabWindow.h"
#include "ui/story/JohnsBrowser.h"

namespace cfl {

namespace {
constexpr int DeadlineMs = 90'000;

// Runs in an isolated world: the page's CSP forbids its own scripts, not the app's.
const QString FillLogin = QStringLiteral(
    "(function(){ var u=document.getElementById('username'), p=document.getElementById('password');"
    " if(!u||!p) return false; u.value='john'; p.value='banking-is-fun';"
    " document.getElementById('login').click(); return true; })()");
const QString Approve = QStringLiteral("(function(){ var b=document.getElementById('approve'); if(!b) return "
                                       "false; b.click(); return true; })()");
const QString PageKind = QStringLiteral("document.getElementById('approve') ? 'consent' : "
                                        "(document.getElementById('password') ? 'login' : 'other')");
} // namespace

Autoplay::Autoplay(LabWindow *window, int paceMs, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_paceMs(paceMs)
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this,
        [this] { finish(false, tr("autoplay did not finish within %1 s").arg(DeadlineMs / 1000)); });
    connect(m_window->browser(), &JohnsBrowser::pageLoaded, this, &Autoplay::onPageLoaded);
    CoolLoanClient *client = m_window->coolLoan();
    connect(client, &CoolLoanClient::offerReady, this, [this] { finish(true); });
    connect(client, &CoolLoanClient::failed, this, [this](const QString &title, const QString &detail) {
        finish(false, title + QStringLiteral(": ") + detail);
    });
}

void Autoplay::start()
{
    if (m_running)
        return;
    m_running = true;
    m_loggedIn = m_approved = false;
    m_error.clear();
    m_deadline.start(DeadlineMs);
    QTimer::singleShot(m_paceMs, m_window->coolLoan(), &CoolLoanClient::connectBank);
}

void Autoplay::onPageLoaded(const QUrl &url, bool ok)
{
    if (!m_running || !url.path().startsWith(QLatin1String("/interaction/")))
        return;
    if (!ok) {
        finish(false, tr("the bank's page did not load: %1").arg(url.toString()));
        return;
    }
    JohnsBrowser *browser = m_window->browser();
    browser->runScript(PageKind, [this, browser](const QVariant &kind) {
        if (!m_running)
            return;
        if (kind.toString() == QLatin1String("login") && !m_loggedIn) {
            m_loggedIn = true;
            // John types his workshop credentials (seed steps 4–5).
            QTimer::singleShot(m_paceMs, this, [this, browser] {
                browser->runScript(FillLogin, [this](const QVariant &done) {
                    if (!done.toBool())
                        finish(false, tr("the login form was not found"));
                });
            });
        } else if (kind.toString() == QLatin1String("consent") && !m_approved) {
            m_approved = true;
            // John reads the scopes and accepts (seed steps 6–8).
            QTimer::singleShot(m_paceMs * 2, this, [this, browser] {
                browser->runScript(Approve, [this](const QVariant &done) {
                    if (!done.toBool())
                        finish(false, tr("the consent form was not found"));
                });
            });
        } else if (kind.toString() == QLatin1String("login") && m_loggedIn) {
            finish(false, tr("the bank showed the login form again: the workshop password was refused"));
        }
    });
}

void Autoplay::finish(bool success, const QString &error)
{
    if (!m_running)
        return;
    m_running = false;
    m_deadline.stop();
    m_error = error;
    Q_EMIT finished(success);
}

QJsonObject Autoplay::result() const
{
    CoolLoanClient *client = m_window->coolLoan();
    QJsonObject result {
        { QStringLiteral("granted"), !client->accessToken().isEmpty() },
        { QStringLiteral("id_token_valid"), client->idTokenValidation().valid },
        { QStringLiteral("api_calls_ok"), client->apiCallsOk() },
        { QStringLiteral("loan_offer"), client->offer().toJson() },
        { QStringLiteral("secret_store"), m_window->secrets()->kind() },
    };
    if (!m_error.isEmpty())
        result.insert(QStringLiteral("error"), m_error);
    return result;
}

} // namespace cfl
