#pragma once
// Where the request at the front of a connection ends, and whether it stays within RequestLimits — read
// from the bytes received so far, before QHttpServer buffers any more of it. A pure function of those
// bytes: ConnectionGuard calls it on every read, the unit tests and the fuzz target call it directly.
//
// It frames a request as QHttpServer 6.4 does (leading CR/LF/whitespace skipped, LF or CRLF line ends,
// the body by Content-Length) but accepts less: everything it lets through is also parsed whole by Qt's
// header parser (at most 100 field lines of at most 8 KiB, no obs-fold), so both agree on where the
// request ends.

#include "http/RequestLimits.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace cfl {

struct RequestCheck
{
    enum class State {
        Empty, // nothing but whitespace between requests
        Incomplete, // a request has begun and is within the limits so far
        Complete, // a whole request of `length` bytes is there, within the limits
        Refused, // `status` and `reason` say why; the connection is answered and closed
    };
    State state = State::Empty;
    qsizetype length = 0; // Complete: bytes up to the end of the body, leading whitespace included
    int status = 0; // Refused: 400, 411, 413, 414, 431 or 505
    QString reason; // Refused: one sentence for the client, with the RFC section
    QByteArray method; // once the request line is known
    QString path;
};

RequestCheck checkRequest(QByteArrayView received, const RequestLimits &limits);

} // namespace cfl
