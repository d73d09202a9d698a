#pragma once
// CoolLoan's business: a loan offer computed only from what John allowed it to read.

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace cfl {

struct LoanOffer
{
    bool possible = false;
    double monthlyIncome = 0; // average salary credits per month (needs transactions:read)
    double monthlySpending = 0; // average other debits per month
    double totalBalance = 0; // over all accounts (needs accounts:read)
    double amount = 0; // offered principal
    double annualRatePercent = 0;
    int months = 0;
    double monthlyPayment = 0;
    QString basis; // which data it was computed from, in words

    QJsonObject toJson() const;
};

// `accounts` as returned by GET /api/accounts ("accounts" array); `transactions` the transactions of
// the checking account (empty when John did not share them).
LoanOffer computeLoanOffer(const QJsonArray &accounts, const QJsonArray &transactions);

} // namespace cfl
