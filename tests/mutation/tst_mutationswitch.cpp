// Issue 15 §3: CFL_MUTATE_CHECKS switches a named check off in a mutation build (build-mutate,
// -DCFL_MUTATION=ON, core/mutation/MutationSwitch.h) and in no other. The same test runs in both builds:
// in every other build the variable is set and the check still refuses — the back door is compiled out.

#include "bank/Bank.h"
#include "bank/Check.h"
#include "crypto/SigningKey.h"
#include "storage/BankStore.h"

#include <QTemporaryDir>
#include <QTest>

using namespace cfl;

namespace {
// GET /authorize without client_id: the first check to refuse is authorize.client_id.present
// (RFC 6749 §4.1.1); switched off, the next one, authorize.client.registered, refuses in its place.
const QString Switched = QStringLiteral("authorize.client_id.present");
const QString Next = QStringLiteral("authorize.client.registered");

QString refusingCheck(const QList<BankDecision> &decisions)
{
    for (const BankDecision &decision : decisions) {
        if (decision.refusal)
            return decision.check;
    }
    return {};
}

QStringList skippedChecks(const QList<BankDecision> &decisions)
{
    QStringList skipped;
    for (const BankDecision &decision : decisions) {
        if (decision.isSkippedCheck())
            skipped.append(decision.check);
    }
    return skipped;
}
} // namespace

class tst_MutationSwitch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void switchesTheCheckOffOnlyInAMutationBuild();
    void leavesTheAttackLabsSwitchesAlone();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<BankStore> m_store;
    std::unique_ptr<Bank> m_bank;
};

void tst_MutationSwitch::initTestCase()
{
    // Before any check runs: the mutation build reads the variable once per process. An unknown id and
    // blanks around the ids, as a hand-written list has them, change nothing.
    qputenv("CFL_MUTATE_CHECKS", " no.such.check , " + Switched.toUtf8() + " ");
    QVERIFY(m_dir.isValid());
    QString error;
    m_store = BankStore::open(m_dir.path(), &error);
    QVERIFY2(m_store, qPrintable(error));
    BankConfig config;
    config.issuer = QUrl(QStringLiteral("http://127.0.0.1:8080"));
    m_bank = std::make_unique<Bank>(*m_store, SigningKey::generate(), config);
}

void tst_MutationSwitch::cleanupTestCase()
{
    m_bank.reset();
    m_store.reset();
    qunsetenv("CFL_MUTATE_CHECKS");
}

void tst_MutationSwitch::switchesTheCheckOffOnlyInAMutationBuild()
{
    HttpRequest request;
    request.method = "GET";
    request.url = QUrl(QStringLiteral("http://127.0.0.1:8080/authorize?response_type=code"));
    request.headers = { { "Host", "127.0.0.1:8080" } };
    request.remoteAddress = QHostAddress::LocalHost;
    const HttpResponse response = m_bank->handle(request);
    QCOMPARE(response.status, 400);
    const QList<BankDecision> &decisions = m_bank->lastDecisions();
#ifdef CFL_MUTATION
    QCOMPARE(skippedChecks(decisions), QStringList { Switched });
    QCOMPARE(refusingCheck(decisions), Next);
#else
    QCOMPARE(skippedChecks(decisions), QStringList());
    QCOMPARE(refusingCheck(decisions), Switched);
#endif
}

void tst_MutationSwitch::leavesTheAttackLabsSwitchesAlone()
{
    // What the attack lab shows as switched off is its own choice, in every build.
    QVERIFY(m_bank->config().disabledChecks.isEmpty());
}

QTEST_GUILESS_MAIN(tst_MutationSwitch)
#include "tst_mutationswitch.moc"
