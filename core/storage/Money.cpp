#include "storage/Money.h"

namespace cfl {

QString formatMoney(qint64 cents, const QString &currency)
{
    const bool negative = cents < 0;
    // Unsigned, so that the most negative qint64 has a magnitude too.
    const quint64 magnitude = negative ? 0 - static_cast<quint64>(cents) : static_cast<quint64>(cents);
    QString units = QString::number(magnitude / 100);
    for (int i = units.size() - 3; i > 0; i -= 3)
        units.insert(i, QLatin1Char(','));
    const QString fraction = QStringLiteral("%1").arg(magnitude % 100, 2, 10, QLatin1Char('0'));
    QString text = (negative ? QStringLiteral("-") : QString()) + units + QLatin1Char('.') + fraction;
    if (!currency.isEmpty())
        text += QLatin1Char(' ') + currency;
    return text;
}

} // namespace cfl
