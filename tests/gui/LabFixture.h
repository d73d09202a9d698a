#pragma once
// What every GUI end-to-end test needs: the real LabWindow (real bank on loopback, real WebEngine,
// the secret store the session offers) on a temporary data directory, and a way to act as John in
// his embedded browser. Waits are QTest::qWaitFor polls with deadlines, never sleeps.
//
// Run under ./dev test's environment: QT_QPA_PLATFORM=offscreen, QTWEBENGINE_DISABLE_SANDBOX=1,
// a private session bus with an unlocked gnome-keyring (dbus-run-session), XDG_* in a temporary home.
// Run by hand inside a desktop session they would use (and overwrite) that session's keyring entries.

#include "bank/BankConfig.h"
#include "ui/shell/LabWindow.h"

#include <QApplication>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QVariant>

#include <memory>

namespace cfl {
class JohnsBrowser;
}

namespace cfl::test {

// Before QApplication: WebEngine needs shared GL contexts (and no sandbox as root), as in app/lab/main.cpp.
void prepareGuiProcess();
// After QApplication: names, so that nothing lands in the app's real settings.
void configureGuiApplication(const char *testName);

// A LabWindow with its bank's database in its own temporary directory, shown (offscreen).
class LabSession
{
public:
    explicit LabSession(const BankConfig &bank = {});
    ~LabSession();

    // False when the window could not start or be shown; why() then says so.
    bool isReady() const;
    QString why() const { return m_why; }
    LabWindow *window() const { return m_window.get(); }
    JohnsBrowser *browser() const;
    QString dataDir() const { return m_dir.path(); }

    template <typename T> T *widget(const char *objectName) const
    {
        return m_window->findChild<T *>(QString::fromLatin1(objectName));
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<LabWindow> m_window;
    QString m_why;
};

// Runs `script` in John's browser (isolated world) and waits for its value; invalid on timeout.
QVariant evaluate(JohnsBrowser *browser, const QString &script, int timeoutMs = 5000);
// Polls until `condition` (a JavaScript expression) is true in the page shown, across navigations.
bool waitInPage(JohnsBrowser *browser, const QString &condition, int timeoutMs = 20000);
bool waitForElement(JohnsBrowser *browser, const QString &cssSelector, int timeoutMs = 20000);
// Clicks the first element matching `cssSelector`; false when there is none.
bool clickInPage(JohnsBrowser *browser, const QString &cssSelector);
// The page's visible text (document.body.innerText).
QString pageText(JohnsBrowser *browser);
// John types a user name and password into the bank's login page (the one shown) and submits it.
bool submitLogin(JohnsBrowser *browser, const QString &username, const QString &password);
// For failure messages: where the browser is and what it shows.
QByteArray describePage(JohnsBrowser *browser);

// Clicks "Connect your bank" and waits for eddy's login page of this flow in John's browser.
bool connectToBankLogin(LabSession &lab);
// CoolLoan's flow up to the consent page: connectToBankLogin, then John logs in at eddy.
bool connectAndLogIn(LabSession &lab);
// The whole happy path: connect, log in, approve, and wait for the offer.
bool approveCoolLoan(LabSession &lab);

struct HttpResult
{
    int status = 0;
    QJsonObject json;
};
// A form POST with HTTP Basic client credentials (RFC 6749 §2.3.1), waited for.
HttpResult postWithBasicAuth(
    const QUrl &url, const QString &clientId, const QByteArray &secret, const QByteArray &body);

} // namespace cfl::test

// main() for a GUI test: QApplication must exist (with shared GL contexts) before WebEngine does.
#define CFL_GUI_TEST_MAIN(TestObject)                                                                        \
    int main(int argc, char *argv[])                                                                         \
    {                                                                                                        \
        cfl::test::prepareGuiProcess();                                                                      \
        QApplication app(argc, argv);                                                                        \
        cfl::test::configureGuiApplication(#TestObject);                                                     \
        TestObject tc;                                                                                       \
        QTEST_SET_MAIN_SOURCE_PATH                                                                           \
        return QTest::qExec(&tc, argc, argv);                                                                \
    }
