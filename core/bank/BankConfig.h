#pragma once

#include <QSet>
#include <QString>
#include <QUrl>

#include <functional>

namespace cfl {

// The lifetimes a trainer may change while the bank runs (Bank::setLifetimes), in seconds.
struct Lifetimes
{
    qint64 code = 0;
    qint64 accessToken = 0;
    qint64 refreshToken = 0;
    qint64 refreshFamily = 0;
};

struct BankConfig
{
    QUrl issuer; // e.g. http://127.0.0.1:8080; BankServer fills it in from the port when empty
    qint64 codeLifetime = 60; // RFC 6749 §4.1.2: "a maximum lifetime of 10 minutes is RECOMMENDED"
    qint64 accessTokenLifetime = 600;
    qint64 refreshTokenLifetime = 14 * 24 * 3600; // each refresh token, from its rotation
    // The whole family of refresh tokens from one code, however often rotated (RFC 9700 §4.14.2).
    qint64 refreshFamilyLifetime = 30 * 24 * 3600;
    qint64 sessionLifetime = 8 * 3600;
    qint64 interactionLifetime = 15 * 60;
    int maxLoginFailures = 5; // per username within loginFailureWindow, then throttled
    qint64 loginFailureWindow = 300;
    bool rememberConsent = true;

    Lifetimes lifetimes() const
    {
        return { codeLifetime, accessTokenLifetime, refreshTokenLifetime, refreshFamilyLifetime };
    }
    // Seconds since the epoch; tests may move time forward.
    std::function<qint64()> clock;
    // The attack lab's switches: ids of named checks (bank/Check.h) that do not refuse. In memory only,
    // never stored: a bank starts with none unless the one who starts it names some.
    QSet<QString> disabledChecks;
};

} // namespace cfl
