#include "ui/shell/TrainerSettings.h"

#include "ui/theme/Theme.h"

#include <QSettings>

namespace cfl {

namespace {
const QString CodeLifetimeKey = QStringLiteral("bank/codeLifetimeSeconds");
const QString AccessTokenLifetimeKey = QStringLiteral("bank/accessTokenLifetimeSeconds");
const QString RefreshTokenLifetimeKey = QStringLiteral("bank/refreshTokenLifetimeSeconds");
const QString RefreshFamilyLifetimeKey = QStringLiteral("bank/refreshFamilyLifetimeSeconds");
const QString RememberConsentKey = QStringLiteral("bank/rememberConsent");
const QString ScaleKey = QStringLiteral("display/scalePercent");

// A stored number within [min, max], else `fallback` (a hand-edited or damaged file must not break the bank).
qint64 storedNumber(const QSettings &settings, const QString &key, qint64 min, qint64 max, qint64 fallback)
{
    bool ok = false;
    const qint64 value = settings.value(key).toLongLong(&ok);
    return ok && value >= min && value <= max ? value : fallback;
}
} // namespace

TrainerSettings TrainerSettings::from(const BankConfig &config)
{
    TrainerSettings settings;
    settings.codeLifetime = config.codeLifetime;
    settings.accessTokenLifetime = config.accessTokenLifetime;
    settings.refreshTokenLifetime = config.refreshTokenLifetime;
    settings.refreshFamilyLifetime = config.refreshFamilyLifetime;
    settings.rememberConsent = config.rememberConsent;
    return settings;
}

TrainerSettings TrainerSettings::load(const TrainerSettings &fallback)
{
    const QSettings stored;
    TrainerSettings settings;
    settings.codeLifetime
        = storedNumber(stored, CodeLifetimeKey, MinCodeLifetime, MaxCodeLifetime, fallback.codeLifetime);
    settings.accessTokenLifetime = storedNumber(stored, AccessTokenLifetimeKey, MinAccessTokenLifetime,
        MaxAccessTokenLifetime, fallback.accessTokenLifetime);
    settings.refreshTokenLifetime = storedNumber(stored, RefreshTokenLifetimeKey, MinRefreshTokenLifetime,
        MaxRefreshTokenLifetime, fallback.refreshTokenLifetime);
    settings.refreshFamilyLifetime = storedNumber(stored, RefreshFamilyLifetimeKey, MinRefreshFamilyLifetime,
        MaxRefreshFamilyLifetime, fallback.refreshFamilyLifetime);
    const QVariant remember = stored.value(RememberConsentKey);
    settings.rememberConsent = remember.isValid() ? remember.toBool() : fallback.rememberConsent;
    settings.scalePercent = int(storedNumber(
        stored, ScaleKey, theme::MinScalePercent, theme::MaxScalePercent, fallback.scalePercent));
    return settings;
}

void TrainerSettings::save() const
{
    QSettings stored;
    stored.setValue(CodeLifetimeKey, codeLifetime);
    stored.setValue(AccessTokenLifetimeKey, accessTokenLifetime);
    stored.setValue(RefreshTokenLifetimeKey, refreshTokenLifetime);
    stored.setValue(RefreshFamilyLifetimeKey, refreshFamilyLifetime);
    stored.setValue(RememberConsentKey, rememberConsent);
    stored.setValue(ScaleKey, scalePercent);
    stored.sync();
}

void TrainerSettings::applyTo(BankConfig &config) const
{
    config.codeLifetime = codeLifetime;
    config.accessTokenLifetime = accessTokenLifetime;
    config.refreshTokenLifetime = refreshTokenLifetime;
    config.refreshFamilyLifetime = refreshFamilyLifetime;
    config.rememberConsent = rememberConsent;
}

} // namespace cfl
