#pragma once
// Amounts are integer cents everywhere (never floating point); this is how they read in messages.

#include <QString>

namespace cfl {

// "1,234.56 EUR", "-0.05 EUR": the grouping and decimal marks of the bank's English pages, independent of
// the machine's locale.
QString formatMoney(qint64 cents, const QString &currency);

} // namespace cfl
