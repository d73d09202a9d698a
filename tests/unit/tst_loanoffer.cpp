#include "client/LoanOffer.h"

#include <QTest>

using namespace cfl;

namespace {

QJsonObject account(const QString &id, const QString &type, const QString &balance)
{
    return { { QStringLiteral("id"), id }, { QStringLiteral("type"), type },
        { QStringLiteral("balance"), balance } };
}

QJsonObject transaction(const QString &bookedOn, const QString &category, const QString &amount)
{
    return { { QStringLiteral("booked_on"), bookedOn }, { QStringLiteral("category"), category },
        { QStringLiteral("amount"), amount } };
}

// What GET /api/accounts returns for the seed's John, give or take the cents.
QJsonArray johnsAccounts()
{
    return { account(QStringLiteral("CHK-1001"), QStringLiteral("checking"), QStringLiteral("2500.00")),
        account(QStringLiteral("SAV-2001"), QStringLiteral("savings"), QStringLiteral("9500.00")) };
}

// Three months of salary (3,000) and rent (1,000), a transfer to savings and a refund that are
// neither income nor spending, and groceries in a month whose salary has not arrived yet.
QJsonArray threeMonthsOfSalary()
{
    return { transaction(QStringLiteral("2026-08-01"), QStringLiteral("salary"), QStringLiteral("3000.00")),
        transaction(QStringLiteral("2026-08-03"), QStringLiteral("rent"), QStringLiteral("-1000.00")),
        transaction(QStringLiteral("2026-09-01"), QStringLiteral("salary"), QStringLiteral("3000.00")),
        transaction(QStringLiteral("2026-09-03"), QStringLiteral("rent"), QStringLiteral("-1000.00")),
        transaction(QStringLiteral("2026-09-10"), QStringLiteral("transfer"), QStringLiteral("-500.00")),
        transaction(QStringLiteral("2026-09-12"), QStringLiteral("shopping"), QStringLiteral("20.00")),
        transaction(QStringLiteral("2026-10-01"), QStringLiteral("salary"), QStringLiteral("3000.00")),
        transaction(QStringLiteral("2026-10-03"), QStringLiteral("rent"), QStringLiteral("-1000.00")),
        transaction(QStringLiteral("2026-11-02"), QStringLiteral("groceries"), QStringLiteral("-200.00")) };
}

} // namespace

class tst_LoanOffer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void offer_data();
    void offer();
    void offerIsMonthlyPaymentOfItsAmount();
    void toJson();
};

void tst_LoanOffer::offer_data()
{
    QTest::addColumn<QJsonArray>("accounts");
    QTest::addColumn<QJsonArray>("transactions");
    QTest::addColumn<bool>("possible");
    QTest::addColumn<double>("amount");
    QTest::addColumn<double>("monthlyIncome");
    QTest::addColumn<double>("totalBalance");
    QTest::addColumn<QString>("basisMentions");

    // Income 3,000 over 3 salary months; spending (3 × 1,000 + 200) / 3. A third of the income (990 /
    // month) over 36 months at 6.9 % buys 32,110, rounded down to 32,000.
    QTest::newRow("salary transactions") << johnsAccounts() << threeMonthsOfSalary() << true << 32000.0
                                         << 3000.0 << 12000.0 << QStringLiteral("income 3000.00 / month");
    // Spending eats the income: nothing left to repay with.
    QJsonArray overspent = threeMonthsOfSalary();
    overspent.append(
        transaction(QStringLiteral("2026-10-20"), QStringLiteral("travel"), QStringLiteral("-6000.00")));
    QTest::newRow("spending above income") << johnsAccounts() << overspent << false << 0.0 << 3000.0
                                           << 12000.0 << QStringLiteral("from your transactions");
    // accounts:read only: half the balance, spread over 36 months → 166.67 / month → 5,405 → 5,000.
    QTest::newRow("balances only") << johnsAccounts() << QJsonArray() << true << 5000.0 << 0.0 << 12000.0
                                   << QStringLiteral("your balances only (12000.00)");
    QTest::newRow("balances only, too small")
        << QJsonArray { account(
               QStringLiteral("CHK-1001"), QStringLiteral("checking"), QStringLiteral("600.00")) }
        << QJsonArray() << false << 0.0 << 0.0 << 600.0 << QStringLiteral("your balances only");
    QTest::newRow("nothing") << QJsonArray() << QJsonArray() << false << 0.0 << 0.0 << 0.0
                             << QStringLiteral("no data");
}

void tst_LoanOffer::offer()
{
    QFETCH(QJsonArray, accounts);
    QFETCH(QJsonArray, transactions);
    QFETCH(bool, possible);
    QFETCH(double, amount);
    QFETCH(double, monthlyIncome);
    QFETCH(double, totalBalance);
    QFETCH(QString, basisMentions);

    const LoanOffer offer = computeLoanOffer(accounts, transactions);
    QCOMPARE(offer.possible, possible);
    QCOMPARE(offer.amount, amount);
    QCOMPARE(offer.monthlyIncome, monthlyIncome);
    QCOMPARE(offer.totalBalance, totalBalance);
    QVERIFY2(offer.basis.contains(basisMentions), qPrintable(offer.basis));
    if (!possible)
        QCOMPARE(offer.monthlyPayment, 0.0);
}

void tst_LoanOffer::offerIsMonthlyPaymentOfItsAmount()
{
    const LoanOffer offer = computeLoanOffer(johnsAccounts(), threeMonthsOfSalary());
    QVERIFY(offer.possible);
    QCOMPARE(offer.months, 36);
    QCOMPARE(offer.annualRatePercent, 6.9);
    // The annuity of 32,000 over 36 months at 6.9 % / 12: within what John can afford (990 / month).
    QVERIFY2(qAbs(offer.monthlyPayment - 986.60) < 0.01,
        qPrintable(QString::number(offer.monthlyPayment, 'f', 4)));
    QVERIFY(offer.monthlyPayment <= offer.monthlyIncome * 0.33);
    QVERIFY2(qAbs(offer.monthlySpending - 1066.67) < 0.01,
        qPrintable(QString::number(offer.monthlySpending, 'f', 4)));
}

void tst_LoanOffer::toJson()
{
    const QJsonObject json = computeLoanOffer(johnsAccounts(), threeMonthsOfSalary()).toJson();
    QCOMPARE(json.value(QStringLiteral("possible")).toBool(), true);
    QCOMPARE(json.value(QStringLiteral("amount")).toDouble(), 32000.0);
    QCOMPARE(json.value(QStringLiteral("months")).toInt(), 36);
    QCOMPARE(json.value(QStringLiteral("monthly_payment")).toDouble(), 986.60);
    QCOMPARE(json.value(QStringLiteral("monthly_income")).toDouble(), 3000.0);
    QCOMPARE(json.value(QStringLiteral("total_balance")).toDouble(), 12000.0);
    QVERIFY(!json.value(QStringLiteral("basis")).toString().isEmpty());
}

QTEST_GUILESS_MAIN(tst_LoanOffer)
#include "tst_loanoffer.moc"
