#include "trace/TraceExport.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrlQuery>

namespace cfl {

namespace {
const QStringList SecretParameters{QStringLiteral("code"), QStringLiteral("code_verifier"), QStringLiteral("client_secret"),
                                   QStringLiteral("password"), QStringLiteral("refresh_token"), QStringLiteral("access_token"),
                                   QStringLiteral("id_token"), QStringLiteral("token"), QStringLiteral("csrf_token"),
                                   QStringLiteral("state"), QStringLiteral("nonce")};

QString headerName(const QByteArray &name)
{
    return QString::fromLatin1(name).toLower();
}

QJsonArray headersToJson(const TraceEvent::Headers &headers, bool includeSecrets)
{
    QJsonArray array;
    for (const auto &[name, value] : headers) {
        array.append(QJsonArray{QString::fromLatin1(name),
                                QString::fromUtf8(includeSecrets ? value : maskedHeaderValue(name, value))});
    }
    return array;
}

QByteArray contentTypeOf(const TraceEvent::Headers &headers)
{
    for (const auto &[name, value] : headers) {
        if (headerName(name) == QLatin1String("content-type"))
            return value;
    }
    return {};
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
    return QStringLiteral("Other");
}
} // namespace

QString maskSecret(const QString &value)
{
    if (value.isEmpty())
        return value;
    return value.left(std::min<qsizetype>(6, value.size() / 3)) + QStringLiteral("…(masked)");
}

QUrl maskedUrl(const QUrl &url)
{
    if (!url.hasQuery())
        return url;
    QUrlQuery query(url);
    QUrlQuery masked;
    for (const auto &[name, value] : query.queryItems(QUrl::FullyDecoded))
        masked.addQueryItem(name, SecretParameters.contains(name) ? maskSecret(value) : value);
    QUrl result = url;
    result.setQuery(masked);
    return result;
}

QByteArray maskedBody(const QByteArray &body, const QByteArray &contentType)
{
    if (body.isEmpty())
        return body;
    if (contentType.contains("json")) {
        QJsonDocument document = QJsonDocument::fromJson(body);
        if (!document.isObject())
            return body;
        QJsonObject object = document.object();
        for (const QString &name : SecretParameters) {
            if (object.contains(name) && object.value(name).isString())
                object.insert(name, maskSecret(object.value(name).toString()));
        }
        return QJsonDocument(object).toJson(QJsonDocument::Compact);
    }
    if (contentType.contains("x-www-form-urlencoded")) {
        QByteArrayList pairs;
        for (const QByteArray &pair : body.split('&')) {
            const qsizetype eq = pair.indexOf('=');
            const QString name = QString::fromLatin1(eq < 0 ? pair : pair.left(eq));
            pairs.append(SecretParameters.contains(name) && eq >= 0
                             ? pair.left(eq + 1) + QUrl::toPercentEncoding(maskSecret(QUrl::fromPercentEncoding(pair.mid(eq + 1))))
                             : pair);
        }
        return pairs.join('&');
    }
    if (contentType.contains("html")) {
        // Pages carry CSRF tokens and, after the callback, codes in links: keep them out of files.
        QString text = QString::fromUtf8(body);
        static const QRegularExpression token(QStringLiteral(R"re((value|code=|csrf_token=)("?)([A-Za-z0-9_\-]{16,}))re"));
        text.replace(token, QStringLiteral("\\1\\2…(masked)"));
        return text.toUtf8();
    }
    return body;
}

QByteArray maskedHeaderValue(const QByteArray &name, const QByteArray &value)
{
    const QString lower = headerName(name);
    if (lower == QLatin1String("authorization")) {
        const qsizetype space = value.indexOf(' ');
        return space > 0 ? value.left(space + 1) + "…(masked)" : QByteArray("…(masked)");
    }
    if (lower == QLatin1String("cookie") || lower == QLatin1String("set-cookie")) {
        const qsizetype eq = value.indexOf('=');
        return eq > 0 ? value.left(eq + 1) + "…(masked)" : QByteArray("…(masked)");
    }
    if (lower == QLatin1String("location"))
        return maskedUrl(QUrl::fromEncoded(value)).toEncoded();
    return value;
}

QJsonObject traceEventToJson(const TraceEvent &event, bool includeSecrets)
{
    QJsonObject object{
        {QStringLiteral("sequence"), event.sequence},
        {QStringLiteral("time"), QDateTime::fromMSecsSinceEpoch(event.timeMs, Qt::UTC).toString(Qt::ISODateWithMs)},
        {QStringLiteral("kind"), kindName(event.kind)},
        {QStringLiteral("source"), event.source},
        {QStringLiteral("channel"), channelName(event.channel)},
        {QStringLiteral("step"), event.step},
        {QStringLiteral("from"), event.from},
        {QStringLiteral("to"), event.to},
        {QStringLiteral("method"), QString::fromLatin1(event.method)},
        {QStringLiteral("url"), (includeSecrets ? event.url : maskedUrl(event.url)).toString()},
        {QStringLiteral("status"), event.status},
        {QStringLiteral("summary"), event.summary},
    };
    if (event.isExchange()) {
        object.insert(QStringLiteral("exchange"), event.exchangeId);
        object.insert(QStringLiteral("duration_us"), event.durationUs);
        object.insert(QStringLiteral("request_headers"), headersToJson(event.requestHeaders, includeSecrets));
        object.insert(QStringLiteral("response_headers"), headersToJson(event.responseHeaders, includeSecrets));
        object.insert(QStringLiteral("request_body"), QString::fromUtf8(includeSecrets ? event.requestBody
                                                                                 : maskedBody(event.requestBody, contentTypeOf(event.requestHeaders))));
        object.insert(QStringLiteral("response_body"), QString::fromUtf8(includeSecrets ? event.responseBody
                                                                                  : maskedBody(event.responseBody, contentTypeOf(event.responseHeaders))));
    }
    if (!event.refusalRule.isEmpty()) {
        object.insert(QStringLiteral("rule"), event.refusalRule);
        object.insert(QStringLiteral("expected"), event.expected);
        object.insert(QStringLiteral("received"), event.received);
    }
    return object;
}

QJsonArray traceToJson(const QList<TraceEvent> &events, bool includeSecrets)
{
    QJsonArray array;
    for (const TraceEvent &event : events)
        array.append(traceEventToJson(event, includeSecrets));
    return array;
}

QString traceToPlantUml(const QList<TraceEvent> &events, bool includeSecrets)
{
    QString uml = QStringLiteral(
        "@startuml\n"
        "' Exported by CodeFlow Lab: every arrow below was a real exchange.\n"
        "actor \"Resource Owner / John\" as RO\n"
        "participant \"User Agent\" as UA\n"
        "participant 3rd [\n    = 3rd party\n    ----\n    \"\"CoolLoan\"\"\n]\n"
        "participant Auth [\n    = Authorization Server\n    ----\n    \"\"eddy\"\"\n]\n"
        "participant Token [\n    = TokenProvider\n    ----\n    \"\"boris\"\"\n]\n"
        "participant R [\n    = Resource Server\n    ----\n    \"\"banky\"\"\n]\n");
    bool pirate = false;
    bool other = false;
    for (const TraceEvent &event : events) {
        pirate = pirate || event.from == QLatin1String("PirateLoan") || event.to == QLatin1String("PirateLoan");
        other = other || alias(event.from) == QLatin1String("Other") || alias(event.to) == QLatin1String("Other");
    }
    if (pirate)
        uml += QStringLiteral("participant \"PirateLoan\" as Pirate #FFDDDD\n");
    if (other)
        uml += QStringLiteral("participant \"Other client\" as Other\n");
    uml += QLatin1Char('\n');
    for (const TraceEvent &event : events) {
        if (event.mirrorsBankRecord())
            continue;
        QString label = event.summary;
        if (event.kind == TraceKind::Request)
            label = QStringLiteral("%1 %2").arg(QString::fromLatin1(event.method), (includeSecrets ? event.url : maskedUrl(event.url)).path());
        if (!event.summary.isEmpty() && event.kind == TraceKind::Request)
            label += QStringLiteral("\\n") + event.summary;
        label.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
        const QString number = event.step > 0 ? QStringLiteral("<b>%1</b> ").arg(event.step) : QString();
        const QString arrow = event.kind == TraceKind::Response ? QStringLiteral("-->") : QStringLiteral("->");
        uml += QStringLiteral("%1 %2 %3 : %4%5\n").arg(alias(event.from), arrow, alias(event.to), number, label);
        if (!event.refusalRule.isEmpty())
            uml += QStringLiteral("note right of %1 #FFEEEE : refused (%2)\n").arg(alias(event.to), event.refusalRule);
    }
    uml += QStringLiteral("@enduml\n");
    return uml;
}

} // namespace cfl
