#pragma once
// Redirect URI rules: exact matching (RFC 6749 §3.1.2.3, RFC 9700 §2.1) with the one exception of
// RFC 8252 §7.3 — a native app's loopback redirect may use any port, and only the port.

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace cfl::redirect {

// A host as QUrl::host() gives it: 127.0.0.1, ::1, [::1] or localhost.
bool isLoopbackHost(const QString &host);
// An http URI on a loopback address, however written (127.0.0.0/8, ::1, localhost): a native app's
// redirect, which any program on the machine may listen on (RFC 8252 §7.3, §8.6).
bool isLoopbackRedirect(const QString &uri);
// True when `received` equals one of `registered` character for character, or when both are written
// http://<loopback literal>[:port]<path and query> (127.0.0.1, [::1], localhost) with the same host
// literal, path and query, and `received` differs only in its port (1-65535, as a browser writes it).
// Nothing is normalised: 0x7f.1, 2130706433, localhost for 127.0.0.1 or /%63allback do not match.
bool matches(const QStringList &registered, const QString &received);
// Why a URI cannot be registered (nullopt when it can): absolute, no fragment (§3.1.2), https —
// or http on a loopback host written as a literal, without userinfo (RFC 8252 §7.3) — or a private-use
// scheme with a dot (RFC 8252 §7.1).
std::optional<QString> registrationProblem(const QString &uri);
// The redirect URI with parameters appended to its query, each percent-encoded (so '+' stays '+').
QUrl withParameters(const QString &redirectUri, const QList<QPair<QString, QString>> &parameters);

} // namespace cfl::redirect
