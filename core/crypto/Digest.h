#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace cfl {

QByteArray sha256(QByteArrayView data);
// Hex SHA-256: how codes, tokens and client secrets are stored (never the value itself).
QByteArray sha256Hex(QByteArrayView data);
// Time independent of where the inputs differ (CRYPTO_memcmp); false when lengths differ.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

} // namespace cfl
