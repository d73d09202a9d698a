#include "BankCommands.h"

#include "attack/Weakness.h"
#include "bank/BankServer.h"
#include "bank/ClientRegistration.h"
#include "bank/RedirectUri.h"
#include "bank/Scopes.h"
#include "bank/SigningKeyRing.h"
#include "process/QuitOnSignal.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTimeZone>

#include <cstdio>

namespace cfl::cli {

namespace {

constexpr quint16 DefaultPort = 8421;

void out(const QString &text)
{
    std::fputs(qPrintable(text + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

void err(const QString &text)
{
    std::fputs(qPrintable(text + QLatin1Char('\n')), stderr);
    std::fflush(stderr);
}

int usageError(const QString &message, const QString &command = {})
{
    err(QStringLiteral("codeflow-bank: %1").arg(message));
    err(QStringLiteral("Try 'codeflow-bank %1--help'.")
            .arg(command.isEmpty() ? QString() : command + QLatin1Char(' ')));
    return 2;
}

QString defaultDataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

const char *const Overview
    = R"(codeflow-bank — CodeFlow Lab's bank: an OAuth 2.0 authorization server, OpenID Connect provider
and resource API on loopback, for learning the authorization code flow.

Usage:
  codeflow-bank serve [--listen ADDR] [--port N] [--data-dir DIR] [--issuer URL]
                      [--code-lifetime S] [--access-token-lifetime S] [--refresh-token-lifetime S]
                      [--weakness KEY...]  (loopback only; --list-weaknesses lists them)
  codeflow-bank register-client [--data-dir DIR] --name NAME --redirect-uri URI [--redirect-uri URI...]
                      [--post-logout-redirect-uri URI...] [--scope "SCOPES"] [--public]
  codeflow-bank client-secret [--data-dir DIR] --client-id ID
  codeflow-bank reset [--data-dir DIR]
  codeflow-bank rotate-key --data-dir DIR  (also while serve runs on DIR)
  codeflow-bank --version | --help

Each command takes --help. The data directory defaults to %1.
)";

// Parses `arguments` for `command`; returns 0 to go on, or an exit code (help printed, or bad arguments).
int parse(
    QCommandLineParser &parser, const QString &command, const QStringList &arguments, const QString &summary)
{
    parser.setApplicationDescription(summary);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help(
        QStringList { QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), command);
    if (parser.isSet(help)) {
        out(QStringLiteral("Usage: codeflow-bank %1 [options]\n%2")
                .arg(command, parser.helpText().section(QLatin1Char('\n'), 1)));
        return -1;
    }
    if (!parser.positionalArguments().isEmpty())
        return usageError(
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()), command);
    return 0;
}

QCommandLineOption dataDirOption()
{
    return QCommandLineOption(QStringLiteral("data-dir"),
        QStringLiteral("Directory of the bank's database (default: %1).").arg(defaultDataDir()),
        QStringLiteral("DIR"), defaultDataDir());
}

std::optional<qint64> seconds(
    const QCommandLineParser &parser, const QString &name, qint64 fallback, QString *error)
{
    if (!parser.isSet(name))
        return fallback;
    bool ok = false;
    const qint64 value = parser.value(name).toLongLong(&ok);
    if (!ok || value < 1 || value > 366LL * 24 * 3600) {
        *error = QStringLiteral("--%1 must be a number of seconds between 1 and 31622400, not '%2'")
                     .arg(name, parser.value(name));
        return std::nullopt;
    }
    return value;
}

int serve(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption listen(QStringLiteral("listen"),
        QStringLiteral("Address to listen on (default localhost: 127.0.0.1 and ::1, one port)."),
        QStringLiteral("ADDR"), QStringLiteral("localhost"));
    const QCommandLineOption port(QStringLiteral("port"),
        QStringLiteral("TCP port (default %1; 0 picks a free one).").arg(DefaultPort), QStringLiteral("N"),
        QString::number(DefaultPort));
    const QCommandLineOption issuer(QStringLiteral("issuer"),
        QStringLiteral("Issuer URL (default http://localhost:PORT on loopback, else http://ADDR:PORT)."),
        QStringLiteral("URL"));
    const QCommandLineOption codeLifetime(QStringLiteral("code-lifetime"),
        QStringLiteral("Authorization code lifetime (default 60)."), QStringLiteral("S"));
    const QCommandLineOption accessLifetime(QStringLiteral("access-token-lifetime"),
        QStringLiteral("Access token lifetime (default 600)."), QStringLiteral("S"));
    const QCommandLineOption refreshLifetime(QStringLiteral("refresh-token-lifetime"),
        QStringLiteral("Refresh token lifetime (default 1209600)."), QStringLiteral("S"));
    // The attack lab (issue 11): named defences off, in memory only, for attacking the bank by hand.
    const QCommandLineOption weakness(QStringLiteral("weakness"),
        QStringLiteral("Switch a defence off (repeatable; loopback only; see --list-weaknesses)."),
        QStringLiteral("KEY"));
    const QCommandLineOption listWeaknesses(
        QStringLiteral("list-weaknesses"), QStringLiteral("List the weaknesses --weakness takes, and exit."));
    parser.addOptions({ listen, port, dataDirOption(), issuer, codeLifetime, accessLifetime, refreshLifetime,
        weakness, listWeaknesses });
    if (const int code = parse(parser, QStringLiteral("serve"), arguments, QStringLiteral("Run the bank.")))
        return code < 0 ? 0 : code;
    if (parser.isSet(listWeaknesses)) {
        out(attack::weaknessTable().trimmed());
        return 0;
    }
    QList<attack::Weakness> weaknesses;
    for (const QString &key : parser.values(weakness)) {
        const auto found = attack::findWeakness(key);
        if (!found)
            return usageError(QStringLiteral("unknown weakness '%1'; known weaknesses: %2")
                                  .arg(key, attack::weaknessKeys().join(QStringLiteral(", "))),
                QStringLiteral("serve"));
        if (attack::weaknessSpec(*found).owner != attack::Owner::Bank)
            return usageError(QStringLiteral("'%1' is a weakness of CoolLoan, not of the bank").arg(key),
                QStringLiteral("serve"));
        if (!weaknesses.contains(*found))
            weaknesses.append(*found);
    }

    BankServerOptions options;
    options.dataDir = parser.value(QStringLiteral("data-dir"));
    // The access log below is the only one who hears of the exchanges: its lines may follow the answers.
    options.traceBeforeAnswer = false;
    // Any loopback address means both, and the issuer "localhost" (BankServerOptions::address).
    if (parser.value(listen).compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        options.address = QHostAddress::LocalHost;
    else if (!options.address.setAddress(parser.value(listen)))
        return usageError(QStringLiteral("--listen needs an IP address, not '%1'").arg(parser.value(listen)),
            QStringLiteral("serve"));
    bool ok = false;
    const uint portNumber = parser.value(port).toUInt(&ok);
    if (!ok || portNumber > 65535)
        return usageError(
            QStringLiteral("--port must be a number from 0 to 65535, not '%1'").arg(parser.value(port)),
            QStringLiteral("serve"));
    options.port = quint16(portNumber);
    // A weakened bank is a teaching target for this machine only: never reachable from another one.
    if (!weaknesses.isEmpty() && !options.address.isLoopback())
        return usageError(QStringLiteral("--weakness runs only on loopback: a weakened bank must not be "
                                         "reachable from other machines; drop --listen %1 or the weaknesses")
                              .arg(parser.value(listen)),
            QStringLiteral("serve"));
    const QStringList disabled = attack::bankChecksOf(weaknesses);
    options.config.disabledChecks = QSet<QString>(disabled.cbegin(), disabled.cend());
    QString error;
    const auto code = seconds(parser, QStringLiteral("code-lifetime"), options.config.codeLifetime, &error);
    const auto access = seconds(
        parser, QStringLiteral("access-token-lifetime"), options.config.accessTokenLifetime, &error);
    const auto refresh = seconds(
        parser, QStringLiteral("refresh-token-lifetime"), options.config.refreshTokenLifetime, &error);
    if (!code || !access || !refresh)
        return usageError(error, QStringLiteral("serve"));
    options.config.codeLifetime = *code;
    options.config.accessTokenLifetime = *access;
    options.config.refreshTokenLifetime = *refresh;
    if (parser.isSet(issuer)) {
        const QUrl url(parser.value(issuer), QUrl::StrictMode);
        // OIDC Discovery §3: an https (or, here, http) URL with no query or fragment.
        if (!url.isValid()
            || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
            || url.host().isEmpty() || url.hasQuery() || url.hasFragment()) {
            return usageError(
                QStringLiteral("--issuer must be an http(s) URL without query or fragment, not '%1'")
                    .arg(parser.value(issuer)),
                QStringLiteral("serve"));
        }
        options.config.issuer = url;
        if (QHostAddress(url.host()).isLoopback()) {
            err(QStringLiteral(
                "WARNING: the issuer's host %1 is where loopback clients have their callbacks: "
                "the browser will send them the bank's cookies (RFC 6265 §8.5). Leave --issuer "
                "out to be http://localhost:PORT (RFC 8252 §8.3).")
                    .arg(url.host()));
        }
    }
    if (!options.address.isLoopback()) {
        err(QStringLiteral(
            "WARNING: listening on %1, which is not a loopback address: other machines can reach this "
            "teaching bank and John's workshop password is public. Use --listen localhost unless you "
            "really mean it.")
                .arg(options.address.toString()));
    }

    for (const attack::Weakness w : std::as_const(weaknesses)) {
        const attack::WeaknessSpec &spec = attack::weaknessSpec(w);
        err(QStringLiteral("WEAKENED: %1 — %2; checks off: %3 (%4). In memory only, until this bank stops.")
                .arg(spec.key, spec.title, spec.bankChecks.join(QStringLiteral(", ")), spec.section));
    }

    BankServer server;
    SeedReport seed;
    if (!server.start(options, &error, &seed)) {
        err(QStringLiteral("codeflow-bank: %1").arg(error));
        return 1;
    }
    QObject::connect(&server, &BankServer::exchanged, &server,
        [](const BankExchange &exchange) { err(accessLogLine(exchange)); });

    out(server.issuer().toString());
    err(QStringLiteral("Loopback Bank is running. Issuer %1 — data in %2")
            .arg(server.issuer().toString(), QDir(options.dataDir).absolutePath()));
    err(QStringLiteral("  Online banking: %1/web   (john / banking-is-fun)").arg(server.issuer().toString()));
    err(QStringLiteral("  Discovery:      %1/.well-known/openid-configuration")
            .arg(server.issuer().toString()));
    if (seed.seeded) {
        err(QStringLiteral(
            "  A fresh bank: CoolLoan is registered as client_id 'coolloan'; its secret is shown once on "
            "stdout. 'codeflow-bank client-secret --client-id coolloan' makes a new one."));
        out(QStringLiteral("coolloan client_secret: %1").arg(QString::fromLatin1(seed.coolLoanSecret)));
    }
    err(QStringLiteral("Press Ctrl+C to stop."));

    QuitOnSignal quitOnSignal;
    const int status = QCoreApplication::exec();
    server.stop();
    err(QStringLiteral("Loopback Bank stopped."));
    return status;
}

int registerClientCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption name(QStringLiteral("name"),
        QStringLiteral("Name shown to John on the consent page."), QStringLiteral("NAME"));
    const QCommandLineOption redirectUri(QStringLiteral("redirect-uri"),
        QStringLiteral("A redirect URI (repeatable). http://127.0.0.1/... allows any port."),
        QStringLiteral("URI"));
    const QCommandLineOption postLogoutRedirectUri(QStringLiteral("post-logout-redirect-uri"),
        QStringLiteral("Where the bank may send John back after logging him out (repeatable; OpenID Connect "
                       "RP-Initiated Logout 1.0 §3). Same rules as --redirect-uri."),
        QStringLiteral("URI"));
    const QCommandLineOption scope(QStringLiteral("scope"),
        QStringLiteral("Allowed scopes, space-separated."), QStringLiteral("SCOPES"));
    const QCommandLineOption isPublic(
        QStringLiteral("public"), QStringLiteral("A public client (no secret; PKCE only)."));
    parser.addOptions({ dataDirOption(), name, redirectUri, postLogoutRedirectUri, scope, isPublic });
    if (const int code = parse(parser, QStringLiteral("register-client"), arguments,
            QStringLiteral("Register an OAuth client.")))
        return code < 0 ? 0 : code;
    if (!parser.isSet(name))
        return usageError(QStringLiteral("--name is required"), QStringLiteral("register-client"));
    if (!parser.isSet(redirectUri))
        return usageError(
            QStringLiteral("at least one --redirect-uri is required"), QStringLiteral("register-client"));

    ClientRegistrationRequest request;
    request.name = parser.value(name);
    request.redirectUris = parser.values(redirectUri);
    request.postLogoutRedirectUris = parser.values(postLogoutRedirectUri);
    request.scopes = scopes::parse(parser.value(scope));
    request.isPublic = parser.isSet(isPublic);
    // Check the arguments before touching the database.
    for (const QString &uri : request.redirectUris) {
        if (const auto problem = redirect::registrationProblem(uri))
            return usageError(*problem, QStringLiteral("register-client"));
    }
    for (const QString &uri : request.postLogoutRedirectUris) {
        if (const auto problem = redirect::registrationProblem(uri))
            return usageError(QStringLiteral("--post-logout-redirect-uri: %1").arg(*problem),
                QStringLiteral("register-client"));
    }
    for (const QString &s : request.scopes) {
        if (!scopes::find(s))
            return usageError(
                QStringLiteral("unknown scope '%1'; known scopes: %2").arg(s, scopes::join(scopes::names())),
                QStringLiteral("register-client"));
    }

    QString error;
    auto store = BankStore::open(parser.value(QStringLiteral("data-dir")), &error);
    if (!store) {
        err(QStringLiteral("codeflow-bank: %1").arg(error));
        return 1;
    }
    const auto result = registerClient(*store, request, QDateTime::currentSecsSinceEpoch());
    if (const auto *problem = std::get_if<QString>(&result))
        return usageError(*problem, QStringLiteral("register-client"));
    const auto &client = std::get<RegisteredClient>(result);
    QJsonObject json { { QStringLiteral("client_id"), client.clientId } };
    if (!client.clientSecret.isEmpty())
        json.insert(QStringLiteral("client_secret"), QString::fromLatin1(client.clientSecret));
    // What was registered, under the names of OpenID Connect Dynamic Client Registration (§2; RP-Initiated
    // Logout 1.0 §3.1), so that a typo shows at once.
    json.insert(QStringLiteral("redirect_uris"), QJsonArray::fromStringList(client.record.redirectUris));
    json.insert(QStringLiteral("post_logout_redirect_uris"),
        QJsonArray::fromStringList(client.record.postLogoutRedirectUris));
    out(QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact)));
    return 0;
}

int clientSecretCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption clientId(
        QStringLiteral("client-id"), QStringLiteral("The client."), QStringLiteral("ID"));
    parser.addOptions({ dataDirOption(), clientId });
    if (const int code = parse(parser, QStringLiteral("client-secret"), arguments,
            QStringLiteral("Give a confidential client a new secret (printed once) and retire the old one.")))
        return code < 0 ? 0 : code;
    if (!parser.isSet(clientId))
        return usageError(QStringLiteral("--client-id is required"), QStringLiteral("client-secret"));
    QString error;
    auto store = BankStore::open(parser.value(QStringLiteral("data-dir")), &error);
    if (!store) {
        err(QStringLiteral("codeflow-bank: %1").arg(error));
        return 1;
    }
    const auto result = rotateClientSecret(*store, parser.value(clientId));
    if (const auto *problem = std::get_if<QString>(&result)) {
        err(QStringLiteral("codeflow-bank: %1").arg(*problem));
        return 1;
    }
    out(QString::fromUtf8(QJsonDocument(
        QJsonObject { { QStringLiteral("client_id"), parser.value(clientId) },
            { QStringLiteral("client_secret"), QString::fromLatin1(std::get<QByteArray>(result)) } })
                              .toJson(QJsonDocument::Compact)));
    return 0;
}

int resetCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addOption(dataDirOption());
    if (const int code = parse(parser, QStringLiteral("reset"), arguments,
            QStringLiteral("Empty the bank and seed it again: John, his accounts, CoolLoan with a new "
                           "secret, a new signing key.")))
        return code < 0 ? 0 : code;
    QString error;
    auto store = BankStore::open(parser.value(QStringLiteral("data-dir")), &error);
    SeedReport seed;
    if (!store || !store->reset(&error, &seed)) {
        err(QStringLiteral("codeflow-bank: %1").arg(error));
        return 1;
    }
    err(QStringLiteral("The bank in %1 was reset. A new signing key is made at the next start.")
            .arg(store->database().path()));
    out(QStringLiteral("coolloan client_secret: %1").arg(QString::fromLatin1(seed.coolLoanSecret)));
    return 0;
}

int rotateKeyCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    // No default directory: the key of a bank in use is changed, so the bank is named.
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
        QStringLiteral("Directory of the bank's database (required)."), QStringLiteral("DIR"));
    parser.addOption(dataDir);
    if (const int code = parse(parser, QStringLiteral("rotate-key"), arguments,
            QStringLiteral("Make a new signing key (a new kid) that signs every token from now on, also in a "
                           "running serve; the previous public key stays in the JWKS until the last token "
                           "it signed has expired (OpenID Connect Core §10.1.1).")))
        return code < 0 ? 0 : code;
    if (!parser.isSet(dataDir) || parser.value(dataDir).isEmpty())
        return usageError(
            QStringLiteral("--data-dir is required: the directory of the bank whose key to rotate"),
            QStringLiteral("rotate-key"));
    QString error;
    SeedReport seed;
    auto store = BankStore::open(parser.value(dataDir), &error, &seed);
    if (!store) {
        err(QStringLiteral("codeflow-bank: %1").arg(error));
        return 1;
    }
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const auto rotation = rotateSigningKey(*store, now, true, &error);
    if (!rotation) {
        err(QStringLiteral("codeflow-bank: %1").arg(error));
        return 1;
    }
    const QString leaves = rotation->retiredKeyLeavesAt <= now
        ? QStringLiteral("now: no token it signed is still valid")
        : QStringLiteral("at %1, when the last token it signed expires")
              .arg(QDateTime::fromSecsSinceEpoch(rotation->retiredKeyLeavesAt, QTimeZone::utc())
                       .toString(Qt::ISODate));
    err(QStringLiteral("Key %1 signs from now on, also in a running 'codeflow-bank serve' on %2. Key %3 "
                       "no longer signs; it leaves the JWKS %4.")
            .arg(rotation->kid, store->database().path(), rotation->retiredKid, leaves));
    if (seed.seeded)
        out(QStringLiteral("coolloan client_secret: %1").arg(QString::fromLatin1(seed.coolLoanSecret)));
    out(QString::fromUtf8(
        QJsonDocument(QJsonObject {
                          { QStringLiteral("kid"), rotation->kid },
                          { QStringLiteral("retired_kid"), rotation->retiredKid },
                          { QStringLiteral("retired_key_leaves_jwks_at"), rotation->retiredKeyLeavesAt },
                      })
            .toJson(QJsonDocument::Compact)));
    return 0;
}

} // namespace

int run(const QStringList &arguments)
{
    const QString command = arguments.value(1);
    const QStringList rest = QStringList { arguments.value(0) } + arguments.mid(2);
    if (command == QLatin1String("serve"))
        return serve(rest);
    if (command == QLatin1String("register-client"))
        return registerClientCommand(rest);
    if (command == QLatin1String("client-secret"))
        return clientSecretCommand(rest);
    if (command == QLatin1String("reset"))
        return resetCommand(rest);
    if (command == QLatin1String("rotate-key"))
        return rotateKeyCommand(rest);
    if (command == QLatin1String("--version") || command == QLatin1String("-v")) {
        out(QStringLiteral("codeflow-bank %1 (Qt %2)")
                .arg(QCoreApplication::applicationVersion(), QString::fromLatin1(qVersion())));
        return 0;
    }
    if (command == QLatin1String("--help") || command == QLatin1String("-h")
        || command == QLatin1String("help")) {
        out(QString::fromUtf8(Overview).arg(defaultDataDir()));
        return 0;
    }
    if (command.isEmpty())
        return usageError(QStringLiteral(
            "a command is required (serve, register-client, client-secret, reset, rotate-key)"));
    return usageError(QStringLiteral("unknown command '%1'").arg(command));
}

} // namespace cfl::cli
