#pragma once
// Redirect URI rules: exact matching (RFC 6749 §3.1.2.3, RFC 9700 §2.1) with the one exception of
// RFC 8252 §7.3 — a native app's loopback redirect may use any port.

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace cfl::redirect {

bool isLoopbackHost(const QString &host);
// True when `received` equals one of `registered` character for character, or when both are
// http loopback URIs (127.0.0.1, [::1], localhost) that differ only in the port.
bool matches(const QStringList &registered, const QString &received);
// Why a URI cannot be registered (nullopt when it can): absolute, no fragment (§3.1.2), https —
// or http on a loopback host (RFC 8252 §7.3) — or a private-use scheme with a dot (RFC 8252 §7.1).
std::optional<QString> registrationProblem(const QString &uri);
// The redirect URI with parameters appended to its query, each percent-encoded (so '+' stays '+').
QUrl withParameters(const QString &redirectUri, const QList<QPair<QString, QString>> &parameters);

} // namespace cfl::redirect
