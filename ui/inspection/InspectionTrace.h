#pragma once
// What the inspection panels look up in the trace: where the bank issued a code (its 302 to the
// callback, seed step 10) and every time someone tried to redeem one at boris (POST /token with
// grant_type=authorization_code, seed step 12) — as the bank itself recorded them.

#include "trace/TraceModel.h"

#include <QList>
#include <QString>

#include <optional>

namespace cfl::inspect {

struct CodeRedemption
{
    int index = -1; // of the bank's request event in the trace
    qint64 exchangeId = 0;
    qint64 timeMs = 0;
    QString code;
    QString codeVerifier;
    QString redirectUri;
    int status = 0; // what boris answered
    QString error; // its "error", when it refused
    QString errorDescription;
};

struct CodeIssue
{
    int index = -1; // of the bank's response event
    qint64 exchangeId = 0;
    qint64 timeMs = 0;
    QString code;
    QString redirectTo; // the callback, without its query
};

// Every POST /token with grant_type=authorization_code the bank received, oldest first.
QList<CodeRedemption> codeRedemptions(const TraceModel &trace);
// The bank's redirect that carried `code` (the latest one when `code` is empty).
std::optional<CodeIssue> codeIssue(const TraceModel &trace, const QString &code = {});

} // namespace cfl::inspect
