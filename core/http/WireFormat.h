#pragma once
// The small formats that travel inside HTTP messages, read and written in one place: HTTP Basic client
// credentials, cookies and Set-Cookie lines, sniffing a form body, and finding compact JOSE objects in
// text. The bank (client authentication, sessions), the trace (masking, export) and the UI (exchange
// detail view) all call these, so that what the bank accepts and what the teaching views show are read
// the same way. Forms themselves are decoded by FormData (http/FormData.h).

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringView>

#include <optional>

namespace cfl::wire {

// ---- HTTP Basic client credentials (RFC 7617 §2; RFC 6749 §2.3.1) ----

struct BasicCredentials
{
    enum class Problem {
        None,
        NotBasic, // another scheme, or no Authorization value at all
        NotBase64, // the token68 is not base64 (RFC 7617 §2)
        NoColon, // the decoded user-pass has no ':' (RFC 7617 §2)
        NotFormEncoded, // client_id or secret is not form-url-encoded UTF-8 (RFC 6749 §2.3.1)
    };
    Problem problem = Problem::NotBasic;
    // Decoded as far as the problem allowed: the raw "id:secret" bytes once base64 decoded, the two
    // names once form-decoded (an undecodable part stays empty).
    QByteArray userPass;
    QString clientId;
    QString secret;

    bool ok() const { return problem == Problem::None; }
};

// True when an Authorization value uses the Basic scheme (scheme names are case-insensitive,
// RFC 9110 §11.1).
bool isBasic(QByteArrayView authorization);
// Reads an Authorization header value "Basic base64(urlencode(id) ':' urlencode(secret))".
BasicCredentials parseBasicCredentials(QByteArrayView authorization);
// The header value a client sends (RFC 6749 §2.3.1: each part form-url-encoded first).
QByteArray basicAuthorization(const QString &clientId, const QString &secret);

// ---- Cookies (RFC 6265) ----

// The name=value pairs of one Cookie header field, in order (RFC 6265 §4.2.1, §5.4), split at the first
// '=' and otherwise as sent (no trimming inside a pair: cookie values are opaque); pieces without a
// name or '=' are left out.
QList<QPair<QByteArray, QByteArray>> parseCookieHeader(QByteArrayView field);

struct SetCookie
{
    QByteArray name;
    QByteArray value;
    QByteArray path = "/";
    std::optional<qint64> maxAge; // none: a session cookie; 0: delete it (RFC 6265 §5.2.2)
    bool httpOnly = true; // RFC 6265 §4.1.2.6
    bool secure = false; // the bank speaks plain HTTP on loopback (RFC 8252 §7.3)
    QByteArray sameSite = "Lax"; // RFC 6265bis §4.1.2.7; empty: no attribute
    // The attributes after the first pair, as sent (for the teaching views); names lower-cased.
    QList<QPair<QByteArray, QByteArray>> attributes;

    // "name=value; Path=/; HttpOnly; SameSite=Lax; Max-Age=0" (RFC 6265 §4.1.1).
    QByteArray toHeaderValue() const;
    // A cookie that deletes this one: empty value, Max-Age=0, same name and path.
    SetCookie expired() const;
    // One Set-Cookie line; nullopt when it has no name=value pair before the first ';' (RFC 6265 §5.2).
    static std::optional<SetCookie> parse(QByteArrayView line);
};

// ---- Forms ----

struct FormPair
{
    QByteArray rawName; // as sent
    QByteArray rawValue;
    bool hasEquals = false; // "name" alone has no value at all
    QString name; // '+' as a space, then percent-decoded; bad UTF-8 becomes U+FFFD
    QString value;
};

// The name=value pairs of a query or form body, decoded leniently and kept as sent: for showing and
// masking what travelled, never for deciding — the bank decides on FormData::parse, which refuses
// what this tolerates.
QList<FormPair> splitForm(QByteArrayView encoded);

// A body without a Content-Type that reads as name=value&name=value (RFC 6749 Appendix B's shape):
// the trace and the detail view then show it as a form.
bool looksLikeForm(QByteArrayView body);

// ---- Compact JOSE objects in text (RFC 7515 §7.1, RFC 7516 §7.1) ----

struct JoseSpan
{
    qsizetype start = 0;
    qsizetype length = 0;
    int parts = 0; // 3 for a JWS, 5 for a JWE
};

// Every compact JWS or JWE in `text`: a base64url JSON header ("eyJ…") and one to four more
// '.'-separated base64url segments. The trace masks each of them (the last line of defence for
// secrets); the detail view decodes the three-part ones.
QList<JoseSpan> findCompactJose(QStringView text);
// `text` is exactly one three-part compact JWS whose header and payload are JSON objects ("eyJ" twice).
bool isCompactJws(QStringView text);

} // namespace cfl::wire
