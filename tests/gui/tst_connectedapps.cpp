// John's online banking in his embedded browser: Connected apps lists CoolLoan (which asked the
// bank) and not PirateLoan (which asked John for his password); revoking CoolLoan there makes
// CoolLoan's next API call fail, visibly.

#include "client/CoolLoanClient.h"
#include "client/PirateLoanClient.h"
#include "gui/LabFixture.h"
#include "storage/SeedData.h"
#include "ui/story/JohnsBrowser.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>

using namespace cfl;
using namespace cfl::test;

namespace {
const QString RevokeCoolLoan
    = QStringLiteral("form[action=\"/web/apps/coolloan/revoke\"] button[type=submit]");
}

class tst_ConnectedApps : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void revokeFromOnlineBanking();
};

void tst_ConnectedApps::revokeFromOnlineBanking()
{
    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    CoolLoanClient *coolLoan = lab.window()->coolLoan();
    QVERIFY(approveCoolLoan(lab));

    // PirateLoan gets John's password too, and logs in as him.
    PirateLoanClient *pirate = lab.window()->pirateLoan();
    QSignalSpy pirateIn(pirate, &PirateLoanClient::accountsScraped);
    lab.widget<QLineEdit>("pirateUsername")->setText(QString::fromLatin1(SeedUsername));
    lab.widget<QLineEdit>("piratePassword")->setText(QString::fromLatin1(SeedPassword));
    QTest::mouseClick(lab.widget<QPushButton>("pirateLogin"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!pirateIn.isEmpty(), 15000);
    QVERIFY(pirate->isLoggedIn());

    // John opens his online banking in the same browser session: still logged in from the consent.
    auto *openBanking = lab.widget<QPushButton>("openOnlineBanking");
    QVERIFY(openBanking && openBanking->isVisible());
    QTest::mouseClick(openBanking, Qt::LeftButton);
    QVERIFY(waitForElement(lab.browser(), RevokeCoolLoan));
    // The page's URL reaches QWebEnginePage after its content may already be scriptable: wait for it too.
    QTRY_COMPARE(lab.browser()->currentUrl().path(), QStringLiteral("/web/apps"));
    const QString apps = pageText(lab.browser());
    QVERIFY2(apps.contains(QStringLiteral("CoolLoan")), qPrintable(apps));
    QVERIFY2(apps.contains(QStringLiteral("accounts:read")), qPrintable(apps));
    // The bank cannot tell PirateLoan from John: it is not there to revoke.
    QVERIFY2(!apps.contains(QStringLiteral("PirateLoan"), Qt::CaseInsensitive), qPrintable(apps));
    QVERIFY(!evaluate(lab.browser(), QStringLiteral("!!document.querySelector('form[action*=\"pirate\" i]')"))
                 .toBool());

    // Revoke.
    QVERIFY(clickInPage(lab.browser(), RevokeCoolLoan));
    QVERIFY(
        waitInPage(lab.browser(), QStringLiteral("document.body.innerText.indexOf('Access revoked') >= 0")));
    QVERIFY(!evaluate(lab.browser(),
        QStringLiteral("!!document.querySelector('form[action=\"/web/apps/coolloan/revoke\"]')"))
                 .toBool());

    // CoolLoan's still-unexpired access token stops working at its next call.
    QCOMPARE(coolLoan->phase(), CoolLoanClient::Phase::Connected);
    QSignalSpy failures(coolLoan, &CoolLoanClient::failed);
    QSignalSpy offers(coolLoan, &CoolLoanClient::offerReady);
    QTest::mouseClick(lab.widget<QPushButton>("callApi"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(failures.count(), 1, 15000);
    QVERIFY(offers.isEmpty());
    QCOMPARE(coolLoan->phase(), CoolLoanClient::Phase::Failed);
    QCOMPARE(coolLoan->refreshCount(), 0); // a revoked token is not "expired": no refresh attempt
    auto *error = lab.widget<QLabel>("coolLoanError");
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("invalid_token")), qPrintable(error->text()));
    QVERIFY2(error->text().contains(QStringLiteral("revoked")), qPrintable(error->text()));
    QVERIFY(lab.widget<QPushButton>("startOver")->isVisible());

    // John can change his mind: start over, and CoolLoan must ask him again (the consent is gone).
    QTest::mouseClick(lab.widget<QPushButton>("startOver"), Qt::LeftButton);
    QCOMPARE(coolLoan->phase(), CoolLoanClient::Phase::Idle);
    QVERIFY(approveCoolLoan(lab)); // waits for the consent page, approves, gets an offer
    QVERIFY(!error->isVisible());

    // PirateLoan still gets in: only a password change would stop it.
    QSignalSpy pirateAgain(pirate, &PirateLoanClient::accountsScraped);
    QTest::mouseClick(lab.widget<QPushButton>("pirateLogin"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!pirateAgain.isEmpty(), 15000);
    QCOMPARE(pirate->accounts().size(), 2);
}

CFL_GUI_TEST_MAIN(tst_ConnectedApps)
#include "tst_connectedapps.moc"
