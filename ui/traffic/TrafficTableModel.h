#pragma once
// The traffic log's rows: one per HTTP exchange as each party saw it — the bank records what it receives and
// answers, CoolLoan and PirateLoan what they send and get — so an exchange between a client and the bank
// appears twice, once per point of view ("seen by").
//
// Decisions and actions are not exchanges: the sequence diagram draws them. They are left out by
// default, so that the table reads like a browser's network panel; showDecisions() puts them back as
// lighter, italic rows, in place, for "what did the bank think between request and answer". Their steps
// and refusals are folded into their exchange's row either way (the Step column of a consent POST reads
// "7 8 9 10"; a row whose exchange had a refusal is red).

#include "trace/TraceEvent.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QPointer>

namespace cfl {

class TraceModel;

class TrafficTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    // The story first (which step, who saw it, who talks to whom, with what, the answer, what it meant),
    // then the details that scroll off a narrow screen first.
    enum Column {
        StepColumn,
        SeenByColumn,
        PartiesColumn,
        MethodColumn,
        PathColumn,
        StatusColumn,
        WhatColumn,
        DurationColumn,
        ChannelColumn,
        TimeColumn,
        ColumnCount
    };
    enum Role {
        TraceIndexRole = Qt::UserRole + 1, // int: the event's index in the TraceModel
        RefusedRole, // bool: answered with an error, or a party refused
        ExchangeRole, // bool: an exchange row (not a decision or action)
        StatusRole, // int: the HTTP status (0 for none)
        FilterTextRole, // QString: what a plain filter word is matched against
    };

    explicit TrafficTableModel(TraceModel *trace, QObject *parent = nullptr);

    bool showDecisions() const { return m_showDecisions; }
    void setShowDecisions(bool show);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The event behind a row (nullptr when out of range).
    const TraceEvent *eventAt(int row) const;
    int exchangeCount() const;

    static QString seenByName(const QString &source);
    static QString durationText(qint64 durationUs);

private:
    // What the events of one exchange, as one party recorded it, add up to.
    struct Exchange
    {
        QList<int> steps;
        bool refused = false;
        QString responseSummary;
    };
    using ExchangeKey = QPair<QString, qint64>; // source, exchangeId

    void onAppended(int traceIndex);
    void rebuild();
    bool isRow(const TraceEvent &event) const;
    void account(const TraceEvent &event);
    static ExchangeKey keyOf(const TraceEvent &event) { return { event.source, event.exchangeId }; }
    QString stepText(const TraceEvent &event) const;
    QString whatText(const TraceEvent &event) const;
    bool isRefused(const TraceEvent &event) const;

    QPointer<TraceModel> m_trace;
    bool m_showDecisions = false;
    QList<int> m_rows; // indexes into the trace
    QHash<ExchangeKey, Exchange> m_exchanges;
    QHash<ExchangeKey, int> m_rowOfExchange;
};

} // namespace cfl
