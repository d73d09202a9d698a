// AccountStore: the seeded accounts and their history, payments, money as text.
// (Split from tst_bankstore, issue 9 §5: each function moved as it was.)

#include "crypto/PasswordHasher.h"
#include "storage/Money.h"
#include "unit/StoreTestSupport.h"

#include <QTest>

#include <algorithm>
#include <iterator>
#include <limits>

using namespace cfl;
using namespace cfl::storetest;

class tst_AccountStore : public QObject, private StoreFixture
{
    Q_OBJECT

private slots:
    void init() { openStore(); }
    void cleanup() { closeStore(); }

    void seededAccountsAreConsistent();
    void seedIsDeterministic();
    void seededSecondCustomer();
    void paymentBooksAndDebits();
    void paymentRefusals_data();
    void paymentRefusals();
    void formatMoney_data();
    void formatMoney();
};

void tst_AccountStore::seededAccountsAreConsistent()
{
    const QList<BankAccount> accounts = m_store->accounts().accountsOf(johnId());
    QCOMPARE(accounts.size(), 2);
    QCOMPARE(accounts[0].id, text("CHK-1001"));
    QCOMPARE(accounts[0].kind, text("checking"));
    QCOMPARE(accounts[1].id, text("SAV-2001"));
    QCOMPARE(accounts[1].kind, text("savings"));
    QVERIFY(accounts[0].iban != accounts[1].iban);

    const QDate today = QDate::currentDate();
    int total = 0;
    for (const BankAccount &account : accounts) {
        QCOMPARE(account.currency, text("EUR"));
        QCOMPARE(account.userId, johnId());
        QVERIFY(account.iban.startsWith(text("DE")));
        QCOMPARE(m_store->accounts().account(account.id)->balanceCents, account.balanceCents);

        QList<BankTransaction> history = m_store->accounts().transactionsOf(account.id); // newest first
        QVERIFY(!history.isEmpty());
        QCOMPARE(history.first().balanceAfterCents, account.balanceCents);
        std::reverse(history.begin(), history.end());
        for (int i = 0; i < history.size(); ++i) {
            const BankTransaction &t = history[i];
            QCOMPARE(t.accountId, account.id);
            QVERIFY2(t.bookedOn >= today.addMonths(-3) && t.bookedOn <= today,
                qPrintable(describe({ t }).first()));
            QVERIFY(t.amountCents != 0);
            QVERIFY(!t.description.isEmpty());
            QVERIFY(t.balanceAfterCents >= 0);
            if (i > 0) {
                QVERIFY(t.bookedOn >= history[i - 1].bookedOn);
                QCOMPARE(t.balanceAfterCents, history[i - 1].balanceAfterCents + t.amountCents);
            }
        }
        total += int(history.size());
        QCOMPARE(m_store->accounts().transactionsOf(account.id, 5).size(), 5);
    }
    qInfo("seeded %d transactions", total);
    QVERIFY2(total >= 80 && total <= 150, qPrintable(QString::number(total)));

    const QList<BankTransaction> checking = m_store->accounts().transactionsOf(text("CHK-1001"));
    const QList<BankTransaction> savings = m_store->accounts().transactionsOf(text("SAV-2001"));
    const auto inCategory = [](const QList<BankTransaction> &list, const char *category) {
        QList<BankTransaction> found;
        std::copy_if(list.begin(), list.end(), std::back_inserter(found),
            [&](const BankTransaction &t) { return t.category == QLatin1String(category); });
        return found;
    };
    const QList<BankTransaction> salaries = inCategory(checking, "salary");
    QVERIFY(salaries.size() >= 2);
    for (const BankTransaction &t : salaries) {
        QCOMPARE(t.amountCents, 345000);
        QCOMPARE(t.counterparty, text("Acme Tools GmbH"));
    }
    QVERIFY(inCategory(checking, "rent").size() >= 2);
    QVERIFY(inCategory(checking, "utilities").size() >= 4);
    QVERIFY(inCategory(checking, "phone").size() >= 2);
    QVERIFY(inCategory(checking, "transport").size() >= 2);
    QVERIFY(inCategory(checking, "leisure").size() >= 5);
    const QList<BankTransaction> groceries = inCategory(checking, "groceries");
    QVERIFY(groceries.size() >= 25); // several times a week
    for (const BankTransaction &t : groceries)
        QVERIFY2(t.amountCents <= -2000 && t.amountCents >= -12000, qPrintable(describe({ t }).first()));
    QVERIFY(!inCategory(savings, "interest").isEmpty());

    // A transfer appears in both accounts, same day, opposite amounts.
    const QList<BankTransaction> out = inCategory(checking, "transfer");
    const QList<BankTransaction> in = inCategory(savings, "transfer");
    QVERIFY(!out.isEmpty());
    QCOMPARE(out.size(), in.size());
    for (int i = 0; i < out.size(); ++i) {
        QCOMPARE(out[i].bookedOn, in[i].bookedOn);
        QCOMPARE(out[i].amountCents, -in[i].amountCents);
    }
}

void tst_AccountStore::seedIsDeterministic()
{
    QTemporaryDir otherDir;
    QVERIFY(otherDir.isValid());
    QString error;
    SeedReport otherSeed;
    const std::unique_ptr<BankStore> other = BankStore::open(otherDir.path(), &error, &otherSeed);
    QVERIFY2(other, qPrintable(error));
    QVERIFY(otherSeed.seeded);

    for (const QString &account : { text("CHK-1001"), text("SAV-2001") }) {
        QCOMPARE(describe(other->accounts().transactionsOf(account)),
            describe(m_store->accounts().transactionsOf(account)));
        QCOMPARE(other->accounts().account(account)->balanceCents,
            m_store->accounts().account(account)->balanceCents);
    }
    // The content is fixed; the secrets are not.
    QVERIFY(otherSeed.coolLoanSecret != m_seed.coolLoanSecret);
    QVERIFY(other->users().userByUsername(text("john"))->passwordHash
        != m_store->users().userByUsername(text("john"))->passwordHash);
}

void tst_AccountStore::seededSecondCustomer()
{
    // Mallory: a customer of her own, so that every ownership check has someone to refuse.
    const std::optional<User> mallory = m_store->users().userByUsername(text("mallory"));
    QVERIFY(mallory);
    QVERIFY(mallory->id != johnId());
    QCOMPARE(mallory->name, text("Mallory Jones"));
    QCOMPARE(mallory->email, text("mallory.jones@example.com"));
    QVERIFY(verifyPassword(mallory->passwordHash, "mallory-knows"));
    QVERIFY(!verifyPassword(mallory->passwordHash, "banking-is-fun"));

    const QList<BankAccount> accounts = m_store->accounts().accountsOf(mallory->id);
    QCOMPARE(accounts.size(), 1);
    const BankAccount &current = accounts.first();
    QCOMPARE(current.id, text("CHK-3001"));
    QCOMPARE(current.userId, mallory->id);
    QCOMPARE(current.currency, text("EUR"));
    for (const BankAccount &johns : m_store->accounts().accountsOf(johnId()))
        QVERIFY(johns.iban != current.iban);

    QList<BankTransaction> history = m_store->accounts().transactionsOf(current.id); // newest first
    QVERIFY(history.size() >= 3);
    QCOMPARE(history.first().balanceAfterCents, current.balanceCents);
    std::reverse(history.begin(), history.end());
    for (int i = 1; i < history.size(); ++i) {
        QVERIFY(history[i].bookedOn >= history[i - 1].bookedOn);
        QCOMPARE(history[i].balanceAfterCents, history[i - 1].balanceAfterCents + history[i].amountCents);
        QVERIFY(history[i].balanceAfterCents >= 0);
    }
    // Her bookings are not John's.
    for (const BankTransaction &t : history)
        QCOMPARE(t.accountId, current.id);
}

void tst_AccountStore::paymentBooksAndDebits()
{
    const qint64 john = johnId();
    const qint64 before = m_store->accounts().account(text("CHK-1001"))->balanceCents;
    QString error;
    const std::optional<BankTransaction> payment = m_store->accounts().makePayment(
        john, text("CHK-1001"), text("  CoolLoan Ltd  "), 12345, text("Loan fee 2025-06"), kNow, &error);
    QVERIFY2(payment, qPrintable(error));
    QVERIFY(payment->id > 0);
    QCOMPARE(payment->accountId, text("CHK-1001"));
    QCOMPARE(payment->amountCents, -12345);
    QCOMPARE(payment->balanceAfterCents, before - 12345);
    QCOMPARE(payment->counterparty, text("CoolLoan Ltd"));
    QCOMPARE(payment->description, text("Loan fee 2025-06"));
    QCOMPARE(payment->category, text("payment"));
    QCOMPARE(payment->bookedOn, QDateTime::fromSecsSinceEpoch(kNow).date());
    QCOMPARE(m_store->accounts().account(text("CHK-1001"))->balanceCents, before - 12345);
    QCOMPARE(describe(m_store->accounts().transactionsOf(text("CHK-1001"), 1)), describe({ *payment }));

    // Without a reference; the whole balance of the savings account.
    const qint64 savings = m_store->accounts().account(text("SAV-2001"))->balanceCents;
    const std::optional<BankTransaction> all = m_store->accounts().makePayment(
        john, text("SAV-2001"), text("Car dealer"), savings, QString(), kNow, &error);
    QVERIFY2(all, qPrintable(error));
    QCOMPARE(all->description, text("Payment to Car dealer"));
    QCOMPARE(all->balanceAfterCents, 0);
    QCOMPARE(m_store->accounts().account(text("SAV-2001"))->balanceCents, 0);
}

void tst_AccountStore::paymentRefusals_data()
{
    QTest::addColumn<bool>("otherUser");
    QTest::addColumn<QString>("account");
    QTest::addColumn<QString>("payee");
    QTest::addColumn<bool>("overdraw"); // one cent more than SAV-2001 holds, instead of amountCents
    QTest::addColumn<qint64>("amountCents");
    QTest::addColumn<QString>("expectedError"); // empty: the insufficient funds message

    QTest::newRow("insufficient funds")
        << false << text("SAV-2001") << text("Shop") << true << qint64(0) << QString();
    QTest::newRow("zero") << false << text("SAV-2001") << text("Shop") << false << qint64(0)
                          << text("the amount must be more than 0.00");
    QTest::newRow("negative") << false << text("SAV-2001") << text("Shop") << false << qint64(-500)
                              << text("the amount must be more than 0.00");
    QTest::newRow("no payee") << false << text("SAV-2001") << text("  ") << false << qint64(100)
                              << text("a payment needs a payee");
    QTest::newRow("not your account") << true << text("SAV-2001") << text("Shop") << false << qint64(100)
                                      << text("account SAV-2001 is not one of your accounts");
    QTest::newRow("no such account") << false << text("SAV-9999") << text("Shop") << false << qint64(100)
                                     << text("account SAV-9999 is not one of your accounts");
}

void tst_AccountStore::paymentRefusals()
{
    QFETCH(bool, otherUser);
    QFETCH(QString, account);
    QFETCH(QString, payee);
    QFETCH(bool, overdraw);
    QFETCH(qint64, amountCents);
    QFETCH(QString, expectedError);

    const qint64 balance = m_store->accounts().account(text("SAV-2001"))->balanceCents;
    const int count = int(m_store->accounts().transactionsOf(text("SAV-2001")).size());
    if (overdraw)
        amountCents = balance + 1;
    if (expectedError.isEmpty())
        expectedError
            = QStringLiteral("insufficient funds: balance is %1").arg(cfl::formatMoney(balance, text("EUR")));

    QString error;
    const qint64 user = otherUser ? johnId() + 1 : johnId();
    QVERIFY(!m_store->accounts().makePayment(user, account, payee, amountCents, text("ref"), kNow, &error));
    QCOMPARE(error, expectedError);
    QCOMPARE(m_store->accounts().account(text("SAV-2001"))->balanceCents, balance);
    QCOMPARE(m_store->accounts().transactionsOf(text("SAV-2001")).size(), count);
}

void tst_AccountStore::formatMoney_data()
{
    QTest::addColumn<qint64>("cents");
    QTest::addColumn<QString>("expected");

    QTest::newRow("zero") << qint64(0) << text("0.00 EUR");
    QTest::newRow("cents") << qint64(5) << text("0.05 EUR");
    QTest::newRow("negative cents") << qint64(-5) << text("-0.05 EUR");
    QTest::newRow("hundreds") << qint64(99999) << text("999.99 EUR");
    QTest::newRow("thousands") << qint64(123456) << text("1,234.56 EUR");
    QTest::newRow("negative thousands") << qint64(-345000) << text("-3,450.00 EUR");
    QTest::newRow("millions") << qint64(100000000) << text("1,000,000.00 EUR");
    QTest::newRow("smallest") << std::numeric_limits<qint64>::min() << text("-92,233,720,368,547,758.08 EUR");
}

void tst_AccountStore::formatMoney()
{
    QFETCH(qint64, cents);
    QFETCH(QString, expected);
    QCOMPARE(cfl::formatMoney(cents, text("EUR")), expected);
}

QTEST_GUILESS_MAIN(tst_AccountStore)
#include "tst_accountstore.moc"
