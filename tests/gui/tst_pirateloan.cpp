// PirateLoan in the real window: John's password typed into PirateLoan, which logs in to online
// banking as John and sees and does everything.

#include "bank/BankHost.h"
#include "client/PirateLoanClient.h"
#include "gui/LabFixture.h"
#include "storage/BankStore.h"
#include "storage/SeedData.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTreeWidget>

using namespace cfl;
using namespace cfl::test;

class tst_PirateLoan : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void wrongPasswordIsRefused();
    void seesEverythingAndPays();

private:
    static void typeCredentials(LabSession &lab, const QString &username, const QString &password);
};

void tst_PirateLoan::typeCredentials(LabSession &lab, const QString &username, const QString &password)
{
    auto *user = lab.widget<QLineEdit>("pirateUsername");
    auto *pass = lab.widget<QLineEdit>("piratePassword");
    QVERIFY(user && pass);
    user->clear();
    pass->clear();
    QTest::keyClicks(user, username);
    QTest::keyClicks(pass, password);
    QCOMPARE(pass->echoMode(), QLineEdit::Password);
}

void tst_PirateLoan::wrongPasswordIsRefused()
{
    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    PirateLoanClient *pirate = lab.window()->pirateLoan();
    QSignalSpy failures(pirate, &PirateLoanClient::failed);
    typeCredentials(lab, QString::fromLatin1(SeedUsername), QStringLiteral("not-johns-password"));
    QTest::mouseClick(lab.widget<QPushButton>("pirateLogin"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(failures.count(), 1, 15000);

    QVERIFY(!pirate->isLoggedIn());
    auto *status = lab.widget<QLabel>("pirateStatus");
    // The bank's own words, from its login page.
    QVERIFY2(
        status->text().contains(QStringLiteral("The bank refused the password")), qPrintable(status->text()));
    QVERIFY2(
        status->text().contains(QStringLiteral("Wrong user name or password")), qPrintable(status->text()));
    QVERIFY(!lab.widget<QTreeWidget>("pirateSeen")->isVisible());
    QVERIFY(!lab.widget<QPushButton>("piratePay")->isVisible());
}

void tst_PirateLoan::seesEverythingAndPays()
{
    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    PirateLoanClient *pirate = lab.window()->pirateLoan();
    QSignalSpy scraped(pirate, &PirateLoanClient::accountsScraped);
    QSignalSpy failures(pirate, &PirateLoanClient::failed);
    typeCredentials(lab, QString::fromLatin1(SeedUsername), QString::fromLatin1(SeedPassword));
    QTest::mouseClick(lab.widget<QPushButton>("pirateLogin"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!scraped.isEmpty() || !failures.isEmpty(), 15000);
    QVERIFY2(failures.isEmpty(), qPrintable(failures.value(0).value(0).toString()));
    QVERIFY(pirate->isLoggedIn());

    // Every account and every transaction: no scope limits a password.
    int expectedTransactions = 0;
    QStringList accountIds;
    lab.window()->bank()->withStore([&](BankStore &store) {
        const auto john = store.users().userByUsername(QString::fromLatin1(SeedUsername));
        for (const BankAccount &account : store.accounts().accountsOf(john->id)) {
            accountIds.append(account.id);
            expectedTransactions += int(store.accounts().transactionsOf(account.id).size());
        }
    });
    QCOMPARE(accountIds.size(), 2);
    QCOMPARE(pirate->accounts().size(), 2);
    int scrapedTransactions = 0;
    for (const ScrapedAccount &account : pirate->accounts()) {
        QVERIFY2(accountIds.contains(account.id), qPrintable(account.id));
        QVERIFY(!account.iban.isEmpty());
        QVERIFY(!account.balance.isEmpty());
        scrapedTransactions += account.transactionCount;
    }
    QVERIFY(expectedTransactions > 0);
    QCOMPARE(scrapedTransactions, expectedTransactions);

    auto *seen = lab.widget<QTreeWidget>("pirateSeen");
    QVERIFY(seen->isVisible());
    QCOMPARE(seen->topLevelItemCount(), 2);
    for (int i = 0; i < seen->topLevelItemCount(); ++i)
        QVERIFY(seen->topLevelItem(i)->childCount() > 0); // its transactions
    auto *status = lab.widget<QLabel>("pirateStatus");
    QVERIFY2(status->text().contains(
                 QStringLiteral("all 2 accounts and %1 transactions").arg(expectedTransactions)),
        qPrintable(status->text()));
    QVERIFY(lab.widget<QLabel>("pirateContrast")->isVisible());

    // And it can pay: a payment John never agreed to, booked in his name.
    QSignalSpy payments(pirate, &PirateLoanClient::paymentMade);
    auto *pay = lab.widget<QPushButton>("piratePay");
    QVERIFY(pay->isVisible());
    QTest::mouseClick(pay, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!payments.isEmpty() || failures.count() > 0, 15000);
    QVERIFY2(failures.isEmpty(), qPrintable(failures.value(0).value(0).toString()));
    QVERIFY2(status->text().contains(QStringLiteral("PirateLoan paid itself 1.00 EUR")),
        qPrintable(status->text()));
    bool booked = false;
    lab.window()->bank()->withStore([&](BankStore &store) {
        const auto latest = store.accounts().transactionsOf(pirate->accounts().first().id, 1);
        booked = !latest.isEmpty() && latest.first().counterparty == QLatin1String("PirateLoan Ltd")
            && latest.first().amountCents == -100;
    });
    QVERIFY(booked);
}

CFL_GUI_TEST_MAIN(tst_PirateLoan)
#include "tst_pirateloan.moc"
