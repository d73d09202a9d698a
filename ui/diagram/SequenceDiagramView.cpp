#include "ui/diagram/SequenceDiagramView.h"

#include "trace/SeedSteps.h"
#include "trace/TraceModel.h"
#include "ui/diagram/ArrowColours.h"
#include "ui/diagram/SequenceDiagramCanvas.h"
#include "ui/diagram/SequenceStepStrip.h"
#include "ui/diagram/layout/SequenceLanes.h"
#include "ui/theme/Theme.h"
#include "ui/traffic/ExchangeDetailView.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QSplitter>
#include <QTextBrowser>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <utility>

namespace cfl {

using diagram::partyTitle;

namespace {

QString channelDescription(const TraceEvent &event)
{
    switch (event.channel) {
    case TraceChannel::FrontChannel:
        return SequenceDiagramView::tr("front channel — through John's browser");
    case TraceChannel::BackChannel:
        return SequenceDiagramView::tr("back channel — server to server, never through the browser");
    case TraceChannel::ResourceApi:
        return SequenceDiagramView::tr("resource API — server to server, with a bearer token");
    case TraceChannel::Internal:
        return SequenceDiagramView::tr("inside %1: a decision on its own data").arg(partyTitle(event.from));
    case TraceChannel::UserAction:
        return SequenceDiagramView::tr("John, in his browser");
    }
    return {};
}

QString legendHtml()
{
    return SequenceDiagramView::tr(
        "<p style='color:%1; font-size:small; margin-top:1em'><b>How to read the arrows</b><br><span "
        "style='color:%2'>━━▶ blue</span>: front channel, through John's browser<br><span "
        "style='color:%3'>━━▶ green</span>: back channel, server to server<br><b>- - -&gt;</b> dashed, "
        "open head: an answer<br><span style='color:%4'>━━▶ purple</span>: John himself &nbsp; ↲ a party's "
        "own check<br><span style='color:%5'>✘ red</span>: refused &nbsp; ◀ ▶ or arrow keys: step "
        "through</p>")
        .arg(theme::Muted.name(), theme::FrontChannel.name(), theme::BackChannel.name(), theme::John.name(),
            theme::RefusedArrow.name());
}

QString circledNumberHtml(int number, const QColor &colour)
{
    return QStringLiteral("<span style='background:%1; color:%2; font-weight:bold;'>&nbsp;%3&nbsp;</span>")
        .arg(colour.name(), theme::OnColour.name())
        .arg(number);
}

} // namespace

SequenceDiagramView::SequenceDiagramView(TraceModel *trace, QWidget *parent)
    : QWidget(parent)
    , m_trace(trace)
    , m_canvas(new SequenceDiagramCanvas(this))
    , m_steps(new SequenceStepStrip(this))
    , m_back(new QToolButton(this))
    , m_forward(new QToolButton(this))
    , m_liveButton(new QToolButton(this))
    , m_position(new QLabel(this))
    , m_explanation(new QTextBrowser(this))
    , m_textTimer(new QTimer(this))
{
    m_textTimer->setSingleShot(true);
    m_textTimer->setInterval(TextInterval);
    connect(m_textTimer, &QTimer::timeout, this, [this] {
        updateExplanation();
        updateDetail();
    });
    setObjectName(QStringLiteral("sequenceDiagram"));
    m_back->setObjectName(QStringLiteral("stepBack"));
    m_back->setText(QStringLiteral("◀"));
    m_back->setToolTip(tr("Previous arrow (Left)"));
    m_forward->setObjectName(QStringLiteral("stepForward"));
    m_forward->setText(QStringLiteral("▶"));
    m_forward->setToolTip(tr("Next arrow (Right)"));
    m_liveButton->setObjectName(QStringLiteral("followLive"));
    m_liveButton->setCheckable(true);
    m_liveButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_liveButton->setToolTip(tr("Follow the newest arrow as the run goes (End)"));
    // The keys belong to the diagram: a click on a button must not take the focus away from it.
    for (QToolButton *button : { m_back, m_forward, m_liveButton }) {
        button->setFocusPolicy(Qt::TabFocus);
        button->setAutoRaise(false);
    }
    m_position->setObjectName(QStringLiteral("sequencePosition"));
    m_position->setTextFormat(Qt::RichText);
    m_explanation->setObjectName(QStringLiteral("stepExplanation"));
    m_explanation->setOpenLinks(false);
    m_explanation->setFrameShape(QFrame::NoFrame);
    // A palette, not a style sheet: a styled widget would stop following the font (projector scale).
    QPalette paper = m_explanation->palette();
    paper.setColor(QPalette::Base, theme::ExplanationPaper);
    m_explanation->setPalette(paper);
    connect(m_back, &QToolButton::clicked, this, &SequenceDiagramView::stepBack);
    connect(m_forward, &QToolButton::clicked, this, &SequenceDiagramView::stepForward);
    connect(m_liveButton, &QToolButton::clicked, this, &SequenceDiagramView::followLive);
    connect(m_explanation, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) {
        if (url.scheme() == QLatin1String("cfl") && url.path() == QLatin1String("detail"))
            showDetail();
    });

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(4, 2, 4, 2);
    bar->setSpacing(4);
    bar->addWidget(m_back);
    bar->addWidget(m_forward);
    bar->addWidget(m_liveButton);
    bar->addSpacing(8);
    bar->addWidget(m_position, 1);
    bar->addWidget(m_steps);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("sequenceSplitter"));
    splitter->addWidget(m_canvas);
    splitter->addWidget(m_explanation);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 0);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);
    setFocusProxy(m_canvas);
    // The keys belong to the view (they move the selection), wherever in the canvas they are pressed.
    m_canvas->installEventFilter(this);
    connect(m_canvas, &SequenceDiagramCanvas::arrowClicked, this, &SequenceDiagramView::activate);
    connect(m_steps, &SequenceStepStrip::stepClicked, this, [this](int step) {
        const int arrow = firstArrowOfStep(step);
        if (arrow >= 0)
            selectArrow(arrow);
    });

    connect(m_trace, &TraceModel::appended, this, &SequenceDiagramView::onAppended);
    connect(m_trace, &TraceModel::cleared, this, &SequenceDiagramView::onCleared);
    reloadAll();
    applyFont();
}

SequenceDiagramView::~SequenceDiagramView() = default;

int SequenceDiagramView::traceIndexOf(int arrow) const
{
    return arrow >= 0 && arrow < m_arrows.size() ? m_arrows.at(arrow) : -1;
}

const TraceEvent *SequenceDiagramView::eventOf(int arrow) const
{
    const int index = traceIndexOf(arrow);
    return index >= 0 && index < m_trace->size() ? &m_trace->at(index) : nullptr;
}

int SequenceDiagramView::selectedIndex() const
{
    if (m_live)
        return int(m_arrows.size()) - 1;
    return m_selected;
}

QRect SequenceDiagramView::arrowRect(int arrow) const
{
    return m_canvas->arrowRect(arrow);
}

QStringList SequenceDiagramView::lifelines() const
{
    return m_canvas->lifelines();
}

QWidget *SequenceDiagramView::diagramViewport() const
{
    return m_canvas->viewport();
}

int SequenceDiagramView::firstArrowOfStep(int step) const
{
    if (step <= 0)
        return -1;
    for (int arrow = 0; arrow < m_arrows.size(); ++arrow) {
        if (eventOf(arrow)->step == step)
            return arrow;
    }
    return -1;
}

void SequenceDiagramView::reloadAll()
{
    m_arrows = m_trace->diagramIndexes();
    m_unseen = 0;
    m_seenSteps.clear();
    QList<TraceEvent> events;
    events.reserve(m_arrows.size());
    for (int index : std::as_const(m_arrows)) {
        events.append(m_trace->at(index));
        noteStep(events.constLast().step);
    }
    m_canvas->setArrows(std::move(events));
    updateCurrent();
}

void SequenceDiagramView::onAppended(int traceIndex)
{
    if (traceIndex < 0 || traceIndex >= m_trace->size() || !m_trace->at(traceIndex).belongsInDiagram())
        return;
    m_arrows.append(traceIndex);
    noteStep(m_trace->at(traceIndex).step);
    if (!m_live)
        ++m_unseen;
    m_canvas->appendArrow(m_trace->at(traceIndex));
    updateCurrent(TextUpdate::Coalesced);
}

void SequenceDiagramView::noteStep(int step)
{
    if (step > 0 && !m_seenSteps.contains(step))
        m_seenSteps.append(step);
}

void SequenceDiagramView::onCleared()
{
    m_arrows.clear();
    m_seenSteps.clear();
    m_selected = -1;
    m_live = true;
    m_unseen = 0;
    m_canvas->setArrows({});
    updateCurrent();
}

void SequenceDiagramView::selectArrow(int arrow)
{
    if (arrow < 0 || arrow >= m_arrows.size())
        return;
    setCurrent(arrow, false);
}

void SequenceDiagramView::stepBack()
{
    const int current = selectedIndex();
    if (current > 0)
        setCurrent(current - 1, false);
}

void SequenceDiagramView::stepForward()
{
    const int current = selectedIndex();
    if (current + 1 < m_arrows.size())
        setCurrent(current + 1, false);
}

void SequenceDiagramView::followLive()
{
    setCurrent(-1, true);
}

void SequenceDiagramView::setCurrent(int arrow, bool live)
{
    m_live = live;
    m_selected = live ? -1 : arrow;
    if (live)
        m_unseen = 0;
    updateCurrent();
}

void SequenceDiagramView::updateCurrent(TextUpdate text)
{
    const int current = selectedIndex();
    m_back->setEnabled(current > 0);
    m_forward->setEnabled(current >= 0 && current + 1 < m_arrows.size());
    m_liveButton->setChecked(m_live);
    m_liveButton->setText(m_live ? tr("● Live")
            : m_unseen > 0       ? tr("○ Live (%1 new)").arg(m_unseen)
                                 : tr("○ Live"));

    // The step we are in: the current arrow's, or the last numbered one before it.
    int step = 0;
    for (int arrow = current; arrow >= 0 && step == 0; --arrow)
        step = eventOf(arrow)->step;
    const QList<int> &seen = m_seenSteps;
    m_steps->setState(seen, step);
    if (m_arrows.isEmpty()) {
        m_position->setText(
            tr("<span style='color:%1'>Waiting for the first exchange…</span>").arg(theme::Muted.name()));
    } else {
        m_position->setText(
            tr("Arrow <b>%1</b> of %2 &nbsp;·&nbsp; seed steps seen: <b>%3</b> of %4%5")
                .arg(current + 1)
                .arg(m_arrows.size())
                .arg(seen.size())
                .arg(SeedStepCount)
                .arg(m_live ? tr(" &nbsp;·&nbsp; <span style='color:%1'>following live</span>")
                                  .arg(theme::Refused.name())
                            : QString()));
    }
    m_canvas->setCurrent(current, m_live);
    m_canvas->ensureArrowVisible(current);
    m_canvas->viewport()->update();
    if (text == TextUpdate::Now) {
        m_textTimer->stop();
        updateExplanation();
        updateDetail();
    } else if (m_live && !m_textTimer->isActive()) { // not live: the arrow read stays, and so does its text
        m_textTimer->start();
    }
    Q_EMIT currentEventChanged(traceIndexOf(current));
}

void SequenceDiagramView::updateExplanation()
{
    const TraceEvent *event = eventOf(selectedIndex());
    if (!event) {
        m_explanation->setHtml(
            tr("<p><b style='font-size:large'>The authorization code flow, live</b></p><p>Each arrow will "
               "be a real message between the parties: John, his browser, CoolLoan and the bank (eddy, "
               "boris, banky). Numbers match the 16 steps of the seed diagram; the step being played is "
               "explained here.</p>")
            + legendHtml());
        return;
    }
    const EventExplanation explanation = explanationFor(*event);
    const QColor colour = diagram::arrowColour(*event);
    QString html;
    if (event->step > 0) {
        html += tr("<p style='margin-bottom:0'>%1 <b style='font-size:large'>%2</b></p>")
                    .arg(circledNumberHtml(event->step, colour), explanation.title.toHtmlEscaped());
        html += tr("<p style='color:%1; margin-top:2px'>Step %2 of %3 &nbsp;·&nbsp; %4 → %5 "
                   "&nbsp;·&nbsp; %6</p>")
                    .arg(theme::Muted.name())
                    .arg(event->step)
                    .arg(SeedStepCount)
                    .arg(partyTitle(event->from), partyTitle(event->to), channelDescription(*event));
    } else {
        html += tr("<p style='margin-bottom:0'><b style='font-size:large; color:%1'>%2</b></p>")
                    .arg(colour.name(), explanation.title.toHtmlEscaped());
        html += tr("<p style='color:%1; margin-top:2px'>Not a numbered step of the seed &nbsp;·&nbsp; "
                   "%2 → %3 &nbsp;·&nbsp; %4</p>")
                    .arg(theme::Muted.name(), partyTitle(event->from), partyTitle(event->to),
                        channelDescription(*event));
    }
    html += QStringLiteral("<p>%1</p>").arg(explanation.text);
    if (isRefusal(*event) && (!event->refusalRule.isEmpty() || !event->expected.isEmpty())) {
        html += QStringLiteral(
            "<table style='background:%1; margin:4px 0' cellpadding='4' width='100%'><tr><td>")
                    .arg(theme::RefusedPaper.name());
        html += tr("<b style='color:%1'>✘ %2</b>")
                    .arg(theme::RefusedArrow.name(), event->summary.toHtmlEscaped());
        if (!event->refusalRule.isEmpty())
            html += tr("<br>Rule: <b>%1</b>").arg(event->refusalRule.toHtmlEscaped());
        if (!event->expected.isEmpty() || !event->received.isEmpty())
            html += tr("<br>Expected: <code>%1</code><br>Received: <code>%2</code>")
                        .arg(event->expected.toHtmlEscaped(), event->received.toHtmlEscaped());
        html += QStringLiteral("</td></tr></table>");
    }
    QString what;
    if (event->isExchange() && !event->method.isEmpty()) {
        what = QStringLiteral("<code>%1 %2</code> → <b>%3</b> &nbsp;·&nbsp; %4 ms")
                   .arg(QString::fromLatin1(event->method), event->url.path().toHtmlEscaped())
                   .arg(event->status)
                   .arg(QString::number(double(event->durationUs) / 1000.0, 'f', 1));
    }
    html += tr("<p style='color:%1'>This arrow: %2%3%4</p>")
                .arg(theme::Muted.name(), event->summary.toHtmlEscaped(),
                    what.isEmpty() ? QString() : QStringLiteral("<br>"), what);
    html += tr("<p><a href='cfl:detail'>Show the exact request and response…</a></p>");
    html += legendHtml();
    m_explanation->setHtml(html);
}

void SequenceDiagramView::activate(int arrow)
{
    if (arrow < 0 || arrow >= m_arrows.size())
        return;
    selectArrow(arrow);
    showDetail();
    Q_EMIT eventActivated(traceIndexOf(arrow));
}

void SequenceDiagramView::showDetail()
{
    if (selectedIndex() < 0)
        return;
    if (!m_detail) {
        m_detail = new QDialog(this);
        m_detail->setObjectName(QStringLiteral("exchangeDetail"));
        m_detail->setAttribute(Qt::WA_DeleteOnClose, false);
        m_detail->setModal(false);
        auto *layout = new QVBoxLayout(m_detail);
        m_detailView = new ExchangeDetailView(m_detail);
        layout->addWidget(m_detailView);
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, m_detail);
        connect(buttons, &QDialogButtonBox::rejected, m_detail, &QDialog::hide);
        layout->addWidget(buttons);
        const double u = fontMetrics().height();
        m_detail->resize(int(u * 52), int(u * 36));
    }
    m_detail->setFont(font());
    updateDetail();
    m_detail->show();
    m_detail->raise();
    m_detail->activateWindow();
}

void SequenceDiagramView::updateDetail()
{
    if (!m_detail || !m_detailView)
        return;
    const TraceEvent *event = eventOf(selectedIndex());
    if (!event) {
        m_detailView->clear();
        return;
    }
    m_detail->setWindowTitle(tr("Exact request and response — %1 → %2: %3")
                                 .arg(partyTitle(event->from), partyTitle(event->to), event->summary));
    // A decision or an action happened during an exchange: show that exchange (its rule and compared
    // values are beside the diagram already). CoolLoan's own checks have none.
    if (!event->isExchange() && event->exchangeId != 0) {
        for (const TraceEvent &other : m_trace->events()) {
            if (other.exchangeId == event->exchangeId && other.source == event->source
                && other.kind == TraceKind::Request) {
                m_detailView->showExchange(other);
                return;
            }
        }
    }
    m_detailView->showExchange(*event);
}

bool SequenceDiagramView::handleKey(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Left:
    case Qt::Key_Up:
        stepBack();
        return true;
    case Qt::Key_Right:
    case Qt::Key_Down:
        stepForward();
        return true;
    case Qt::Key_Home:
        selectArrow(0);
        return true;
    case Qt::Key_End:
        followLive();
        return true;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        activate(selectedIndex());
        return true;
    default:
        return false;
    }
}

void SequenceDiagramView::keyPressEvent(QKeyEvent *event)
{
    if (!handleKey(event))
        QWidget::keyPressEvent(event);
}

bool SequenceDiagramView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_canvas && event->type() == QEvent::KeyPress
        && handleKey(static_cast<QKeyEvent *>(event)))
        return true;
    return QWidget::eventFilter(watched, event);
}

void SequenceDiagramView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        applyFont();
}

// The view follows its font: on a projector, a bigger font makes a bigger diagram.
void SequenceDiagramView::applyFont()
{
    const QFontMetrics metrics(font());
    m_explanation->setMinimumWidth(metrics.averageCharWidth() * 30);
    const int buttonSize = int(metrics.height() * 1.7);
    for (QToolButton *button : { m_back, m_forward })
        button->setMinimumSize(buttonSize, buttonSize);
    m_liveButton->setMinimumHeight(buttonSize);
    m_steps->updateGeometry();
    if (m_detail)
        m_detail->setFont(font());
}

} // namespace cfl
