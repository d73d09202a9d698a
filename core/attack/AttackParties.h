#pragma once
// The parties of an attack run that are not the bank: each a real HTTP client with a cookie jar of its
// own, or a real listener on loopback. The bank tells them apart by User-Agent (bank/BankTrace.cpp,
// senderOf): John's browser, CoolLoan, Mallory's device, Mallory's malware. Synchronous on purpose: an
// attack is a script of steps, each waiting for its answer in a local event loop (the bank answers on
// the same thread, in that loop).

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QPair>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

namespace cfl {
class HttpServerAdapter;
struct HttpRequest;
struct HttpResponse;
} // namespace cfl

namespace cfl::attack {

using Fields = QList<QPair<QString, QString>>;
using Headers = QList<QPair<QByteArray, QByteArray>>;

struct WebAnswer
{
    int status = 0; // 0: no HTTP answer (networkError says why)
    QUrl url;
    QByteArray body;
    Headers headers;
    QString networkError;

    QByteArray header(QByteArrayView name) const;
    bool isRedirect() const { return status >= 300 && status < 400; }
    QUrl location() const;
    QJsonObject json() const;
};

class WebAgent
{
public:
    WebAgent(QString party, QByteArray userAgent, bool cookies);
    ~WebAgent();

    const QString &party() const { return m_party; }
    // Asked before every request; false: the request is not sent (the answer says why).
    void setGate(std::function<bool()> gate) { m_gate = std::move(gate); }
    WebAnswer get(const QUrl &url, const Headers &headers = {});
    WebAnswer postForm(const QUrl &url, const Fields &fields, const Headers &headers = {});

private:
    WebAnswer send(const QByteArray &verb, const QUrl &url, const QByteArray &body, const Headers &headers);

    QString m_party;
    QByteArray m_userAgent;
    std::function<bool()> m_gate;
    QNetworkAccessManager m_nam;
};

// Mallory's listener: an HTTP server on 127.0.0.1 that keeps every URL that reaches it.
class MalloryListener
{
public:
    MalloryListener();
    ~MalloryListener();

    bool listen(QString *error);
    QUrl url(const QString &path) const; // http://127.0.0.1:PORT/path
    const QList<QUrl> &received() const { return m_received; }
    // The bodies of the POSTs that reached it (a browser that followed a 307 posts its form again).
    const QList<QByteArray> &postedBodies() const { return m_posted; }
    std::function<void(const QUrl &)> onRequest;
    std::function<void(const QUrl &, const QByteArray &)> onPost; // instead of onRequest, for a POST

private:
    std::unique_ptr<HttpServerAdapter> m_server;
    QList<QUrl> m_received;
    QList<QByteArray> m_posted;
};

// MalloryBank (the mix-up, RFC 9700 §4.4): Mallory's own authorization server, an HTTP server on
// 127.0.0.1 with an issuer of its own. What it answers is the attack's script (`handler`); every exchange
// is reported (`onExchange`) so that the run records it on MalloryBank's lifeline.
class MalloryBankServer
{
public:
    using Handler = std::function<HttpResponse(const HttpRequest &)>;
    MalloryBankServer();
    ~MalloryBankServer();

    bool listen(QString *error);
    QUrl url(const QString &path) const; // http://127.0.0.1:PORT/path
    QString issuer() const; // http://127.0.0.1:PORT
    Handler handler;
    std::function<void(const HttpRequest &, const HttpResponse &)> onExchange;

private:
    std::unique_ptr<HttpServerAdapter> m_server;
};

// application/x-www-form-urlencoded, everything but unreserved characters percent-encoded.
QByteArray encodeForm(const Fields &fields);
// A form of a bank page: its action and the fields a browser would send unasked (hidden inputs, ticked
// enabled checkboxes).
struct PageForm
{
    QString action;
    Fields hidden;
    Fields ticked;
};
std::optional<PageForm> findPageForm(const QByteArray &html, const QString &actionPart);
// The payload of a compact JWS, unverified (what a holder can read of a token it has).
QJsonObject jwtPayload(const QString &jwt);

} // namespace cfl::attack
