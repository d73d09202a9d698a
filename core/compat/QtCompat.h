#pragma once
// The one place where Qt versions differ (Qt 6.4.2 from Debian 12 is the floor; 6.5–6.8 from the Qt
// installer must build too). Every QT_VERSION_CHECK of the project lives in this header.

#include <QtGlobal>

#define CFL_QT_HTTPSERVER_RESPONDER_API (QT_VERSION >= QT_VERSION_CHECK(6, 5, 0))
// 6.5–6.6: missingHandler(request, QHttpServerResponder &&); from 6.7: QHttpServerResponder &.
#define CFL_QT_HTTPSERVER_MISSING_HANDLER_LVALUE (QT_VERSION >= QT_VERSION_CHECK(6, 7, 0))
#define CFL_QT_HTTPSERVER_HTTPHEADERS (QT_VERSION >= QT_VERSION_CHECK(6, 8, 0))
#define CFL_QT_OAUTH_HAS_PKCE (QT_VERSION >= QT_VERSION_CHECK(6, 8, 0))
#define CFL_QT_OAUTH_HAS_ID_TOKEN (QT_VERSION >= QT_VERSION_CHECK(6, 9, 0))

// No switch needed, but the reason the code looks as it does: Qt 6.8 warns on everything deprecated up
// to 7.0, so a -Werror build there (./dev check-qt68) breaks on APIs deprecated in 6.9. Such as
// QDateTime::fromSecsSinceEpoch(qint64, Qt::TimeSpec): pass QTimeZone::utc() instead, which 6.4 has too.

// No switch either: request limits. QHttpServer 6.4–6.8 enforces none (no size limit, no timeout, no
// connection cap); QHttpServerConfiguration adds a rate limit per IP (6.9), a keep-alive timeout of 15 s
// (6.10), size limits of 64 KiB URL / 64 KiB header section / 48 KiB field / 128 fields / 32 MiB body
// (6.11) and connection caps (6.12) — all per Qt's documentation. The bank keeps its own on every version
// (http/ConnectionGuard: smaller, per route). The guard relies on one thing QHttpServer does from 6.4 to
// 6.8: it reads each request inside a QIODevice transaction on the socket that starts at the request's
// first byte (6.4: QAbstractHttpServerPrivate::handleReadyRead; 6.8: QHttpServerHttp1ProtocolHandler::
// handleReadyRead); tests/integration/tst_requestlimits sends a request byte by byte to prove it.
