#pragma once
// The bank's starting state: John, his two accounts with about three months of history, and CoolLoan.
// Pure values, no SQL: BankStore writes them. The demo identities below are what the UI may show.

#include "storage/BankRecords.h"

#include <QByteArray>
#include <QDate>
#include <QList>

namespace cfl {

constexpr auto SeedUsername = "john";
constexpr auto SeedPassword = "banking-is-fun";
constexpr auto SeedCheckingAccountId = "CHK-1001";
constexpr auto SeedSavingsAccountId = "SAV-2001";
constexpr auto SeedCoolLoanClientId = "coolloan";

struct SeedContent
{
    User john; // id is set by the database
    QList<BankAccount> accounts; // userId 0 (John's id is known only once he is written); final balances
    QList<BankTransaction> transactions; // oldest first, balanceAfterCents chained per account
    Client coolLoan;
};

// The history ends on `today` and starts three months before it. Everything else comes from a fixed PRNG
// seed, never from the clock: two seeds made on the same day are identical.
SeedContent makeSeedContent(
    const QDate &today, qint64 now, const QByteArray &johnPasswordHash, const QByteArray &coolLoanSecretHash);

} // namespace cfl
