#include "client/LoanOffer.h"

#include <QDate>
#include <QSet>

#include <cmath>

namespace cfl {

QJsonObject LoanOffer::toJson() const
{
    return QJsonObject { { QStringLiteral("possible"), possible }, { QStringLiteral("amount"), amount },
        { QStringLiteral("months"), months }, { QStringLiteral("annual_rate_percent"), annualRatePercent },
        { QStringLiteral("monthly_payment"), std::round(monthlyPayment * 100) / 100 },
        { QStringLiteral("monthly_income"), std::round(monthlyIncome * 100) / 100 },
        { QStringLiteral("total_balance"), std::round(totalBalance * 100) / 100 },
        { QStringLiteral("basis"), basis } };
}

LoanOffer computeLoanOffer(const QJsonArray &accounts, const QJsonArray &transactions)
{
    LoanOffer offer;
    for (const QJsonValue &account : accounts)
        offer.totalBalance += account.toObject().value(QStringLiteral("balance")).toString().toDouble();

    QSet<QString> months;
    double income = 0;
    double spending = 0;
    for (const QJsonValue &value : transactions) {
        const QJsonObject t = value.toObject();
        const QDate day = QDate::fromString(t.value(QStringLiteral("booked_on")).toString(), Qt::ISODate);
        const double amount = t.value(QStringLiteral("amount")).toString().toDouble();
        const QString category = t.value(QStringLiteral("category")).toString();
        // A month counts once its salary arrived: a month just begun must not dilute the income.
        if (category == QLatin1String("salary") && amount > 0) {
            income += amount;
            if (day.isValid())
                months.insert(day.toString(QStringLiteral("yyyy-MM")));
        } else if (amount < 0 && category != QLatin1String("transfer"))
            spending -= amount;
    }
    const int monthCount = std::max<int>(1, int(months.size()));
    offer.monthlyIncome = income / monthCount;
    offer.monthlySpending = spending / monthCount;
    offer.annualRatePercent = 6.9;
    offer.months = 36;

    // What John can afford each month: a third of his income, and never more than what he has left.
    double affordable = 0;
    if (offer.monthlyIncome > 0) {
        affordable = std::min(
            offer.monthlyIncome * 0.33, std::max(0.0, offer.monthlyIncome - offer.monthlySpending));
        offer.basis
            = QStringLiteral("income %1 / month and spending %2 / month from your transactions, balance %3")
                  .arg(offer.monthlyIncome, 0, 'f', 2)
                  .arg(offer.monthlySpending, 0, 'f', 2)
                  .arg(offer.totalBalance, 0, 'f', 2);
    } else if (offer.totalBalance > 0) {
        // Without transactions CoolLoan cannot see an income: a small offer secured by savings.
        affordable = offer.totalBalance * 0.5 / offer.months;
        offer.basis = QStringLiteral("your balances only (%1): share your transactions for a better offer")
                          .arg(offer.totalBalance, 0, 'f', 2);
    } else {
        offer.basis = QStringLiteral("no data: CoolLoan could not read your accounts");
        return offer;
    }
    const double r = offer.annualRatePercent / 100.0 / 12.0;
    const double principal = affordable * (1 - std::pow(1 + r, -offer.months)) / r;
    offer.amount = std::floor(principal / 500.0) * 500.0;
    offer.possible = offer.amount >= 500;
    offer.monthlyPayment = offer.possible ? offer.amount * r / (1 - std::pow(1 + r, -offer.months)) : 0;
    return offer;
}

} // namespace cfl
