#pragma once
// What the bank saw, as trace events: who sent each request (by its User-Agent: John's browser,
// CoolLoan, PirateLoan or another client), to which of eddy / boris / banky, which step of the seed
// diagram the request and its answer realise, and the bank's decisions in between. John's actions
// (typing, accepting) are inferred from the forms his browser posts: the bank cannot see him.

#include "bank/BankServer.h"
#include "trace/TraceEvent.h"

namespace cfl {

QString senderOf(const HttpRequest &request);
QString bankPartyFor(const QString &path);
QList<TraceEvent> traceEventsFor(const BankExchange &exchange, qint64 exchangeId);

} // namespace cfl
