#pragma once
// What the bank saw, as trace events: who sent each request (by its User-Agent: John's browser,
// CoolLoan, PirateLoan or another client), to which of eddy / boris / banky, the bank's decisions in
// between, and the steps of the seed diagram as the endpoint that answered declared them
// (BankExchange::steps; nothing here reads a page, a path or a form for a number). John's actions
// (typing, accepting) are what the forms his browser posts say: the bank cannot see him.

#include "bank/BankServer.h"
#include "trace/TraceEvent.h"

namespace cfl {

QString senderOf(const HttpRequest &request);
QString bankPartyFor(const QString &path);
QList<TraceEvent> traceEventsFor(const BankExchange &exchange, qint64 exchangeId);

} // namespace cfl
