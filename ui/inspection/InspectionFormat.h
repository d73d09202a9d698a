#pragma once
// How the inspection panels (authorization request, PKCE, code, tokens, ledger, "why it failed") write
// their values: the same ticks, states, dates, countdowns and hash prefixes everywhere. All sizes are
// relative to the widget font, so that a trainer who enlarges it for the projector enlarges everything.

#include "storage/BankRecords.h"

#include <QByteArray>
#include <QColor>
#include <QString>

QT_BEGIN_NAMESPACE
class QTextBrowser;
class QWidget;
QT_END_NAMESPACE

namespace cfl::inspect {

// A value as the wire carries it (monospace, HTML-escaped); long tokens wrap anywhere in a QTextBrowser.
QString mono(const QString &text);
// "✔ text" in theme::Ok / "✘ text" in theme::Refused (HTML).
QString verdict(bool ok, const QString &text);
QString muted(const QString &text);
// A heading inside a panel's text.
QString heading(const QString &text);
// The opening tag of a full-width table with thin rules between its cells (close it with "</table>").
QString ruledTable(int cellPadding = 4);
// Local date and time of seconds since the epoch, e.g. "14:03:27 · 23 Nov 2025"; "—" for 0.
QString dateTime(qint64 secondsSinceEpoch);
QString timeOfDay(qint64 millisecondsSinceEpoch);
// "in 0:42", "in 9 min 12 s", "in 13 d 23 h"; "expired 0:05 ago" once past.
QString countdown(qint64 expiresAt, qint64 now);
// Codes and tokens are stored as SHA-256 hex: the ledger shows the first 10 characters.
QString hashPrefix(const QByteArray &hash);

// Ledger states (docs/architecture.md, "Bank state"): active, redeemed, expired, rotated, revoked.
QString stateOf(const AuthorizationCode &code, qint64 now);
QString stateOf(const IssuedToken &token, qint64 now);
QString stateOf(const Consent &consent);
QString stateOf(const LoginSession &session, qint64 now);
QColor stateColour(const QString &state);
// The state as a coloured word (HTML).
QString stateBadge(const QString &state);

// A read-only text view for a panel: widget font, links inert, tokens wrap anywhere.
QTextBrowser *textView(const QString &objectName, QWidget *parent);
// Replaces the view's HTML only when it changed, keeping the reader's scroll position.
void setHtmlKeepingScroll(QTextBrowser *view, const QString &html);

} // namespace cfl::inspect
