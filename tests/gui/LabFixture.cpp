#include "gui/LabFixture.h"

#include "client/CoolLoanClient.h"
#include "http/WireFormat.h"
#include "storage/SeedData.h"
#include "ui/story/JohnsBrowser.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QSignalSpy>

#include <algorithm>
#include <unistd.h>

namespace cfl::test {

namespace {
QString jsString(const QString &text)
{
    // A JSON string is a JavaScript string literal.
    const QByteArray json = QJsonDocument(QJsonArray { text }).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.mid(1, json.size() - 2));
}
} // namespace

void prepareGuiProcess()
{
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    if (::geteuid() == 0 && qEnvironmentVariableIsEmpty("QTWEBENGINE_DISABLE_SANDBOX"))
        qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    // Run by hand without a display: offscreen, as under ./dev test.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY")
        && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        qWarning("no session bus: the keychain checks expect ./dev test's environment "
                 "(dbus-run-session with an unlocked gnome-keyring)");
}

void configureGuiApplication(const char *testName)
{
    QApplication::setOrganizationName(QStringLiteral("CodeFlowLab-tests"));
    QApplication::setApplicationName(QString::fromLatin1(testName));
}

// --- LabSession ----------------------------------------------------------------------------------

LabSession::LabSession(const BankConfig &bank)
{
    if (!m_dir.isValid()) {
        m_why = QStringLiteral("no temporary directory: %1").arg(m_dir.errorString());
        return;
    }
    LabOptions options;
    options.dataDir = m_dir.path();
    options.bank = bank;
    m_window = std::make_unique<LabWindow>(options);
    if (!m_window->isReady()) {
        m_why = m_window->startupError();
        return;
    }
    m_window->show();
    if (!QTest::qWaitForWindowExposed(m_window.get()))
        m_why = QStringLiteral("the window was not exposed");
}

LabSession::~LabSession()
{
    // The window (bank thread, browser) goes before its data directory.
    m_window.reset();
}

bool LabSession::isReady() const
{
    return m_window && m_why.isEmpty();
}

JohnsBrowser *LabSession::browser() const
{
    return m_window->browser();
}

// --- John's browser ------------------------------------------------------------------------------

QVariant evaluate(JohnsBrowser *browser, const QString &script, int timeoutMs)
{
    // The callback may come after we gave up (or never, when the page goes away): it only touches
    // this shared state.
    struct Outcome
    {
        bool done = false;
        QVariant value;
    };
    auto outcome = std::make_shared<Outcome>();
    browser->runScript(script, [outcome](const QVariant &value) {
        outcome->value = value;
        outcome->done = true;
    });
    if (!QTest::qWaitFor([&] { return outcome->done; }, timeoutMs))
        return {};
    return outcome->value;
}

bool waitInPage(JohnsBrowser *browser, const QString &condition, int timeoutMs)
{
    const QString script
        = QStringLiteral("(function(){ try { return !!(%1); } catch (e) { return false; } })()")
              .arg(condition);
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (evaluate(browser, script, int(std::clamp<qint64>(deadline.remainingTime(), 1, 1000))).toBool())
            return true;
        QTest::qWait(50); // lets the page load before the next look (an event-processing wait, not a sleep)
    }
    qWarning().noquote() << "waited in vain for" << condition << "—" << describePage(browser);
    return false;
}

bool waitForElement(JohnsBrowser *browser, const QString &cssSelector, int timeoutMs)
{
    return waitInPage(
        browser, QStringLiteral("document.querySelector(%1)").arg(jsString(cssSelector)), timeoutMs);
}

bool clickInPage(JohnsBrowser *browser, const QString &cssSelector)
{
    const QString script = QStringLiteral(
        "(function(){ var e = document.querySelector(%1); if (!e) return false; e.click(); return true; })()")
                               .arg(jsString(cssSelector));
    return evaluate(browser, script).toBool();
}

QString pageText(JohnsBrowser *browser)
{
    return evaluate(browser, QStringLiteral("document.body ? document.body.innerText : ''")).toString();
}

bool submitLogin(JohnsBrowser *browser, const QString &username, const QString &password)
{
    const QString script = QStringLiteral(
        "(function(){ var u = document.getElementById('username'), p = document.getElementById('password');"
        " if (!u || !p) return false; u.value = %1; p.value = %2;"
        " document.getElementById('login').click(); return true; })()")
                               .arg(jsString(username), jsString(password));
    return evaluate(browser, script).toBool();
}

QByteArray describePage(JohnsBrowser *browser)
{
    return QStringLiteral("browser at %1 showing: %2")
        .arg(browser->currentUrl().toString(), pageText(browser).left(400))
        .toUtf8();
}

bool connectToBankLogin(LabSession &lab)
{
    auto *connectButton = lab.widget<QPushButton>("connectBank");
    if (!connectButton || !connectButton->isEnabled()) {
        qWarning("the Connect your bank button is missing or disabled");
        return false;
    }
    // Only once CoolLoan has sent the browser to the bank (a new private page) does "#password" mean
    // eddy's login for this flow: the page shown before may have a login form of its own.
    QSignalSpy sentToBank(lab.window()->coolLoan(), &CoolLoanClient::authorizationUrlReady);
    QTest::mouseClick(connectButton, Qt::LeftButton);
    if (!QTest::qWaitFor([&] { return !sentToBank.isEmpty(); }, 10000)) {
        qWarning().noquote() << "CoolLoan did not send John to the bank:"
                             << lab.window()->coolLoan()->lastError();
        return false;
    }
    return waitForElement(lab.browser(), QStringLiteral("#password"));
}

bool connectAndLogIn(LabSession &lab)
{
    if (!connectToBankLogin(lab))
        return false;
    if (!submitLogin(lab.browser(), QString::fromLatin1(SeedUsername), QString::fromLatin1(SeedPassword))) {
        qWarning().noquote() << "could not submit the login form —" << describePage(lab.browser());
        return false;
    }
    return waitForElement(lab.browser(), QStringLiteral("#approve"));
}

bool approveCoolLoan(LabSession &lab)
{
    CoolLoanClient *client = lab.window()->coolLoan();
    QSignalSpy offers(client, &CoolLoanClient::offerReady);
    if (!connectAndLogIn(lab))
        return false;
    if (!clickInPage(lab.browser(), QStringLiteral("#approve"))) {
        qWarning().noquote() << "could not click Allow —" << describePage(lab.browser());
        return false;
    }
    if (!QTest::qWaitFor(
            [&] { return !offers.isEmpty() || client->phase() == CoolLoanClient::Phase::Failed; }, 20000)) {
        qWarning().noquote() << "no offer; CoolLoan is" << CoolLoanClient::phaseName(client->phase()) << "—"
                             << describePage(lab.browser());
        return false;
    }
    if (offers.isEmpty()) {
        qWarning().noquote() << "CoolLoan failed:" << client->lastError();
        return false;
    }
    return true;
}

// --- HTTP ----------------------------------------------------------------------------------------

HttpResult postWithBasicAuth(
    const QUrl &url, const QString &clientId, const QByteArray &secret, const QByteArray &body)
{
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setHeader(
        QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader("Authorization", wire::basicAuthorization(clientId, QString::fromLatin1(secret)));
    std::unique_ptr<QNetworkReply> reply(network.post(request, body));
    HttpResult result;
    if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 10000))
        return result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.json = QJsonDocument::fromJson(reply->readAll()).object();
    return result;
}

} // namespace cfl::test
