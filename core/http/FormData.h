#pragma once
// application/x-www-form-urlencoded (WHATWG URL §5) — the body of every OAuth POST (RFC 6749 Appendix B) and
// the query of /authorize. QUrlQuery does not turn '+' into a space, so the bank decodes forms here, once.

#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace cfl {

class FormData
{
public:
    // nullopt and *error when a name or value is not valid UTF-8 after percent-decoding, or a
    // percent escape is malformed.
    static std::optional<FormData> parse(QByteArrayView encoded, QString *error = nullptr);

    bool contains(const QString &name) const;
    // The value of a parameter given once; an empty string for a parameter given empty.
    std::optional<QString> value(const QString &name) const;
    QString valueOr(const QString &name, const QString &fallback = {}) const;
    QStringList values(const QString &name) const;
    // RFC 6749 §3.1 / §3.2: "Request and response parameters MUST NOT be included more than once."
    QStringList repeatedNames() const;
    const QList<QPair<QString, QString>> &items() const { return m_items; }

private:
    QList<QPair<QString, QString>> m_items;
};

// One name or value, as in a form: '+' is a space, then percent-decoding. Also for the parts of
// HTTP Basic client credentials (RFC 6749 §2.3.1).
std::optional<QString> formUrlDecode(QByteArrayView text);
// Encodes everything but the unreserved characters (RFC 3986 §2.3), so '+' never means a space.
QByteArray formUrlEncode(const QString &text);

} // namespace cfl
