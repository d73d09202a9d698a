#include "bank/BankServer.h"

#include "bank/BankWorkers.h"
#include "http/FormData.h"
#include "http/HttpServerAdapter.h"
#include "http/LogEscaping.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QLoggingCategory>

namespace cfl {

RequestLimits bankRequestLimits()
{
    RequestLimits limits;
    // The bank's bodies are small forms and JSON. The largest: an authorization request sent by POST
    // (OIDC Core §3.1.2.1), every parameter at most 2,048 characters (Bank::authorize), percent-encoded.
    limits.bodyLimits = {
        { "POST", QStringLiteral("/authorize"), 32 * 1024 },
        { "POST", QStringLiteral("/token"), 16 * 1024 },
        { "POST", QStringLiteral("/revoke"), 16 * 1024 },
        { "POST", QStringLiteral("/introspect"), 16 * 1024 },
        { "POST", QStringLiteral("/userinfo"), 16 * 1024 },
        // RP-initiated logout by POST: an ID token as id_token_hint, a URI, a state (a 1 KiB default would
        // refuse most); John's confirmation is a small form.
        { "POST", QStringLiteral("/session/end"), 16 * 1024 },
        { "POST", QStringLiteral("/session/end/confirm"), 4 * 1024 },
        { "POST", QStringLiteral("/interaction/"), 4 * 1024 },
        { "POST", QStringLiteral("/web/"), 4 * 1024 },
        { "POST", QStringLiteral("/api/payments"), 4 * 1024 },
    };
    return limits;
}

BankServer::BankServer(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<BankExchange>();
}

BankServer::~BankServer()
{
    stop();
}

bool BankServer::start(const BankServerOptions &options, QString *error, SeedReport *seed)
{
    m_store = BankStore::open(options.dataDir, error, seed);
    if (!m_store)
        return false;

    SigningKeyRing keys(*m_store);
    const qint64 now = options.config.clock ? options.config.clock() : QDateTime::currentSecsSinceEpoch();
    if (!keys.load(options.externalSigningKey, now, error)) {
        m_store.reset();
        return false;
    }
    auto shared = std::make_shared<BankShared>(options.config);
    m_bank = std::make_unique<Bank>(*m_store, std::move(keys), shared);

    // The workers open the database after this thread has migrated and seeded it.
    m_workers = std::make_unique<BankWorkers>();
    const int workers = options.workerThreads > 0 ? options.workerThreads : BankWorkers::defaultCount();
    if (!m_workers->start(workers, { options.dataDir, options.externalSigningKey, shared }, error)) {
        stop();
        return false;
    }
    m_relay = std::make_unique<QObject>();
    m_traceBeforeAnswer = options.traceBeforeAnswer;
    QList<HttpServerAdapter::Lane> lanes;
    for (int i = 0; i < m_workers->servingCount(); ++i) {
        Bank *bank = &m_workers->servingBank(i);
        lanes.append({ m_workers->servingThread(i),
            [this, bank](HttpRequest &&request, HttpServerAdapter::Answer answer) {
                serve(*bank, std::move(request), std::move(answer));
            } });
    }
    m_http = std::make_unique<HttpServerAdapter>(lanes, options.requestLimits);
    const bool loopback = options.address.isLoopback();
    if (!(loopback ? m_http->listenOnLoopback(options.port, error)
                   : m_http->listen(options.address, options.port, error))) {
        stop();
        return false;
    }
    if (options.config.issuer.isEmpty()) {
        QUrl issuer;
        issuer.setScheme(QStringLiteral("http"));
        // On loopback the bank is "localhost", never the 127.0.0.1 its clients register for their
        // callbacks (RFC 8252 §7.3, §8.3): cookies are scoped by host, not port (RFC 6265 §8.5), so the
        // browser keeps the bank's cookies from every client's loopback listener.
        issuer.setHost(loopback ? QStringLiteral("localhost") : options.address.toString());
        issuer.setPort(m_http->port());
        m_bank->setIssuer(issuer);
    }
    return true;
}

void BankServer::serve(Bank &bank, HttpRequest &&request, std::function<void(HttpResponse)> answer)
{
    ++m_requestsTaken;
    // The one request that hashes a password (argon2id) goes to a hashing thread: none waits behind it.
    if (Bank::hashesPassword(request)) {
        m_workers->hash(
            [this, request = std::move(request), answer = std::move(answer)](Bank &hashingBank) mutable {
                this->answer(hashingBank, std::move(request), std::move(answer));
            });
        return;
    }
    this->answer(bank, std::move(request), std::move(answer));
}

void BankServer::answer(Bank &bank, HttpRequest &&request, std::function<void(HttpResponse)> answer)
{
    BankExchange exchange;
    exchange.startedAtMs = QDateTime::currentMSecsSinceEpoch();
    QElapsedTimer timer;
    timer.start();
    exchange.response = bank.handle(request);
    exchange.durationUs = timer.nsecsElapsed() / 1000;
    exchange.request = std::move(request);
    exchange.decisions = bank.lastDecisions();
    exchange.steps = bank.lastSteps();
    if (m_traceBeforeAnswer) {
        // Through the bank's thread: the trace hears of the exchange before the client does.
        QMetaObject::invokeMethod(
            m_relay.get(),
            [this, exchange = std::move(exchange), answer = std::move(answer)] {
                Q_EMIT exchanged(exchange);
                answer(exchange.response);
            },
            Qt::QueuedConnection);
        return;
    }
    answer(exchange.response);
    QMetaObject::invokeMethod(
        m_relay.get(), [this, exchange = std::move(exchange)] { Q_EMIT exchanged(exchange); },
        Qt::QueuedConnection);
}

void BankServer::stop()
{
    if (m_http)
        m_http->close();
    // The hashing threads first: no answer comes from one after this. Then the connections, on their
    // serving threads; then the relay, with the answers it still held for them unsent; then the threads.
    if (m_workers)
        m_workers->stopHashing();
    m_http.reset();
    // Exchanges already answered still reach the trace (the access log of `serve` ends with the last).
    if (m_relay && !m_traceBeforeAnswer)
        QCoreApplication::sendPostedEvents(m_relay.get());
    m_relay.reset();
    if (m_workers)
        m_workers->stop();
    m_workers.reset();
    m_bank.reset();
    m_store.reset();
}

int BankServer::workerThreads() const
{
    return m_workers ? m_workers->count() : 0;
}

QUrl BankServer::issuer() const
{
    return m_bank ? QUrl(m_bank->issuer()) : QUrl();
}

quint16 BankServer::port() const
{
    return m_http ? m_http->port() : 0;
}

void BankServer::setDisabledChecks(const QSet<QString> &checkIds)
{
    if (m_bank)
        m_bank->setDisabledChecks(checkIds);
}

std::optional<KeyRotation> BankServer::rotateSigningKey(QString *error)
{
    if (!m_bank) {
        *error = QStringLiteral("the bank is not running");
        return std::nullopt;
    }
    return m_bank->rotateSigningKey(error);
}

QString accessLogLine(const BankExchange &exchange)
{
    QString target = exchange.request.path();
    if (exchange.request.url.hasQuery()) {
        QStringList names;
        if (const auto form = FormData::parse(exchange.request.url.query(QUrl::FullyEncoded).toUtf8())) {
            for (const auto &item : form->items())
                names.append(item.first);
        }
        target += QLatin1Char('?') + names.join(QLatin1Char(','));
    }
    QString line
        = QStringLiteral("%1 %2 %3 %4 → %5 (%6 ms)")
              .arg(QDateTime::fromMSecsSinceEpoch(exchange.startedAtMs).toString(QStringLiteral("HH:mm:ss")),
                  exchange.request.remoteAddress.toString(), QString::fromLatin1(exchange.request.method),
                  target)
              .arg(exchange.response.status)
              .arg(double(exchange.durationUs) / 1000.0, 0, 'f', 1);
    for (const BankDecision &decision : exchange.decisions) {
        if (decision.refusal)
            line += QStringLiteral(" — %1: %2")
                        .arg(decision.refusal->error(), decision.refusal->description());
    }
    // Path, parameter names and refusals hold decoded request values: a %0A must not start a new line.
    return escapeForLog(line);
}

} // namespace cfl
