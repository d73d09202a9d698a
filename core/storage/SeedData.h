#pragma once
// The bank's starting state: John, his two accounts with about three months of history, Mallory (a second
// customer with one account and a few bookings), and CoolLoan. Pure values, no SQL: BankStore writes them.
// The demo identities below are what the UI may show.

#include "storage/BankRecords.h"

#include <QByteArray>
#include <QDate>
#include <QList>

namespace cfl {

constexpr auto SeedUsername = "john";
constexpr auto SeedPassword = "banking-is-fun";
constexpr auto SeedCheckingAccountId = "CHK-1001";
constexpr auto SeedSavingsAccountId = "SAV-2001";
// Another customer of the same bank: what John's tokens and session must never open, and what hers must
// never open of his (the ownership checks); the attacker of the attack lab.
constexpr auto SeedMalloryUsername = "mallory";
constexpr auto SeedMalloryPassword = "mallory-knows";
constexpr auto SeedMalloryAccountId = "CHK-3001";
constexpr auto SeedCoolLoanClientId = "coolloan";

// One customer: who they are, their accounts and the history of those accounts.
struct SeedCustomer
{
    User user; // id is set by the database
    QList<BankAccount> accounts; // userId 0 (known only once the user is written); final balances
    QList<BankTransaction> transactions; // oldest first, balanceAfterCents chained per account
};

struct SeedContent
{
    SeedCustomer john; // written first: his ids do not depend on anyone else's
    SeedCustomer mallory;
    Client coolLoan;
};

// The history ends on `today` and starts three months before it. Everything else comes from a fixed PRNG
// seed, never from the clock: two seeds made on the same day are identical.
SeedContent makeSeedContent(const QDate &today, qint64 now, const QByteArray &johnPasswordHash,
    const QByteArray &malloryPasswordHash, const QByteArray &coolLoanSecretHash);

} // namespace cfl
