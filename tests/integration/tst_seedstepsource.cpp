// The seed's steps are said where the bank answers (BankContext::requestRealises, answerRealises, decide;
// docs/architecture.md, "The seed diagram"): a real run of CoolLoan's flow over HTTP — /authorize, the
// login page and form, the consent page and form, the code exchange, an API call — carries them in each
// BankExchange, and BankTrace turns them into steps 1–16 in order (11 is CoolLoan's own callback) without
// reading a page, a path or a form for a number. The same pages fetched by another user agent (PirateLoan)
// draw no numbered arrow: steps 1 and 3–8 are John's browser's.

#include "BankHarness.h"
#include "bank/BankTrace.h"

#include <QSignalSpy>
#include <QTest>

using namespace cfl;
using namespace cfl::test;

namespace {

QList<BankExchange> exchangesOf(const QSignalSpy &spy)
{
    QList<BankExchange> exchanges;
    for (const QList<QVariant> &arguments : spy)
        exchanges.append(arguments.at(0).value<BankExchange>());
    return exchanges;
}

// The numbered events of the exchanges, in order, as the trace shows them.
QList<int> tracedSteps(const QList<BankExchange> &exchanges)
{
    QList<int> steps;
    qint64 id = 0;
    for (const BankExchange &exchange : exchanges) {
        for (const TraceEvent &event : traceEventsFor(exchange, ++id)) {
            if (event.step > 0)
                steps.append(event.step);
        }
    }
    return steps;
}

QString describe(const QList<BankExchange> &exchanges)
{
    QStringList lines;
    for (const BankExchange &x : exchanges)
        lines.append(QStringLiteral("%1 %2 → %3: action %4, request %5, answer %6")
                         .arg(QString::fromLatin1(x.request.method), x.request.path())
                         .arg(x.response.status)
                         .arg(x.steps.johnsAction)
                         .arg(x.steps.request)
                         .arg(x.steps.answer));
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class tst_SeedStepSource : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup() { m_bank.reset(); }
    void theFlowSaysEveryStep();
    void anotherUserAgentDrawsNoBrowserStep();

private:
    std::unique_ptr<TestBank> m_bank;
};

void tst_SeedStepSource::init()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
}

void tst_SeedStepSource::theFlowSaysEveryStep()
{
    QSignalSpy spy(&m_bank->server(), &BankServer::exchanged);
    OAuthClient client(*m_bank, { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
    const TokenSet tokens = obtainTokens(*m_bank, client);
    QVERIFY(tokens.isValid());
    QCOMPARE(client.api(QStringLiteral("/api/accounts"), tokens.accessToken).status, 200);

    const QList<BankExchange> exchanges = exchangesOf(spy);
    QList<int> expected;
    for (int step = 1; step <= SeedStepCount; ++step) {
        if (step != seed::Callback) // only CoolLoan sees the callback
            expected.append(step);
    }
    QVERIFY2(tracedSteps(exchanges) == expected, qPrintable(describe(exchanges)));

    // Each page said what it is: the login page 3, the consent page 6.
    QList<int> pages;
    for (const BankExchange &x : exchanges) {
        if (x.request.method == "GET" && x.request.path().startsWith(QLatin1String("/interaction/")))
            pages.append(x.steps.answer);
    }
    QCOMPARE(pages, (QList<int> { seed::LoginScreen, seed::ConsentScreen }));
}

void tst_SeedStepSource::anotherUserAgentDrawsNoBrowserStep()
{
    // Online banking's login, as PirateLoan fetches it: the page still says "login screen" (3)...
    HttpAgent pirate;
    const RawHeaders pirateAgent { { "User-Agent", "PirateLoan/0.1.0 (CodeFlow Lab)" } };
    const HttpResult start = pirate.get(m_bank->url(QStringLiteral("/web/login")), pirateAgent);
    QVERIFY2(start.isRedirect(), qPrintable(start.describe()));
    QByteArray cookie = start.header("Set-Cookie");
    cookie = cookie.left(cookie.indexOf(';'));
    QSignalSpy spy(&m_bank->server(), &BankServer::exchanged);
    const HttpResult page
        = pirate.get(start.location(), RawHeaders { pirateAgent.first(), { "Cookie", cookie } });
    QCOMPARE(page.status, 200);
    const QList<BankExchange> exchanges = exchangesOf(spy);
    QCOMPARE(exchanges.size(), 1);
    QCOMPARE(exchanges.first().steps.answer, seed::LoginScreen);
    // ...but it is not John's browser: no numbered arrow.
    QCOMPARE(tracedSteps(exchanges), QList<int> {});
}

QTEST_GUILESS_MAIN(tst_SeedStepSource)
#include "tst_seedstepsource.moc"
