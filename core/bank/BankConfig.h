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
    // Password guessing is slowed per (user name, client address), never locked for everyone: after
    // maxLoginFailures failures within loginFailureWindow, each try waits loginDelay after the last failure,
    // doubled with every further failure up to loginMaxDelay (OWASP ASVS 2.2.1, NIST SP 800-63B §5.2.2).
    int maxLoginFailures = 5;
    qint64 loginFailureWindow = 3600; // failures older than this no longer count, and are purged
    qint64 loginDelay = 30;
    qint64 loginMaxDelay = 15 * 60;
    // Argon2 work for user names the bank does not know, from all clients together: a token bucket of
    // unknownUserHashBurst hashes, one more every unknownUserHashInterval seconds. Beyond it, such a login
    // gets the answer of a wrong password without a hash.
    int unknownUserHashBurst = 20;
    qint64 unknownUserHashInterval = 1;
    // Expired interactions, codes, sessions and failures that no longer count are deleted at most this
    // often, on the first request after it (Bank::handle).
    qint64 purgeInterval = 300;
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
