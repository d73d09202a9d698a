// The attack lab's switches (BankConfig::disabledChecks, docs/architecture.md, "Attack lab"): one per named
// check, in memory only. A switched-off check does not refuse; it records "check skipped: <id> (<rule>)"
// where its refusal would have been, and the checks after it still run.

#include "BankHarness.h"
#include "bank/BankHost.h"
#include "bank/Check.h"

#include <QSignalSpy>
#include <QTest>

using namespace cfl;
using namespace cfl::test;

namespace {
struct Grant
{
    AuthorizationRequest request;
    QString code;
};

QList<BankDecision> decisionsOf(const QSignalSpy &exchanges)
{
    return exchanges.isEmpty() ? QList<BankDecision>()
                               : exchanges.last().at(0).value<BankExchange>().decisions;
}
} // namespace

class tst_CheckSwitches : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void noCheckIsSwitchedOffAtStart();
    void switchedOffCheckLetsTheRequestThroughAndSaysSo();
    void switchedOnAgainItRefusesAgain();
    void theNextCheckStillRefuses();
    void aNewBankStartsWithEveryCheckOn();
    void bankHostSetsTheSwitchesOnTheBanksThread();

private:
    Grant newCode();

    std::unique_ptr<TestBank> m_bank;
    std::unique_ptr<OAuthClient> m_coolLoan;
};

void tst_CheckSwitches::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
    m_coolLoan = std::make_unique<OAuthClient>(
        *m_bank, ClientCredentials { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
}

void tst_CheckSwitches::cleanup()
{
    m_bank->server().setDisabledChecks({});
}

Grant tst_CheckSwitches::newCode()
{
    Grant grant;
    Browser browser(*m_bank);
    grant.code = browser.authorize(grant.request).code();
    return grant;
}

void tst_CheckSwitches::noCheckIsSwitchedOffAtStart()
{
    QVERIFY(m_bank->server().bank()->config().disabledChecks.isEmpty());
}

void tst_CheckSwitches::switchedOffCheckLetsTheRequestThroughAndSaysSo()
{
    // The first layer of the code-injection attack: boris does not compare redirect_uri (RFC 6749 §4.1.3).
    const auto check = findCheck(QStringLiteral("token.code.redirect_uri"));
    QVERIFY(check.has_value());
    m_bank->server().setDisabledChecks({ check->id });
    const Grant grant = newCode();
    QVERIFY(!grant.code.isEmpty());

    QSignalSpy exchanges(&m_bank->server(), &BankServer::exchanged);
    const HttpResult response = m_coolLoan->exchangeCode(
        grant.code, grant.request.verifier, QStringLiteral("http://127.0.0.1:6666/mallory"));
    QCOMPARE(response.status, 200);
    QVERIFY(TokenSet::from(response).isValid());

    const QList<BankDecision> decisions = decisionsOf(exchanges);
    QCOMPARE(decisions.size(), 2);
    const BankDecision &skipped = decisions.first();
    QVERIFY(skipped.isSkippedCheck());
    QCOMPARE(skipped.check, check->id);
    QCOMPARE(skipped.what, QStringLiteral("check skipped: %1 (%2)").arg(check->id, check->rule));
    QVERIFY(!skipped.refusal);
    // ... where its refusal would have been: before the tokens were issued.
    QVERIFY(decisions.last().what.contains(QLatin1String("tokens issued")));
    // Nothing was refused, so nothing was audited as a refusal.
    QCOMPARE(m_bank->store().auditLog().recent(1).first().event, QStringLiteral("grant"));
}

void tst_CheckSwitches::switchedOnAgainItRefusesAgain()
{
    m_bank->server().setDisabledChecks({ QStringLiteral("token.code.redirect_uri") });
    m_bank->server().setDisabledChecks({});
    const Grant grant = newCode();
    QSignalSpy exchanges(&m_bank->server(), &BankServer::exchanged);
    const HttpResult response = m_coolLoan->exchangeCode(
        grant.code, grant.request.verifier, QStringLiteral("http://127.0.0.1:6666/mallory"));
    QCOMPARE(response.status, 400);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    const QList<BankDecision> decisions = decisionsOf(exchanges);
    QCOMPARE(decisions.size(), 1);
    QCOMPARE(decisions.first().check, QStringLiteral("token.code.redirect_uri"));
    QVERIFY(decisions.first().refusal.has_value());
}

void tst_CheckSwitches::theNextCheckStillRefuses()
{
    // Peel one layer of code injection, not two: with redirect_uri not compared, PKCE still stops a
    // stolen code that comes without its verifier (RFC 7636 §4.6).
    m_bank->server().setDisabledChecks({ QStringLiteral("token.code.redirect_uri") });
    const Grant grant = newCode();
    QSignalSpy exchanges(&m_bank->server(), &BankServer::exchanged);
    const HttpResult response = m_coolLoan->exchangeCode(
        grant.code, AuthorizationRequest().verifier, QStringLiteral("http://127.0.0.1:6666/mallory"));
    QCOMPARE(response.status, 400);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    const QList<BankDecision> decisions = decisionsOf(exchanges);
    QCOMPARE(decisions.size(), 2);
    QCOMPARE(decisions.at(0).check, QStringLiteral("token.code.redirect_uri"));
    QVERIFY(decisions.at(0).isSkippedCheck());
    QCOMPARE(decisions.at(1).check, QStringLiteral("token.code.pkce"));
    QVERIFY(decisions.at(1).refusal.has_value());
    QCOMPARE(m_bank->store().auditLog().recent(1).first().checkId, QStringLiteral("token.code.pkce"));
}

void tst_CheckSwitches::aNewBankStartsWithEveryCheckOn()
{
    // Switches live in the running bank only: a restart (Reset workshop, a new codeflow-bank) forgets them.
    m_bank->server().setDisabledChecks({ QStringLiteral("token.code.pkce") });
    TestBank fresh;
    QString error;
    QVERIFY2(fresh.start(&error), qPrintable(error));
    QVERIFY(fresh.server().bank()->config().disabledChecks.isEmpty());
    QCOMPARE(m_bank->server().bank()->config().disabledChecks,
        QSet<QString> { QStringLiteral("token.code.pkce") });
}

void tst_CheckSwitches::bankHostSetsTheSwitchesOnTheBanksThread()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    BankHost host;
    BankServerOptions options;
    options.dataDir = dir.path();
    QString error;
    QVERIFY2(host.start(options, &error), qPrintable(error));
    QVERIFY(host.config().disabledChecks.isEmpty());
    host.setDisabledChecks({ QStringLiteral("authorize.pkce.challenge_present") });
    // config() waits for the bank's thread, after the queued setter.
    QCOMPARE(
        host.config().disabledChecks, QSet<QString> { QStringLiteral("authorize.pkce.challenge_present") });
    host.stop();
}

QTEST_GUILESS_MAIN(tst_CheckSwitches)
#include "tst_checkswitches.moc"
