#pragma once
// What the libFuzzer targets share: a QCoreApplication (Qt Sql loads its SQLite plugin through one), a
// bank in a temporary directory for the targets that go through Bank::handle (no sockets: the request is
// built as HttpServerAdapter builds it), and properties that stop the run with the input when they fail.
// Built only with -DCFL_FUZZ=ON (tests/fuzz/CMakeLists.txt); run by tests/fuzz/run.sh.

#include "bank/Bank.h"
#include "crypto/SigningKey.h"
#include "storage/BankStore.h"

#include <QCoreApplication>
#include <QTemporaryDir>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace cfl::fuzz {

inline QCoreApplication &application()
{
    static int argc = 1;
    static char name[] = "cfl-fuzz";
    static char *argv[] = { name, nullptr };
    static QCoreApplication app(argc, argv);
    return app;
}

// A property the code under test promises did not hold: abort, so that libFuzzer keeps the input as a
// crash (and prints this first).
[[noreturn]] inline void violated(const char *property, const QByteArray &detail = {})
{
    std::fprintf(stderr, "\nproperty violated: %s\n%s\n", property, detail.constData());
    std::abort();
}

inline void require(bool holds, const char *property, const QByteArray &detail = {})
{
    if (!holds)
        violated(property, detail);
}

inline QByteArray bytesOf(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}

// The input cut at the first `separator`; the rest is empty when there is none.
inline std::pair<QByteArray, QByteArray> cut(const QByteArray &input, char separator)
{
    const qsizetype at = input.indexOf(separator);
    if (at < 0)
        return { input, {} };
    return { input.left(at), input.mid(at + 1) };
}

// The bank with its seed data (John, CoolLoan) on a fixed clock, in a directory of its own.
struct FuzzBank
{
    static constexpr qint64 Now = 1'800'000'000;
    QTemporaryDir directory;
    std::unique_ptr<BankStore> store;
    std::unique_ptr<Bank> bank;
    QByteArray coolLoanSecret;
};

inline FuzzBank &bank()
{
    static FuzzBank *instance = [] {
        application();
        auto *made = new FuzzBank;
        QString error;
        SeedReport seed;
        made->store = BankStore::open(made->directory.path(), &error, &seed);
        require(made->store != nullptr, "the bank's store opens", error.toUtf8());
        made->coolLoanSecret = seed.coolLoanSecret;
        BankConfig config;
        config.issuer = QUrl(QStringLiteral("http://127.0.0.1:8421"));
        config.clock = [] { return FuzzBank::Now; };
        made->bank = std::make_unique<Bank>(*made->store, SigningKey::generate(), config);
        return made;
    }();
    return *instance;
}

// Bank::handle inside a transaction that is rolled back: every input meets the same database, and a
// run of millions of inputs leaves the file as it was.
inline HttpResponse handleAndForget(HttpRequest &request)
{
    HttpResponse response;
    bank().store->inTransaction([&] {
        response = bank().bank->handle(request);
        return false;
    });
    return response;
}

inline HttpRequest requestTo(const QByteArray &method, const QByteArray &target)
{
    HttpRequest request;
    request.method = method;
    // As QHttpServer builds it from the request line and the Host header.
    request.url = QUrl::fromEncoded(target);
    request.url.setScheme(QStringLiteral("http"));
    request.url.setHost(QStringLiteral("127.0.0.1"));
    request.url.setPort(8421);
    // Every HTTP/1.1 request names its host (RFC 9112 §3.2); the bank refuses one that does not
    // (request.host.valid) before anything the target is about.
    request.headers.append(qMakePair(QByteArray("Host"), QByteArray("127.0.0.1:8421")));
    request.remoteAddress = QHostAddress::LocalHost;
    return request;
}

} // namespace cfl::fuzz
