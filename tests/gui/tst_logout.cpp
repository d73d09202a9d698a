// CoolLoan's Log out in the real LabWindow (OpenID Connect RP-Initiated Logout 1.0, issue 12 §6): John's
// embedded browser goes to the bank's end_session_endpoint and comes back to CoolLoan with its state; the
// bank session is over (the bank's pages ask for the password again); CoolLoan's tokens are revoked and
// gone, from the keychain too; the sequence diagram shows the new arrows and explains them; the pane says
// what logging out ended and what it did not. A return with another state changes nothing.
// With CFL_LOGOUT_SCREENSHOTS=DIR, it also saves the window after the logout (docs/screenshots/).

#include "bank/BankHost.h"
#include "client/CoolLoanClient.h"
#include "gui/LabFixture.h"
#include "secrets/SecretStore.h"
#include "trace/TraceModel.h"
#include "ui/diagram/SequenceDiagramView.h"
#include "ui/shell/InspectionDock.h"
#include "ui/story/JohnsBrowser.h"

#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QScreen>
#include <QTabWidget>
#include <QTextBrowser>
#include <QUrlQuery>

#include <functional>

using namespace cfl;
using namespace cfl::test;

class tst_Logout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void logOutEndsTheBankSessionAndCoolLoansTokens();
    void aReturnWithAnotherStateChangesNothing();

private:
    static void screenshot(LabSession &lab, const QString &name);
    // The diagram's arrows whose trace event matches, as "from→to path status".
    static QStringList arrows(LabSession &lab, const std::function<bool(const TraceEvent &)> &match);
    static bool tokenIsActive(LabSession &lab, const QByteArray &token);
};

void tst_Logout::screenshot(LabSession &lab, const QString &name)
{
    const QString dir = qEnvironmentVariable("CFL_LOGOUT_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    QTest::qWait(300); // the last arrow and the explanation paint (screenshots only, never asserted on)
    const QSize screen = lab.window()->screen()->size();
    const QString path = QDir(dir).filePath(
        QStringLiteral("%1-%2x%3.png").arg(name).arg(screen.width()).arg(screen.height()));
    QVERIFY2(lab.window()->grab().save(path), qPrintable(path));
}

QStringList tst_Logout::arrows(LabSession &lab, const std::function<bool(const TraceEvent &)> &match)
{
    auto *view = lab.widget<SequenceDiagramView>("sequenceDiagram");
    TraceModel *trace = lab.window()->trace();
    QStringList found;
    for (int arrow = 0; arrow < view->arrowCount(); ++arrow) {
        const TraceEvent &event = trace->at(view->traceIndexOf(arrow));
        if (match(event))
            found.append(QStringLiteral("%1→%2 %3 %4")
                             .arg(event.from, event.to, event.url.path())
                             .arg(event.kind == TraceKind::Response ? event.status : 0));
    }
    return found;
}

bool tst_Logout::tokenIsActive(LabSession &lab, const QByteArray &token)
{
    const QUrl introspect = lab.window()->bank()->issuer().resolved(QUrl(QStringLiteral("/introspect")));
    const HttpResult result = postWithBasicAuth(introspect, QStringLiteral("coolloan"),
        lab.window()->coolLoan()->settings().clientSecret, "token=" + token);
    return result.json.value(QStringLiteral("active")).toBool();
}

void tst_Logout::logOutEndsTheBankSessionAndCoolLoansTokens()
{
    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    CoolLoanClient *client = lab.window()->coolLoan();
    lab.window()->inspection()->tabs()->setCurrentIndex(0);
    QVERIFY(approveCoolLoan(lab));
    const QByteArray refreshToken = client->refreshToken().toLatin1();
    QVERIFY(!refreshToken.isEmpty());
    QVERIFY(lab.window()->secrets()->read(SecretStore::coolLoanRefreshTokenKey()).has_value());

    auto *logOut = lab.widget<QPushButton>("logOut");
    QVERIFY(logOut && logOut->isEnabled());
    QTest::mouseClick(logOut, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(client->phase(), CoolLoanClient::Phase::LoggedOut, 20000);
    // John's browser shows CoolLoan's answer (its listener answers before it stops listening).
    QVERIFY2(waitInPage(lab.browser(), QStringLiteral("document.body.innerText.includes('logged you out')")),
        describePage(lab.browser()).constData());

    // What CoolLoan sent: its ID token as the hint, its loopback post-logout URI, a fresh state (§2).
    const QUrlQuery sent(client->endSessionUrl());
    QCOMPARE(client->endSessionUrl().path(), QStringLiteral("/session/end"));
    QVERIFY(!sent.queryItemValue(QStringLiteral("id_token_hint")).isEmpty());
    QVERIFY(sent.queryItemValue(QStringLiteral("post_logout_redirect_uri"), QUrl::FullyDecoded)
                .startsWith(QLatin1String("http://127.0.0.1:")));
    QVERIFY(!sent.queryItemValue(QStringLiteral("state")).isEmpty());

    // CoolLoan forgot its tokens, the keychain's too, and the bank no longer honours them.
    QVERIFY(
        client->accessToken().isEmpty() && client->refreshToken().isEmpty() && client->idToken().isEmpty());
    QVERIFY(!lab.window()->secrets()->read(SecretStore::coolLoanRefreshTokenKey()).has_value());

    // The pane says what ended and what did not.
    auto *loggedOut = lab.widget<QLabel>("coolLoanLoggedOut");
    QVERIFY(loggedOut->isVisible());
    QVERIFY2(loggedOut->text().contains(QStringLiteral("session at the bank"))
            && loggedOut->text().contains(QStringLiteral("Not ended"))
            && loggedOut->text().contains(QStringLiteral("consent")),
        qPrintable(loggedOut->text()));
    QVERIFY(lab.widget<QPushButton>("connectBank")->isEnabled());

    // The diagram: the browser to eddy's end_session_endpoint, eddy's redirect back, the browser at
    // CoolLoan's listener; and the bank's decisions, explained.
    auto *view = lab.widget<SequenceDiagramView>("sequenceDiagram");
    TraceModel *trace = lab.window()->trace();
    QTRY_COMPARE(view->arrowCount(), trace->diagramIndexes().size());
    const QStringList logoutArrows = arrows(lab, [](const TraceEvent &e) {
        return e.kind != TraceKind::Decision
            && (e.url.path() == QLatin1String("/session/end")
                || e.url.path() == QLatin1String("/logged-out"));
    });
    QCOMPARE(logoutArrows,
        (QStringList { QStringLiteral("Browser→eddy /session/end 0"),
            QStringLiteral("eddy→Browser /session/end 303"), QStringLiteral("Browser→CoolLoan /logged-out 0"),
            QStringLiteral("CoolLoan→Browser /logged-out 200") }));
    int logoutRequest = -1;
    for (int arrow = 0; arrow < view->arrowCount() && logoutRequest < 0; ++arrow) {
        const TraceEvent &event = trace->at(view->traceIndexOf(arrow));
        if (event.kind == TraceKind::Request && event.url.path() == QLatin1String("/session/end"))
            logoutRequest = arrow;
    }
    view->selectArrow(logoutRequest);
    // The explanation follows the selection a moment later (a queued update).
    auto *explanation = view->findChild<QTextBrowser *>(QStringLiteral("stepExplanation"));
    QTRY_VERIFY2_WITH_TIMEOUT(explanation->toPlainText().contains(QStringLiteral("RP-initiated logout"))
            && explanation->toPlainText().contains(QStringLiteral("id_token_hint")),
        qPrintable(explanation->toPlainText()), 5000);
    QStringList decisions;
    for (int i = 0; i < trace->size(); ++i) {
        if (trace->at(i).kind == TraceKind::Decision)
            decisions.append(trace->at(i).summary);
    }
    QVERIFY2(decisions.filter(QStringLiteral("logout request trusted")).size() == 1,
        qPrintable(decisions.join(QLatin1Char('\n'))));
    QVERIFY2(decisions.filter(QStringLiteral("CoolLoan logged out")).size() == 1,
        qPrintable(decisions.join(QLatin1Char('\n'))));
    screenshot(lab, QStringLiteral("logout"));

    // The bank no longer honours CoolLoan's tokens (RFC 7009 §2.1: the refresh token's grant).
    QTRY_VERIFY_WITH_TIMEOUT(!tokenIsActive(lab, refreshToken), 10000);

    // The bank session is over: the bank's own pages ask John for his password again.
    JohnsBrowser *browser = lab.browser();
    browser->open(lab.window()->bank()->issuer().resolved(QUrl(QStringLiteral("/web"))));
    QVERIFY2(
        waitForElement(browser, QStringLiteral("input[name=password]")), describePage(browser).constData());
}

void tst_Logout::aReturnWithAnotherStateChangesNothing()
{
    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    CoolLoanClient *client = lab.window()->coolLoan();
    QVERIFY(approveCoolLoan(lab));
    // John's browser does not follow CoolLoan this time: someone else sends it to CoolLoan's listener first.
    QVERIFY(QObject::disconnect(client, &CoolLoanClient::endSessionUrlReady, nullptr, nullptr));
    QTest::mouseClick(lab.widget<QPushButton>("logOut"), Qt::LeftButton);
    QCOMPARE(client->phase(), CoolLoanClient::Phase::LoggingOut);
    // CoolLoan forgets its tokens before the browser goes anywhere: whether the bank then sends John back
    // or asks him first (an untrusted request, RP-Initiated Logout 1.0 §2), CoolLoan holds nothing.
    QVERIFY(client->accessToken().isEmpty() && client->refreshToken().isEmpty());
    QVERIFY(!lab.window()->secrets()->read(SecretStore::coolLoanRefreshTokenKey()).has_value());
    QUrl forged(QUrlQuery(client->endSessionUrl())
                    .queryItemValue(QStringLiteral("post_logout_redirect_uri"), QUrl::FullyDecoded));
    forged.setQuery(QStringLiteral("state=someone-elses"));
    JohnsBrowser *browser = lab.browser();
    browser->open(forged);
    // CoolLoan records the browser's arrival at its listener, then what it made of it.
    TraceModel *trace = lab.window()->trace();
    const auto arrived = [trace] {
        for (int i = 0; i < trace->size(); ++i) {
            if (trace->at(i).url.path() == QLatin1String("/logged-out")
                && trace->at(i).url.query().contains(QLatin1String("someone-elses")))
                return true;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(arrived(), 20000);
    // Ignored: still logging out (not "logged out at the bank"), and the trace names the refusal.
    QCOMPARE(client->phase(), CoolLoanClient::Phase::LoggingOut);
    QVERIFY(trace->at(trace->size() - 1).summary.contains(QStringLiteral("another state")));

    // The real return still logs out.
    browser->open(client->endSessionUrl());
    QTRY_COMPARE_WITH_TIMEOUT(client->phase(), CoolLoanClient::Phase::LoggedOut, 20000);
    QVERIFY(client->accessToken().isEmpty());
}

CFL_GUI_TEST_MAIN(tst_Logout)
#include "tst_logout.moc"
