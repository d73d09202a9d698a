#include "bank/BankContext.h"

#include "bank/Check.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcBank, "cfl.bank", QtWarningMsg)

namespace cfl {

BankDecision::BankDecision(QString summary, int step, std::optional<OAuthError> refused, QString checkId)
    : what(std::move(summary))
    , seedStep(step)
    , refusal(std::move(refused))
    , check(std::move(checkId))
{ }

namespace {
BankConfig withClock(BankConfig config)
{
    if (!config.clock)
        config.clock = [] { return QDateTime::currentSecsSinceEpoch(); };
    return config;
}
} // namespace

BankContext::BankContext(BankStore &store, SigningKeyRing signingKeys, BankConfig config)
    : BankContext(store, std::move(signingKeys), std::make_shared<BankShared>(withClock(std::move(config))))
{ }

BankContext::BankContext(BankStore &store, SigningKeyRing signingKeys, std::shared_ptr<BankShared> shared)
    : m_store(store)
    , m_signingKeys(std::move(signingKeys))
    , m_shared(std::move(shared))
{
    m_signingKeys.shareWith(m_shared);
    syncConfig();
}

void BankContext::syncConfig()
{
    // The version first: a change made meanwhile moves it again, and the next request reads that too.
    m_configVersion = m_shared->configVersion();
    m_config = withClock(m_shared->config());
}

void BankContext::updateConfig(const std::function<void(BankConfig &)> &change)
{
    m_shared->updateConfig(change);
    syncConfig();
}

QString BankContext::issuer() const
{
    QString text = m_config.issuer.toString(QUrl::FullyEncoded);
    while (text.endsWith(QLatin1Char('/')))
        text.chop(1);
    return text;
}

QString BankContext::apiAudience() const
{
    return issuer() + QStringLiteral("/api");
}

void BankContext::decide(const QString &what, int seedStep)
{
    m_decisions.append({ what, seedStep });
}

int BankContext::redirectStatusAfterPost()
{
    const auto seeOther = findDefence(QStringLiteral("interaction.see_other"));
    if (seeOther && isSwitchedOff(seeOther->id)) {
        recordSkipped(*seeOther,
            OAuthError::invalidRequest(seeOther->rule, seeOther->section)
                .compared(QStringLiteral("303 See Other"), QStringLiteral("307 Temporary Redirect")));
        return 307;
    }
    return 303;
}

void BankContext::recordRefusal(const CheckSpec &check, const OAuthError &error)
{
    m_decisions.append({ QStringLiteral("refused: %1").arg(error.error()), 0, error, check.id });
    qCInfo(lcBank).noquote() << "refused by" << check.id << "-" << error.error() << "-"
                             << error.description();
}

void BankContext::recordSkipped(const CheckSpec &check, const OAuthError &wouldHave)
{
    BankDecision skipped(
        QStringLiteral("check skipped: %1 (%2)").arg(check.id, check.rule), 0, std::nullopt, check.id);
    skipped.expected = wouldHave.expected();
    skipped.received = wouldHave.received();
    m_decisions.append(skipped);
    qCInfo(lcBank).noquote() << "check skipped:" << check.id;
}

void BankContext::audit(const QString &event, const QString &clientId, const QString &username,
    const QString &detail, const QString &checkId)
{
    m_store.auditLog().record(now(), event, clientId, username, detail, checkId);
}

} // namespace cfl
