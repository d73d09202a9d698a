#pragma once
// A scope list as the protocol sends it and the database keeps it (RFC 6749 §3.3): scope tokens separated
// by spaces, case-sensitive. Here, below bank/, so that storage and the bank read and write it one way
// (bank/Scopes.h adds what the bank knows about each scope).

#include <QString>
#include <QStringList>

namespace cfl::scopes {

// RFC 6749 §3.3: space-delimited, case-sensitive; duplicates dropped, order kept.
QStringList parse(const QString &scope);
QString join(const QStringList &scopes);
// Sorted, duplicates dropped: how a consent keeps what John granted.
QStringList sorted(QStringList scopes);

} // namespace cfl::scopes
