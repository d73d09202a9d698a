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
