#pragma once
// The backbone of the teaching views (docs/architecture.md, "The trace"): one immutable value per
// HTTP exchange, bank decision or user action, with the step of the seed diagram it realises.

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QUrl>

namespace cfl {

enum class TraceChannel {
    FrontChannel, // through John's browser (redirects, pages, forms)
    BackChannel, // server to server (token, revocation, discovery, JWKS)
    ResourceApi, // bearer calls to banky
    Internal, // a party's own decision (validate request, issue code, validate token)
    UserAction, // John types, clicks
};

QString channelName(TraceChannel channel);

// An HTTP exchange becomes two events, one arrow each: the request (from → to) and the response
// (to → from), sharing exchangeId and carrying the whole exchange, so that clicking either arrow
// shows both. Decisions and actions are one event each.
enum class TraceKind { Request, Response, Decision, Action };

QString kindName(TraceKind kind);
bool isBankParty(const QString &party); // eddy, boris, banky
// The attack lab's attacker (issue 11): each of Mallory's parties is a lifeline of its own, drawn red.
QString malloryDevice(); // "Mallory's device": a client with its own cookie jar
QString malloryMalware(); // "Mallory's malware": reads what passes on John's laptop, sends as it likes
QString malloryListener(); // "Mallory's listener": her site, an HTTP listener on loopback
// "MalloryBank": her authorization server, its own issuer on loopback (the mix-up, RFC 9700 §4.4)
QString malloryBank();
bool isMalloryParty(const QString &party);

struct TraceEvent
{
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    qint64 sequence = 0; // order of recording (TraceModel numbers them)
    qint64 exchangeId = 0; // the same for a request and its response
    TraceKind kind = TraceKind::Request;
    qint64 timeMs = 0; // epoch milliseconds
    QString source; // who recorded it: "bank", "coolloan", "pirateloan", "browser"
    TraceChannel channel = TraceChannel::BackChannel;
    QString from; // "John", "Browser", "CoolLoan", "PirateLoan", "eddy", "boris", "banky"
    QString to;
    QByteArray method; // empty for decisions and actions
    QUrl url;
    int status = 0;
    Headers requestHeaders;
    QByteArray requestBody;
    Headers responseHeaders;
    QByteArray responseBody;
    qint64 durationUs = 0;
    int step = 0; // seed step 1–16, 0 for none
    QString summary; // one line for people
    QString refusalRule; // for "why did it fail": the rule and RFC section
    QString expected;
    QString received;

    bool isExchange() const { return kind == TraceKind::Request || kind == TraceKind::Response; }
    // Exchanges a client recorded with the bank are also recorded by the bank itself: the diagram
    // draws the bank's copy once, the traffic log shows both points of view.
    bool mirrorsBankRecord() const;
    // The bank page's stylesheet and icon: real traffic (the log shows it) but not part of the story.
    bool isPageResource() const;
    // What the sequence diagram draws: neither of the two above.
    bool belongsInDiagram() const { return !mirrorsBankRecord() && !isPageResource(); }
};

} // namespace cfl

Q_DECLARE_METATYPE(cfl::TraceEvent)
