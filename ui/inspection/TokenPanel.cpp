#include "ui/inspection/TokenPanel.h"

#include "bank/BankHost.h"
#include "client/CoolLoanClient.h"
#include "crypto/Base64Url.h"
#include "crypto/Digest.h"
#include "crypto/Jwt.h"
#include "storage/BankStore.h"
#include "trace/TraceModel.h"
#include "ui/inspection/InspectionFormat.h"
#include "ui/theme/Theme.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QSplitter>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

#include <cctype>

namespace cfl {

namespace {

struct Claim
{
    const char *name;
    const char *meaning; // for both tokens, or the ID token's when the access token's differs
    const char *accessMeaning; // nullptr: same as meaning
};

// In reading order: who, for whom, what, when, and the bindings.
const Claim Claims[] = {
    { "iss",
        "<b>Issuer</b>: who made the token — the bank. CoolLoan checks it is exactly the issuer it "
        "discovered "
        "(OpenID Connect Core §3.1.3.7).",
        "<b>Issuer</b>: who made the token — the bank. banky accepts only its own bank's tokens (RFC 9068 "
        "§4)." },
    { "sub",
        "<b>Subject</b>: a stable identifier for John at this bank — not his user name, not his e-mail "
        "(OpenID Connect Core §2).",
        "<b>Subject</b>: the user whose accounts the token opens — John (RFC 9068 §2.2)." },
    { "aud",
        "<b>Audience</b>: who the token is for — CoolLoan's client_id. Any other client must refuse it "
        "(OpenID Connect Core §3.1.3.7).",
        "<b>Audience</b>: the resource server the token is for — banky's API. banky refuses tokens meant for "
        "anyone "
        "else (RFC 9068 §4)." },
    { "azp", "<b>Authorized party</b>: the client the ID token was issued to (OpenID Connect Core §2).",
        nullptr },
    { "client_id", "<b>Client</b>: the application the token was issued to — CoolLoan (RFC 9068 §2.2).",
        nullptr },
    { "scope",
        "<b>Scope</b>: what the token allows — what John approved, nothing more (RFC 9068 §2.2.3, RFC 6749 "
        "§3.3).",
        nullptr },
    { "jti",
        "<b>JWT ID</b>: unique for every token. The bank's ledger finds the token by it, so that a revoked "
        "token is "
        "refused although its signature is still valid (RFC 7519 §4.1.7).",
        nullptr },
    { "iat", "<b>Issued at</b>: when the bank made the token (RFC 7519 §4.1.6).", nullptr },
    { "auth_time",
        "<b>Authentication time</b>: when John actually logged in (typed his password). Earlier than iat "
        "when "
        "the bank remembered his session (OpenID Connect Core §2).",
        nullptr },
    { "nbf", "<b>Not before</b>: the token is refused before this moment (RFC 7519 §4.1.5).", nullptr },
    { "exp",
        "<b>Expires</b>: after this moment the token must be refused (RFC 7519 §4.1.4). Short on purpose: a "
        "leaked token is useful only for minutes.",
        nullptr },
    { "nonce",
        "<b>Nonce</b>: the random value CoolLoan put in its authorization request, copied back. Proves this "
        "ID "
        "token was made for that very request: a replayed ID token is refused (OpenID Connect Core "
        "§3.1.3.7).",
        nullptr },
    { "at_hash",
        "<b>Access token hash</b>: base64url of the left half of SHA-256(access token). Binds the ID token "
        "to "
        "the access token issued with it: neither can be swapped (OpenID Connect Core §3.1.3.6).",
        nullptr },
};

const Claim *findClaim(const QString &name)
{
    for (const Claim &c : Claims) {
        if (name == QLatin1String(c.name))
            return &c;
    }
    return nullptr;
}

QString headerMeaning(const QString &name, bool isIdToken)
{
    if (name == QLatin1String("alg"))
        return QCoreApplication::translate("cfl::TokenPanel",
            "<b>Algorithm</b>: RS256 = RSA signature over SHA-256. The bank signs with its "
            "private key; anyone verifies with the public key of its JWKS. \"none\" and HS256 "
            "are refused (RFC 8725 §3.1).");
    if (name == QLatin1String("typ"))
        return isIdToken
            ? QCoreApplication::translate("cfl::TokenPanel", "<b>Type</b>: a JWT (RFC 7519 §5.1).")
            : QCoreApplication::translate("cfl::TokenPanel",
                "<b>Type</b>: at+jwt marks an access token, so that it cannot be "
                "passed off as an ID token (RFC 9068 §2.1).");
    if (name == QLatin1String("kid"))
        return QCoreApplication::translate("cfl::TokenPanel",
            "<b>Key ID</b>: which key of the bank's JWKS verifies the signature; keys can "
            "be rotated (RFC 7515 §4.1.4).");
    return {};
}

QString valueHtml(const QJsonValue &value)
{
    if (value.isString())
        return inspect::mono(value.toString());
    if (value.isDouble())
        return inspect::mono(QString::number(value.toInteger()));
    if (value.isArray())
        return inspect::mono(
            QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)));
    if (value.isObject())
        return inspect::mono(
            QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact)));
    return inspect::mono(value.toVariant().toString());
}

bool isTimeClaim(const QString &name)
{
    return name == QLatin1String("exp") || name == QLatin1String("iat") || name == QLatin1String("nbf")
        || name == QLatin1String("auth_time");
}

QString claimRow(const QString &name, const QString &value, const QString &meaning)
{
    return QStringLiteral("<tr><td valign='top'><b>%1</b></td><td valign='top'>%2<br>%3</td></tr>")
        .arg(name.toHtmlEscaped(), value, inspect::muted(meaning));
}

QString abbreviated(const QString &token)
{
    return token.size() <= 28 ? token : token.left(20) + QStringLiteral("…") + token.right(6);
}

} // namespace

TokenPanel::TokenPanel(CoolLoanClient *client, TraceModel *trace, BankHost *bank, QWidget *parent)
    : InspectionPanel(parent)
    , m_client(client)
    , m_trace(trace)
    , m_bank(bank)
    , m_countdowns(new QLabel(this))
    , m_response(inspect::textView(QStringLiteral("tokenResponseText"), this))
    , m_idToken(inspect::textView(QStringLiteral("idTokenText"), this))
    , m_accessToken(inspect::textView(QStringLiteral("accessTokenText"), this))
    , m_clock(new QTimer(this))
{
    setObjectName(QStringLiteral("tokenPanel"));
    m_countdowns->setObjectName(QStringLiteral("tokenCountdowns"));
    m_countdowns->setTextFormat(Qt::RichText);
    m_countdowns->setWordWrap(true);

    auto *columns = new QSplitter(Qt::Horizontal, this);
    columns->setObjectName(QStringLiteral("tokenColumns"));
    columns->addWidget(m_response);
    columns->addWidget(m_idToken);
    columns->addWidget(m_accessToken);
    columns->setChildrenCollapsible(false);
    columns->setSizes({ 340, 470, 470 });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 0);
    layout->setSpacing(2);
    layout->addWidget(m_countdowns);
    layout->addWidget(columns, 1);

    connect(m_client, &CoolLoanClient::tokensChanged, this, &TokenPanel::scheduleRefresh);
    // Revocations (a replayed code, a reused refresh token, /revoke) change the ledger, not CoolLoan.
    connect(m_trace, &TraceModel::appended, this, &TokenPanel::scheduleRefresh);
    m_clock->setInterval(1000);
    connect(m_clock, &QTimer::timeout, this, &TokenPanel::updateCountdowns);
    m_clock->start();
}

QByteArray TokenPanel::withOneBytePayloadChange(const QByteArray &compact, QString *what)
{
    const QList<QByteArray> parts = compact.split('.');
    if (parts.size() != 3)
        return {};
    const std::optional<QByteArray> decoded = base64UrlDecode(parts.at(1));
    if (!decoded || decoded->isEmpty())
        return {};
    QByteArray payload = *decoded;
    // The last character of a readable value: "sub":"user-1" → "user-2" (John becomes someone else),
    // else the last digit of exp (the token lives longer).
    qsizetype at = -1;
    qsizetype from = -1;
    qsizetype to = -1;
    if (const qsizetype sub = payload.indexOf("\"sub\":\""); sub >= 0) {
        const qsizetype end = payload.indexOf('"', sub + 7);
        if (end > sub + 7) {
            at = end - 1;
            from = sub;
            to = end + 1;
        }
    }
    if (at < 0) {
        if (const qsizetype exp = payload.indexOf("\"exp\":"); exp >= 0) {
            qsizetype end = exp + 6;
            while (end < payload.size() && std::isdigit(static_cast<unsigned char>(payload.at(end))))
                ++end;
            if (end > exp + 6) {
                at = end - 1;
                from = exp;
                to = end;
            }
        }
    }
    if (at < 0) {
        at = payload.size() / 2;
        from = qMax<qsizetype>(0, at - 6);
        to = qMin(payload.size(), at + 6);
    }
    const char before = payload.at(at);
    const char after = std::isdigit(static_cast<unsigned char>(before)) ? char('0' + (before - '0' + 1) % 10)
                                                                        : (before == 'A' ? 'B' : 'A');
    const QString contextBefore = QString::fromUtf8(payload.mid(from, to - from));
    payload[at] = after;
    const QString contextAfter = QString::fromUtf8(payload.mid(from, to - from));
    if (what)
        *what = tr("%1 → %2").arg(inspect::mono(contextBefore), inspect::mono(contextAfter));
    return parts.at(0) + '.' + base64UrlEncode(payload) + '.' + parts.at(2);
}

QString TokenPanel::jwtHtml(const QString &title, const QString &subtitle, const QByteArray &compact,
    bool isIdToken, const QString &ledger) const
{
    QString html = inspect::heading(title) + QStringLiteral("<p>%1</p>").arg(inspect::muted(subtitle));
    if (compact.isEmpty())
        return html + QStringLiteral("<p>%1</p>").arg(tr("None yet: CoolLoan has not received the tokens."));
    QString decodeError;
    const std::optional<DecodedJwt> decoded = decodeJwt(compact, &decodeError);
    if (!decoded)
        return html
            + QStringLiteral("<p>%1</p>")
                  .arg(inspect::verdict(false, tr("Not a JWT: %1").arg(decodeError.toHtmlEscaped())));

    // The signature, checked here again with the keys the bank publishes (its JWKS).
    QString verifyError;
    const bool verified = verifyRs256(compact, m_client->jwks(), &verifyError).has_value();
    const QString kid = decoded->header.value(QStringLiteral("kid")).toString();
    html += QStringLiteral("<p><big>%1</big></p>")
                .arg(verified ? inspect::verdict(true,
                         tr("Signature verified against the bank's JWKS (RS256, key %1)")
                             .arg(inspect::mono(kid)))
                              : inspect::verdict(
                                  false, tr("Signature NOT verified: %1").arg(verifyError.toHtmlEscaped())));

    // The token as it travels: header . payload . signature, each base64url.
    const QList<QByteArray> parts = compact.split('.');
    const QString raw
        = QStringLiteral("<p>%1<span style='color:%2'>%3</span>.<span "
                         "style='color:%4'>%5</span>.<span style='color:%6'>%7</span></p>")
              .arg(inspect::muted(tr("As sent (%1 characters): ").arg(compact.size())),
                  theme::JwtHeader.name(), inspect::mono(QString::fromLatin1(parts.value(0))),
                  theme::JwtPayload.name(), inspect::mono(QString::fromLatin1(parts.value(1))),
                  theme::JwtSignature.name(), inspect::mono(QString::fromLatin1(parts.value(2))));

    QString header
        = QStringLiteral("<p style='color:%1'><b>%2</b></p>").arg(theme::JwtHeader.name(), tr("Header"));
    header += inspect::ruledTable();
    for (auto it = decoded->header.constBegin(); it != decoded->header.constEnd(); ++it)
        header += claimRow(it.key(), valueHtml(it.value()), headerMeaning(it.key(), isIdToken));
    header += QStringLiteral("</table>");

    // Every claim, known ones in reading order first.
    QString payload = QStringLiteral("<p style='color:%1'><b>%2</b></p>")
                          .arg(theme::JwtPayload.name(), tr("Payload — the claims"));
    payload += inspect::ruledTable();
    QStringList names;
    for (const Claim &c : Claims) {
        if (decoded->payload.contains(QLatin1String(c.name)))
            names << QLatin1String(c.name);
    }
    for (auto it = decoded->payload.constBegin(); it != decoded->payload.constEnd(); ++it) {
        if (!names.contains(it.key()))
            names << it.key();
    }
    const QString issuer = m_client->settings().issuer.toString();
    for (const QString &name : names) {
        const QJsonValue value = decoded->payload.value(name);
        QString shown = valueHtml(value);
        if (isTimeClaim(name))
            shown += QStringLiteral(" = <b>%1</b>").arg(inspect::dateTime(value.toInteger()));
        // What CoolLoan compares, compared here too.
        if (name == QLatin1String("iss"))
            shown += QStringLiteral(" ")
                + inspect::verdict(value.toString() == issuer,
                    value.toString() == issuer ? tr("the bank") : tr("not the bank"));
        if (isIdToken && name == QLatin1String("aud")) {
            const bool ok = value.toString() == m_client->settings().clientId;
            shown += QStringLiteral(" ") + inspect::verdict(ok, ok ? tr("CoolLoan") : tr("not CoolLoan"));
        }
        if (isIdToken && name == QLatin1String("nonce")) {
            const bool ok = value.toString() == m_client->nonce();
            shown += QStringLiteral(" ")
                + inspect::verdict(
                    ok, ok ? tr("the nonce CoolLoan sent") : tr("not the nonce CoolLoan sent"));
        }
        if (isIdToken && name == QLatin1String("at_hash") && !m_client->accessToken().isEmpty()) {
            const bool ok
                = value.toString() == QString::fromLatin1(atHash(m_client->accessToken().toLatin1()));
            shown += QStringLiteral(" ")
                + inspect::verdict(
                    ok, ok ? tr("matches the access token") : tr("does not match the access token"));
        }
        const Claim *known = findClaim(name);
        const QString meaning = !known
            ? tr("(a claim this lab does not explain)")
            : tr((!isIdToken && known->accessMeaning) ? known->accessMeaning : known->meaning);
        payload += claimRow(name, shown, meaning);
    }
    payload += QStringLiteral("</table>");

    const QString signature
        = QStringLiteral("<p style='color:%1'><b>%2</b> %3</p>")
              .arg(theme::JwtSignature.name(), tr("Signature"),
                  inspect::muted(
                      tr("%1 bytes: RSA over SHA-256 of “header.payload”, made with the bank's private key.")
                          .arg(decoded->signature.size())));

    // What fails if one byte is changed: anyone can read a JWT, nobody but the bank can alter it.
    QString what;
    QString tamper;
    const QByteArray tampered = withOneBytePayloadChange(compact, &what);
    if (!tampered.isEmpty()) {
        QString tamperError;
        const bool stillVerifies = verifyRs256(tampered, m_client->jwks(), &tamperError).has_value();
        tamper = QStringLiteral(
            "<table width='100%' cellpadding='6' cellspacing='0' bgcolor='%1' style='margin-top:8px;'>"
            "<tr><td><b>%2</b><br>%3<br>%4<br>%5</td></tr></table>")
                     .arg(theme::RefusedPaper.name(), tr("Change one byte"),
                         tr("The same token with one byte of its payload changed, %1, the signature left as "
                            "it was:")
                             .arg(what),
                         stillVerifies
                             ? inspect::verdict(false, tr("it still verifies — this must never happen"))
                             : inspect::verdict(
                                 false, tr("verification fails: %1").arg(tamperError.toHtmlEscaped())),
                         inspect::muted(tr("Anyone can decode a JWT (it is only base64url), but without the "
                                           "bank's private key "
                                           "nobody can change it: John cannot become someone else, CoolLoan "
                                           "cannot stretch exp "
                                           "or add a scope.")));
    }
    // What a reader wants first: is it genuine, still valid at the bank (and would a forgery be caught),
    // what does it say; then how it is built.
    html += ledger;
    if (!tamper.isEmpty())
        html += QStringLiteral("<p>%1 %2</p>")
                    .arg(inspect::verdict(false, tr("One byte changed (%1): verification fails.").arg(what)),
                        inspect::muted(tr("Details below the claims.")));
    html += payload + tamper + header + signature + raw;
    return html;
}

void TokenPanel::reload()
{
    const QString accessToken = m_client->accessToken();
    const QString refreshToken = m_client->refreshToken();
    const QString idToken = m_client->idToken();

    // The ledger: the access token's state, and the refresh token's family through its rotations.
    std::optional<IssuedToken> accessRecord;
    std::optional<IssuedToken> refreshRecord;
    QList<IssuedToken> family;
    if (m_bank && (!accessToken.isEmpty() || !refreshToken.isEmpty())) {
        m_bank->withStore([&](BankStore &store) {
            if (!accessToken.isEmpty())
                accessRecord = store.grants().token(sha256Hex(accessToken.toLatin1()));
            if (!refreshToken.isEmpty())
                refreshRecord = store.grants().token(sha256Hex(refreshToken.toLatin1()));
            const QString familyId = refreshRecord ? refreshRecord->familyId
                                                   : (accessRecord ? accessRecord->familyId : QString());
            family = store.grants().tokenFamily(familyId);
        });
    }
    const qint64 now = QDateTime::currentSecsSinceEpoch();

    // Left: the response, field by field, then the refresh token family.
    const QJsonObject response = m_client->tokenResponse();
    QString html = inspect::heading(tr("The token response — seed step 13"));
    if (response.isEmpty() && accessToken.isEmpty()) {
        html += tr("<p>None yet. Once CoolLoan swaps the code at boris (seed step 12), the bank's answer is "
                   "taken apart "
                   "here, and the tokens in it decoded on the right.</p>");
    } else {
        html += tr("<p>boris's answer to CoolLoan's POST /token — on the back channel, never through the "
                   "browser, and with "
                   "<i>Cache-Control: no-store</i>.</p>");
        static const QList<QPair<QString, const char *>> fields = {
            { QStringLiteral("access_token"),
                QT_TR_NOOP("The key to banky's API, sent as <i>Authorization: Bearer</i>. Whoever "
                           "holds it can use it, hence its short life (RFC 6750 §1.2). A JWT here: "
                           "decoded on the right.") },
            { QStringLiteral("token_type"),
                QT_TR_NOOP("How to present it: <i>Bearer</i>, as is, no proof of possession "
                           "(RFC 6749 §7.1, RFC 6750).") },
            { QStringLiteral("expires_in"),
                QT_TR_NOOP("Seconds the access token is valid (RFC 6749 §5.1).") },
            { QStringLiteral("refresh_token"),
                QT_TR_NOOP("Opaque: random, means nothing by itself. Gets new tokens without "
                           "John; CoolLoan keeps it in the OS keychain (RFC 6749 §1.5, §6).") },
            { QStringLiteral("scope"),
                QT_TR_NOOP("What was granted — may be less than what was asked (RFC 6749 §5.1).") },
            { QStringLiteral("id_token"),
                QT_TR_NOOP("Who John is and when he logged in, for CoolLoan only — not for calling "
                           "APIs (OpenID Connect Core §3.1.3.3). Decoded in the middle.") },
        };
        html += inspect::ruledTable();
        for (const auto &[name, meaning] : fields) {
            if (!response.contains(name))
                continue;
            const QJsonValue value = response.value(name);
            const QString shown = name.endsWith(QLatin1String("_token")) && value.toString().size() > 28
                ? inspect::mono(abbreviated(value.toString()))
                    + inspect::muted(tr(" (%1 characters)").arg(value.toString().size()))
                : valueHtml(value);
            html += claimRow(name, shown, tr(meaning));
        }
        html += QStringLiteral("</table>");
    }

    html += inspect::heading(tr("The refresh token family"));
    html += QStringLiteral("<p>%1</p>")
                .arg(inspect::muted(
                    tr("Rotated on every use: each refresh returns a new refresh token and marks the old "
                       "one <i>rotated</i>. A rotated one presented again means it was stolen: the bank "
                       "revokes the whole family (RFC 9700 §4.14.2). From the bank's ledger, by SHA-256 "
                       "prefix.")));
    QList<IssuedToken> refreshTokens;
    for (const IssuedToken &t : family) {
        if (t.kind == TokenKind::Refresh)
            refreshTokens.append(t);
    }
    if (refreshTokens.isEmpty()) {
        html += QStringLiteral("<p>%1</p>").arg(inspect::muted(tr("No refresh token yet.")));
    } else {
        html += inspect::ruledTable();
        html += QStringLiteral("<tr style='background:%1;'><th align='left'>#</th><th "
                               "align='left'>%2</th><th align='left'>%3</th>"
                               "<th align='left'>%4</th></tr>")
                    .arg(theme::TableHeaderPaper.name(), tr("SHA-256"), tr("issued"), tr("state"));
        const QByteArray held = refreshToken.isEmpty() ? QByteArray() : sha256Hex(refreshToken.toLatin1());
        for (int i = 0; i < refreshTokens.size(); ++i) {
            const IssuedToken &t = refreshTokens.at(i);
            QString state = inspect::stateBadge(inspect::stateOf(t, now));
            if (!t.revokedReason.isEmpty())
                state += QStringLiteral("<br>") + inspect::muted(t.revokedReason.toHtmlEscaped());
            if (t.tokenHash == held)
                state += QStringLiteral("<br>") + tr("← CoolLoan holds this one");
            html += QStringLiteral("<tr><td valign='top'>%1</td><td valign='top'>%2</td><td "
                                   "valign='top'>%3</td><td valign='top'>%4</td></tr>")
                        .arg(i + 1)
                        .arg(inspect::mono(inspect::hashPrefix(t.tokenHash)), inspect::dateTime(t.issuedAt),
                            state);
        }
        html += QStringLiteral("</table>");
    }
    inspect::setHtmlKeepingScroll(m_response, html);

    inspect::setHtmlKeepingScroll(m_idToken,
        jwtHtml(tr("ID token"), tr("Who John is, for CoolLoan: OpenID Connect's addition to OAuth."),
            idToken.toLatin1(), true));
    QString ledger;
    m_accessState = accessRecord ? inspect::stateOf(*accessRecord, now) : QString();
    if (accessRecord) {
        ledger = QStringLiteral("<p>%1 %2 %3%4</p>")
                     .arg(tr("In the bank's ledger:"),
                         inspect::mono(inspect::hashPrefix(accessRecord->tokenHash)),
                         inspect::stateBadge(m_accessState),
                         accessRecord->revokedReason.isEmpty()
                             ? QString()
                             : QStringLiteral(" (%1) — banky refuses it although its signature is valid")
                                   .arg(accessRecord->revokedReason.toHtmlEscaped()));
    }
    inspect::setHtmlKeepingScroll(m_accessToken,
        jwtHtml(tr("Access token"),
            tr("What banky checks on every API call: signature, iss, aud, exp, scope."),
            accessToken.toLatin1(), false, ledger));

    const auto expiryOf = [](const QString &token) {
        const auto decoded = decodeJwt(token.toLatin1());
        return decoded ? decoded->payload.value(QStringLiteral("exp")).toInteger() : qint64(0);
    };
    m_accessExpiresAt = expiryOf(accessToken);
    m_idExpiresAt = expiryOf(idToken);
    m_refreshExpiresAt = refreshRecord ? refreshRecord->expiresAt : 0;
    m_refreshState = refreshRecord ? inspect::stateOf(*refreshRecord, now) : QString();
    updateCountdowns();
}

void TokenPanel::updateCountdowns()
{
    if (!isVisible())
        return;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QStringList parts;
    // Revoked or rotated at the bank: its expiry no longer matters.
    const auto part = [&](const QString &what, qint64 expiresAt, const QString &ledgerState) {
        if (ledgerState == QLatin1String("revoked") || ledgerState == QLatin1String("rotated"))
            parts << QStringLiteral("%1 %2").arg(what, inspect::stateBadge(ledgerState));
        else if (expiresAt > 0)
            parts << QStringLiteral("%1 <b>%2</b>")
                         .arg(what,
                             (expiresAt > now ? tr("expires ") : QString())
                                 + inspect::countdown(expiresAt, now));
    };
    part(tr("Access token"), m_accessExpiresAt, m_accessState);
    part(tr("ID token"), m_idExpiresAt, QString());
    part(tr("Refresh token"), m_refreshExpiresAt, m_refreshState);
    m_countdowns->setText(parts.isEmpty() ? inspect::muted(tr("No tokens yet."))
                                          : parts.join(QStringLiteral(" &nbsp;·&nbsp; ")));
}

} // namespace cfl
