#pragma once
// argon2id password hashes (libargon2), in the PHC encoded form "$argon2id$v=19$m=...,t=...,p=...$salt$hash".

#include <QByteArray>
#include <QByteArrayView>

namespace cfl {

struct PasswordHashCost
{
    quint32 timeCost = 2;
    quint32 memoryKiB = 19 * 1024; // OWASP's argon2id minimum (19 MiB, t=2, p=1)
    quint32 parallelism = 1;
};

QByteArray hashPassword(QByteArrayView password, const PasswordHashCost &cost = {});
// False for a wrong password and for anything that is not an argon2id encoded hash.
bool verifyPassword(QByteArrayView encodedHash, QByteArrayView password);

} // namespace cfl
