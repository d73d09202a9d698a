#include "storage/SeedData.h"

#include <QString>

#include <algorithm>
#include <cstddef>
#include <random>

namespace cfl {

namespace {

// Fixed on purpose: the same history on every machine and every run (only its dates follow "today").
constexpr std::mt19937::result_type HistorySeed = 20240917u;

constexpr qint64 CheckingOpeningCents = 341286;
constexpr qint64 SavingsOpeningCents = 685000;
constexpr qint64 SalaryCents = 345000;
constexpr qint64 RentCents = 115000;
constexpr qint64 StandingOrderCents = 40000;
constexpr qint64 SavingsRateBasisPoints = 200; // 2.00 % a year, credited monthly
constexpr qint64 MalloryOpeningCents = 125000;
constexpr qint64 MallorySalaryCents = 248000;
constexpr qint64 MalloryRentCents = 89000;
// John keeps this much for the month's direct debits: a card purchase that would leave less is one he
// does not make, so the history never goes overdrawn whatever day it ends on.
constexpr qint64 CheckingReserveCents = 150000;

// std::mt19937's output sequence is fixed by the C++ standard; the std:: distributions are not (libstdc++,
// libc++ and MSVC differ), hence these hand-made ones. Each draw is its own statement, so that the order
// of draws never depends on the compiler's argument evaluation order.
class Dice
{
public:
    int between(int low, int high)
    {
        return low + static_cast<int>(m_engine() % static_cast<std::mt19937::result_type>(high - low + 1));
    }
    bool chance(int percent) { return between(1, 100) <= percent; }
    template <typename T, std::size_t N> const T &pick(const T (&items)[N]) { return items[m_engine() % N]; }

private:
    std::mt19937 m_engine { HistorySeed };
};

struct Shop
{
    const char16_t *payee;
    const char16_t *branch;
};

const Shop Supermarkets[] = {
    { u"REWE Markt GmbH", u"REWE Köln-Ehrenfeld" },
    { u"EDEKA Center Südstadt", u"EDEKA Südstadt" },
    { u"ALDI SÜD", u"ALDI SÜD Venloer Str." },
    { u"Lidl Dienstleistung GmbH", u"Lidl Köln-Nippes" },
    { u"Kaufland", u"Kaufland Köln-Kalk" },
    { u"PENNY Markt GmbH", u"PENNY Subbelrather Str." },
};

const Shop Restaurants[] = {
    { u"Trattoria Da Marco", u"Trattoria Da Marco" },
    { u"Sushi Ya Köln", u"Sushi Ya" },
    { u"Brauhaus Früh am Dom", u"Früh am Dom" },
    { u"Café Central", u"Café Central" },
    { u"Pho Saigon", u"Pho Saigon" },
    { u"Curry & Co", u"Curry & Co" },
};

const char16_t *const MonthNames[] = { u"January", u"February", u"March", u"April", u"May", u"June", u"July",
    u"August", u"September", u"October", u"November", u"December" };

QString monthLabel(const QDate &day)
{
    return QStringLiteral("%1 %2").arg(QString::fromUtf16(MonthNames[day.month() - 1])).arg(day.year());
}

QDate businessDayOnOrAfter(QDate day)
{
    while (day.dayOfWeek() > 5)
        day = day.addDays(1);
    return day;
}

QDate businessDayOnOrBefore(QDate day)
{
    while (day.dayOfWeek() > 5)
        day = day.addDays(-1);
    return day;
}

class History
{
public:
    explicit History(QList<BankTransaction> *out)
        : m_out(out)
    { }

    qint64 checkingBalance() const { return m_checking; }
    qint64 savingsBalance() const { return m_savings; }

    void checking(const QDate &on, const QString &description, const QString &counterparty,
        const QString &category, qint64 amountCents)
    {
        book(QString::fromLatin1(SeedCheckingAccountId), &m_checking, on, description, counterparty, category,
            amountCents);
    }
    void savings(const QDate &on, const QString &description, const QString &counterparty,
        const QString &category, qint64 amountCents)
    {
        book(QString::fromLatin1(SeedSavingsAccountId), &m_savings, on, description, counterparty, category,
            amountCents);
    }
    // Spending John decides on the day, unless it would eat into the reserve for the month's direct debits.
    void spend(const QDate &on, const QString &description, const QString &counterparty,
        const QString &category, qint64 amountCents)
    {
        if (m_checking - amountCents < CheckingReserveCents)
            return;
        checking(on, description, counterparty, category, -amountCents);
    }
    void cardPayment(const QDate &on, const Shop &shop, const QString &category, qint64 amountCents)
    {
        spend(on, QStringLiteral("Card payment %1").arg(QString::fromUtf16(shop.branch)),
            QString::fromUtf16(shop.payee), category, amountCents);
    }

private:
    void book(const QString &accountId, qint64 *balance, const QDate &on, const QString &description,
        const QString &counterparty, const QString &category, qint64 amountCents)
    {
        *balance += amountCents;
        BankTransaction t;
        t.accountId = accountId;
        t.bookedOn = on;
        t.description = description;
        t.counterparty = counterparty;
        t.category = category;
        t.amountCents = amountCents;
        t.balanceAfterCents = *balance;
        m_out->append(t);
    }

    QList<BankTransaction> *m_out;
    qint64 m_checking = CheckingOpeningCents;
    qint64 m_savings = SavingsOpeningCents;
};

void writeHistory(
    const QDate &today, QList<BankTransaction> *out, qint64 *checkingBalance, qint64 *savingsBalance)
{
    Dice dice;
    History book(out);
    const QString salary = QStringLiteral("salary");
    const QString rent = QStringLiteral("rent");
    const QString transport = QStringLiteral("transport");
    const QString utilities = QStringLiteral("utilities");
    const QString phone = QStringLiteral("phone");
    const QString leisure = QStringLiteral("leisure");
    const QString transfer = QStringLiteral("transfer");
    const QString interest = QStringLiteral("interest");
    const QString groceries = QStringLiteral("groceries");
    const QString shopping = QStringLiteral("shopping");
    const QString john = QStringLiteral("John Miller");

    for (QDate day = today.addMonths(-3); day <= today; day = day.addDays(1)) {
        const int year = day.year();
        const int month = day.month();
        const QString label = monthLabel(day);
        const QDate payday = businessDayOnOrBefore(QDate(year, month, 27));

        // Income and direct debits first: they are booked overnight, before the day's card payments.
        if (day == payday)
            book.checking(day, QStringLiteral("Salary %1").arg(label), QStringLiteral("Acme Tools GmbH"),
                salary, SalaryCents);
        if (day == businessDayOnOrAfter(payday.addDays(1))) {
            book.checking(day,
                QStringLiteral("Standing order to savings %1").arg(QLatin1String(SeedSavingsAccountId)), john,
                transfer, -StandingOrderCents);
            book.savings(day,
                QStringLiteral("Standing order from checking %1").arg(QLatin1String(SeedCheckingAccountId)),
                john, transfer, StandingOrderCents);
        }
        if (day == businessDayOnOrAfter(QDate(year, month, 1))) {
            book.checking(day, QStringLiteral("Rent %1").arg(label),
                QStringLiteral("Hausverwaltung Becker GmbH"), rent, -RentCents);
            book.checking(day, QStringLiteral("Deutschlandticket %1").arg(label),
                QStringLiteral("Kölner Verkehrs-Betriebe AG"), transport, -4900);
        }
        if (day == businessDayOnOrAfter(QDate(year, month, 3)))
            book.checking(day, QStringLiteral("Gym membership %1").arg(label),
                QStringLiteral("FitX Deutschland GmbH"), leisure, -2990);
        if (day == businessDayOnOrAfter(QDate(year, month, 5)))
            book.checking(day, QStringLiteral("Internet MagentaZuhause M %1").arg(label),
                QStringLiteral("Telekom Deutschland GmbH"), utilities, -3995);
        if (day == businessDayOnOrAfter(QDate(year, month, 12)))
            book.checking(day, QStringLiteral("Streaming subscription %1").arg(label),
                QStringLiteral("Netflix International B.V."), leisure, -1399);
        if (day == businessDayOnOrAfter(QDate(year, month, 15)))
            book.checking(day, QStringLiteral("Electricity and gas, monthly prepayment %1").arg(label),
                QStringLiteral("RheinEnergie AG"), utilities, -11800);
        if (day == businessDayOnOrAfter(QDate(year, month, 10)))
            book.checking(day, QStringLiteral("Home contents and liability insurance %1").arg(label),
                QStringLiteral("HUK-COBURG Versicherung"), QStringLiteral("insurance"), -1290);
        if (day == businessDayOnOrAfter(QDate(year, month, 20)))
            book.checking(day, QStringLiteral("Mobile phone plan %1").arg(label),
                QStringLiteral("Vodafone GmbH"), phone, -2499);
        if (day.day() == day.daysInMonth()) {
            // Rounded to the nearest cent.
            const qint64 cents = (book.savingsBalance() * SavingsRateBasisPoints + 60000) / 120000;
            book.savings(day, QStringLiteral("Interest %1").arg(label), QStringLiteral("CodeFlow Bank"),
                interest, cents);
        }

        // Card payments. Supermarkets are closed on Sundays in Germany.
        const bool sunday = day.dayOfWeek() == 7;
        if (!sunday && dice.chance(60)) {
            const Shop &shop = dice.pick(Supermarkets);
            // The smaller of two draws: many small shops, a few big ones (20 to 120 EUR).
            const int first = dice.between(2000, 12000);
            const int second = dice.between(2000, 12000);
            book.cardPayment(day, shop, groceries, std::min(first, second));
        }
        if (!sunday && dice.chance(8)) {
            const int cents = dice.between(495, 3480);
            book.cardPayment(
                day, Shop { u"dm-drogerie markt GmbH + Co. KG", u"dm-drogerie markt" }, shopping, cents);
        }
        if (dice.chance(day.dayOfWeek() >= 5 ? 40 : 12)) {
            const Shop &restaurant = dice.pick(Restaurants);
            const int cents = dice.between(1400, 6800);
            book.cardPayment(day, restaurant, leisure, cents);
        }
        if (!sunday && dice.chance(12)) {
            const int notes = dice.between(1, 3);
            book.spend(day, QStringLiteral("Cash withdrawal, ATM Ehrenfeld"),
                QStringLiteral("Sparkasse KölnBonn"), QStringLiteral("cash"), notes * 5000);
        }
        if (day.dayOfWeek() == 5 && dice.chance(20)) {
            const int cents = dice.between(2990, 8990);
            book.cardPayment(day, Shop { u"DB Fernverkehr AG", u"DB Fernverkehr" }, transport, cents);
        }
    }
    *checkingBalance = book.checkingBalance();
    *savingsBalance = book.savingsBalance();
}

// Mallory's few bookings: enough for an account page and an API answer that are unmistakably hers.
void writeMalloryHistory(const QDate &today, QList<BankTransaction> *out, qint64 *balance)
{
    struct Booking
    {
        int daysAgo;
        const char16_t *description;
        const char16_t *counterparty;
        const char *category;
        qint64 amountCents;
        bool monthly; // the description names the month
    };
    const Booking bookings[] = {
        { 61, u"Salary", u"Rheinblick Logistik GmbH", "salary", MallorySalaryCents, true },
        { 59, u"Rent", u"Wohnbau Köln eG", "rent", -MalloryRentCents, true },
        { 44, u"Card payment REWE Deutz", u"REWE Markt GmbH", "groceries", -6320, false },
        { 31, u"Salary", u"Rheinblick Logistik GmbH", "salary", MallorySalaryCents, true },
        { 29, u"Rent", u"Wohnbau Köln eG", "rent", -MalloryRentCents, true },
        { 12, u"Card payment Saturn Hohe Straße", u"Saturn Electro-Handelsgesellschaft mbH", "shopping",
            -24999, false },
        { 5, u"Cash withdrawal, ATM Deutz", u"Sparkasse KölnBonn", "cash", -10000, false },
    };
    *balance = MalloryOpeningCents;
    for (const Booking &booking : bookings) {
        const QDate day = today.addDays(-booking.daysAgo);
        *balance += booking.amountCents;
        BankTransaction t;
        t.accountId = QString::fromLatin1(SeedMalloryAccountId);
        t.bookedOn = day;
        t.description = booking.monthly
            ? QStringLiteral("%1 %2").arg(QString::fromUtf16(booking.description), monthLabel(day))
            : QString::fromUtf16(booking.description);
        t.counterparty = QString::fromUtf16(booking.counterparty);
        t.category = QString::fromLatin1(booking.category);
        t.amountCents = booking.amountCents;
        t.balanceAfterCents = *balance;
        out->append(t);
    }
}

} // namespace

SeedContent makeSeedContent(const QDate &today, qint64 now, const QByteArray &johnPasswordHash,
    const QByteArray &malloryPasswordHash, const QByteArray &coolLoanSecretHash)
{
    SeedContent seed;

    User &john = seed.john.user;
    john.username = QString::fromLatin1(SeedUsername);
    john.passwordHash = johnPasswordHash;
    john.name = QStringLiteral("John Miller");
    john.givenName = QStringLiteral("John");
    john.familyName = QStringLiteral("Miller");
    john.email = QStringLiteral("john.miller@example.com");
    john.emailVerified = true;
    john.updatedAt = now;
    // Every standard claim of OIDC Core §5.1, as a certified provider can release them: fictional, on the
    // example domains of RFC 2606 and a fictional Berlin number.
    john.middleName = QStringLiteral("Robert");
    john.nickname = QStringLiteral("Johnny");
    john.profileUrl = QStringLiteral("https://people.example.com/john.miller");
    john.pictureUrl = QStringLiteral("https://people.example.com/john.miller/photo.png");
    john.website = QStringLiteral("https://john-miller.example.org");
    john.gender = QStringLiteral("male");
    john.birthdate = QStringLiteral("1986-04-12");
    john.zoneinfo = QStringLiteral("Europe/Berlin");
    john.locale = QStringLiteral("en-DE");
    john.phoneNumber = QStringLiteral("+49 30 5550 1234");
    john.phoneNumberVerified = true;
    john.address = { QStringLiteral("Lindenstraße 12"), QStringLiteral("Berlin"), QStringLiteral("Berlin"),
        QStringLiteral("10969"), QStringLiteral("Germany") };

    qint64 checkingBalance = 0;
    qint64 savingsBalance = 0;
    writeHistory(today, &seed.john.transactions, &checkingBalance, &savingsBalance);

    // Both IBANs carry valid ISO 13616 check digits (the first is the well-known German example IBAN).
    BankAccount checking;
    checking.id = QString::fromLatin1(SeedCheckingAccountId);
    checking.kind = QStringLiteral("checking");
    checking.name = QStringLiteral("Everyday Checking");
    checking.iban = QStringLiteral("DE89 3704 0044 0532 0130 00");
    checking.currency = QStringLiteral("EUR");
    checking.balanceCents = checkingBalance;
    BankAccount savings;
    savings.id = QString::fromLatin1(SeedSavingsAccountId);
    savings.kind = QStringLiteral("savings");
    savings.name = QStringLiteral("Rainy Day Savings");
    savings.iban = QStringLiteral("DE88 3704 0044 0532 0130 18");
    savings.currency = QStringLiteral("EUR");
    savings.balanceCents = savingsBalance;
    seed.john.accounts = { checking, savings };

    User &mallory = seed.mallory.user;
    mallory.username = QString::fromLatin1(SeedMalloryUsername);
    mallory.passwordHash = malloryPasswordHash;
    mallory.name = QStringLiteral("Mallory Jones");
    mallory.givenName = QStringLiteral("Mallory");
    mallory.familyName = QStringLiteral("Jones");
    mallory.email = QStringLiteral("mallory.jones@example.com");
    mallory.emailVerified = true;
    mallory.updatedAt = now;
    mallory.nickname = QStringLiteral("Mal");
    mallory.profileUrl = QStringLiteral("https://people.example.com/mallory.jones");
    mallory.gender = QStringLiteral("female");
    mallory.birthdate = QStringLiteral("1990-10-31");
    mallory.zoneinfo = QStringLiteral("Europe/London");
    mallory.locale = QStringLiteral("en-GB");
    mallory.phoneNumber = QStringLiteral("+44 20 7946 0666");
    mallory.phoneNumberVerified = false;
    mallory.address = { QStringLiteral("13 Shadow Lane"), QStringLiteral("London"), QString(),
        QStringLiteral("E1 6AN"), QStringLiteral("United Kingdom") };

    qint64 malloryBalance = 0;
    writeMalloryHistory(today, &seed.mallory.transactions, &malloryBalance);
    BankAccount current;
    current.id = QString::fromLatin1(SeedMalloryAccountId);
    current.kind = QStringLiteral("checking");
    current.name = QStringLiteral("Current Account");
    current.iban = QStringLiteral("DE44 3704 0044 0532 0140 04"); // valid check digits too
    current.currency = QStringLiteral("EUR");
    current.balanceCents = malloryBalance;
    seed.mallory.accounts = { current };

    seed.coolLoan.clientId = QString::fromLatin1(SeedCoolLoanClientId);
    seed.coolLoan.name = QStringLiteral("CoolLoan");
    seed.coolLoan.secretHash = coolLoanSecretHash;
    seed.coolLoan.isPublic = false;
    // A native app's loopback redirect: the bank accepts any port on it (RFC 8252 §7.3).
    seed.coolLoan.redirectUris = { QStringLiteral("http://127.0.0.1/callback") };
    // Where the bank sends John back after CoolLoan's Log out (OpenID Connect RP-Initiated Logout 1.0 §3),
    // on the same loopback rule.
    seed.coolLoan.postLogoutRedirectUris = { QStringLiteral("http://127.0.0.1/logged-out") };
    seed.coolLoan.allowedScopes = { QStringLiteral("openid"), QStringLiteral("profile"),
        QStringLiteral("email"), QStringLiteral("offline_access"), QStringLiteral("accounts:read"),
        QStringLiteral("transactions:read") };
    seed.coolLoan.createdAt = now;
    return seed;
}

} // namespace cfl
