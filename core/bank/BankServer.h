#pragma once
// The running bank: its database, signing key and HTTP listener, owned by one thread, and the worker
// threads that read, answer and write its requests (bank/BankWorkers.h). The headless `codeflow-bank serve`
// runs it on the main thread; the desktop app on a thread of its own. Its signal comes on the owning thread.

#include "bank/Bank.h"
#include "http/RequestLimits.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>

#include <atomic>
#include <functional>
#include <memory>

namespace cfl {

class BankWorkers;
class HttpServerAdapter;

// One request the bank answered, with what it decided on the way (for logs and the trace).
struct BankExchange
{
    HttpRequest request;
    HttpResponse response;
    qint64 startedAtMs = 0; // epoch milliseconds
    qint64 durationUs = 0;
    QList<BankDecision> decisions;
    ExchangeSteps steps; // the seed steps it realises, as the code that answered said
};

// What the bank reads of a request before it answers 413/414/431/408 instead (RFC 9110 §15.5), with the
// largest body of each route.
RequestLimits bankRequestLimits();

struct BankServerOptions
{
    QString dataDir;
    // A loopback address (the default) means both, 127.0.0.1 and ::1, on one port, and the issuer
    // http://localhost:PORT: a host name apart from the 127.0.0.1 of the clients' callbacks, so that the
    // bank's cookies do not reach them (RFC 6265 §8.5, RFC 8252 §8.3). Any other address: that one alone.
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 0;
    BankConfig config;
    RequestLimits requestLimits = bankRequestLimits();
    // Where the private signing key lives. None: in the bank's own database (the headless bank). The
    // desktop app's, from its keychain: the database then keeps its public JWK only (bank/SigningKeyRing.h).
    std::optional<QByteArray> externalSigningKey;
    // Threads that answer requests, each with its own database connection; 0: BankWorkers::defaultCount().
    int workerThreads = 0;
    // True: an answer leaves only once `exchanged` has been emitted on the bank's thread, so the trace
    // (the desktop app's, a test's) has the exchange before the client has the answer. False: the answer
    // leaves from the thread that made it and the exchange follows, with no hop through the bank's thread
    // on the way (the headless bank, whose access log needs no order).
    bool traceBeforeAnswer = true;
};

class BankServer : public QObject
{
    Q_OBJECT
public:
    explicit BankServer(QObject *parent = nullptr);
    ~BankServer() override;

    // Opens the store (seeding it on first use), loads or creates the signing key, listens.
    bool start(const BankServerOptions &options, QString *error, SeedReport *seed = nullptr);
    void stop();

    QUrl issuer() const;
    quint16 port() const;
    // The attack lab's switches (bank/Check.h): these named checks stop refusing until the next call. In
    // memory only; every start begins with BankServerOptions::config.disabledChecks (none by default).
    void setDisabledChecks(const QSet<QString> &checkIds);
    // A new signing key signs from now on (OIDC Core §10.1.1); nullopt and *error when it could not.
    std::optional<KeyRotation> rotateSigningKey(QString *error);
    // A Bank on this thread, with a database connection of its own: its setters reach every worker's Bank
    // (bank/BankShared.h) from their next request on.
    Bank *bank() const { return m_bank.get(); }
    BankStore *store() const { return m_store.get(); }
    int workerThreads() const;
    // The requests read so far (by the serving threads).
    qint64 requestsTaken() const { return m_requestsTaken.load(); }

Q_SIGNALS:
    void exchanged(const cfl::BankExchange &exchange);

private:
    // On a serving thread, with its Bank: answers the request there, or hands a login to a hashing thread.
    void serve(Bank &bank, HttpRequest &&request, std::function<void(HttpResponse)> answer);
    // On the thread that answers: the answer, and the exchange for the trace (on this server's thread).
    void answer(Bank &bank, HttpRequest &&request, std::function<void(HttpResponse)> answer);

    std::unique_ptr<BankStore> m_store;
    std::unique_ptr<Bank> m_bank;
    std::unique_ptr<BankWorkers> m_workers;
    // The exchanges come to this server's thread through it (with traceBeforeAnswer, their answers too).
    // stop() hands on the exchanges already answered and drops the rest, with the answers of a bank that is
    // no longer running.
    std::unique_ptr<QObject> m_relay;
    bool m_traceBeforeAnswer = true;
    std::atomic<qint64> m_requestsTaken { 0 };
    std::unique_ptr<HttpServerAdapter> m_http;
};

// One readable line for the access log, with query parameter names but never their values (codes,
// state and verifiers are secrets outside the teaching views).
QString accessLogLine(const BankExchange &exchange);

} // namespace cfl

Q_DECLARE_METATYPE(cfl::BankExchange)
