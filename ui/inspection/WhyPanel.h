#pragma once
// Inspection panel "Why it failed": every refusal of the run — by the bank (its decisions with a broken
// rule) or by CoolLoan (its own checks) — newest first, with the rule, the RFC section and the values
// that were compared (expected vs received). Selecting one explains it, with what its error code means,
// and opens the exchange it belongs to.

#include <QWidget>

QT_BEGIN_NAMESPACE
class QTextBrowser;
class QTreeWidget;
QT_END_NAMESPACE

namespace cfl {

class ExchangeDetailView;
class TraceModel;

class WhyPanel : public QWidget
{
    Q_OBJECT
public:
    explicit WhyPanel(TraceModel *trace, QWidget *parent = nullptr);

    // What an OAuth error code means, in plain words with its RFC section; empty for an unknown code.
    static QString errorCodeExplanation(const QString &error);

private:
    void onAppended(int index);
    void showSelected();
    void showGlossary();

    TraceModel *m_trace;
    QTreeWidget *m_list;
    QTextBrowser *m_explanation;
    ExchangeDetailView *m_exchange;
};

} // namespace cfl
