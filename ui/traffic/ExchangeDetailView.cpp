#include "ui/traffic/ExchangeDetailView.h"

#include "crypto/Jwt.h"
#include "http/FormData.h"
#include "http/HttpMessage.h"
#include "http/WireFormat.h"
#include "ui/theme/Theme.h"
#include "ui/traffic/TrafficTableModel.h"

#include <QDateTime>
#include <QEvent>
#include <QFontDatabase>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QScrollBar>
#include <QStringDecoder>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace cfl {

namespace {

// Long pages (the bank's HTML) are cut here until the reader asks for all of it.
constexpr qsizetype kShownChars = 1800;
const QString ShowAllScheme = QStringLiteral("cfl-show-all");

// The theme's colours as HTML writes them.
const QString JwtHeaderColour = theme::JwtHeader.name();
const QString JwtPayloadColour = theme::JwtPayload.name();
const QString JwtSignatureColour = theme::JwtSignature.name();
const QString Muted = theme::Muted.name();
const QString RefusedColour = theme::Refused.name();

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString party(const QString &name)
{
    return QStringLiteral("<b style='color:%1'>%2</b>").arg(theme::partyColour(name).name(), esc(name));
}

QByteArray headerValue(const TraceEvent::Headers &headers, const char *name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

std::optional<QString> utf8(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8);
    QString text = decoder.decode(bytes);
    if (decoder.hasError())
        return std::nullopt;
    return text;
}

// A compact JWS whose header and payload are JSON objects (RFC 7515 §7.1), and that decodes.
bool isJwt(const QString &text)
{
    return wire::isCompactJws(text) && decodeJwt(text.toLatin1()).has_value();
}

// Escaped text with each compact JWS in jwt.io's three colours, so that the raw token and its decoded
// header and payload below visibly belong together.
QString colourJwts(const QString &escaped)
{
    QString result;
    qsizetype last = 0;
    for (const wire::JoseSpan &span : wire::findCompactJose(escaped)) {
        const QString token = escaped.mid(span.start, span.length);
        if (!wire::isCompactJws(token))
            continue;
        const QStringList parts = token.split(QLatin1Char('.'));
        result += escaped.mid(last, span.start - last);
        result += QStringLiteral("<span style='color:%1'>%2</span>.<span style='color:%3'>%4</span>.<span "
                                 "style='color:%5'>%6</span>")
                      .arg(JwtHeaderColour, parts.value(0), JwtPayloadColour, parts.value(1),
                          JwtSignatureColour, parts.value(2));
        last = span.start + span.length;
    }
    return result + escaped.mid(last);
}

QString when(qint64 seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString duration(qint64 seconds)
{
    if (seconds % 3600 == 0 && seconds >= 3600)
        return QStringLiteral("%1 h").arg(seconds / 3600);
    if (seconds % 60 == 0 && seconds >= 60)
        return QStringLiteral("%1 min").arg(seconds / 60);
    return QStringLiteral("%1 s").arg(seconds);
}

// Pretty JSON, escaped; numeric times (RFC 7519 §2 NumericDate) followed by the date they mean.
QString jsonHtml(const QJsonDocument &document, const QString &colour = {})
{
    static const QRegularExpression timeClaim(
        QStringLiteral(R"re(^(\s*)"(exp|iat|nbf|auth_time|updated_at)": (\d{9,11})(,?)$)re"));
    const QJsonObject object = document.object();
    const qint64 iat = object.value(QStringLiteral("iat")).toInteger();
    QStringList lines;
    for (const QString &line :
        QString::fromUtf8(document.toJson(QJsonDocument::Indented)).split(QLatin1Char('\n'))) {
        const QRegularExpressionMatch match = timeClaim.match(line);
        if (!match.hasMatch()) {
            lines.append(colourJwts(esc(line)));
            continue;
        }
        const qint64 seconds = match.captured(3).toLongLong();
        QString note = when(seconds);
        if (match.captured(2) == QLatin1String("exp") && iat > 0 && seconds > iat)
            note += QStringLiteral(", %1 after iat").arg(duration(seconds - iat));
        lines.append(
            esc(line) + QStringLiteral("   <span style='color:%1'>← %2</span>").arg(Muted, esc(note)));
    }
    while (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    const QString style = colour.isEmpty() ? QString() : QStringLiteral(" color:%1;").arg(colour);
    return QStringLiteral("<div style='white-space:pre-wrap;%1'>%2</div>")
        .arg(style, lines.join(QStringLiteral("<br>")));
}

QString sectionLabel(const QString &text)
{
    return QStringLiteral("<div style='color:%1; margin-top:6px; font-weight:bold'>%2</div>")
        .arg(Muted, esc(text));
}

// Everything one view renders, with the JWTs it has already decoded (each is shown once).
class Renderer
{
public:
    explicit Renderer(const QSet<QString> &expanded)
        : m_expanded(expanded)
    { }

    QString html;

    void table(const QList<QPair<QString, QString>> &rows, const QString &nameColour = theme::Slate.name())
    {
        if (rows.isEmpty())
            return;
        html += QStringLiteral("<table cellspacing='0' cellpadding='2' style='margin-left:12px'>");
        for (const auto &[name, value] : rows) {
            html += QStringLiteral(
                "<tr><td style='padding-right:14px'><b style='color:%1'>%2</b></td><td>%3</td></tr>")
                        .arg(nameColour, esc(name),
                            value.isEmpty() ? QStringLiteral("<i style='color:%1'>(empty)</i>").arg(Muted)
                                            : colourJwts(esc(value)));
        }
        html += QStringLiteral("</table>");
    }

    // A form or a query, parsed as the bank parses it ('+' is a space), then its JWTs decoded.
    void form(const QByteArray &encoded, const QString &title)
    {
        QList<QPair<QString, QString>> items;
        if (const auto parsed = FormData::parse(encoded)) {
            items = parsed->items();
        } else {
            // Not a form the bank would accept: shown as sent, decoded as far as it goes.
            for (const wire::FormPair &pair : wire::splitForm(encoded))
                items.append({ pair.name, pair.value });
        }
        html += sectionLabel(title);
        table(items, theme::ParameterName.name());
        for (const auto &[name, value] : std::as_const(items)) {
            if (isJwt(value))
                jwt(name, value.toLatin1());
        }
    }

    void jwt(const QString &where, const QByteArray &compact)
    {
        if (m_decoded.contains(compact))
            return;
        m_decoded.insert(compact);
        const auto decoded = decodeJwt(compact);
        if (!decoded)
            return;
        const QString typ = decoded->header.value(QStringLiteral("typ")).toString();
        html += QStringLiteral("<table cellspacing='0' cellpadding='6' width='100%' style='margin:6px 0 6px "
                               "12px; background:%1;"
                               " border:1px solid %2'><tr><td>")
                    .arg(theme::JwtPaper.name(), theme::JwtBorder.name());
        html += QStringLiteral(
            "<b>JWT in %1, decoded</b>%2 <span style='color:%3'>— base64url, not encrypted: anyone who "
            "holds it can read it. The signature is what makes it trustworthy (RFC 7519).</span>")
                    .arg(esc(where), typ.isEmpty() ? QString() : QStringLiteral(" (typ %1)").arg(esc(typ)),
                        Muted);
        html += QStringLiteral("<div style='color:%1; margin-top:4px'><b>header</b></div>")
                    .arg(JwtHeaderColour);
        html += jsonHtml(QJsonDocument(decoded->header), JwtHeaderColour);
        html += QStringLiteral("<div style='color:%1; margin-top:4px'><b>payload</b> (claims)</div>")
                    .arg(JwtPayloadColour);
        html += jsonHtml(QJsonDocument(decoded->payload));
        html += QStringLiteral("<div style='color:%1; margin-top:4px'><b>signature</b> %2 bytes, %3 over "
                               "“header.payload” with the bank's private key</div>")
                    .arg(JwtSignatureColour)
                    .arg(decoded->signature.size())
                    .arg(esc(decoded->header.value(QStringLiteral("alg")).toString()));
        html += QStringLiteral("</td></tr></table>");
    }

    void jwtsIn(const QString &text, const QString &where)
    {
        for (const wire::JoseSpan &span : wire::findCompactJose(text)) {
            const QString token = text.mid(span.start, span.length);
            if (wire::isCompactJws(token))
                jwt(where, token.toLatin1());
        }
    }

    void jsonJwts(const QJsonValue &value, const QString &name)
    {
        if (value.isObject()) {
            const QJsonObject object = value.toObject();
            for (auto it = object.begin(); it != object.end(); ++it)
                jsonJwts(it.value(), it.key());
        } else if (value.isArray()) {
            for (const QJsonValue &item : value.toArray())
                jsonJwts(item, name);
        } else if (value.isString() && isJwt(value.toString())) {
            jwt(name.isEmpty() ? QStringLiteral("the body") : QStringLiteral("“%1”").arg(name),
                value.toString().toLatin1());
        }
    }

    void headers(const TraceEvent::Headers &headers)
    {
        QList<QPair<QString, QString>> rows;
        for (const auto &[name, value] : headers)
            rows.append({ QString::fromLatin1(name), QString::fromUtf8(value) });
        html += sectionLabel(QStringLiteral("Headers"));
        if (rows.isEmpty()) {
            html += QStringLiteral("<div style='margin-left:12px; color:%1'><i>(none recorded)</i></div>")
                        .arg(Muted);
            return;
        }
        table(rows);
        for (const auto &[name, value] : headers) {
            if (name.compare("Authorization", Qt::CaseInsensitive) == 0)
                authorization(value);
        }
    }

    void authorization(const QByteArray &value)
    {
        if (value.left(7).compare("Bearer ", Qt::CaseInsensitive) == 0) {
            // RFC 6750 §2.1: whoever holds the access token may use it.
            if (isJwt(QString::fromLatin1(value.mid(7).trimmed())))
                jwt(QStringLiteral("Authorization: Bearer"), value.mid(7).trimmed());
            return;
        }
        if (wire::isBasic(value)) {
            // RFC 6749 §2.3.1: client_id and client_secret, each form-encoded, joined by ':', base64.
            const wire::BasicCredentials basic = wire::parseBasicCredentials(value);
            const qsizetype colon = basic.userPass.indexOf(':');
            if (colon < 0)
                return;
            html += sectionLabel(
                QStringLiteral("Authorization: Basic, decoded — base64 is not encryption: this header "
                               "carries the client secret itself (RFC 6749 §2.3.1)"));
            // As the bank read them; a part that is not form-encoded UTF-8 as it was sent.
            const auto shown = [](const QString &decoded, QByteArrayView raw, bool ok) {
                return ok ? decoded : QString::fromUtf8(raw);
            };
            const bool ok = basic.ok();
            table({ { QStringLiteral("client_id"),
                        shown(basic.clientId, QByteArrayView(basic.userPass).first(colon), ok) },
                      { QStringLiteral("client_secret"),
                          shown(basic.secret, QByteArrayView(basic.userPass).sliced(colon + 1), ok) } },
                theme::ParameterName.name());
        }
    }

    void body(const QByteArray &body, const QByteArray &contentType, const QString &id, const QString &what)
    {
        if (body.isEmpty()) {
            html += sectionLabel(QStringLiteral("Body"));
            html += QStringLiteral("<div style='margin-left:12px; color:%1'><i>(empty)</i></div>").arg(Muted);
            return;
        }
        const QByteArray type = contentType.toLower();
        const auto text = utf8(body);
        const QString size = QStringLiteral("%1 bytes").arg(body.size());
        if (!text) {
            html += sectionLabel(
                QStringLiteral("Body: %1, %2, not text").arg(size, QString::fromLatin1(contentType)));
            return;
        }
        QJsonParseError parseError {};
        const QJsonDocument json = QJsonDocument::fromJson(body, &parseError);
        if (parseError.error == QJsonParseError::NoError && !type.contains("html")) {
            html += sectionLabel(QStringLiteral("Body: JSON, %1").arg(size));
            html += QStringLiteral("<div style='margin-left:12px'>%1</div>").arg(jsonHtml(json));
            jsonJwts(json.isObject() ? QJsonValue(json.object()) : QJsonValue(json.array()), {});
            return;
        }
        if (type.contains("x-www-form-urlencoded") || (type.isEmpty() && wire::looksLikeForm(body))) {
            form(body, QStringLiteral("Body: form (application/x-www-form-urlencoded), %1").arg(size));
            return;
        }
        const bool isHtml = type.contains("html");
        QString shown = *text;
        const bool cut = !m_expanded.contains(id) && shown.size() > kShownChars;
        if (cut)
            shown = shown.left(kShownChars);
        const QString kind = isHtml
            ? QStringLiteral("HTML source (the page %1)").arg(what)
            : QString::fromLatin1(contentType.isEmpty() ? QByteArray("text") : contentType);
        html += sectionLabel(QStringLiteral("Body: %1, %2").arg(kind, size));
        html += QStringLiteral("<div style='white-space:pre-wrap; margin-left:12px; color:%1'>%2</div>")
                    .arg(theme::Slate.name(), colourJwts(esc(shown)));
        if (cut) {
            html += QStringLiteral(
                "<div style='margin-left:12px'>… <a href='%1:%2'>show all (%3 more characters)</a></div>")
                        .arg(ShowAllScheme, id)
                        .arg(text->size() - kShownChars);
        }
        jwtsIn(*text, QStringLiteral("the body"));
    }

private:
    const QSet<QString> &m_expanded;
    QSet<QByteArray> m_decoded;
};

QString statusColour(int status)
{
    return status >= 400 || status == 0 ? RefusedColour : theme::Ok.name();
}

} // namespace

ExchangeDetailView::ExchangeDetailView(QWidget *parent)
    : QWidget(parent)
    , m_text(new QTextBrowser(this))
{
    setObjectName(QStringLiteral("exchangeDetail"));
    m_text->setObjectName(QStringLiteral("exchangeDetailText"));
    m_text->setOpenLinks(false);
    // Tokens have no spaces: wrap them anywhere rather than scroll sideways.
    m_text->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_text->setFrameShape(QFrame::NoFrame);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text);
    connect(m_text, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) {
        if (url.scheme() == ShowAllScheme) {
            m_expanded.insert(url.path());
            render(true);
        }
    });
    applyFont();
    clear();
}

void ExchangeDetailView::changeEvent(QEvent *event)
{
    // Follow the widget's font (a trainer enlarges it for the projector): same size, fixed pitch.
    if (event->type() == QEvent::FontChange)
        applyFont();
    QWidget::changeEvent(event);
}

void ExchangeDetailView::applyFont()
{
    QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (font().pointSizeF() > 0)
        fixed.setPointSizeF(font().pointSizeF());
    else
        fixed.setPixelSize(font().pixelSize());
    m_text->setFont(fixed);
    m_text->document()->setDefaultFont(fixed);
    if (m_event)
        render(true);
}

void ExchangeDetailView::clear()
{
    m_event.reset();
    m_expanded.clear();
    m_text->setHtml(
        QStringLiteral("<p style='color:%1'>Select an exchange to see exactly what was sent and answered: "
                       "headers, forms, JSON, and every token decoded.</p>")
            .arg(Muted));
}

void ExchangeDetailView::showExchange(const TraceEvent &event)
{
    m_event = event;
    m_expanded.clear();
    render(false);
    if (event.kind == TraceKind::Response)
        m_text->scrollToAnchor(QStringLiteral("response"));
}

void ExchangeDetailView::render(bool keepScroll)
{
    if (!m_event)
        return;
    const TraceEvent &e = *m_event;
    const int scroll = m_text->verticalScrollBar()->value();
    Renderer r(m_expanded);

    const bool exchange = e.isExchange();
    // For a response event the exchange still reads request first: from/to as the request went.
    const QString client = e.kind == TraceKind::Response ? e.to : e.from;
    const QString server = e.kind == TraceKind::Response ? e.from : e.to;

    QStringList facts;
    if (e.step > 0)
        facts.append(QStringLiteral("<b>step %1</b>").arg(e.step));
    facts.append(esc(channelName(e.channel)));
    facts.append(QStringLiteral("seen by %1").arg(esc(TrafficTableModel::seenByName(e.source))));
    facts.append(QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(QStringLiteral("HH:mm:ss.zzz")));
    if (exchange && e.durationUs > 0)
        facts.append(QStringLiteral("took %1").arg(TrafficTableModel::durationText(e.durationUs)));
    r.html += QStringLiteral("<div style='font-size:115%'>%1 → %2 &nbsp; %3</div>")
                  .arg(party(exchange ? client : e.from), party(exchange ? server : e.to), esc(e.summary));
    r.html += QStringLiteral("<div style='color:%1'>%2</div>").arg(Muted, facts.join(QStringLiteral(" · ")));

    if (!exchange) {
        if (!e.refusalRule.isEmpty()) {
            r.html += QStringLiteral("<p style='color:%1'><b>Refused</b> — %2</p>")
                          .arg(RefusedColour, esc(e.refusalRule));
            r.table(
                { { QStringLiteral("expected"), e.expected }, { QStringLiteral("received"), e.received } });
        }
        m_text->setHtml(r.html);
        return;
    }

    r.html += QStringLiteral(
        "<div style='color:%1; margin-top:4px'><i>Shown unmasked: codes, tokens and secrets are the "
        "subject here. Exported runs mask them.</i></div>")
                  .arg(Muted);

    // The request, as it went on the wire (RFC 9112 §3: method, target, version).
    r.html
        += QStringLiteral("<a name='request'></a><h3 style='margin-bottom:2px'>▶ Request &nbsp;%1 → %2</h3>")
               .arg(party(client), party(server));
    QString target = e.url.path(QUrl::FullyEncoded);
    if (target.isEmpty())
        target = QStringLiteral("/");
    if (e.url.hasQuery())
        target += QLatin1Char('?') + e.url.query(QUrl::FullyEncoded);
    r.html += QStringLiteral("<div style='white-space:pre-wrap'><b>%1 %2 HTTP/1.1</b></div>")
                  .arg(esc(QString::fromLatin1(e.method)), esc(target));
    if (!e.url.host().isEmpty() && headerValue(e.requestHeaders, "Host").isEmpty())
        r.html += QStringLiteral("<div style='color:%1'>to %2</div>")
                      .arg(Muted, esc(e.url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery).toString()));
    if (e.url.hasQuery())
        r.form(e.url.query(QUrl::FullyEncoded).toLatin1(), QStringLiteral("Query parameters"));
    r.headers(e.requestHeaders);
    r.body(e.requestBody, headerValue(e.requestHeaders, "Content-Type"), QStringLiteral("request"),
        QStringLiteral("sent"));

    // The answer.
    r.html += QStringLiteral(
        "<a name='response'></a><h3 style='margin-bottom:2px'>◀ Response &nbsp;%1 → %2</h3>")
                  .arg(party(server), party(client));
    if (e.status == 0) {
        r.html += QStringLiteral("<div style='color:%1'><b>No answer</b></div>").arg(RefusedColour);
    } else {
        r.html += QStringLiteral("<div><b style='color:%1'>HTTP/1.1 %2 %3</b></div>")
                      .arg(statusColour(e.status))
                      .arg(e.status)
                      .arg(esc(QString::fromLatin1(reasonPhrase(e.status))));
    }
    if (e.responseHeaders.isEmpty() && e.responseBody.isEmpty()) {
        r.html += QStringLiteral("<div style='color:%1'><i>%2 recorded the request only.</i></div>")
                      .arg(Muted, esc(TrafficTableModel::seenByName(e.source)));
    } else {
        r.headers(e.responseHeaders);
        // A redirect's target is a request the browser makes next: take its query apart too (the code!).
        const QUrl location = QUrl::fromEncoded(headerValue(e.responseHeaders, "Location"));
        if (location.hasQuery())
            r.form(
                location.query(QUrl::FullyEncoded).toLatin1(), QStringLiteral("Location's query parameters"));
        r.body(e.responseBody, headerValue(e.responseHeaders, "Content-Type"), QStringLiteral("response"),
            QStringLiteral("answered"));
    }
    m_text->setHtml(r.html);
    if (keepScroll)
        m_text->verticalScrollBar()->setValue(scroll);
}

} // namespace cfl
