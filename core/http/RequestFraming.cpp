#include "http/RequestFraming.h"

#include <QUrl>

#include <iterator>

namespace cfl {

namespace {

// RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" /
// "|" / "~" / DIGIT / ALPHA
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

bool isWhitespace(char c)
{
    // What QHttpServer 6.4 skips before a request line (left over from the previous request).
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v';
}

// A line up to (not including) '\n', without one trailing '\r': LF and CRLF both end a line, as in Qt.
QByteArrayView withoutCr(QByteArrayView line)
{
    return line.endsWith('\r') ? line.chopped(1) : line;
}

QByteArrayView trimmedOws(QByteArrayView text)
{
    // RFC 9110 §5.6.3: OWS = *( SP / HTAB )
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t'))
        text.chop(1);
    return text;
}

RequestCheck refused(RequestCheck check, int status, const QString &reason)
{
    check.state = RequestCheck::State::Refused;
    check.status = status;
    check.reason = reason;
    return check;
}

QString describeBytes(qint64 bytes)
{
    return QStringLiteral("%1 bytes").arg(bytes);
}

// Header fields that carry one value and are not lists (RFC 9110 §5.3): sent twice, components that read
// the first and components that read the last disagree about whose credentials, cookie or body type it
// is — a proxy, QHttpServer and the bank among them. Each with the rule that says "once".
struct SingletonField
{
    QByteArrayView name;
    QByteArrayView rule;
};
constexpr SingletonField SingletonFields[] = {
    { "Host", "RFC 9112 §3.2" },
    { "Authorization", "RFC 9110 §5.3, §11.6.2" },
    { "Cookie", "RFC 6265 §5.4" },
    { "Content-Type", "RFC 9110 §5.3, §8.3" },
};

} // namespace

RequestCheck checkRequest(QByteArrayView received, const RequestLimits &limits)
{
    RequestCheck check;
    qsizetype start = 0;
    while (start < received.size() && isWhitespace(received[start]))
        ++start;
    // RFC 9112 §2.2 asks a server to ignore "at least one empty line" before a request line, not any
    // number: blank lines count against the request line's limit (QHttpServer keeps them until the
    // request is whole).
    if (start > limits.maxRequestLineBytes) {
        check.state = RequestCheck::State::Incomplete;
        return refused(check, 400,
            QStringLiteral("More than %1 of blank lines before the request line (RFC 9112 §2.2).")
                .arg(describeBytes(limits.maxRequestLineBytes)));
    }
    if (start == received.size())
        return check;
    check.state = RequestCheck::State::Incomplete;

    // Request line (RFC 9112 §3): method SP request-target SP HTTP-version
    const qsizetype lineEnd = received.indexOf('\n', start);
    // Without its CR: a line that arrived up to its CR is as long as it will be with the LF.
    const qsizetype lineLength
        = withoutCr(received.sliced(start, (lineEnd < 0 ? received.size() : lineEnd) - start)).size();
    if (lineLength > limits.maxRequestLineBytes) {
        return refused(check, 414,
            QStringLiteral("The request line is longer than %1 (RFC 9110 §15.5.15, RFC 9112 §3).")
                .arg(describeBytes(limits.maxRequestLineBytes)));
    }
    if (lineEnd < 0)
        return check;
    const QByteArrayView line = withoutCr(received.sliced(start, lineEnd - start));
    const qsizetype firstSpace = line.indexOf(' ');
    const qsizetype secondSpace = firstSpace < 0 ? -1 : line.indexOf(' ', firstSpace + 1);
    if (firstSpace < 0 || secondSpace < 0) {
        return refused(check, 400,
            QStringLiteral(
                "The request line is not 'method SP request-target SP HTTP-version' (RFC 9112 §3)."));
    }
    const QByteArrayView method = line.first(firstSpace);
    const QByteArrayView target = line.sliced(firstSpace + 1, secondSpace - firstSpace - 1);
    const QByteArrayView version = line.sliced(secondSpace + 1);
    bool targetOk = !target.isEmpty();
    for (const char c : target)
        targetOk
            = targetOk && uchar(c) > 0x20 && uchar(c) < 0x7F; // RFC 9112 §3.2: no whitespace, no controls
    if (!isToken(method) || !targetOk) {
        return refused(check, 400,
            QStringLiteral(
                "The request line is not 'method SP request-target SP HTTP-version' (RFC 9112 §3)."));
    }
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        return refused(check, 505,
            QStringLiteral("This server speaks HTTP/1.1 (and 1.0) only (RFC 9110 §15.6.6, RFC 9112 §2.3)."));
    }
    check.method = method.toByteArray();
    check.path = QUrl::fromEncoded(target.toByteArray()).path();

    // Header section (RFC 9112 §5), up to the empty line.
    qsizetype position = lineEnd + 1;
    qint64 headerBytes = 0;
    int fields = 0;
    qint64 contentLength = -1;
    unsigned singletonsSeen = 0; // bit i: SingletonFields[i]
    while (true) {
        const qsizetype fieldEnd = received.indexOf('\n', position);
        const qsizetype available = (fieldEnd < 0 ? received.size() : fieldEnd + 1) - position;
        headerBytes += available;
        if (headerBytes > limits.maxHeaderBytes) {
            return refused(check, 431,
                QStringLiteral("The header fields together are longer than %1 (RFC 6585 §5).")
                    .arg(describeBytes(limits.maxHeaderBytes)));
        }
        if (fieldEnd < 0) {
            if (withoutCr(received.sliced(position)).size() > limits.maxFieldLineBytes) {
                return refused(check, 431,
                    QStringLiteral("A header field is longer than %1 (RFC 6585 §5).")
                        .arg(describeBytes(limits.maxFieldLineBytes)));
            }
            return check;
        }
        const QByteArrayView field = withoutCr(received.sliced(position, fieldEnd - position));
        position = fieldEnd + 1;
        if (field.isEmpty())
            break;
        const qsizetype colon = field.indexOf(':');
        const QByteArrayView name = colon < 0 ? field : field.first(colon);
        if (field.size() > limits.maxFieldLineBytes) {
            return refused(check, 431,
                QStringLiteral("The header field %1 is longer than %2 (RFC 6585 §5).")
                    .arg(QString::fromLatin1(name.first(std::min<qsizetype>(name.size(), 64))),
                        describeBytes(limits.maxFieldLineBytes)));
        }
        if (++fields > limits.maxHeaderFields) {
            return refused(check, 431,
                QStringLiteral("The request has more than %1 header fields (RFC 6585 §5).")
                    .arg(limits.maxHeaderFields));
        }
        if (field.front() == ' ' || field.front() == '\t') {
            return refused(check, 400,
                QStringLiteral("A header field is folded over two lines (obs-fold, RFC 9112 §5.2)."));
        }
        // RFC 9112 §5.1: no whitespace between the field name and the colon.
        if (colon < 0 || !isToken(name)) {
            return refused(
                check, 400, QStringLiteral("A header field is not 'name: value' (RFC 9112 §5, §5.1)."));
        }
        const QByteArrayView value = trimmedOws(field.sliced(colon + 1));
        // RFC 9110 §5.5: a field value is visible characters, spaces and tabs (obs-text too). "A recipient of
        // CR, LF, or NUL within a field value MUST either reject the message or replace each of those
        // characters with SP": rejected here, with every other control, so that no part behind this one
        // (QHttpServer drops such a field from 6.8 on, 6.4 keeps it) decides what the request meant.
        for (const char c : value) {
            if ((uchar(c) < 0x20 && c != '\t') || uchar(c) == 0x7F) {
                return refused(check, 400,
                    QStringLiteral(
                        "The header field %1 has a control character in its value (RFC 9110 §5.5).")
                        .arg(QString::fromLatin1(name.first(std::min<qsizetype>(name.size(), 64)))));
            }
        }
        if (name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0) {
            return refused(check, 411,
                QStringLiteral("Send the body with a Content-Length: this server does not read transfer "
                               "codings such as chunked (RFC 9110 §15.5.12, RFC 9112 §6.1)."));
        }
        for (unsigned i = 0; i < std::size(SingletonFields); ++i) {
            if (name.compare(SingletonFields[i].name, Qt::CaseInsensitive) != 0)
                continue;
            if (singletonsSeen & (1u << i)) {
                return refused(check, 400,
                    QStringLiteral("The header field %1 must be given once (%2).")
                        .arg(QString::fromLatin1(SingletonFields[i].name),
                            QString::fromUtf8(SingletonFields[i].rule)));
            }
            singletonsSeen |= 1u << i;
        }
        if (name.compare("Content-Length", Qt::CaseInsensitive) == 0) {
            // RFC 9112 §6.3 (5): a repeated or invalid Content-Length leaves the message length unknown.
            bool digits = !value.isEmpty() && value.size() <= 15;
            for (const char c : value)
                digits = digits && c >= '0' && c <= '9';
            if (contentLength >= 0 || !digits) {
                return refused(check, 400,
                    QStringLiteral("Content-Length must be given once, as a number (RFC 9110 §8.6, RFC 9112 "
                                   "§6.3)."));
            }
            contentLength = value.toLongLong();
        }
    }

    const qint64 maxBody = limits.maxBodyBytes(check.method, check.path);
    if (contentLength > maxBody) {
        return refused(check, 413,
            QStringLiteral("The body of %1 %2 may be at most %3; this one is %4 (RFC 9110 §15.5.14).")
                .arg(QString::fromLatin1(check.method), check.path.left(256), describeBytes(maxBody),
                    describeBytes(contentLength)));
    }
    const qint64 end = qint64(position) + std::max<qint64>(contentLength, 0);
    if (received.size() < end)
        return check;
    check.state = RequestCheck::State::Complete;
    check.length = qsizetype(end);
    return check;
}

} // namespace cfl
