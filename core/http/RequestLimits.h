#pragma once
// How much of a request the server reads, and for how long, before it answers with an error instead of
// buffering more. Qt 6.4's QHttpServer has no limit of its own (it buffers request line, header fields
// and body whole, and waits forever for the rest); HttpServerAdapter enforces these in front of it
// (ConnectionGuard). Which limits later Qt versions enforce themselves: docs/architecture.md, "Qt versions".

#include <QByteArray>
#include <QList>
#include <QString>

namespace cfl {

// The largest body one route accepts: `path` exactly, or every path under it when it ends in '/'.
struct BodyLimit
{
    QByteArray method;
    QString path;
    qint64 maxBytes = 0;
};

struct RequestLimits
{
    // RFC 9112 §3: "It is RECOMMENDED that all HTTP senders and recipients support, at a minimum,
    // request-line lengths of 8000 octets." Longer → 414 (RFC 9110 §15.5.15).
    qsizetype maxRequestLineBytes = 8 * 1024;
    // One field line, all field lines together, and how many → 431 (RFC 6585 §5).
    qsizetype maxFieldLineBytes = 8 * 1024;
    qsizetype maxHeaderBytes = 32 * 1024;
    int maxHeaderFields = 100;
    // Bodies: the route's BodyLimit, else this → 413 (RFC 9110 §15.5.14), decided from Content-Length
    // before the body is read.
    QList<BodyLimit> bodyLimits;
    qint64 defaultMaxBodyBytes = 1024;

    // A request must arrive whole within this time of its first byte (slow requests, "Slowloris") → 408
    // (RFC 9110 §15.5.9). A connection with no request under way is closed after idleTimeoutMs (RFC 9112
    // §9.8: a server may close an idle connection at any time).
    int requestTimeoutMs = 10'000;
    int idleTimeoutMs = 15'000;

    // Open connections at once. At the cap an idle connection is closed to make room; when none is idle
    // the new one is answered 503 (RFC 9110 §15.6.4) and closed.
    int maxConnections = 64;

    // After an error answer the rest of what the client sends is read and dropped for up to this long (or
    // this much), so that closing does not reset the connection before the client has read the answer
    // (RFC 9112 §9.6, "tear-down").
    int lingerMs = 2'000;
    qint64 maxLingerBytes = 1024 * 1024;

    qint64 maxBodyBytes(const QByteArray &method, const QString &path) const;
    // The most one request may take on the wire: request line, header section, the largest body.
    qint64 maxRequestBytes() const;
};

} // namespace cfl
