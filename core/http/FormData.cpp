#include "http/FormData.h"

#include <QSet>
#include <QStringDecoder>
#include <QUrl>

namespace cfl {

namespace {
int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
} // namespace

std::optional<QString> formUrlDecode(QByteArrayView text)
{
    QByteArray bytes;
    bytes.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            bytes.append(' ');
        } else if (c == '%') {
            if (i + 2 >= text.size())
                return std::nullopt;
            const int hi = hexValue(text[i + 1]);
            const int lo = hexValue(text[i + 2]);
            if (hi < 0 || lo < 0)
                return std::nullopt;
            bytes.append(char(hi * 16 + lo));
            i += 2;
        } else {
            bytes.append(c);
        }
    }
    // Stateless: a sequence cut off at the end ("%E2%82") is an error, not kept back for input to come.
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString decoded = decoder(bytes);
    if (decoder.hasError())
        return std::nullopt;
    return decoded;
}

QByteArray formUrlEncode(const QString &text)
{
    return QUrl::toPercentEncoding(text);
}

std::optional<FormData> FormData::parse(QByteArrayView encoded, QString *error)
{
    FormData form;
    if (encoded.isEmpty())
        return form;
    const QList<QByteArray> pairs = encoded.toByteArray().split('&');
    for (const QByteArray &pair : pairs) {
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf('=');
        const QByteArrayView rawName = eq < 0 ? QByteArrayView(pair) : QByteArrayView(pair).first(eq);
        const QByteArrayView rawValue = eq < 0 ? QByteArrayView() : QByteArrayView(pair).sliced(eq + 1);
        const auto name = formUrlDecode(rawName);
        const auto value = formUrlDecode(rawValue);
        if (!name || !value) {
            if (error) {
                *error = QStringLiteral("malformed form field '%1': bad percent-encoding or not UTF-8")
                             .arg(QString::fromLatin1(rawName.toByteArray().left(40)));
            }
            return std::nullopt;
        }
        form.m_items.append({ *name, *value });
    }
    return form;
}

bool FormData::contains(const QString &name) const
{
    return std::any_of(
        m_items.cbegin(), m_items.cend(), [&](const auto &item) { return item.first == name; });
}

std::optional<QString> FormData::value(const QString &name) const
{
    for (const auto &[key, value] : m_items) {
        if (key == name)
            return value;
    }
    return std::nullopt;
}

QString FormData::valueOr(const QString &name, const QString &fallback) const
{
    return value(name).value_or(fallback);
}

QStringList FormData::values(const QString &name) const
{
    QStringList result;
    for (const auto &[key, value] : m_items) {
        if (key == name)
            result.append(value);
    }
    return result;
}

QStringList FormData::repeatedNames() const
{
    // Linear in the number of parameters: one hash lookup each. Looking each repeated name up in the
    // list being built made it quadratic; a 617 KB body stalled the bank for 5.75 s (issue 10 finding 3).
    QSet<QString> seen;
    QSet<QString> reported;
    QStringList repeated;
    seen.reserve(m_items.size());
    for (const auto &item : m_items) {
        if (seen.contains(item.first)) {
            if (!reported.contains(item.first)) {
                reported.insert(item.first);
                repeated.append(item.first);
            }
        } else {
            seen.insert(item.first);
        }
    }
    return repeated;
}

} // namespace cfl
