#include "trace/TraceExport.h"

#include "http/WireFormat.h"

#include <QDateTime>
#include <QHash>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QStringDecoder>

#include <algorithm>
#include <optional>

namespace cfl {

namespace {
// Parameter names whose values are credentials or bearer artefacts (RFC 6749 §10.3–§10.6, §10.12; OIDC
// Core §3.1.2.1 for nonce). A name is compared after percent-decoding.
const QStringList SecretParameters { QStringLiteral("code"), QStringLiteral("code_verifier"),
    QStringLiteral("client_secret"), QStringLiteral("client_assertion"), QStringLiteral("password"),
    QStringLiteral("refresh_token"), QStringLiteral("access_token"), QStringLiteral("id_token"),
    QStringLiteral("id_token_hint"), QStringLiteral("logout_token"), QStringLiteral("token"),
    QStringLiteral("csrf_token"), QStringLiteral("state"), QStringLiteral("nonce") };
// Not even a prefix of these: a password's first letters are worth something, a random code's are not.
const QStringList WhollyMasked { QStringLiteral("password"), QStringLiteral("client_secret"),
    QStringLiteral("code_verifier"), QStringLiteral("client_assertion") };
const QString Masked = QStringLiteral("…(masked)");

QString headerName(const QByteArray &name)
{
    return QString::fromLatin1(name).toLower();
}

QString maskedParameter(const QString &name, const QString &value)
{
    if (!SecretParameters.contains(name) || value.isEmpty())
        return value;
    return WhollyMasked.contains(name) ? Masked : maskSecret(value);
}

// Any compact JWS or JWE left anywhere (a header, a summary, a body of an unknown type): the last line
// of defence.
QString maskedJwts(QString text)
{
    const QList<wire::JoseSpan> spans = wire::findCompactJose(text);
    for (auto it = spans.crbegin(); it != spans.crend(); ++it)
        text.replace(it->start, it->length, maskSecret(text.mid(it->start, it->length)));
    return text;
}

QByteArray maskedJwts(const QByteArray &bytes)
{
    return maskedJwts(QString::fromUtf8(bytes)).toUtf8();
}

// name=value&name=value (a query, a fragment or a form body), masked pair by pair and otherwise kept
// byte for byte, so that what is not secret reads exactly as it was sent.
QByteArray maskedPairs(const QByteArray &encoded)
{
    QByteArrayList pairs;
    for (const wire::FormPair &pair : wire::splitForm(encoded)) {
        if (!pair.hasEquals) {
            pairs.append(pair.rawName);
            continue;
        }
        const QString masked = maskedParameter(pair.name, pair.value);
        pairs.append(
            pair.rawName + '=' + (masked == pair.value ? pair.rawValue : QUrl::toPercentEncoding(masked)));
    }
    return pairs.join('&');
}

QJsonValue maskedJson(const QJsonValue &value, const QString &name)
{
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            it.value() = maskedJson(it.value(), it.key());
        return object;
    }
    if (value.isArray()) {
        QJsonArray array = value.toArray();
        for (auto it = array.begin(); it != array.end(); ++it)
            *it = maskedJson(*it, name);
        return array;
    }
    if (value.isString()) {
        const QString text = value.toString();
        const QString masked = maskedParameter(name, text);
        return masked != text ? masked : maskedJwts(text);
    }
    return value;
}

QByteArray contentTypeOf(const TraceEvent::Headers &headers)
{
    for (const auto &[name, value] : headers) {
        if (headerName(name) == QLatin1String("content-type"))
            return value;
    }
    return {};
}

// Bodies go to a JSON string: text as it is, anything else (an image, a favicon) as its size only.
QString bodyText(const QByteArray &body)
{
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder.decode(body);
    if (decoder.hasError())
        return QStringLiteral("(%1 bytes, not text)").arg(body.size());
    return text;
}

// The seed's participants and their PlantUML aliases.
QString alias(const QString &party)
{
    if (party == QLatin1String("John"))
        return QStringLiteral("RO");
    if (party == QLatin1String("Browser"))
        return QStringLiteral("UA");
    if (party == QLatin1String("CoolLoan"))
        return QStringLiteral("3rd");
    if (party == QLatin1String("eddy"))
        return QStringLiteral("Auth");
    if (party == QLatin1String("boris"))
        return QStringLiteral("Token");
    if (party == QLatin1String("banky"))
        return QStringLiteral("R");
    if (party == QLatin1String("PirateLoan"))
        return QStringLiteral("Pirate");
    if (party == malloryDevice())
        return QStringLiteral("MalloryDevice");
    if (party == malloryMalware())
        return QStringLiteral("MalloryMalware");
    if (party == malloryListener())
        return QStringLiteral("MalloryListener");
    if (party == malloryBank())
        return QStringLiteral("MalloryBank");
    return QStringLiteral("Other");
}

// Values seen in a secret position anywhere in the run, masked wherever else they reappear: a page that
// shows the workshop password as a hint, a link that carries the code, an error that quotes a token.
class KnownSecrets
{
public:
    explicit KnownSecrets(const QList<TraceEvent> &events)
    {
        for (const TraceEvent &event : events) {
            pairs(event.url.query(QUrl::FullyEncoded).toLatin1());
            pairs(event.url.fragment(QUrl::FullyEncoded).toLatin1());
            headers(event.requestHeaders);
            headers(event.responseHeaders);
            body(event.requestBody, contentTypeOf(event.requestHeaders));
            body(event.responseBody, contentTypeOf(event.responseHeaders));
        }
        // Longest first, so that a value containing another is replaced whole.
        m_order = m_replacements.keys();
        std::sort(m_order.begin(), m_order.end(),
            [](const QString &a, const QString &b) { return a.size() > b.size(); });
    }

    QString apply(QString text) const
    {
        for (const QString &value : m_order) {
            const QString replacement = m_replacements.value(value);
            text.replace(value, replacement);
            const QString encoded = QString::fromLatin1(QUrl::toPercentEncoding(value));
            if (encoded != value)
                text.replace(encoded, QString::fromLatin1(QUrl::toPercentEncoding(replacement)));
        }
        return maskedJwts(text);
    }
    QByteArray apply(const QByteArray &bytes) const { return apply(QString::fromUtf8(bytes)).toUtf8(); }

private:
    void add(const QString &name, const QString &value)
    {
        // Short values ("s", "1") would mask ordinary words; random codes and passwords are longer.
        if (value.size() >= 8 && SecretParameters.contains(name))
            m_replacements.insert(value, maskedParameter(name, value));
    }

    void pairs(const QByteArray &encoded)
    {
        for (const wire::FormPair &pair : wire::splitForm(encoded)) {
            if (pair.hasEquals && !pair.rawName.isEmpty())
                add(pair.name, pair.value);
        }
    }

    void json(const QJsonValue &value, const QString &name)
    {
        if (value.isObject()) {
            const QJsonObject object = value.toObject();
            for (auto it = object.begin(); it != object.end(); ++it)
                json(it.value(), it.key());
        } else if (value.isArray()) {
            for (const QJsonValue &item : value.toArray())
                json(item, name);
        } else if (value.isString()) {
            add(name, value.toString());
        }
    }

    void body(const QByteArray &body, const QByteArray &contentType)
    {
        if (body.isEmpty())
            return;
        const QByteArray type = contentType.toLower();
        if (type.contains("x-www-form-urlencoded") || (type.isEmpty() && wire::looksLikeForm(body))) {
            pairs(body);
            return;
        }
        const QJsonDocument document = QJsonDocument::fromJson(body);
        if (document.isObject())
            json(document.object(), {});
        else if (document.isArray())
            json(document.array(), {});
    }

    void headers(const TraceEvent::Headers &headers)
    {
        for (const auto &[name, value] : headers) {
            const QString lower = headerName(name);
            if (lower == QLatin1String("authorization")) {
                const QByteArray credentials = value.mid(value.indexOf(' ') + 1).trimmed();
                add(QStringLiteral("token"), QString::fromLatin1(credentials));
                // RFC 6749 §2.3.1: "client_id:client_secret", each form-encoded.
                const wire::BasicCredentials basic = wire::parseBasicCredentials(value);
                if (basic.ok())
                    add(QStringLiteral("client_secret"), basic.secret);
            } else if (lower == QLatin1String("cookie")) {
                for (const auto &[cookieName, cookieValue] : wire::parseCookieHeader(value))
                    add(QStringLiteral("token"), QString::fromLatin1(cookieValue));
            } else if (lower == QLatin1String("set-cookie")) {
                // QNetworkReply joins several Set-Cookie headers with newlines; the attributes after
                // the first pair are not secret.
                for (const QByteArray &line : value.split('\n')) {
                    if (const auto cookie = wire::SetCookie::parse(line))
                        add(QStringLiteral("token"), QString::fromLatin1(cookie->value));
                }
            } else if (lower == QLatin1String("location")) {
                const QUrl url = QUrl::fromEncoded(value);
                pairs(url.query(QUrl::FullyEncoded).toLatin1());
                pairs(url.fragment(QUrl::FullyEncoded).toLatin1());
            }
        }
    }

    QHash<QString, QString> m_replacements;
    QStringList m_order;
};

// A PlantUML message ends at the end of its line.
QString umlText(QString text)
{
    text.replace(QLatin1Char('\r'), QString());
    text.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
    return text;
}
} // namespace

QString maskSecret(const QString &value)
{
    if (value.isEmpty())
        return value;
    return value.left(std::min<qsizetype>(6, value.size() / 3)) + Masked;
}

QUrl maskedUrl(const QUrl &url)
{
    if (!url.hasQuery() && !url.hasFragment())
        return url;
    QUrl result = url;
    // Query and fragment (where an implicit or hybrid response would put tokens, RFC 6749 §4.2.2).
    if (url.hasQuery())
        result.setQuery(
            QString::fromLatin1(maskedPairs(url.query(QUrl::FullyEncoded).toLatin1())), QUrl::StrictMode);
    if (url.hasFragment() && url.fragment(QUrl::FullyEncoded).contains(QLatin1Char('=')))
        result.setFragment(
            QString::fromLatin1(maskedPairs(url.fragment(QUrl::FullyEncoded).toLatin1())), QUrl::StrictMode);
    return result;
}

QByteArray maskedBody(const QByteArray &body, const QByteArray &contentType)
{
    if (body.isEmpty())
        return body;
    const QByteArray type = contentType.toLower();
    QJsonParseError parseError {};
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (type.contains("json") || (type.isEmpty() && parseError.error == QJsonParseError::NoError)) {
        if (parseError.error != QJsonParseError::NoError)
            return maskedJwts(body);
        const QJsonValue masked = maskedJson(
            document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array()), {});
        return masked.isObject() ? QJsonDocument(masked.toObject()).toJson(QJsonDocument::Compact)
                                 : QJsonDocument(masked.toArray()).toJson(QJsonDocument::Compact);
    }
    if (type.contains("x-www-form-urlencoded") || (type.isEmpty() && wire::looksLikeForm(body)))
        return maskedPairs(body);
    if (type.contains("html")) {
        // Pages carry CSRF tokens in hidden fields and, after the callback, codes in links.
        QString text = QString::fromUtf8(body);
        static const QRegularExpression token(QStringLiteral(
            R"re(((?:value=|code=|state=|token=|csrf_token=)["']?)([A-Za-z0-9_\-.~]{16,}))re"));
        text.replace(token, QStringLiteral("\\1") + Masked);
        return maskedJwts(text).toUtf8();
    }
    return maskedJwts(body);
}

QByteArray maskedHeaderValue(const QByteArray &name, const QByteArray &value)
{
    const QString lower = headerName(name);
    if (lower == QLatin1String("authorization") || lower == QLatin1String("proxy-authorization")) {
        // Keep the scheme (Basic, Bearer): which one is used is the lesson.
        const qsizetype space = value.indexOf(' ');
        return space > 0 ? value.left(space + 1) + Masked.toUtf8() : Masked.toUtf8();
    }
    if (lower == QLatin1String("cookie")) {
        // Every cookie's name, no value.
        QByteArrayList cookies;
        for (const auto &[cookieName, cookieValue] : wire::parseCookieHeader(value))
            cookies.append(cookieName + '=' + Masked.toUtf8());
        return cookies.isEmpty() && !value.trimmed().isEmpty() ? Masked.toUtf8() : cookies.join("; ");
    }
    if (lower == QLatin1String("set-cookie")) {
        // The value masked, the attributes (HttpOnly, SameSite, Path…) kept: they are part of the lesson.
        // QNetworkReply joins several Set-Cookie headers with newlines.
        QByteArrayList lines;
        for (const QByteArray &line : value.split('\n')) {
            const auto cookie = wire::SetCookie::parse(line);
            const qsizetype semicolon = line.indexOf(';');
            lines.append(cookie ? cookie->name + '=' + Masked.toUtf8()
                        + (semicolon >= 0 ? line.mid(semicolon) : QByteArray())
                                : Masked.toUtf8());
        }
        return lines.join('\n');
    }
    if (lower == QLatin1String("location") || lower == QLatin1String("referer")
        || lower == QLatin1String("content-location"))
        return maskedUrl(QUrl::fromEncoded(value)).toEncoded();
    return maskedJwts(value);
}

namespace {
QJsonObject eventToJson(const TraceEvent &event, const KnownSecrets *known)
{
    auto text = [known](const QString &value) { return known ? known->apply(value) : value; };
    auto body = [known](const QByteArray &bytes, const TraceEvent::Headers &headers) {
        return known ? known->apply(bodyText(maskedBody(bytes, contentTypeOf(headers)))) : bodyText(bytes);
    };
    auto headersJson = [known](const TraceEvent::Headers &headers) {
        QJsonArray array;
        for (const auto &[name, value] : headers) {
            array.append(QJsonArray { QString::fromLatin1(name),
                known ? known->apply(QString::fromUtf8(maskedHeaderValue(name, value)))
                      : QString::fromUtf8(value) });
        }
        return array;
    };
    QJsonObject object {
        { QStringLiteral("sequence"), event.sequence },
        { QStringLiteral("time"),
            QDateTime::fromMSecsSinceEpoch(event.timeMs).toUTC().toString(Qt::ISODateWithMs) },
        { QStringLiteral("kind"), kindName(event.kind) },
        { QStringLiteral("source"), event.source },
        { QStringLiteral("channel"), channelName(event.channel) },
        { QStringLiteral("step"), event.step },
        { QStringLiteral("from"), event.from },
        { QStringLiteral("to"), event.to },
        { QStringLiteral("method"), QString::fromLatin1(event.method) },
        { QStringLiteral("url"),
            known ? known->apply(maskedUrl(event.url).toString(QUrl::FullyEncoded))
                  : event.url.toString(QUrl::FullyEncoded) },
        { QStringLiteral("status"), event.status },
        { QStringLiteral("summary"), text(event.summary) },
    };
    if (event.isExchange()) {
        object.insert(QStringLiteral("exchange"), event.exchangeId);
        object.insert(QStringLiteral("duration_us"), event.durationUs);
        object.insert(QStringLiteral("request_headers"), headersJson(event.requestHeaders));
        object.insert(QStringLiteral("response_headers"), headersJson(event.responseHeaders));
        object.insert(QStringLiteral("request_body"), body(event.requestBody, event.requestHeaders));
        object.insert(QStringLiteral("response_body"), body(event.responseBody, event.responseHeaders));
    }
    if (!event.refusalRule.isEmpty()) {
        object.insert(QStringLiteral("rule"), event.refusalRule);
        object.insert(QStringLiteral("expected"), text(event.expected));
        object.insert(QStringLiteral("received"), text(event.received));
    }
    return object;
}
} // namespace

QJsonObject traceEventToJson(const TraceEvent &event, bool includeSecrets)
{
    if (includeSecrets)
        return eventToJson(event, nullptr);
    const KnownSecrets known({ event });
    return eventToJson(event, &known);
}

QJsonArray traceToJson(const QList<TraceEvent> &events, bool includeSecrets)
{
    std::optional<KnownSecrets> known;
    if (!includeSecrets)
        known.emplace(events);
    QJsonArray array;
    for (const TraceEvent &event : events)
        array.append(eventToJson(event, known ? &*known : nullptr));
    return array;
}

QString traceToPlantUml(const QList<TraceEvent> &events, bool includeSecrets)
{
    QString uml
        = QStringLiteral("@startuml\n"
                         "' Exported by CodeFlow Lab: every arrow below was a real exchange or decision, "
                         "numbered like the seed.\n"
                         "actor \"Resource Owner / John\" as RO\n"
                         "participant \"User Agent\" as UA\n"
                         "participant 3rd [\n    = 3rd party\n    ----\n    \"\"CoolLoan\"\"\n]\n"
                         "participant Auth [\n    = Authorization Server\n    ----\n    \"\"eddy\"\"\n]\n"
                         "participant Token [\n    = TokenProvider\n    ----\n    \"\"boris\"\"\n]\n"
                         "participant R [\n    = Resource Server\n    ----\n    \"\"banky\"\"\n]\n");
    bool pirate = false;
    bool other = false;
    QStringList mallory; // her parties, in the order they appear (the attack lab, issue 11)
    for (const TraceEvent &event : events) {
        if (!event.belongsInDiagram())
            continue;
        for (const QString &party : { event.from, event.to }) {
            if (isMalloryParty(party) && !mallory.contains(party))
                mallory.append(party);
        }
        pirate
            = pirate || event.from == QLatin1String("PirateLoan") || event.to == QLatin1String("PirateLoan");
        other = other || alias(event.from) == QLatin1String("Other")
            || alias(event.to) == QLatin1String("Other");
    }
    if (pirate)
        uml += QStringLiteral("participant \"PirateLoan\" as Pirate #FFDDDD\n");
    if (other)
        uml += QStringLiteral("participant \"Other client\" as Other\n");
    for (const QString &party : std::as_const(mallory))
        uml += QStringLiteral("participant \"%1\" as %2 #FF9999\n").arg(party, alias(party));
    uml += QLatin1Char('\n');
    std::optional<KnownSecrets> known;
    if (!includeSecrets)
        known.emplace(events);
    for (const TraceEvent &event : events) {
        if (!event.belongsInDiagram())
            continue;
        const QString summary = known ? known->apply(event.summary) : event.summary;
        QString label = summary;
        // A request arrow says what was sent (method and path; the query is in the JSON export).
        if (event.kind == TraceKind::Request) {
            const QString requestLine
                = QStringLiteral("%1 %2").arg(QString::fromLatin1(event.method), event.url.path());
            label = known ? known->apply(requestLine) : requestLine;
            // A summary that only restates the request line ("GET /jwks") would say it twice.
            if (!summary.isEmpty() && event.summary != requestLine
                && !event.summary.startsWith(requestLine + QStringLiteral(" →")))
                label += QStringLiteral("\\n") + summary;
        }
        // Back channel and resource calls are server to server: drawn like the seed's arrows, but in
        // the bank's blue, so that they stand apart from what travels through John's browser.
        const bool backChannel
            = event.channel == TraceChannel::BackChannel || event.channel == TraceChannel::ResourceApi;
        const QString line = event.kind == TraceKind::Response ? QStringLiteral("--") : QStringLiteral("-");
        const QString arrow = backChannel ? line + QStringLiteral("[#0B5CAD]>") : line + QLatin1Char('>');
        const QString number = event.step > 0 ? QStringLiteral("<b>%1</b> ").arg(event.step) : QString();
        uml += QStringLiteral("%1 %2 %3 : %4%5\n")
                   .arg(alias(event.from), arrow, alias(event.to), number, umlText(label));
        if (!event.refusalRule.isEmpty())
            uml += QStringLiteral("note right of %1 #FFEEEE : refused (%2)\n")
                       .arg(alias(event.to), umlText(event.refusalRule));
    }
    uml += QStringLiteral("@enduml\n");
    return uml;
}

} // namespace cfl
