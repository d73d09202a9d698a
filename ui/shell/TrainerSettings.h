#pragma once
// What a trainer sets once per workshop (Settings → Trainer settings…), kept with QSettings: token and code
// lifetimes, the refresh token family's absolute lifetime, whether the bank remembers John's consent, and the
// projector scale.

#include "bank/BankConfig.h"

namespace cfl {

struct TrainerSettings
{
    // Ranges the dialog offers and load() accepts. A code lives seconds to minutes (RFC 6749 §4.1.2
    // recommends at most 10 minutes); tokens from seconds (to watch expiry happen) to days.
    static constexpr qint64 MinCodeLifetime = 5, MaxCodeLifetime = 600;
    static constexpr qint64 MinAccessTokenLifetime = 10, MaxAccessTokenLifetime = 24 * 3600;
    static constexpr qint64 MinRefreshTokenLifetime = 60, MaxRefreshTokenLifetime = 90 * 24 * 3600;
    // However often its tokens rotate, a refresh family ends (RFC 9700 §4.14.2): from minutes (to watch
    // CoolLoan lose its grant) to a year.
    static constexpr qint64 MinRefreshFamilyLifetime = 60, MaxRefreshFamilyLifetime = 365 * 24 * 3600;

    qint64 codeLifetime = 60; // seconds
    qint64 accessTokenLifetime = 600; // seconds
    qint64 refreshTokenLifetime = 14 * 24 * 3600;
    qint64 refreshFamilyLifetime = 30 * 24 * 3600;
    bool rememberConsent = true;
    int scalePercent = 100; // text and browser size, 100–250

    // The bank's defaults (or the given configuration's values) and 100 %.
    static TrainerSettings from(const BankConfig &config);
    // What is stored (QSettings of the application); what is not stored, or out of range, stays as in
    // `fallback`.
    static TrainerSettings load(const TrainerSettings &fallback);
    void save() const;
    void applyTo(BankConfig &config) const;

    friend bool operator==(const TrainerSettings &a, const TrainerSettings &b)
    {
        return a.codeLifetime == b.codeLifetime && a.accessTokenLifetime == b.accessTokenLifetime
            && a.refreshTokenLifetime == b.refreshTokenLifetime
            && a.refreshFamilyLifetime == b.refreshFamilyLifetime && a.rememberConsent == b.rememberConsent
            && a.scalePercent == b.scalePercent;
    }
    friend bool operator!=(const TrainerSettings &a, const TrainerSettings &b) { return !(a == b); }
};

} // namespace cfl
