#include "http/WireFormat.h"

#include "http/FormData.h"

#include <QRegularExpression>
#include <QUrl>

namespace cfl::wire {

bool isBasic(QByteArrayView authorization)
{
    return authorization.size() >= 6 && authorization.first(6).compare("Basic ", Qt::CaseInsensitive) == 0;
}

BasicCredentials parseBasicCredentials(QByteArrayView authorization)
{
    BasicCredentials result;
    if (!isBasic(authorization))
        return result;
    const auto decoded = QByteArray::fromBase64Encoding(
        authorization.sliced(6).toByteArray().trimmed(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        result.problem = BasicCredentials::Problem::NotBase64;
        return result;
    }
    result.userPass = decoded.decoded;
    const qsizetype colon = result.userPass.indexOf(':');
    if (colon < 0) {
        // (The whole as the client id: what a bank that skips the format check would read.)
        result.clientId = formUrlDecode(result.userPass).value_or(QString());
        result.problem = BasicCredentials::Problem::NoColon;
        return result;
    }
    // RFC 6749 §2.3.1: "The client identifier is encoded using the application/x-www-form-urlencoded
    // encoding algorithm …, and the encoded value is used as the username; the client password is
    // encoded using the same algorithm and used as the password."
    const auto id = formUrlDecode(QByteArrayView(result.userPass).first(colon));
    const auto secret = formUrlDecode(QByteArrayView(result.userPass).sliced(colon + 1));
    result.clientId = id.value_or(QString());
    result.secret = secret.value_or(QString());
    result.problem
        = id && secret ? BasicCredentials::Problem::None : BasicCredentials::Problem::NotFormEncoded;
    return result;
}

QByteArray basicAuthorization(const QString &clientId, const QString &secret)
{
    return "Basic " + (formUrlEncode(clientId) + ':' + formUrlEncode(secret)).toBase64();
}

QList<QPair<QByteArray, QByteArray>> parseCookieHeader(QByteArrayView field)
{
    // RFC 6265 §4.2.1: cookie-string = cookie-pair *( ";" SP cookie-pair ); §5.4 is what browsers send.
    QList<QPair<QByteArray, QByteArray>> pairs;
    for (const QByteArray &piece : field.toByteArray().split(';')) {
        const QByteArray pair = piece.trimmed();
        const qsizetype eq = pair.indexOf('=');
        if (eq > 0)
            pairs.append({ pair.left(eq), pair.mid(eq + 1) }); // a space before '=' is part of the name
    }
    return pairs;
}

QByteArray SetCookie::toHeaderValue() const
{
    QByteArray line = name + '=' + value;
    if (!path.isEmpty())
        line += "; Path=" + path;
    if (secure)
        line += "; Secure";
    if (httpOnly)
        line += "; HttpOnly";
    if (!sameSite.isEmpty())
        line += "; SameSite=" + sameSite;
    // Last, as the bank has always sent it (the order of attributes carries no meaning, RFC 6265 §5.2).
    if (maxAge)
        line += "; Max-Age=" + QByteArray::number(*maxAge);
    return line;
}

SetCookie SetCookie::expired() const
{
    SetCookie cookie = *this;
    cookie.value.clear();
    cookie.maxAge = 0;
    cookie.attributes.clear();
    return cookie;
}

std::optional<SetCookie> SetCookie::parse(QByteArrayView line)
{
    // RFC 6265 §5.2: the name-value-pair is everything up to the first ';'; without '=' or with an
    // empty name the whole line is ignored.
    const QList<QByteArray> pieces = line.toByteArray().split(';');
    const QByteArray first = pieces.value(0);
    const qsizetype eq = first.indexOf('=');
    if (eq < 0 || first.left(eq).trimmed().isEmpty())
        return std::nullopt;
    SetCookie cookie;
    cookie.name = first.left(eq).trimmed();
    cookie.value = first.mid(eq + 1).trimmed();
    cookie.path.clear();
    cookie.httpOnly = false;
    cookie.sameSite.clear();
    for (qsizetype i = 1; i < pieces.size(); ++i) {
        const QByteArray attribute = pieces.at(i).trimmed();
        if (attribute.isEmpty())
            continue;
        const qsizetype aeq = attribute.indexOf('=');
        const QByteArray key = (aeq < 0 ? attribute : attribute.left(aeq)).trimmed().toLower();
        const QByteArray val = aeq < 0 ? QByteArray() : attribute.mid(aeq + 1).trimmed();
        cookie.attributes.append({ key, val });
        if (key == "path") {
            cookie.path = val;
        } else if (key == "max-age") {
            bool ok = false;
            const qint64 seconds = val.toLongLong(&ok);
            if (ok)
                cookie.maxAge = seconds;
        } else if (key == "httponly") {
            cookie.httpOnly = true;
        } else if (key == "secure") {
            cookie.secure = true;
        } else if (key == "samesite") {
            cookie.sameSite = val;
        }
    }
    return cookie;
}

QList<FormPair> splitForm(QByteArrayView encoded)
{
    QList<FormPair> pairs;
    if (encoded.isEmpty())
        return pairs;
    const auto lenient = [](QByteArray bytes) { return QUrl::fromPercentEncoding(bytes.replace('+', ' ')); };
    for (const QByteArray &piece : encoded.toByteArray().split('&')) {
        FormPair pair;
        const qsizetype eq = piece.indexOf('=');
        pair.hasEquals = eq >= 0;
        pair.rawName = eq < 0 ? piece : piece.left(eq);
        pair.rawValue = eq < 0 ? QByteArray() : piece.mid(eq + 1);
        pair.name = lenient(pair.rawName);
        pair.value = lenient(pair.rawValue);
        pairs.append(pair);
    }
    return pairs;
}

bool looksLikeForm(QByteArrayView body)
{
    static const QRegularExpression form(
        QStringLiteral(R"(^[A-Za-z0-9_.%+\-]+=[^&\s]*(&[A-Za-z0-9_.%+\-]+=[^&\s]*)*$)"));
    return form.match(QString::fromLatin1(body)).hasMatch();
}

namespace {
// A JOSE header is a JSON object, so its base64url starts "eyJ" ('{"'); the segments after it are
// base64url (RFC 7515 §2: no padding). Five parts at most (a JWE, RFC 7516 §7.1).
const QRegularExpression &josePattern()
{
    static const QRegularExpression jose(
        QStringLiteral(R"(eyJ[A-Za-z0-9_\-]{4,}(?:\.[A-Za-z0-9_\-]*){1,4})"));
    return jose;
}
} // namespace

QList<JoseSpan> findCompactJose(QStringView text)
{
    QList<JoseSpan> spans;
    // (globalMatch on a QString: Qt 6.8 deprecates the QStringView overload for globalMatchView, which
    // Qt 6.4 lacks.)
    const QString subject = text.toString();
    for (auto it = josePattern().globalMatch(subject); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        QStringView found = match.capturedView();
        // A sentence's full stop after a token is not an empty segment of it.
        while (found.endsWith(QLatin1Char('.')) && found.count(QLatin1Char('.')) > 2)
            found.chop(1);
        spans.append({ match.capturedStart(), found.size(), int(found.count(QLatin1Char('.'))) + 1 });
    }
    return spans;
}

bool isCompactJws(QStringView text)
{
    const QList<JoseSpan> spans = findCompactJose(text);
    if (spans.size() != 1 || spans.first().start != 0 || spans.first().length != text.size()
        || spans.first().parts != 3)
        return false;
    // Header and payload both JSON objects.
    return text.sliced(text.indexOf(QLatin1Char('.')) + 1).startsWith(QLatin1String("eyJ"));
}

} // namespace cfl::wire
