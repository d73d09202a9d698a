#pragma once
// Log lines hold values that came from outside (paths, parameter names, client_id in a refusal). A
// decoded %0A would end the line and let a request write a fake one ("log forging", CWE-117; OWASP
// Logging Cheat Sheet, "Event data sources" → sanitise CR, LF and delimiters). Everything written to a
// log passes through escapeForLog, so one request is always one line and reads the same in a terminal.

#include <QString>
#include <QStringView>

namespace cfl {

// Control characters (C0, DEL, C1), the Unicode line and paragraph separators and the bidirectional
// controls (CVE-2021-42574, "Trojan Source": they reorder what a terminal shows) become visible escapes:
// \n \r \t, \xHH, \u{HHHH}. A backslash becomes "\\", so a sender cannot write something that reads as
// one of our escapes. Everything else, including non-ASCII text, stays as it is.
QString escapeForLog(QStringView text);

// Installs a Qt message handler that passes every message through escapeForLog before the handler that
// was there (Qt's own, which writes to stderr or the journal), for the messages of Qt and of the project
// (qCInfo(lcBank) names client_id in refusals). Call once, from main().
void installLogEscaping();

} // namespace cfl
