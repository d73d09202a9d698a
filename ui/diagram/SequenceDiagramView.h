#pragma once
// The live sequence diagram: the seed diagram's lifelines, one arrow per event of the trace as it happens,
// numbered like the seed, with the current step explained beside it. Front channel (through John's browser)
// and back channel (server to server) are drawn differently, so that one sees where the code travels and
// where the tokens do. It follows the widget's font, so a bigger font on a projector makes a bigger diagram.
//
// This view holds the selection (live, or an arrow chosen), the keys, the explanation beside the diagram
// and the window with the exact exchange; SequenceDiagramCanvas paints the arrows where SequenceLayout puts
// them, SequenceStepStrip the sixteen steps above.

#include <QList>
#include <QStringList>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QDialog;
class QKeyEvent;
class QLabel;
class QTextBrowser;
class QTimer;
class QToolButton;
QT_END_NAMESPACE

namespace cfl {

class ExchangeDetailView;
class SequenceDiagramCanvas;
class SequenceStepStrip;
class TraceModel;
struct TraceEvent;

class SequenceDiagramView : public QWidget
{
    Q_OBJECT
public:
    explicit SequenceDiagramView(TraceModel *trace, QWidget *parent = nullptr);
    ~SequenceDiagramView() override;

    int arrowCount() const { return int(m_arrows.size()); }
    // The trace index each arrow draws (TraceModel::diagramIndexes(), as they arrived).
    int traceIndexOf(int arrow) const;
    // The current arrow: the selected one, or the newest while following the run live; -1 when empty.
    int selectedIndex() const;
    int selectedTraceIndex() const { return traceIndexOf(selectedIndex()); }
    bool isLive() const { return m_live; }
    // Selects an arrow and scrolls it into view; the view then stays on it while the run goes on
    // (out of live mode until followLive()).
    void selectArrow(int arrow);
    // Where an arrow and its label are drawn, in the coordinates of diagramViewport(); empty when out of
    // range.
    QRect arrowRect(int arrow) const;
    QWidget *diagramViewport() const;
    // The lifelines drawn, left to right: the seed's six, plus "PirateLoan", "Other" and Mallory's when they
    // took part.
    QStringList lifelines() const;
    // The window with the exact request and response, an ExchangeDetailView (nullptr until first opened).
    QDialog *detailDialog() const { return m_detail; }

public Q_SLOTS:
    void stepBack();
    void stepForward();
    void followLive();
    // Opens (or raises) the exact request and response of the current arrow.
    void showDetail();

Q_SIGNALS:
    // An arrow was clicked (or Enter pressed on it): the trace index of its event.
    void eventActivated(int traceIndex);
    // The current arrow changed (by selection, stepping, or a new arrow while live).
    void currentEventChanged(int traceIndex);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void applyFont();
    void onAppended(int traceIndex);
    void onCleared();
    void noteStep(int step); // adds a seed step to m_seenSteps the first time an arrow shows it
    void reloadAll();
    void setCurrent(int arrow, bool live);
    // What changes with the current arrow. The explanation and the detail window are rich text, laid
    // out and painted anew each time (a fifth of an update's time in a profile of `cfl-bench-ui trace`):
    // while arrows arrive live, `Coalesced` rewrites them at most every TextInterval ms, not once per
    // arrow — a burst of 10,000 events is not 10,000 layouts, and text that changed faster could not be
    // read anyway (docs/benchmarks.md). Everything else, the position and the scrolling included, is
    // immediate.
    enum class TextUpdate { Now, Coalesced };
    static constexpr int TextInterval = 100;
    void updateCurrent(TextUpdate text = TextUpdate::Now);
    void updateExplanation();
    void updateDetail();
    bool handleKey(QKeyEvent *event);
    void activate(int arrow);
    const TraceEvent *eventOf(int arrow) const;
    int firstArrowOfStep(int step) const;

    TraceModel *m_trace;
    QList<int> m_arrows; // trace indexes
    QList<int> m_seenSteps; // the seed steps among m_arrows, in order of arrival (kept as arrows arrive)
    int m_selected = -1; // arrow index while not live
    bool m_live = true;
    int m_unseen = 0; // arrows that arrived while not live
    SequenceDiagramCanvas *m_canvas;
    SequenceStepStrip *m_steps;
    QToolButton *m_back;
    QToolButton *m_forward;
    QToolButton *m_liveButton;
    QLabel *m_position;
    QTextBrowser *m_explanation;
    QTimer *m_textTimer; // a coalesced text update is due
    QDialog *m_detail = nullptr; // a child: lives as long as the view
    ExchangeDetailView *m_detailView = nullptr;
};

} // namespace cfl
