#pragma once
// The scopes this bank knows, in plain words for the consent page (what data each one releases). A scope
// list's wire form (parse, join, sorted) is in storage/ScopeList.h, which storage reads and writes it with.

#include "storage/ScopeList.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace cfl::scopes {

struct ScopeInfo
{
    QString name;
    QString title; // "Read your accounts"
    QString releases; // "Account names, IBANs and balances"
    bool optional = true; // John may untick it on the consent page
};

const QList<ScopeInfo> &all();
const ScopeInfo *find(const QString &name);
QStringList names();
// parse, join and sorted: storage/ScopeList.h
bool isValidScopeToken(const QString &token); // §3.3 scope-token = 1*( %x21 / %x23-5B / %x5D-7E )

} // namespace cfl::scopes
