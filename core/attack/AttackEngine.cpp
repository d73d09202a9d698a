#include "attack/AttackEngine.h"

#include "attack/AttackParties.h"
#include "bank/BankServer.h"
#include "bank/BankTrace.h"
#include "bank/Check.h"
#include "bank/ClientRegistration.h"
#include "bank/UserClaims.h"
#include "client/ClientChecks.h"
#include "client/IdTokenValidator.h"
#include "crypto/Pkce.h"
#include "crypto/SecureRandom.h"
#include "http/HttpMessage.h"
#include "storage/SeedData.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QUrlQuery>

#include <algorithm>

namespace cfl::attack {

namespace {
constexpr auto CoolLoanScopes = "openid profile email offline_access accounts:read transactions:read";
// CoolLoan registered http://127.0.0.1/callback: any port at request time (RFC 8252 §7.3). The scripted
// browser stops at this redirect and hands the code to the scripted CoolLoan; nothing listens there.
constexpr auto CoolLoanRedirect = "http://127.0.0.1:5555/callback";
constexpr auto BrowserAgent = "Mozilla/5.0 (CodeFlow Lab scripted browser)";
constexpr auto CoolLoanAgent = "CoolLoan/1 (CodeFlow Lab scripted back channel)";
constexpr auto MalloryDeviceAgent = "CodeFlowLab-Mallory-Device/1";
constexpr auto MalloryMalwareAgent = "CodeFlowLab-Mallory-Malware/1";
constexpr auto MalloryBankAgent = "CodeFlowLab-MalloryBank/1";

QString randomString()
{
    return QString::fromLatin1(randomToken(16));
}

QByteArray basic(const QString &id, const QByteArray &secret)
{
    // RFC 6749 §2.3.1: Basic over the form-url-encoded id and secret.
    return "Basic "
        + (QUrl::toPercentEncoding(id) + ':' + QUrl::toPercentEncoding(QString::fromLatin1(secret)))
              .toBase64();
}

struct Tokens
{
    QString access;
    QString refresh;
    QString id;
    static Tokens from(const WebAnswer &answer)
    {
        const QJsonObject json = answer.json();
        if (answer.status != 200)
            return {};
        return { json.value(QStringLiteral("access_token")).toString(),
            json.value(QStringLiteral("refresh_token")).toString(),
            json.value(QStringLiteral("id_token")).toString() };
    }
};

// One run: a bank of its own, the parties, the trace, the first refusal.
class Run
{
public:
    Run(const QList<Weakness> &weaknesses, RunHooks hooks)
        : m_hooks(std::move(hooks))
        , browser(QStringLiteral("Browser"), BrowserAgent, true)
        , coolLoan(QStringLiteral("CoolLoan"), CoolLoanAgent, false)
        , device(malloryDevice(), MalloryDeviceAgent, true)
        , malware(malloryMalware(), MalloryMalwareAgent, false)
        , mallorysBank(malloryBank(), MalloryBankAgent, false)
    {
        outcome.weaknesses = weaknesses;
        if (m_hooks.beforeExchange) {
            for (WebAgent *agent : { &browser, &coolLoan, &device, &malware, &mallorysBank })
                agent->setGate([this] {
                    if (m_hooks.beforeExchange())
                        return true;
                    fail(QStringLiteral("the run was stopped"));
                    return false;
                });
        }
        if (!m_dir.isValid()) {
            outcome.failure = QStringLiteral("no temporary directory for the bank");
            return;
        }
        BankServerOptions options;
        options.dataDir = m_dir.path();
        options.port = 0;
        const QStringList checks = bankChecksOf(weaknesses);
        options.config.disabledChecks = QSet<QString>(checks.cbegin(), checks.cend());
        QObject::connect(&m_server, &BankServer::exchanged, &m_server,
            [this](const BankExchange &exchange) { recordBank(exchange); });
        QString error;
        SeedReport seed;
        if (!m_server.start(options, &error, &seed)) {
            outcome.failure = QStringLiteral("the bank did not start: %1").arg(error);
            return;
        }
        m_coolLoanSecret = seed.coolLoanSecret;
    }

    bool ok() const { return outcome.failure.isEmpty(); }
    QUrl bankUrl(const QString &path) const { return m_server.issuer().resolved(QUrl(path)); }
    bool isBankUrl(const QUrl &url) const
    {
        const QUrl issuer = m_server.issuer();
        return url.host() == issuer.host() && url.port() == issuer.port();
    }

    // From here on, the first refusal is the attack's.
    void attackBegins() { m_attackStarted = true; }

    // A defence that refuses nothing stopped the attack — how a party answered (the 303 that keeps a form
    // where it was posted): the run's "refusal", if it is the first since the attack began.
    void defendedBy(const QString &party, int status, const QString &check, const QString &rule)
    {
        if (!m_attackStarted || !outcome.stoppedBy.isEmpty())
            return;
        outcome.stoppedBy = party;
        outcome.status = status;
        outcome.check = check;
        outcome.rule = rule;
    }

    void fail(const QString &why)
    {
        if (outcome.failure.isEmpty())
            outcome.failure = why;
    }

    // Mallory's own doing, on her lifeline.
    void note(const QString &party, const QString &summary, TraceChannel channel = TraceChannel::Internal)
    {
        TraceEvent event = noteEvent(party, summary);
        event.channel = channel;
        record(event);
    }

    // A decision on `party`'s lifeline (Mallory's, or CoolLoan's own checks).
    TraceEvent noteEvent(const QString &party, const QString &summary)
    {
        TraceEvent event;
        event.kind = TraceKind::Decision;
        event.exchangeId = ++m_exchangeId;
        event.timeMs = QDateTime::currentMSecsSinceEpoch();
        event.source
            = party == QLatin1String("CoolLoan") ? QStringLiteral("coolloan") : QStringLiteral("mallory");
        event.channel = TraceChannel::Internal;
        event.from = party;
        event.to = party;
        event.summary = summary;
        return event;
    }

    // A request that reached Mallory's listener (John's browser followed a redirect there); `body`: a POST's.
    void recordListener(const QUrl &url, const QByteArray &body = {})
    {
        TraceEvent request;
        request.kind = TraceKind::Request;
        request.exchangeId = ++m_exchangeId;
        request.timeMs = QDateTime::currentMSecsSinceEpoch();
        request.source = QStringLiteral("mallory");
        request.channel = TraceChannel::FrontChannel;
        request.from = QStringLiteral("Browser");
        request.to = malloryListener();
        request.method = body.isEmpty() ? QByteArray("GET") : QByteArray("POST");
        request.url = url;
        request.requestBody = body;
        request.status = 200;
        request.summary = body.isEmpty()
            ? QStringLiteral("GET %1 (John's redirect, with his code)").arg(url.path())
            : QStringLiteral("POST %1 (John's login form again: his user name and password)").arg(url.path());
        TraceEvent response = request;
        response.kind = TraceKind::Response;
        response.from = malloryListener();
        response.to = QStringLiteral("Browser");
        response.summary = QStringLiteral("200 OK \"Thanks, John.\"");
        record(request);
        record(response);
    }

    // John's browser from `url` through login and consent, until eddy sends it off the bank. Returns the
    // redirect off the bank (empty: none; `last` is the answer that ended the walk).
    QUrl authorize(const QUrl &url, WebAnswer *last)
    {
        return authorize(
            browser, url, last, QString::fromLatin1(SeedUsername), QString::fromLatin1(SeedPassword));
    }
    // The same walk for `agent` (a browser of its own) logging in as `username`.
    QUrl authorize(
        WebAgent &agent, const QUrl &url, WebAnswer *last, const QString &username, const QString &password)
    {
        WebAnswer answer = agent.get(url);
        bool loggedIn = false;
        bool consented = false;
        for (int step = 0; step < 12; ++step) {
            if (answer.isRedirect()) {
                const QUrl next = answer.location();
                if (!isBankUrl(next)) {
                    *last = answer;
                    return next;
                }
                answer = agent.get(next);
                continue;
            }
            if (answer.status == 200 && !loggedIn) {
                if (const auto form = findPageForm(answer.body, QStringLiteral("/login"))) {
                    loggedIn = true;
                    Fields fields = form->hidden;
                    fields.append({ QStringLiteral("username"), username });
                    fields.append({ QStringLiteral("password"), password });
                    answer = agent.postForm(answer.url.resolved(QUrl(form->action)), fields);
                    continue;
                }
            }
            if (answer.status == 200 && !consented) {
                if (const auto form = findPageForm(answer.body, QStringLiteral("/consent"))) {
                    consented = true;
                    Fields fields = form->hidden + form->ticked;
                    fields.append({ QStringLiteral("decision"), QStringLiteral("approve") });
                    answer = agent.postForm(answer.url.resolved(QUrl(form->action)), fields);
                    continue;
                }
            }
            break;
        }
        *last = answer;
        return {};
    }

    // CoolLoan's authorization request (state, nonce, PKCE S256).
    QUrl coolLoanAuthorizationUrl(const QByteArray &verifier, const QString &redirectUri) const
    {
        QUrlQuery query;
        const Fields fields { { QStringLiteral("response_type"), QStringLiteral("code") },
            { QStringLiteral("client_id"), QString::fromLatin1(SeedCoolLoanClientId) },
            { QStringLiteral("redirect_uri"), redirectUri },
            { QStringLiteral("scope"), QString::fromLatin1(CoolLoanScopes) },
            { QStringLiteral("state"), randomString() }, { QStringLiteral("nonce"), randomString() },
            { QStringLiteral("code_challenge"), QString::fromLatin1(pkce::s256Challenge(verifier)) },
            { QStringLiteral("code_challenge_method"), QStringLiteral("S256") } };
        QUrl url = bankUrl(QStringLiteral("/authorize"));
        url.setQuery(QString::fromLatin1(encodeForm(fields)));
        return url;
    }

    WebAnswer redeem(
        WebAgent &agent, const QString &code, const QString &redirectUri, const QByteArray &verifier)
    {
        Fields fields { { QStringLiteral("grant_type"), QStringLiteral("authorization_code") },
            { QStringLiteral("code"), code }, { QStringLiteral("redirect_uri"), redirectUri } };
        if (!verifier.isEmpty())
            fields.append({ QStringLiteral("code_verifier"), QString::fromLatin1(verifier) });
        return agent.postForm(bankUrl(QStringLiteral("/token")), fields,
            { { "Authorization", basic(QString::fromLatin1(SeedCoolLoanClientId), m_coolLoanSecret) } });
    }

    WebAnswer refresh(WebAgent &agent, const QString &refreshToken)
    {
        return agent.postForm(bankUrl(QStringLiteral("/token")),
            { { QStringLiteral("grant_type"), QStringLiteral("refresh_token") },
                { QStringLiteral("refresh_token"), refreshToken } },
            { { "Authorization", basic(QString::fromLatin1(SeedCoolLoanClientId), m_coolLoanSecret) } });
    }

    // A public client's code exchange: client_id in the body, no secret (RFC 6749 §2.1, §4.1.3).
    WebAnswer redeemAsPublic(WebAgent &agent, const QString &clientId, const QString &code,
        const QString &redirectUri, const QByteArray &verifier)
    {
        return agent.postForm(bankUrl(QStringLiteral("/token")),
            { { QStringLiteral("grant_type"), QStringLiteral("authorization_code") },
                { QStringLiteral("code"), code }, { QStringLiteral("redirect_uri"), redirectUri },
                { QStringLiteral("client_id"), clientId },
                { QStringLiteral("code_verifier"), QString::fromLatin1(verifier) } });
    }

    // A client registered on this run's bank, as `codeflow-bank register-client` would; empty id: failed.
    RegisteredClient registerClient(
        const QString &name, const QStringList &redirectUris, const QStringList &scopes, bool isPublic)
    {
        const auto result = cfl::registerClient(*m_server.store(),
            { name, redirectUris, scopes, isPublic, {} }, QDateTime::currentSecsSinceEpoch());
        if (const auto *problem = std::get_if<QString>(&result)) {
            fail(QStringLiteral("could not register %1: %2").arg(name, *problem));
            return {};
        }
        return std::get<RegisteredClient>(result);
    }

    // An authorization request for any client; `extra` adds parameters, or replaces those of the same name.
    QUrl authorizationUrl(const QString &clientId, const QString &redirectUri, const QString &scope,
        const QByteArray &verifier, const Fields &extra = {}) const
    {
        Fields fields { { QStringLiteral("response_type"), QStringLiteral("code") },
            { QStringLiteral("client_id"), clientId }, { QStringLiteral("redirect_uri"), redirectUri },
            { QStringLiteral("scope"), scope }, { QStringLiteral("state"), randomString() },
            { QStringLiteral("code_challenge"), QString::fromLatin1(pkce::s256Challenge(verifier)) },
            { QStringLiteral("code_challenge_method"), QStringLiteral("S256") } };
        for (const auto &field : extra) {
            // (No structured binding: a lambda may capture one only from C++20 on, clang says.)
            const auto same = std::find_if(
                fields.begin(), fields.end(), [&field](const auto &f) { return f.first == field.first; });
            if (same != fields.end())
                same->second = field.second;
            else
                fields.append(field);
        }
        QUrl url = bankUrl(QStringLiteral("/authorize"));
        url.setQuery(QString::fromLatin1(encodeForm(fields)));
        return url;
    }

    WebAnswer accounts(WebAgent &agent, const QString &accessToken)
    {
        return agent.get(bankUrl(QStringLiteral("/api/accounts")),
            { { "Authorization", "Bearer " + accessToken.toLatin1() }, { "Accept", "application/json" } });
    }

    // John's side of a normal CoolLoan flow: login, consent, code, tokens.
    Tokens johnsCoolLoanTokens()
    {
        const QByteArray verifier = pkce::generateVerifier();
        WebAnswer last;
        const QUrl callback
            = authorize(coolLoanAuthorizationUrl(verifier, QString::fromLatin1(CoolLoanRedirect)), &last);
        const QString code = QUrlQuery(callback).queryItemValue(QStringLiteral("code"));
        if (code.isEmpty()) {
            fail(QStringLiteral("John's browser got no code (%1)").arg(last.status));
            return {};
        }
        m_lastVerifier = verifier;
        m_lastCode = code;
        const Tokens tokens
            = Tokens::from(redeem(coolLoan, code, QString::fromLatin1(CoolLoanRedirect), verifier));
        if (tokens.access.isEmpty())
            fail(QStringLiteral("CoolLoan got no tokens for John's code"));
        outcome.johnSubject = jwtPayload(tokens.access).value(QStringLiteral("sub")).toString();
        return tokens;
    }

    // Mallory's party uses what it got: success is banky serving John's accounts to it.
    // `issuedToHer`: the bank handed her these tokens; false for a token she made herself, which she
    // "holds" only if banky believes it.
    void malloryHolds(WebAgent &party, const Tokens &tokens, const QString &what, const QString &holder = {},
        bool issuedToHer = true)
    {
        if (tokens.access.isEmpty())
            return;
        const WebAnswer answer = accounts(party, tokens.access);
        if (!issuedToHer && answer.status != 200) {
            note(holder.isEmpty() ? party.party() : holder,
                QStringLiteral("banky refused her token: she holds nothing (%1)").arg(answer.status));
            return;
        }
        outcome.malloryTokenSubject = jwtPayload(tokens.access).value(QStringLiteral("sub")).toString();
        const QJsonArray list = answer.json().value(QStringLiteral("accounts")).toArray();
        for (const QJsonValue &account : list)
            outcome.accountsServedToMallory.append(account.toObject().value(QStringLiteral("id")).toString());
        outcome.succeeded = answer.status == 200
            && outcome.accountsServedToMallory.contains(QString::fromLatin1(SeedCheckingAccountId));
        outcome.obtained
            = QStringLiteral("%1 (sub %2)%3")
                  .arg(what, outcome.malloryTokenSubject,
                      outcome.succeeded ? QStringLiteral("; banky served her John's accounts %1")
                                              .arg(outcome.accountsServedToMallory.join(QStringLiteral(", ")))
                                        : QString());
        note(holder.isEmpty() ? party.party() : holder,
            QStringLiteral("Mallory now holds %1").arg(outcome.obtained));
    }

    // John's `sub` as the bank's ledger makes it (bank/UserClaims.h), for a run where John gets no token.
    QString johnsSubjectInLedger() const
    {
        const auto john = m_server.store()->users().userByUsername(QString::fromLatin1(SeedUsername));
        return john ? userclaims::subjectOf(john->id) : QString();
    }

    // The issuer the bank names itself by, in tokens and in the redirect's iss (RFC 9207 §2).
    QString bankIssuer() const { return m_server.bank()->issuer(); }
    QString apiAudience() const { return m_server.bank()->apiAudience(); }

    // CoolLoan's own ID-token checks (client/IdTokenValidator.h), as CoolLoanClient runs them: the first
    // that fails refuses, unless a weakness switched it off — then it is recorded as skipped, as the
    // bank's are. Returns whether CoolLoan believes the token.
    bool coolLoanAcceptsIdToken(const Tokens &tokens, const QString &nonce)
    {
        const QJsonObject jwks = coolLoan.get(bankUrl(QStringLiteral("/jwks"))).json();
        IdTokenExpectations expected;
        expected.issuer = m_server.bank()->issuer();
        expected.clientId = QString::fromLatin1(SeedCoolLoanClientId);
        expected.nonce = nonce;
        expected.accessToken = tokens.access.toLatin1();
        expected.now = QDateTime::currentSecsSinceEpoch();
        const IdTokenValidation validation = validateIdToken(tokens.id.toLatin1(), jwks, expected);
        for (const IdTokenCheck &check : validation.checks) {
            if (check.passed)
                continue;
            QString expectedValue;
            QString receivedValue;
            const qsizetype got = check.detail.indexOf(QLatin1String(", got "));
            if (check.detail.startsWith(QLatin1String("expected ")) && got > 0) {
                expectedValue = check.detail.mid(9, got - 9);
                receivedValue = check.detail.mid(got + 6);
            }
            if (coolLoanRefuses(check.check, check.detail, expectedValue, receivedValue,
                    QStringLiteral("refuses the ID token")))
                return false;
        }
        return true;
    }

    // One of CoolLoan's own checks (client/ClientChecks.h) found `detail`: switched off by a weakness, it is
    // recorded as "check skipped" with the values it compared, as the bank's are; else CoolLoan refuses,
    // and that is the run's refusal when it is the first since the attack began (party "CoolLoan", no HTTP
    // status, no `error`). Returns whether CoolLoan refused.
    bool coolLoanRefuses(ClientCheckId id, const QString &detail, const QString &expectedValue,
        const QString &receivedValue, const QString &refuses)
    {
        const ClientCheck &spec = clientCheck(id);
        const QString rule = QStringLiteral("%1 (%2)").arg(spec.rule, spec.section);
        if (clientChecksOf(outcome.weaknesses).contains(spec.id)) {
            TraceEvent skipped = noteEvent(
                QStringLiteral("CoolLoan"), QStringLiteral("check skipped: %1 — %2").arg(spec.id, detail));
            skipped.expected = expectedValue;
            skipped.received = receivedValue;
            record(skipped);
            if (m_attackStarted && outcome.stoppedBy.isEmpty())
                outcome.skipped.append(
                    { QStringLiteral("CoolLoan"), spec.id, rule, expectedValue, receivedValue });
            return false;
        }
        TraceEvent refusal = noteEvent(
            QStringLiteral("CoolLoan"), QStringLiteral("%1: %2 (check %3)").arg(refuses, detail, spec.id));
        refusal.refusalRule = rule;
        refusal.expected = expectedValue;
        refusal.received = receivedValue;
        record(refusal);
        if (m_attackStarted && outcome.stoppedBy.isEmpty()) {
            outcome.stoppedBy = QStringLiteral("CoolLoan");
            outcome.check = spec.id;
            outcome.rule = rule;
        }
        return true;
    }

    // CoolLoan's checks of the redirect that brings a code, in the order CoolLoanClient::onCallback runs
    // them: the state it sent (RFC 6749 §10.12), then the issuer of the bank this login started with — iss
    // present when that bank advertises authorization_response_iss_parameter_supported, and exactly that
    // issuer (RFC 9207 §2.4). The browser's request to CoolLoan's callback is drawn around them (nothing
    // listens there: the scripted browser hands the redirect over). Returns whether CoolLoan takes the code.
    bool coolLoanAcceptsRedirect(
        const QUrl &callback, const QString &state, const QString &issuer, bool issRequired)
    {
        TraceEvent request;
        request.kind = TraceKind::Request;
        request.exchangeId = ++m_exchangeId;
        request.timeMs = QDateTime::currentMSecsSinceEpoch();
        request.source = QStringLiteral("coolloan");
        request.channel = TraceChannel::FrontChannel;
        request.from = QStringLiteral("Browser");
        request.to = QStringLiteral("CoolLoan");
        request.method = "GET";
        request.url = callback;
        request.summary = QStringLiteral("GET /callback: code, state, iss");
        record(request);
        const bool accepted = redirectPassesChecks(callback, state, issuer, issRequired);
        TraceEvent response = request;
        response.kind = TraceKind::Response;
        response.from = request.to;
        response.to = request.from;
        response.status = accepted ? 200 : 400;
        response.summary = accepted ? QStringLiteral("200 “CoolLoan received the code”")
                                    : QStringLiteral("400 “This answer is not from the bank you chose”");
        record(response);
        return accepted;
    }

    bool redirectPassesChecks(
        const QUrl &callback, const QString &state, const QString &issuer, bool issRequired)
    {
        const QUrlQuery query(callback);
        const QString sentBack = query.queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded);
        const QString refuses = QStringLiteral("refuses the redirect");
        if (sentBack != state
            && coolLoanRefuses(ClientCheckId::RedirectState,
                QStringLiteral("expected %1, got %2").arg(state, sentBack), state, sentBack, refuses))
            return false;
        const bool named = query.hasQueryItem(QStringLiteral("iss"));
        if (issRequired && !named
            && coolLoanRefuses(ClientCheckId::RedirectIssPresent,
                QStringLiteral(
                    "the bank it started with names itself in every response, this one has no iss"),
                issuer, QStringLiteral("(no iss)"), refuses))
            return false;
        const QString iss = query.queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded);
        if (named && iss != issuer
            && coolLoanRefuses(ClientCheckId::RedirectIss,
                QStringLiteral("expected %1, got %2").arg(issuer, iss), issuer, iss, refuses))
            return false;
        return true;
    }

    // An exchange that reached MalloryBank (her authorization server): a request and its answer on her
    // lifeline, the sender told by its User-Agent as the bank tells its own.
    void recordAtMalloryBank(const HttpRequest &request, const HttpResponse &response)
    {
        TraceEvent base;
        base.exchangeId = ++m_exchangeId;
        base.timeMs = QDateTime::currentMSecsSinceEpoch();
        base.source = QStringLiteral("mallory");
        const QString from = senderOf(request);
        base.channel
            = from == QLatin1String("Browser") ? TraceChannel::FrontChannel : TraceChannel::BackChannel;
        base.method = request.method;
        base.url = request.url;
        base.status = response.status;
        base.requestHeaders = request.headers;
        base.requestBody = request.body;
        base.responseHeaders = response.headers;
        base.responseBody = response.body;
        TraceEvent req = base;
        req.kind = TraceKind::Request;
        req.from = from;
        req.to = malloryBank();
        TraceEvent resp = base;
        resp.kind = TraceKind::Response;
        resp.from = malloryBank();
        resp.to = from;
        const QString path = request.path();
        req.summary = QStringLiteral("%1 %2").arg(QString::fromLatin1(request.method), path);
        resp.summary = QStringLiteral("%1 %2")
                           .arg(response.status)
                           .arg(QString::fromLatin1(reasonPhrase(response.status)));
        if (path == QLatin1String("/.well-known/openid-configuration")) {
            req.summary = QStringLiteral("GET MalloryBank's metadata");
            resp.summary = QStringLiteral("200 issuer %1, her own endpoints")
                               .arg(QJsonDocument::fromJson(response.body)
                                        .object()
                                        .value(QStringLiteral("issuer"))
                                        .toString());
        } else if (path == QLatin1String("/authorize")) {
            req.summary = QStringLiteral("authorization request for MalloryBank (state, nonce, PKCE)");
            resp.summary = QStringLiteral("302 to eddy's /authorize");
        } else if (path == QLatin1String("/token")) {
            req.summary
                = QStringLiteral("POST John's code, CoolLoan's MalloryBank credentials, code_verifier");
            resp.summary = QStringLiteral("%1 \"try again later\"").arg(response.status);
        }
        record(req);
        record(resp);
    }

    RunHooks m_hooks;
    AttackOutcome outcome;
    WebAgent browser;
    WebAgent coolLoan;
    WebAgent device;
    WebAgent malware;
    WebAgent mallorysBank; // MalloryBank's own requests to the honest bank (the mix-up)
    QByteArray m_lastVerifier;
    QString m_lastCode;

private:
    void record(const TraceEvent &event)
    {
        outcome.trace.append(event);
        if (m_hooks.event)
            m_hooks.event(event);
    }

    void recordBank(const BankExchange &exchange)
    {
        const qint64 id = ++m_exchangeId;
        for (const TraceEvent &event : traceEventsFor(exchange, id))
            record(event);
        if (!m_attackStarted || !outcome.stoppedBy.isEmpty())
            return;
        for (const BankDecision &decision : exchange.decisions) {
            if (decision.isSkippedCheck()) {
                const auto spec = findDefence(decision.check);
                outcome.skipped.append({ bankPartyFor(exchange.request.path()), decision.check,
                    spec ? QStringLiteral("%1 (%2)").arg(spec->rule, spec->section) : QString(),
                    decision.expected, decision.received });
                continue;
            }
            if (!decision.refusal)
                continue;
            outcome.stoppedBy = bankPartyFor(exchange.request.path());
            outcome.status = exchange.response.status;
            outcome.error = decision.refusal->error();
            outcome.check = decision.check;
            if (const auto spec = findDefence(decision.check))
                outcome.rule = QStringLiteral("%1 (%2)").arg(spec->rule, spec->section);
            else
                outcome.rule = decision.refusal->rfc();
            return;
        }
    }

    QTemporaryDir m_dir;
    BankServer m_server;
    QByteArray m_coolLoanSecret;
    qint64 m_exchangeId = 0;
    bool m_attackStarted = false;
};

void playCodeReplay(Run &run)
{
    const Tokens johns = run.johnsCoolLoanTokens();
    if (!run.ok())
        return;
    run.note(malloryMalware(),
        QStringLiteral("copies CoolLoan's token request: code, code_verifier, client secret"));
    run.attackBegins();
    const Tokens stolen = Tokens::from(
        run.redeem(run.malware, run.m_lastCode, QString::fromLatin1(CoolLoanRedirect), run.m_lastVerifier));
    run.malloryHolds(run.malware, stolen, QStringLiteral("John's tokens from a replayed code"));
    // RFC 6749 §10.5: the tokens of a replayed code are revoked — CoolLoan's next call tells.
    run.outcome.johnsApiCallAfter = run.accounts(run.coolLoan, johns.access).status;
}

void playRefreshTheft(Run &run)
{
    const Tokens johns = run.johnsCoolLoanTokens();
    if (!run.ok())
        return;
    run.note(malloryMalware(), QStringLiteral("copies CoolLoan's refresh token and client secret"));
    const Tokens rotated = Tokens::from(run.refresh(run.coolLoan, johns.refresh));
    if (rotated.refresh.isEmpty()) {
        run.fail(QStringLiteral("CoolLoan's own refresh failed"));
        return;
    }
    run.attackBegins();
    const Tokens stolen = Tokens::from(run.refresh(run.malware, johns.refresh));
    run.malloryHolds(run.malware, stolen, QStringLiteral("John's tokens from a rotated refresh token"));
    // RFC 9700 §4.14.2: reuse revokes the family, CoolLoan's current refresh token included.
    run.outcome.johnsRefreshAfter = run.refresh(run.coolLoan, rotated.refresh).status;
}

void playPkceDowngrade(Run &run)
{
    const QByteArray verifier = pkce::generateVerifier();
    QUrl url = run.coolLoanAuthorizationUrl(verifier, QString::fromLatin1(CoolLoanRedirect));
    QUrlQuery query(url);
    query.removeAllQueryItems(QStringLiteral("code_challenge"));
    query.removeAllQueryItems(QStringLiteral("code_challenge_method"));
    url.setQuery(query);
    run.note(malloryMalware(),
        QStringLiteral("removes code_challenge from CoolLoan's link before John's browser opens it"));
    run.attackBegins();
    WebAnswer last;
    const QUrl callback = run.authorize(url, &last);
    const QString code = QUrlQuery(callback).queryItemValue(QStringLiteral("code"));
    if (code.isEmpty()) {
        run.note(malloryMalware(), QStringLiteral("John's redirect carries no code"));
        return;
    }
    run.note(malloryMalware(),
        QStringLiteral("reads John's code from the redirect and redeems it first, with no code_verifier"));
    const Tokens stolen
        = Tokens::from(run.redeem(run.malware, code, QString::fromLatin1(CoolLoanRedirect), {}));
    run.malloryHolds(run.malware, stolen, QStringLiteral("John's tokens from a code with no PKCE"));
}

void playLaxRedirect(Run &run)
{
    MalloryListener site;
    QString error;
    if (!site.listen(&error)) {
        run.fail(QStringLiteral("Mallory's listener could not listen: %1").arg(error));
        return;
    }
    site.onRequest = [&run](const QUrl &url) { run.recordListener(url); };
    const QByteArray verifier = pkce::generateVerifier();
    const QString stealUri = site.url(QStringLiteral("/steal")).toString();
    const QUrl link = run.coolLoanAuthorizationUrl(verifier, stealUri);
    run.note(malloryDevice(), QStringLiteral("sends John a CoolLoan link whose redirect_uri is her site"));
    run.attackBegins();
    WebAnswer last;
    const QUrl callback = run.authorize(link, &last);
    if (!callback.isEmpty())
        run.browser.get(callback); // a browser follows the redirect: to Mallory's site
    QString code;
    for (const QUrl &url : site.received())
        code = QUrlQuery(url).queryItemValue(QStringLiteral("code"));
    if (code.isEmpty()) {
        run.note(malloryListener(), QStringLiteral("no code arrived"));
        return;
    }
    run.note(malloryListener(), QStringLiteral("Mallory now holds John's code"));
    const Tokens stolen = Tokens::from(run.redeem(run.malware, code, stealUri, verifier));
    run.malloryHolds(run.malware, stolen, QStringLiteral("John's tokens from a code sent to her site"));
}

void playPortSquatting(Run &run)
{
    // CoolLoan's desktop companion: a public client on a loopback redirect URI, any port (RFC 8252 §7.3).
    const QString desktopScope = QStringLiteral("openid profile accounts:read");
    const RegisteredClient desktop = run.registerClient(QStringLiteral("CoolLoan Desktop"),
        { QStringLiteral("http://127.0.0.1/callback") }, desktopScope.split(QLatin1Char(' ')), true);
    if (!run.ok())
        return;

    // John uses it as usual: logs in, consents (remembered), the app redeems its code.
    const QString johnsRedirect = QStringLiteral("http://127.0.0.1:5556/callback");
    const QByteArray johnsVerifier = pkce::generateVerifier();
    WebAnswer last;
    const QUrl johnsCallback = run.authorize(
        run.authorizationUrl(desktop.clientId, johnsRedirect, desktopScope, johnsVerifier), &last);
    const QString johnsCode = QUrlQuery(johnsCallback).queryItemValue(QStringLiteral("code"));
    if (johnsCode.isEmpty()) {
        run.fail(QStringLiteral("John's browser got no code for CoolLoan Desktop (%1)").arg(last.status));
        return;
    }
    const Tokens johns = Tokens::from(
        run.redeemAsPublic(run.coolLoan, desktop.clientId, johnsCode, johnsRedirect, johnsVerifier));
    if (johns.access.isEmpty()) {
        run.fail(QStringLiteral("CoolLoan Desktop got no tokens for John's code"));
        return;
    }
    run.outcome.johnSubject = jwtPayload(johns.access).value(QStringLiteral("sub")).toString();

    // Mallory's program squats another loopback port and opens a link for the same client there.
    MalloryListener listener;
    QString error;
    if (!listener.listen(&error)) {
        run.fail(QStringLiteral("Mallory's listener could not listen: %1").arg(error));
        return;
    }
    listener.onRequest = [&run](const QUrl &url) { run.recordListener(url); };
    const QString squatted = listener.url(QStringLiteral("/callback")).toString();
    const QByteArray malloryVerifier = pkce::generateVerifier();
    const QUrl link = run.authorizationUrl(desktop.clientId, squatted, desktopScope, malloryVerifier,
        { { QStringLiteral("prompt"), QStringLiteral("none") } });
    run.note(malloryMalware(),
        QStringLiteral("listens on %1 and opens John's browser at a CoolLoan Desktop link with prompt=none, "
                       "redirect_uri there and her own PKCE challenge")
            .arg(squatted));
    run.attackBegins();
    const QUrl callback = run.authorize(link, &last);
    if (!callback.isEmpty())
        run.browser.get(callback); // the browser follows eddy's redirect: to Mallory's port
    QString code;
    for (const QUrl &url : listener.received())
        code = QUrlQuery(url).queryItemValue(QStringLiteral("code"));
    if (code.isEmpty()) {
        run.note(malloryListener(), QStringLiteral("no code arrived"));
        return;
    }
    run.note(malloryListener(), QStringLiteral("Mallory now holds John's code — John saw nothing"));
    const Tokens stolen
        = Tokens::from(run.redeemAsPublic(run.malware, desktop.clientId, code, squatted, malloryVerifier));
    run.malloryHolds(run.malware, stolen, QStringLiteral("John's tokens through a squatted loopback port"));
}

void playCodeInjection(Run &run)
{
    // John's CoolLoan, on his laptop, starts a flow; his browser logs in and consents.
    const QByteArray johnsVerifier = pkce::generateVerifier();
    const QString johnsNonce = randomString();
    const QString johnsRedirect = QString::fromLatin1(CoolLoanRedirect);
    WebAnswer last;
    const QUrl callback = run.authorize(
        run.authorizationUrl(QString::fromLatin1(SeedCoolLoanClientId), johnsRedirect,
            QString::fromLatin1(CoolLoanScopes), johnsVerifier, { { QStringLiteral("nonce"), johnsNonce } }),
        &last);
    const QString code = QUrlQuery(callback).queryItemValue(QStringLiteral("code"));
    if (code.isEmpty()) {
        run.fail(QStringLiteral("John's browser got no code (%1)").arg(last.status));
        return;
    }
    run.note(
        malloryMalware(), QStringLiteral("her extension keeps the code of John's redirect and stops it"));

    // Mallory's CoolLoan session, on her device: CoolLoan gave her a state, a nonce and a PKCE verifier of
    // her own, and its callback there listens on another loopback port.
    const QString herRedirect = QStringLiteral("http://127.0.0.1:5557/callback");
    const QByteArray herVerifier = pkce::generateVerifier();
    const QString herNonce = randomString();
    run.note(malloryDevice(),
        QStringLiteral("starts her own CoolLoan login, then opens its callback with John's code"));
    run.attackBegins();
    const Tokens tokens = Tokens::from(run.redeem(run.coolLoan, code, herRedirect, herVerifier));
    if (tokens.access.isEmpty()) {
        run.note(malloryDevice(), QStringLiteral("CoolLoan got no tokens for the injected code"));
        return;
    }
    if (!run.coolLoanAcceptsIdToken(tokens, herNonce)) {
        run.note(malloryDevice(), QStringLiteral("CoolLoan refused to log her session in"));
        return;
    }
    run.note(malloryDevice(), QStringLiteral("her CoolLoan session is now logged in with John's tokens"));
    run.malloryHolds(
        run.coolLoan, tokens, QStringLiteral("a CoolLoan session with John's tokens"), malloryDevice());
}

void playLoginCsrf(Run &run)
{
    // Mallory, on her own device, logs in to the bank as herself through CoolLoan and keeps her code.
    const QString redirect = QString::fromLatin1(CoolLoanRedirect);
    const QString scope = QString::fromLatin1(CoolLoanScopes);
    const QString herState = randomString();
    WebAnswer last;
    const QUrl hers = run.authorize(run.device,
        run.authorizationUrl(QString::fromLatin1(SeedCoolLoanClientId), redirect, scope,
            pkce::generateVerifier(),
            { { QStringLiteral("state"), herState }, { QStringLiteral("nonce"), randomString() } }),
        &last, QString::fromLatin1(SeedMalloryUsername), QString::fromLatin1(SeedMalloryPassword));
    const QString code = QUrlQuery(hers).queryItemValue(QStringLiteral("code"));
    if (code.isEmpty()) {
        run.fail(QStringLiteral("Mallory's device got no code for her own account (%1)").arg(last.status));
        return;
    }
    run.note(malloryDevice(), QStringLiteral("logs in as mallory through CoolLoan and keeps her code"));

    // John's CoolLoan session has started a login of its own: its state, nonce and PKCE verifier.
    const QString johnsState = randomString();
    const QString johnsNonce = randomString();
    const QByteArray johnsVerifier = pkce::generateVerifier();
    run.note(malloryListener(),
        QStringLiteral("her page makes John's browser open CoolLoan's callback with her code and her state"));
    run.attackBegins();
    QUrl callback(redirect);
    QUrlQuery query(hers);
    callback.setQuery(query);
    if (!run.coolLoanAcceptsRedirect(callback, johnsState, run.bankIssuer(), true))
        return;
    const Tokens tokens = Tokens::from(run.redeem(run.coolLoan, code, redirect, johnsVerifier));
    if (tokens.access.isEmpty() || !run.coolLoanAcceptsIdToken(tokens, johnsNonce))
        return;
    // CoolLoan logs John's session in with Mallory's tokens, and shows him "his" accounts.
    const WebAnswer accounts = run.accounts(run.coolLoan, tokens.access);
    for (const QJsonValue &account : accounts.json().value(QStringLiteral("accounts")).toArray())
        run.outcome.accountsShownToJohn.append(account.toObject().value(QStringLiteral("id")).toString());
    run.outcome.succeeded = accounts.status == 200
        && run.outcome.accountsShownToJohn.contains(QString::fromLatin1(SeedMalloryAccountId));
    const QString sub = jwtPayload(tokens.access).value(QStringLiteral("sub")).toString();
    run.outcome.obtained = QStringLiteral(
        "John's CoolLoan session, logged in to her account (sub %1): CoolLoan shows him %2, and "
        "what he enters there — his loan application — is hers")
                               .arg(sub, run.outcome.accountsShownToJohn.join(QStringLiteral(", ")));
    run.note(malloryDevice(), QStringLiteral("Mallory now holds %1").arg(run.outcome.obtained));
}

void playForgedJwt(Run &run)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QJsonObject header { { QStringLiteral("alg"), QStringLiteral("none") },
        { QStringLiteral("typ"), QStringLiteral("at+jwt") } };
    const QJsonObject claims { { QStringLiteral("iss"), run.bankIssuer() },
        { QStringLiteral("aud"), run.apiAudience() }, { QStringLiteral("sub"), QStringLiteral("user-1") },
        { QStringLiteral("client_id"), QString::fromLatin1(SeedCoolLoanClientId) },
        { QStringLiteral("scope"), QStringLiteral("openid accounts:read") }, { QStringLiteral("iat"), now },
        { QStringLiteral("exp"), now + 600 }, { QStringLiteral("jti"), randomString() } };
    auto part = [](const QJsonObject &object) {
        return QJsonDocument(object)
            .toJson(QJsonDocument::Compact)
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    };
    const QString forged = QString::fromLatin1(part(header) + '.' + part(claims) + '.');
    run.note(malloryDevice(),
        QStringLiteral("forges an access token: alg none, no signature, sub user-1, scope accounts:read, a "
                       "jti of her own"));
    run.attackBegins();
    Tokens tokens;
    tokens.access = forged;
    run.malloryHolds(run.device, tokens, QStringLiteral("a forged access token"), {}, false);
}

void playMixUp(Run &run)
{
    // MalloryBank: Mallory's authorization server on loopback, an issuer of its own. CoolLoan registered
    // there as it did at the honest bank (with credentials MalloryBank issued, so Mallory knows them) and
    // uses one callback for every bank: only the redirect's iss tells the banks' answers apart
    // (RFC 9700 §4.4.2, RFC 9207 §2.4).
    MalloryBankServer mallorys;
    QString error;
    if (!mallorys.listen(&error)) {
        run.fail(QStringLiteral("MalloryBank could not listen: %1").arg(error));
        return;
    }
    const QString clientIdThere = QStringLiteral("coolloan-at-mallorybank");
    const QByteArray secretThere = randomToken(16);
    QUrlQuery sentToMallory; // what reached MalloryBank's token endpoint
    mallorys.handler = [&](const HttpRequest &request) {
        const QString path = request.path();
        if (path == QLatin1String("/.well-known/openid-configuration"))
            return HttpResponse::json(QJsonDocument(QJsonObject {
                { QStringLiteral("issuer"), mallorys.issuer() },
                { QStringLiteral("authorization_endpoint"),
                    mallorys.url(QStringLiteral("/authorize")).toString() },
                { QStringLiteral("token_endpoint"), mallorys.url(QStringLiteral("/token")).toString() },
                { QStringLiteral("response_types_supported"), QJsonArray { QStringLiteral("code") } },
                { QStringLiteral("code_challenge_methods_supported"), QJsonArray { QStringLiteral("S256") } },
                { QStringLiteral("authorization_response_iss_parameter_supported"), true } }));
        if (path == QLatin1String("/authorize")) {
            // The mix-up: CoolLoan's request, sent on to the honest bank with CoolLoan's client id there —
            // the same redirect_uri, state, nonce and code_challenge.
            QUrlQuery query(request.url);
            query.removeAllQueryItems(QStringLiteral("client_id"));
            query.addQueryItem(QStringLiteral("client_id"), QString::fromLatin1(SeedCoolLoanClientId));
            QUrl honest = run.bankUrl(QStringLiteral("/authorize"));
            honest.setQuery(query);
            return HttpResponse::redirect(honest);
        }
        if (path == QLatin1String("/token") && request.method == "POST") {
            sentToMallory
                = QUrlQuery(QString::fromLatin1(request.body).replace(QLatin1Char('+'), QLatin1Char(' ')));
            return HttpResponse::json(
                QJsonDocument(
                    QJsonObject { { QStringLiteral("error"), QStringLiteral("temporarily_unavailable") },
                        { QStringLiteral("error_description"), QStringLiteral("try again later") } }),
                503);
        }
        return HttpResponse::empty(404);
    };
    mallorys.onExchange = [&run](const HttpRequest &request, const HttpResponse &response) {
        run.recordAtMalloryBank(request, response);
        if (request.path() == QLatin1String("/authorize"))
            run.note(malloryBank(),
                QStringLiteral("swaps CoolLoan's client id for its id at the honest bank and sends John's "
                               "browser on to eddy: the same redirect_uri, state, nonce and code_challenge"));
    };

    // CoolLoan knows two banks. Mallory's link opens its bank picker with MalloryBank chosen; CoolLoan reads
    // MalloryBank's metadata and remembers which issuer this login started with.
    const QJsonObject metadata
        = run.coolLoan.get(mallorys.url(QStringLiteral("/.well-known/openid-configuration"))).json();
    const QString startedWith = metadata.value(QStringLiteral("issuer")).toString();
    if (startedWith != mallorys.issuer()) {
        run.fail(QStringLiteral("CoolLoan got no metadata from MalloryBank"));
        return;
    }
    run.outcome.johnSubject = run.johnsSubjectInLedger();
    run.note(QStringLiteral("CoolLoan"),
        QStringLiteral(
            "bank picker: MalloryBank (Mallory's link chose it); this login started with issuer %1")
            .arg(startedWith));
    run.attackBegins();
    const QByteArray verifier = pkce::generateVerifier();
    const QString state = randomString();
    const QString redirectUri = QString::fromLatin1(CoolLoanRedirect);
    QUrl link(metadata.value(QStringLiteral("authorization_endpoint")).toString());
    link.setQuery(
        QString::fromLatin1(encodeForm({ { QStringLiteral("response_type"), QStringLiteral("code") },
            { QStringLiteral("client_id"), clientIdThere }, { QStringLiteral("redirect_uri"), redirectUri },
            { QStringLiteral("scope"), QString::fromLatin1(CoolLoanScopes) },
            { QStringLiteral("state"), state }, { QStringLiteral("nonce"), randomString() },
            { QStringLiteral("code_challenge"), QString::fromLatin1(pkce::s256Challenge(verifier)) },
            { QStringLiteral("code_challenge_method"), QStringLiteral("S256") } })));

    // John's browser opens it; MalloryBank sends it on to his own bank, where he logs in and consents.
    WebAnswer last;
    const QUrl callback = run.authorize(link, &last);
    const QString code = QUrlQuery(callback).queryItemValue(QStringLiteral("code"));
    if (code.isEmpty()) {
        run.fail(QStringLiteral("John's browser got no code (%1)").arg(last.status));
        return;
    }

    // The browser brings eddy's redirect (code, state, iss) to CoolLoan's callback.
    if (!run.coolLoanAcceptsRedirect(callback, state, startedWith,
            metadata.value(QStringLiteral("authorization_response_iss_parameter_supported")).toBool())) {
        run.note(malloryBank(), QStringLiteral("no code reaches her token endpoint"));
        return;
    }
    // CoolLoan believes the code is MalloryBank's and redeems it there, with its verifier.
    const WebAnswer answer
        = run.coolLoan.postForm(QUrl(metadata.value(QStringLiteral("token_endpoint")).toString()),
            { { QStringLiteral("grant_type"), QStringLiteral("authorization_code") },
                { QStringLiteral("code"), code }, { QStringLiteral("redirect_uri"), redirectUri },
                { QStringLiteral("code_verifier"), QString::fromLatin1(verifier) } },
            { { "Authorization", basic(clientIdThere, secretThere) } });
    if (answer.status != 503) {
        run.fail(QStringLiteral("MalloryBank's token endpoint answered %1").arg(answer.status));
        return;
    }
    run.note(
        QStringLiteral("CoolLoan"), QStringLiteral("MalloryBank is busy: CoolLoan asks John to try again"));
    const QString stolenCode = sentToMallory.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    const QByteArray stolenVerifier
        = sentToMallory.queryItemValue(QStringLiteral("code_verifier"), QUrl::FullyDecoded).toLatin1();
    if (stolenCode.isEmpty()) {
        run.note(malloryBank(), QStringLiteral("no code arrived"));
        return;
    }
    run.note(malloryBank(),
        QStringLiteral(
            "her token endpoint got John's code and CoolLoan's PKCE verifier; she redeems them at boris "
            "as CoolLoan, with the client secret her malware read"));
    const Tokens stolen = Tokens::from(run.redeem(run.mallorysBank, stolenCode, redirectUri, stolenVerifier));
    run.malloryHolds(
        run.mallorysBank, stolen, QStringLiteral("John's tokens from a code CoolLoan sent to MalloryBank"));
}

void playRedirect307(Run &run)
{
    // MalloryApp, a registered client like any other; its callback is Mallory's listener.
    MalloryListener app;
    QString error;
    if (!app.listen(&error)) {
        run.fail(QStringLiteral("MalloryApp's callback could not listen: %1").arg(error));
        return;
    }
    app.onRequest = [&run](const QUrl &url) { run.recordListener(url); };
    app.onPost = [&run](const QUrl &url, const QByteArray &body) { run.recordListener(url, body); };
    const QString callback = app.url(QStringLiteral("/callback")).toString();
    const QString scope = QStringLiteral("openid profile");
    const RegisteredClient mallorysApp = run.registerClient(
        QStringLiteral("MalloryApp"), { callback }, scope.split(QLatin1Char(' ')), false);
    if (!run.ok())
        return;

    // John tried MalloryApp once: he logged in and consented (remembered).
    WebAnswer last;
    QUrl first = run.authorize(
        run.authorizationUrl(mallorysApp.clientId, callback, scope, pkce::generateVerifier()), &last);
    if (first.isEmpty()) {
        run.fail(QStringLiteral("John's first MalloryApp login got no redirect (%1)").arg(last.status));
        return;
    }
    run.browser.get(first);

    // MalloryApp asks for a fresh login (prompt=login): John types his password into eddy's form.
    run.note(malloryListener(), QStringLiteral("MalloryApp sends John to log in again (prompt=login)"));
    run.attackBegins();
    WebAnswer page = run.browser.get(run.authorizationUrl(mallorysApp.clientId, callback, scope,
        pkce::generateVerifier(), { { QStringLiteral("prompt"), QStringLiteral("login") } }));
    for (int hop = 0; hop < 5 && page.isRedirect() && run.isBankUrl(page.location()); ++hop)
        page = run.browser.get(page.location()); // eddy's 303 to its login page
    const auto form = findPageForm(page.body, QStringLiteral("/login"));
    if (!form) {
        run.fail(QStringLiteral("eddy showed no login form (%1)").arg(page.status));
        return;
    }
    Fields fields = form->hidden;
    fields.append({ QStringLiteral("username"), QString::fromLatin1(SeedUsername) });
    fields.append({ QStringLiteral("password"), QString::fromLatin1(SeedPassword) });
    const WebAnswer answer = run.browser.postForm(page.url.resolved(QUrl(form->action)), fields);
    if (!answer.isRedirect() || answer.location().port() != QUrl(callback).port()) {
        run.fail(QStringLiteral("eddy's answer to the login form was %1, not a redirect to MalloryApp")
                     .arg(answer.status));
        return;
    }
    if (answer.status == 307 || answer.status == 308) {
        // A browser keeps method and body on a 307 (RFC 9110 §15.4.8): the login form goes to MalloryApp.
        run.browser.postForm(answer.location(), fields);
    } else {
        run.browser.get(answer.location());
        if (answer.status == 303) {
            const auto seeOther = findDefence(QStringLiteral("interaction.see_other"));
            run.defendedBy(QStringLiteral("eddy"), 303, seeOther->id,
                QStringLiteral("%1 (%2)").arg(seeOther->rule, seeOther->section));
        }
    }
    const QString password = QString::fromLatin1(SeedPassword);
    for (const QByteArray &body : app.postedBodies()) {
        if (QUrlQuery(QString::fromUtf8(body)).queryItemValue(QStringLiteral("password"), QUrl::FullyDecoded)
            == password)
            run.outcome.passwordAtMallory = true;
    }
    if (!run.outcome.passwordAtMallory) {
        run.note(malloryListener(), QStringLiteral("only a code arrived: no password"));
        return;
    }
    run.outcome.succeeded = true;
    run.outcome.obtained
        = QStringLiteral("John's user name and password, posted to MalloryApp by his own browser");
    run.note(malloryListener(), QStringLiteral("Mallory now holds %1").arg(run.outcome.obtained));
}
} // namespace

QJsonObject AttackOutcome::toJson() const
{
    QJsonArray keys;
    for (const Weakness weakness : weaknesses)
        keys.append(weaknessSpec(weakness).key);
    QJsonObject json { { QStringLiteral("attack"), attack }, { QStringLiteral("weaknesses"), keys },
        { QStringLiteral("succeeded"), succeeded },
        { QStringLiteral("stopped_by"), stoppedBy.isEmpty() ? QJsonValue() : QJsonValue(stoppedBy) },
        { QStringLiteral("status"), status == 0 ? QJsonValue() : QJsonValue(status) },
        { QStringLiteral("error"), error.isEmpty() ? QJsonValue() : QJsonValue(error) },
        { QStringLiteral("rule"), rule.isEmpty() ? QJsonValue() : QJsonValue(rule) },
        { QStringLiteral("check"), check.isEmpty() ? QJsonValue() : QJsonValue(check) },
        { QStringLiteral("obtained"), obtained.isEmpty() ? QStringLiteral("nothing") : obtained } };
    if (!failure.isEmpty())
        json.insert(QStringLiteral("failure"), failure);
    return json;
}

AttackOutcome runAttack(const Scenario &scenario, const QList<Weakness> &weaknesses, const RunHooks &hooks)
{
    Run run(weaknesses, hooks);
    run.outcome.attack = scenario.id;
    if (run.ok()) {
        if (scenario.id == QLatin1String("code-replay"))
            playCodeReplay(run);
        else if (scenario.id == QLatin1String("refresh-theft"))
            playRefreshTheft(run);
        else if (scenario.id == QLatin1String("pkce-downgrade"))
            playPkceDowngrade(run);
        else if (scenario.id == QLatin1String("lax-redirect"))
            playLaxRedirect(run);
        else if (scenario.id == QLatin1String("code-injection"))
            playCodeInjection(run);
        else if (scenario.id == QLatin1String("forged-jwt"))
            playForgedJwt(run);
        else if (scenario.id == QLatin1String("login-csrf"))
            playLoginCsrf(run);
        else if (scenario.id == QLatin1String("port-squatting"))
            playPortSquatting(run);
        else if (scenario.id == QLatin1String("307-redirect"))
            playRedirect307(run);
        else if (scenario.id == QLatin1String("mix-up"))
            playMixUp(run);
        else
            run.fail(QStringLiteral("no play for scenario '%1'").arg(scenario.id));
    }
    return run.outcome;
}

AttackOutcome runWeak(const Scenario &scenario)
{
    return runAttack(scenario, scenario.weaknesses());
}

AttackOutcome runDefended(const Scenario &scenario)
{
    return runAttack(scenario, {});
}

AttackOutcome runPeeled(const Scenario &scenario, int layer)
{
    QList<Weakness> weaknesses = scenario.weaknesses();
    for (const Weakness weakness : scenario.layers.value(layer).weaknesses)
        weaknesses.removeAll(weakness);
    return runAttack(scenario, weaknesses);
}

bool isExpected(const Scenario &scenario, const AttackOutcome &outcome, int expectedLayer, QString *why)
{
    if (!outcome.failure.isEmpty()) {
        *why = outcome.failure;
        return false;
    }
    if (expectedLayer < 0) {
        *why = outcome.succeeded ? QString() : QStringLiteral("the attack did not succeed");
        return outcome.succeeded;
    }
    const DefenceLayer &layer = scenario.layers.at(expectedLayer);
    QStringList wrong;
    if (outcome.succeeded)
        wrong.append(QStringLiteral("the attack succeeded"));
    if (!outcome.malloryTokenSubject.isEmpty())
        wrong.append(QStringLiteral("Mallory holds a token"));
    if (outcome.stoppedBy != layer.party)
        wrong.append(QStringLiteral("stopped by '%1', not %2").arg(outcome.stoppedBy, layer.party));
    if (outcome.status != layer.status)
        wrong.append(QStringLiteral("status %1, not %2").arg(outcome.status).arg(layer.status));
    if (outcome.error != layer.error)
        wrong.append(QStringLiteral("error '%1', not %2").arg(outcome.error, layer.error));
    if (outcome.check != layer.check)
        wrong.append(QStringLiteral("check '%1', not %2").arg(outcome.check, layer.check));
    *why = wrong.join(QStringLiteral("; "));
    return wrong.isEmpty();
}

NormalFlowOutcome runNormalFlow(const QList<Weakness> &weaknesses)
{
    Run run(weaknesses, {});
    NormalFlowOutcome result;
    run.attackBegins(); // any refusal of the control is a failure
    if (run.ok()) {
        const Tokens tokens = run.johnsCoolLoanTokens();
        if (run.ok()) {
            const WebAnswer answer = run.accounts(run.coolLoan, tokens.access);
            if (answer.status != 200 || !answer.body.contains(SeedCheckingAccountId))
                run.fail(QStringLiteral("banky answered CoolLoan %1").arg(answer.status));
            else if (Tokens::from(run.refresh(run.coolLoan, tokens.refresh)).access.isEmpty())
                run.fail(QStringLiteral("CoolLoan's refresh failed"));
        }
    }
    result.failure = run.outcome.failure;
    if (result.failure.isEmpty() && !run.outcome.stoppedBy.isEmpty())
        result.failure = QStringLiteral("refused: %1").arg(run.outcome.check);
    result.succeeded = result.failure.isEmpty();
    return result;
}

} // namespace cfl::attack
