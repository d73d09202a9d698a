// Password guessing slows the guesser, not John (issue 10 §6): failures count per user name and client
// address, and past five of them each try waits a delay that doubles with every further failure — a
// delay, never a lock (OWASP ASVS 2.2.1, NIST SP 800-63B §5.2.2). User names the bank does not know cost
// an argon2 hash only within a global budget; beyond it they get the very same answer, unhashed. Rows
// that no longer count are purged. A real bank over HTTP; time moves only with the bank's clock.

#include "BankHarness.h"
#include "RawHttpClient.h"

#include <QNetworkCookie>
#include <QSignalSpy>
#include <QTest>

using namespace cfl;
using namespace cfl::test;

namespace {
// Another machine, as far as the bank can tell: the whole of 127.0.0.0/8 is loopback on Linux.
const QHostAddress Elsewhere(QStringLiteral("127.0.0.2"));

QString text(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

// The check behind the last refusal of the bank's last exchange, or "" when it refused nothing.
QString refusingCheck(const QSignalSpy &exchanges)
{
    if (exchanges.isEmpty())
        return QStringLiteral("(no exchange)");
    const BankExchange exchange = exchanges.last().at(0).value<BankExchange>();
    for (const BankDecision &decision : exchange.decisions) {
        if (decision.refusal)
            return decision.check;
    }
    return {};
}
} // namespace

class tst_LoginThrottle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void guessingElsewhereDoesNotLockJohnOut();
    void delaysGrowWithEveryFailureAndPass();
    void unknownNamesBeyondTheBudgetGetTheSameAnswerUnhashed();
    void rowsThatNoLongerCountArePurged();
    void quickRequestsDoNotWaitBehindLogins();

private:
    bool startBank(BankConfig config = {});
    HttpResult loginPage(Browser &browser);
    // The login form of `page` filled in, as a request with the browser's cookies.
    QByteArray loginRequest(
        Browser &browser, const HttpResult &page, const QString &username, const QString &password);
    // The login form of `page`, posted from `from` with the browser's cookies: John, on another address.
    QByteArray submitFrom(const QHostAddress &from, Browser &browser, const HttpResult &page,
        const QString &username, const QString &password);

    std::unique_ptr<TestBank> m_bank;
};

void tst_LoginThrottle::init()
{
    m_bank = std::make_unique<TestBank>();
}

void tst_LoginThrottle::cleanup()
{
    m_bank.reset();
}

bool tst_LoginThrottle::startBank(BankConfig config)
{
    QString error;
    if (!m_bank->start(&error, std::move(config))) {
        qWarning("%s", qPrintable(error));
        return false;
    }
    return true;
}

HttpResult tst_LoginThrottle::loginPage(Browser &browser)
{
    return browser.open(AuthorizationRequest().url(*m_bank));
}

QByteArray tst_LoginThrottle::loginRequest(
    Browser &browser, const HttpResult &page, const QString &username, const QString &password)
{
    const auto form = findForm(page.body, QStringLiteral("/login"));
    if (!form)
        return {};
    QByteArray cookies;
    for (const QNetworkCookie &cookie : browser.cookiesFor(form->action))
        cookies += (cookies.isEmpty() ? "" : "; ") + cookie.name() + '=' + cookie.value();
    const QByteArray body = encodeForm(form->hiddenFields()
        + FormFields { { QStringLiteral("username"), username }, { QStringLiteral("password"), password } });
    return "POST " + page.url.resolved(QUrl(form->action)).path().toUtf8()
        + " HTTP/1.1\r\nHost: " + m_bank->issuer().authority().toUtf8()
        + "\r\nContent-Type: application/x-www-form-urlencoded\r\nAccept: text/html\r\nCookie: " + cookies
        + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

QByteArray tst_LoginThrottle::submitFrom(const QHostAddress &from, Browser &browser, const HttpResult &page,
    const QString &username, const QString &password)
{
    const QByteArray request = loginRequest(browser, page, username, password);
    if (request.isEmpty())
        return {};
    RawHttpClient client(m_bank->server().port(), from);
    if (!client.waitConnected())
        return {};
    client.send(request);
    if (!client.waitForResponses(1, 20000))
        return {};
    return client.responses().first();
}

void tst_LoginThrottle::quickRequestsDoNotWaitBehindLogins()
{
    // Issue 13: a login hashes John's password (argon2id, tens of milliseconds of CPU) on a thread of the
    // hashing lane (bank/BankWorkers.h); every other request has threads of its own. Four logins per
    // hashing thread arrive at once, then a request for the discovery document: it is answered while
    // nearly all logins still hash. Were the lanes one queue, it would wait until the threads ahead of it
    // had taken every login queued before it, with at most one login per thread left unanswered.
    QVERIFY(startBank());
    const int hashingThreads = m_bank->server().workerThreads() / 2;
    const int logins = 4 * hashingThreads;
    QList<QByteArray> requests;
    for (int i = 0; i < logins; ++i) {
        Browser browser(*m_bank);
        const HttpResult page = loginPage(browser);
        requests << loginRequest(browser, page, text(JohnUsername), text(JohnPassword));
        QVERIFY2(!requests.last().isEmpty(), qPrintable(page.describe()));
    }
    std::vector<std::unique_ptr<RawHttpClient>> clients;
    for (int i = 0; i <= logins; ++i) {
        clients.push_back(std::make_unique<RawHttpClient>(m_bank->server().port()));
        QVERIFY(clients.back()->waitConnected());
    }
    for (int i = 0; i < logins; ++i)
        clients[i]->send(requests.at(i));
    QTRY_VERIFY_WITH_TIMEOUT(m_bank->server().requestsTaken() >= logins, 5000);
    RawHttpClient &quick = *clients.back();
    quick.send("GET /.well-known/openid-configuration HTTP/1.1\r\nHost: "
        + m_bank->issuer().authority().toUtf8() + "\r\nConnection: close\r\n\r\n");
    QVERIFY(quick.waitForResponses(1, 20000));
    QCOMPARE(RawHttpClient::statusOf(quick.responses().first()), 200);
    int unanswered = 0;
    for (int i = 0; i < logins; ++i)
        unanswered += clients[i]->responses().isEmpty() ? 1 : 0;
    QVERIFY2(unanswered > 3 * hashingThreads,
        qPrintable(QStringLiteral("%1 of %2 logins were still hashing when the discovery document came")
                       .arg(unanswered)
                       .arg(logins)));
    for (int i = 0; i < logins; ++i) {
        QVERIFY(clients[i]->waitForResponses(1, 20000));
        QCOMPARE(RawHttpClient::statusOf(clients[i]->responses().first()), 303);
    }
}

void tst_LoginThrottle::guessingElsewhereDoesNotLockJohnOut()
{
    QVERIFY(startBank());
    // Someone guesses John's password five times, and again: from there, even the right one waits.
    Browser guesser(*m_bank);
    HttpResult page = loginPage(guesser);
    QCOMPARE(page.status, 200);
    for (int attempt = 0; attempt < 5; ++attempt) {
        page = guesser.submitLogin(page, { text("john"), QStringLiteral("guess-%1").arg(attempt) });
        QCOMPARE(page.status, 401);
    }
    page = guesser.submitLogin(page, {});
    QCOMPARE(page.status, 429);
    QCOMPARE(page.header("Retry-After"), QByteArray("30"));
    QVERIFY2(page.body.contains("Wait 30 seconds"), qPrintable(page.describe()));

    // John, at his own address, is not slowed at all.
    Browser john(*m_bank);
    const HttpResult johnsPage = loginPage(john);
    QCOMPARE(johnsPage.status, 200);
    const QByteArray answer = submitFrom(Elsewhere, john, johnsPage, text("john"), text("banking-is-fun"));
    QCOMPARE(RawHttpClient::statusOf(answer), 303);
    QVERIFY2(RawHttpClient::headerOf(answer, "Set-Cookie").startsWith("cfl_session="), answer.constData());
}

void tst_LoginThrottle::delaysGrowWithEveryFailureAndPass()
{
    QVERIFY(startBank());
    Browser browser(*m_bank);
    HttpResult page = loginPage(browser);
    for (int attempt = 0; attempt < 5; ++attempt)
        page = browser.submitLogin(page, { text("john"), QStringLiteral("guess-%1").arg(attempt) });
    QCOMPARE(page.status, 401);

    // 30 s after the fifth failure, one more guess: wrong again, and the next wait is 60 s.
    m_bank->advanceClock(29);
    QCOMPARE(browser.submitLogin(page, {}).status, 429);
    m_bank->advanceClock(1);
    page = browser.submitLogin(page, { text("john"), text("guess-5") });
    QCOMPARE(page.status, 401);
    m_bank->advanceClock(59);
    page = browser.submitLogin(page, {});
    QCOMPARE(page.status, 429);
    QCOMPARE(page.header("Retry-After"), QByteArray("1"));
    // Once the delay passed, the right password works: a delay, never a lock.
    m_bank->advanceClock(1);
    page = browser.submitLogin(page, {});
    QCOMPARE(page.status, 303);
    QVERIFY(browser.hasCookie(QStringLiteral("cfl_session")));
}

void tst_LoginThrottle::unknownNamesBeyondTheBudgetGetTheSameAnswerUnhashed()
{
    BankConfig config;
    config.unknownUserHashBurst = 3;
    config.unknownUserHashInterval = 60;
    config.maxLoginFailures = 100; // the per-client delay stays out of the way here
    QVERIFY(startBank(config));
    QSignalSpy exchanges(&m_bank->server(), &BankServer::exchanged);
    Browser browser(*m_bank);
    HttpResult page = loginPage(browser);

    // Three unknown names are hashed against the dummy hash, as a known name would be ...
    HttpResult hashed;
    for (int attempt = 0; attempt < 3; ++attempt) {
        hashed = browser.submitLogin(page, { text("trudy"), text("guess") });
        QCOMPARE(hashed.status, 401);
        QCOMPARE(refusingCheck(exchanges), text("login.password"));
    }
    // ... the fourth is not, and its answer is the same, byte for byte.
    const HttpResult unhashed = browser.submitLogin(page, { text("trudy"), text("guess") });
    QCOMPARE(refusingCheck(exchanges), text("login.unknown_user_budget"));
    QCOMPARE(unhashed.status, hashed.status);
    QCOMPARE(unhashed.header("Content-Type"), hashed.header("Content-Type"));
    QCOMPARE(unhashed.body, hashed.body);
    QVERIFY(unhashed.body.contains("Wrong user name or password."));

    // A known name is always checked for real.
    const HttpResult john = browser.submitLogin(page, { text("john"), text("wrong") });
    QCOMPARE(john.status, 401);
    QCOMPARE(refusingCheck(exchanges), text("login.password"));
    QCOMPARE(browser.submitLogin(page, {}).status, 303);

    // The budget refills with time: one more hash a minute.
    m_bank->advanceClock(60);
    Browser later(*m_bank);
    page = loginPage(later);
    QCOMPARE(later.submitLogin(page, { text("mallet"), text("guess") }).status, 401);
    QCOMPARE(refusingCheck(exchanges), text("login.password"));
    QCOMPARE(later.submitLogin(page, { text("mallet"), text("guess") }).status, 401);
    QCOMPARE(refusingCheck(exchanges), text("login.unknown_user_budget"));
}

void tst_LoginThrottle::rowsThatNoLongerCountArePurged()
{
    QVERIFY(startBank());
    const BankConfig defaults;
    // A failed guess, a sign-in left half-way, a logged-in session.
    Browser guesser(*m_bank);
    HttpResult abandoned = loginPage(guesser);
    QCOMPARE(abandoned.status, 200);
    const QString interactionId = abandoned.url.path().section(QLatin1Char('/'), -1);
    QVERIFY(m_bank->store().sessions().interaction(interactionId).has_value());
    QCOMPARE(guesser.submitLogin(abandoned, { text("trudy"), text("guess") }).status, 401);
    Browser john(*m_bank);
    QCOMPARE(john.logInToWebBanking().status, 200);
    const auto failuresOfTrudy = [this] {
        int count = 0;
        for (const QString &client : { text("127.0.0.1"), text("::/64") })
            count += m_bank->store().sessions().loginFailuresSince(text("trudy"), client, 0).count;
        return count;
    };
    QCOMPARE(failuresOfTrudy(), 1);
    QVERIFY(!m_bank->store().sessions().recentSessions().isEmpty());

    // Long after all of them stopped counting, any request purges them.
    m_bank->advanceClock(defaults.sessionLifetime + 3600 + defaults.purgeInterval + 1);
    HttpAgent agent;
    QCOMPARE(agent.get(m_bank->url(text("/.well-known/openid-configuration"))).status, 200);
    QCOMPARE(failuresOfTrudy(), 0);
    QVERIFY(!m_bank->store().sessions().interaction(interactionId).has_value());
    QVERIFY(m_bank->store().sessions().recentSessions().isEmpty());
}

QTEST_GUILESS_MAIN(tst_LoginThrottle)
#include "tst_loginthrottle.moc"
