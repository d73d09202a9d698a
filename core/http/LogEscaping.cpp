#include "http/LogEscaping.h"

#include <QtGlobal>

namespace cfl {

namespace {

bool needsEscape(char32_t c)
{
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) // C0, DEL, C1 (NEL U+0085 ends a line for some readers)
        return true;
    switch (c) {
    case 0x2028: // LINE SEPARATOR
    case 0x2029: // PARAGRAPH SEPARATOR
    case 0x061C: // ARABIC LETTER MARK
    case 0x200E: // LEFT-TO-RIGHT MARK
    case 0x200F: // RIGHT-TO-LEFT MARK
        return true;
    default:
        break;
    }
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069); // embeddings, overrides, isolates
}

void appendHex(QString &out, char32_t value, int digits)
{
    out += QString::number(uint(value), 16).toUpper().rightJustified(digits, QLatin1Char('0'));
}

QtMessageHandler previousHandler = nullptr;

void escapingHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    previousHandler(type, context, escapeForLog(message));
}

} // namespace

QString escapeForLog(QStringView text)
{
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        const char32_t code = c.unicode();
        // None of the characters escaped lies outside the BMP: a surrogate pair is kept whole. A lone
        // surrogate (QString::fromUtf8 never makes one, QString::fromUtf16 may) is shown as its code.
        if (c.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            out += c;
            out += text[++i];
            continue;
        }
        if (c == QLatin1Char('\\')) {
            out += QLatin1String("\\\\");
        } else if (c == QLatin1Char('\n')) {
            out += QLatin1String("\\n");
        } else if (c == QLatin1Char('\r')) {
            out += QLatin1String("\\r");
        } else if (c == QLatin1Char('\t')) {
            out += QLatin1String("\\t");
        } else if (code < 0x100 && needsEscape(code)) {
            out += QLatin1String("\\x");
            appendHex(out, code, 2);
        } else if (needsEscape(code) || c.isSurrogate()) {
            out += QLatin1String("\\u{");
            appendHex(out, code, 4);
            out += QLatin1Char('}');
        } else {
            out += c;
        }
    }
    return out;
}

void installLogEscaping()
{
    if (previousHandler)
        return;
    // Qt returns its own default handler when none was installed before, never nullptr.
    previousHandler = qInstallMessageHandler(escapingHandler);
}

} // namespace cfl
