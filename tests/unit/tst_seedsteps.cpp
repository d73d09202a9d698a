// The seed diagram's sixteen numbered arrows (docs/architecture.md, "The seed diagram") with what happens and
// why it is safe, and the explanations of the traffic outside the seed, as the sequence diagram shows them.

#include "trace/SeedSteps.h"

#include <QRegularExpression>
#include <QTest>

using namespace cfl;

namespace {
const QUrl Bank(QStringLiteral("http://127.0.0.1:4444"));
} // namespace

class tst_SeedSteps : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void seedSteps_data();
    void seedSteps();
    void explanationsOutsideTheSeed_data();
    void explanationsOutsideTheSeed();
    void coolLoansKeyDecisions_data();
    void coolLoansKeyDecisions();
    void refusals();
    void mallorysDoingsAreHers();
};

void tst_SeedSteps::seedSteps_data()
{
    QTest::addColumn<int>("number");
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("to");
    // The seed diagram (docs/architecture.md), its autonumbered arrows in order.
    const QList<std::pair<const char *, const char *>> arrows { { "Browser", "eddy" }, { "eddy", "eddy" },
        { "eddy", "Browser" }, { "John", "Browser" }, { "Browser", "eddy" }, { "eddy", "Browser" },
        { "John", "Browser" }, { "Browser", "eddy" }, { "eddy", "eddy" }, { "eddy", "Browser" },
        { "Browser", "CoolLoan" }, { "CoolLoan", "boris" }, { "boris", "CoolLoan" }, { "CoolLoan", "banky" },
        { "banky", "banky" }, { "banky", "CoolLoan" } };
    for (int i = 0; i < arrows.size(); ++i)
        QTest::addRow("step %d", i + 1)
            << i + 1 << QString::fromLatin1(arrows.at(i).first) << QString::fromLatin1(arrows.at(i).second);
}

void tst_SeedSteps::seedSteps()
{
    QFETCH(int, number);
    QFETCH(QString, from);
    QFETCH(QString, to);
    QCOMPARE(cfl::seedSteps().size(), SeedStepCount);
    const SeedStep *step = seedStep(number);
    QVERIFY(step);
    QCOMPARE(step->number, number);
    QCOMPARE(step->from, from);
    QCOMPARE(step->to, to);
    QVERIFY(!step->label.isEmpty());
    // A newcomer's paragraph: two to four sentences, not a word.
    const qsizetype sentences = step->explanation.count(QRegularExpression(QStringLiteral("[.?!](\\s|$|<)")));
    QVERIFY2(sentences >= 2 && sentences <= 5,
        qPrintable(QStringLiteral("%1 sentences: %2").arg(sentences).arg(step->explanation)));
    TraceEvent event;
    event.step = number;
    QCOMPARE(explanationFor(event).text, step->explanation);
    QVERIFY(!seedStep(0) && !seedStep(SeedStepCount + 1));
}

void tst_SeedSteps::explanationsOutsideTheSeed_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("titleWord");
    QTest::newRow("discovery") << "CoolLoan"
                               << "/.well-known/openid-configuration" << QByteArray() << 200 << "Discovery";
    QTest::newRow("jwks") << "CoolLoan"
                          << "/jwks" << QByteArray() << 200 << "JWKS";
    QTest::newRow("refresh") << "CoolLoan"
                             << "/token" << QByteArray("grant_type=refresh_token&refresh_token=x") << 200
                             << "Refresh";
    QTest::newRow("revocation") << "CoolLoan"
                                << "/revoke" << QByteArray("token=x") << 200 << "Revocation";
    QTest::newRow("pirate login") << "PirateLoan"
                                  << "/interaction/p1/login" << QByteArray("password=x") << 303
                                  << "PirateLoan";
    QTest::newRow("refusal") << "CoolLoan"
                             << "/token" << QByteArray("grant_type=authorization_code") << 400 << "Refused";
}

void tst_SeedSteps::explanationsOutsideTheSeed()
{
    QFETCH(QString, from);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, titleWord);
    TraceEvent event;
    event.kind = TraceKind::Response;
    event.from = QStringLiteral("eddy");
    event.to = from;
    event.method = "POST";
    event.url = Bank.resolved(QUrl(path));
    event.requestBody = body;
    event.status = status;
    const EventExplanation explanation = explanationFor(event);
    QVERIFY2(explanation.title.contains(titleWord), qPrintable(explanation.title));
    QVERIFY(explanation.text.size() > 60);
}

void tst_SeedSteps::coolLoansKeyDecisions_data()
{
    QTest::addColumn<QString>("summary");
    QTest::addColumn<QString>("title");
    // CoolLoanClient::whenIdTokenKeyIsKnown's decisions: the diagram says why the JWKS is fetched again.
    QTest::newRow("fetches again") << QStringLiteral(
        "CoolLoan meets key id k2, not in the JWKS it fetched: the bank may have rotated its signing key, "
        "so it fetches the JWKS again (OpenID Connect Core §10.1.1)")
                                   << QStringLiteral("A key CoolLoan does not know");
    QTest::newRow("does not") << QStringLiteral(
        "CoolLoan meets key id k3, not in the bank's JWKS, and does not fetch the JWKS again: it fetched "
        "the JWKS 2 s ago, and fetches it at most once every 30 s")
                              << QStringLiteral("No second fetch");
}

void tst_SeedSteps::coolLoansKeyDecisions()
{
    QFETCH(QString, summary);
    QFETCH(QString, title);
    TraceEvent event;
    event.kind = TraceKind::Decision;
    event.source = QStringLiteral("coolloan");
    event.from = event.to = QStringLiteral("CoolLoan");
    event.summary = summary;
    QCOMPARE(explanationFor(event).title, title);
}

void tst_SeedSteps::refusals()
{
    TraceEvent answer;
    answer.kind = TraceKind::Response;
    answer.status = 200;
    QVERIFY(!isRefusal(answer));
    answer.status = 401;
    QVERIFY(isRefusal(answer));
    // An error sent back through the browser is a refusal; John saying no is not.
    answer.status = 302;
    answer.responseHeaders = { { "Location", "http://127.0.0.1:5555/callback?error=invalid_scope&state=x" } };
    QVERIFY(isRefusal(answer));
    answer.responseHeaders = { { "Location", "http://127.0.0.1:5555/callback?error=access_denied&state=x" } };
    QVERIFY(!isRefusal(answer));
    TraceEvent decision;
    decision.kind = TraceKind::Decision;
    QVERIFY(!isRefusal(decision));
    decision.refusalRule = QStringLiteral("RFC 7636 §4.6");
    QVERIFY(isRefusal(decision));
}

void tst_SeedSteps::mallorysDoingsAreHers()
{
    // The attack lab's notes on Mallory's lifelines are not decisions of the bank.
    for (const QString &party : { malloryDevice(), malloryMalware(), malloryListener(), malloryBank() }) {
        TraceEvent event;
        event.kind = TraceKind::Decision;
        event.source = QStringLiteral("mallory");
        event.from = event.to = party;
        event.summary = QStringLiteral("Mallory now holds John's code");
        QCOMPARE(explanationFor(event).title, QStringLiteral("Mallory acts"));
    }
}

QTEST_APPLESS_MAIN(tst_SeedSteps)
#include "tst_seedsteps.moc"
