#pragma once
// The traffic log's filter box. Words separated by spaces must all match:
//   token           a word: found (case-insensitive) in the parties, seen-by, channel, method, path or "what"
//   !browser        not found there
//   status>=400     a comparison on status, step or ms (duration): = == != < <= > >=
// An empty filter shows everything.

#include <QSortFilterProxyModel>
#include <QStringList>

namespace cfl {

class TrafficFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit TrafficFilterModel(QObject *parent = nullptr);

    void setFilter(const QString &filter);
    QString filter() const { return m_filter; }
    // False for a word like "status>>4" that looks like a comparison but is not one.
    bool isValid() const { return m_valid; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    struct Term
    {
        enum Kind { Word, NotWord, Compare } kind = Word;
        QString text; // Word, NotWord
        QString field; // Compare: status, step, ms
        QString op; // Compare
        double value = 0; // Compare
    };

    QString m_filter;
    QList<Term> m_terms;
    bool m_valid = true;
};

} // namespace cfl
