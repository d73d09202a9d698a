#pragma once
// The grant ledger: authorization codes and the tokens issued from them, with what makes them single use
// (redeemed, rotated) and what ends them (revocations of one token, a family, a code's tokens, a client's).
// Codes and tokens are kept only as their SHA-256 (hex).

#include "storage/BankRecords.h"

#include <QList>

#include <optional>

namespace cfl {

class Database;

class GrantLedger
{
public:
    explicit GrantLedger(Database &db)
        : m_db(db)
    { }

    // Authorization codes
    bool insertCode(const AuthorizationCode &code);
    std::optional<AuthorizationCode> code(const QByteArray &codeHash) const;
    // Atomic (UPDATE ... WHERE redeemed_at = 0): true only for the one call that redeemed it.
    bool markCodeRedeemed(const QByteArray &codeHash, qint64 now);
    QList<AuthorizationCode> recentCodes(int limit = 50) const; // newest first

    // Tokens
    bool insertToken(const IssuedToken &token);
    std::optional<IssuedToken> token(const QByteArray &tokenHash) const;
    std::optional<IssuedToken> tokenByJti(const QString &jti) const;
    QList<IssuedToken> recentTokens(int limit = 100) const; // newest first
    // A refresh token family through its rotations, and the tokens issued from one code: oldest first.
    QList<IssuedToken> tokenFamily(const QString &familyId) const;
    // The issued_at of the family's first token (0: no such family).
    qint64 familyStartedAt(const QString &familyId) const;
    QList<IssuedToken> tokensFromCode(const QByteArray &codeHash) const;
    // Atomic: true only for the one call that rotated an active (not rotated, not revoked) token.
    bool markTokenRotated(const QByteArray &tokenHash, qint64 now);
    // Each returns how many tokens it revoked (already revoked ones are left as they were).
    int revokeToken(const QByteArray &tokenHash, qint64 now, const QString &reason);
    int revokeTokensFromCode(const QByteArray &codeHash, qint64 now, const QString &reason);
    int revokeFamily(const QString &familyId, qint64 now, const QString &reason);
    int revokeTokensOfClient(qint64 userId, const QString &clientId, qint64 now, const QString &reason);

    // Deletes codes that expired before `cutoff`; returns how many (-1 on error). Tokens stay (the ledger).
    int purgeExpired(qint64 cutoff);

private:
    Database &m_db;
};

} // namespace cfl
