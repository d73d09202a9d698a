#include "ui/diagram/SequenceDiagramView.h"

#include "trace/SeedSteps.h"
#include "trace/TraceModel.h"
#include "ui/theme/Theme.h"
#include "ui/traffic/ExchangeDetailView.h"

#include <QAbstractScrollArea>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHash>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <QScrollBar>
#include <QSplitter>
#include <QTextBrowser>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace cfl {

namespace {

struct Lane
{
    QString key;
    QString icon; // the cast's picture (theme::illustration), as in the cast strip
    QString glyph; // when there is no picture
    QString name;
    QString role;
    QColor colour;
};

// The seed's participants, left to right, with PirateLoan and any other client next to CoolLoan.
const QList<Lane> &allLanes()
{
    static const QList<Lane> lanes {
        { QStringLiteral("John"), QStringLiteral("cast/john"), QStringLiteral("☺"), QStringLiteral("John"),
            QStringLiteral("Resource Owner"), theme::John },
        { QStringLiteral("Browser"), QStringLiteral("cast/browser"), QStringLiteral("◫"),
            QStringLiteral("User Agent"), QStringLiteral("John's browser"), theme::Browser },
        { QStringLiteral("CoolLoan"), QStringLiteral("cast/coolloan"), QStringLiteral("✔"),
            QStringLiteral("CoolLoan"), QStringLiteral("3rd party (client)"), theme::CoolLoan },
        { QStringLiteral("PirateLoan"), QStringLiteral("cast/pirateloan"), QStringLiteral("☠"),
            QStringLiteral("PirateLoan"), QStringLiteral("3rd party, password"), theme::PirateLoan },
        { QStringLiteral("Other"), QString(), QStringLiteral("?"), QStringLiteral("Other client"),
            QStringLiteral("not CoolLoan"), theme::OtherClient },
        { QStringLiteral("eddy"), QStringLiteral("cast/eddy"), QStringLiteral("⌂"), QStringLiteral("eddy"),
            QStringLiteral("Authorization Server"), theme::Bank },
        { QStringLiteral("boris"), QStringLiteral("cast/boris"), QStringLiteral("⇄"), QStringLiteral("boris"),
            QStringLiteral("TokenProvider"), theme::Bank },
        { QStringLiteral("banky"), QStringLiteral("cast/banky"), QStringLiteral("€"), QStringLiteral("banky"),
            QStringLiteral("Resource Server"), theme::Bank },
    };
    return lanes;
}

QString laneKey(const QString &party)
{
    for (const Lane &lane : allLanes()) {
        if (lane.key == party && party != QLatin1String("Other"))
            return party;
    }
    return QStringLiteral("Other");
}

// Smaller type for secondary text, whether the font is sized in points or in pixels.
QFont scaled(const QFont &font, double factor)
{
    QFont f = font;
    if (font.pointSizeF() > 0)
        f.setPointSizeF(font.pointSizeF() * factor);
    else if (font.pixelSize() > 0)
        f.setPixelSize(std::max(1, qRound(font.pixelSize() * factor)));
    return f;
}

QString partyTitle(const QString &party)
{
    const QString key = laneKey(party);
    for (const Lane &lane : allLanes()) {
        if (lane.key == key)
            return lane.name;
    }
    return party;
}

QColor arrowColour(const TraceEvent &event)
{
    if (isRefusal(event))
        return theme::RefusedArrow;
    switch (event.kind) {
    case TraceKind::Action:
        return theme::John;
    case TraceKind::Decision:
        return theme::Decision;
    case TraceKind::Request:
    case TraceKind::Response:
        break;
    }
    return event.channel == TraceChannel::FrontChannel ? theme::FrontChannel : theme::BackChannel;
}

// The colour a seed step's arrow has, for the step strip.
QColor stepColour(const SeedStep &step)
{
    if (step.from == step.to)
        return theme::Decision;
    if (step.from == QLatin1String("John"))
        return theme::John;
    if (step.from == QLatin1String("Browser") || step.to == QLatin1String("Browser"))
        return theme::FrontChannel;
    return theme::BackChannel;
}

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

// Long random path segments (interaction ids) would push the label off the screen.
QString shortPath(const QUrl &url)
{
    QStringList parts = url.path().split(QLatin1Char('/'));
    for (QString &part : parts) {
        if (part.size() > 14)
            part = part.left(6) + QStringLiteral("…");
    }
    QString path = parts.join(QLatin1Char('/'));
    if (url.hasQuery())
        path += QStringLiteral("?…");
    return path;
}

// The HTTP behind a label, when the label does not say it already: "GET /authorize?…", "302".
QString httpHint(const TraceEvent &event)
{
    if (event.kind == TraceKind::Request && !event.method.isEmpty()) {
        if (event.summary.startsWith(QString::fromLatin1(event.method)))
            return {};
        return QStringLiteral("%1 %2").arg(QString::fromLatin1(event.method), shortPath(event.url));
    }
    if (event.kind == TraceKind::Response && event.status > 0) {
        const QString status = QString::number(event.status);
        return event.summary.startsWith(status) ? QString() : status;
    }
    if (!event.refusalRule.isEmpty())
        return event.refusalRule;
    return {};
}

QString arrowLabel(const TraceEvent &event)
{
    QString label = event.summary.isEmpty() ? kindName(event.kind) : event.summary;
    label.replace(QLatin1Char('\n'), QLatin1Char(' '));
    // "GET /interaction/6A9bOiK7Xo5b…": the id says nothing to a reader, the detail view has it whole.
    if (!event.method.isEmpty() && label.startsWith(QString::fromLatin1(event.method) + QLatin1Char(' '))) {
        const qsizetype end = label.indexOf(QLatin1Char(' '), event.method.size() + 1);
        const QString path = label.mid(event.method.size() + 1, end < 0 ? -1 : end - event.method.size() - 1);
        label.replace(event.method.size() + 1, path.size(), shortPath(QUrl(path)));
    }
    return isRefusal(event) ? QStringLiteral("✘ ") + label : label;
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

// --- the painted diagram --------------------------------------------------------------------------

class SequenceDiagramCanvas : public QAbstractScrollArea
{
public:
    explicit SequenceDiagramCanvas(SequenceDiagramView *view);

    void relayout();
    QStringList lifelines() const;
    void ensureArrowVisible(int arrow);
    QRect arrowRect(int arrow) const;

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void scrollContentsBy(int, int) override { viewport()->update(); }
    void changeEvent(QEvent *event) override
    {
        QAbstractScrollArea::changeEvent(event);
        if (event->type() == QEvent::FontChange)
            relayout();
    }

private:
    struct Geometry
    {
        QRectF row; // the whole band of the arrow, content coordinates
        double x1 = 0; // tail
        double x2 = 0; // head
        double lineY = 0;
        bool selfLoop = false;
        QRectF loop;
        QRectF label; // circled number + text + hint
        QString text;
        QString hint;
    };

    double unit() const { return fontMetrics().height(); }
    int rowHeight() const { return qRound(unit() * 2.15); }
    int headerHeight() const { return qRound(unit() * (2.95 + 0.85 * (m_roleLines - 1))); }
    double iconSide() const { return unit() * 1.1; }
    QString nameLine(const Lane &lane) const;
    QStringList roleLines(const Lane &lane) const;
    int topPad() const { return qRound(unit() * 0.4); }
    double laneX(const QString &party) const;
    Geometry geometry(int arrow) const;
    QPointF toViewport(QPointF content) const;
    int arrowAt(const QPoint &viewportPos) const;
    void paintArrow(QPainter &p, int arrow, bool current) const;
    void paintHeaders(QPainter &p) const;
    QFont hintFont() const;
    QFont numberFont() const;
    double badgeWidth(int step) const
    {
        return std::max(unit() * 1.05,
            QFontMetricsF(numberFont()).horizontalAdvance(QString::number(step)) + unit() * 0.45);
    }

    SequenceDiagramView *m_view;
    QList<Lane> m_lanes; // visible ones
    QList<double> m_laneX; // content coordinates
    QList<double> m_headerWidths; // one per visible lane
    int m_roleLines = 1; // two when the lanes would not fit side by side with the roles on one line
    QHash<QString, QPixmap> m_icons;
    int m_contentWidth = 0;
};

SequenceDiagramCanvas::SequenceDiagramCanvas(SequenceDiagramView *view)
    : QAbstractScrollArea(view)
    , m_view(view)
{
    setObjectName(QStringLiteral("sequenceCanvas"));
    viewport()->setObjectName(QStringLiteral("sequenceViewport"));
    viewport()->setMouseTracking(true);
    viewport()->setAutoFillBackground(false);
    setFocusPolicy(Qt::StrongFocus);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
}

QFont SequenceDiagramCanvas::hintFont() const
{
    return scaled(font(), 0.88);
}

QFont SequenceDiagramCanvas::numberFont() const
{
    QFont f = scaled(font(), 0.85);
    f.setBold(true);
    return f;
}

void SequenceDiagramCanvas::relayout()
{
    bool pirate = false;
    bool other = false;
    for (int i = 0; i < m_view->arrowCount(); ++i) {
        const TraceEvent *event = m_view->eventOf(i);
        for (const QString &party : { event->from, event->to }) {
            const QString key = laneKey(party);
            pirate = pirate || key == QLatin1String("PirateLoan");
            other = other || key == QLatin1String("Other");
        }
    }
    m_lanes.clear();
    for (const Lane &lane : allLanes()) {
        if ((lane.key == QLatin1String("PirateLoan") && !pirate)
            || (lane.key == QLatin1String("Other") && !other))
            continue;
        m_lanes.append(lane);
    }

    const double u = unit();
    QFont bold = font();
    bold.setBold(true);
    const QFontMetricsF nameMetrics(bold);
    const QFontMetricsF roleMetrics(hintFont());
    const double margin = u * 0.5;
    const double rightRoom = u * 1.5; // the self-loops of the last lane
    const int n = int(m_lanes.size());
    const int side = qRound(iconSide());
    if (m_icons.isEmpty() || m_icons.cbegin()->height() != qRound(side * devicePixelRatioF())) {
        m_icons.clear();
        for (const Lane &lane : allLanes()) {
            if (!lane.icon.isEmpty())
                m_icons.insert(
                    lane.key, theme::illustrationPixmap(lane.icon, QSize(side, side), devicePixelRatioF()));
        }
    }
    // Lanes share the width evenly; the diagram scrolls sideways only when the headers would overlap,
    // even with the roles on two lines ("Authorization / Server": a bigger font on a projector).
    const double pad = u * 0.3;
    QList<double> minGaps;
    double span = 0; // from the first lifeline to the last, at the least
    for (m_roleLines = 1; m_roleLines <= 2; ++m_roleLines) {
        m_headerWidths.clear();
        for (const Lane &lane : std::as_const(m_lanes)) {
            double width = nameMetrics.horizontalAdvance(nameLine(lane))
                + (nameLine(lane) == lane.name ? iconSide() + u * 0.3 : 0);
            for (const QString &line : roleLines(lane))
                width = std::max(width, roleMetrics.horizontalAdvance(line));
            m_headerWidths.append(width + u * 0.6);
        }
        minGaps.clear();
        span = 0;
        for (int i = 1; i < n; ++i) {
            minGaps.append((m_headerWidths.at(i - 1) + m_headerWidths.at(i)) / 2 + pad);
            span += minGaps.last();
        }
        const double outer = n > 0 ? (m_headerWidths.first() + m_headerWidths.last()) / 2 : 0;
        if (margin * 2 + rightRoom + outer + span <= viewport()->width())
            break;
    }
    m_roleLines = std::min(m_roleLines, 2);
    m_laneX.clear();
    if (n == 0) {
        m_contentWidth = viewport()->width();
    } else {
        const double first = margin + m_headerWidths.first() / 2;
        const double available = viewport()->width() - first - margin - m_headerWidths.last() / 2 - rightRoom;
        const double even = n > 1 ? available / (n - 1) : 0;
        const bool evenFits
            = std::all_of(minGaps.cbegin(), minGaps.cend(), [even](double gap) { return gap <= even; });
        const double extra = n > 1 ? std::max(0.0, (available - span) / (n - 1)) : 0;
        m_laneX.append(first);
        for (int i = 1; i < n; ++i)
            m_laneX.append(m_laneX.last() + (evenFits ? even : minGaps.at(i - 1) + extra));
        m_contentWidth = int(std::ceil(m_laneX.last() + m_headerWidths.last() / 2 + margin + rightRoom));
    }

    const int bodyHeight = std::max(0, viewport()->height() - headerHeight());
    const int contentHeight = topPad() * 2 + m_view->arrowCount() * rowHeight() + qRound(u * 0.5);
    verticalScrollBar()->setRange(0, std::max(0, contentHeight - bodyHeight));
    verticalScrollBar()->setPageStep(bodyHeight);
    verticalScrollBar()->setSingleStep(std::max(1, rowHeight() / 2));
    horizontalScrollBar()->setRange(0, std::max(0, m_contentWidth - viewport()->width()));
    horizontalScrollBar()->setPageStep(viewport()->width());
    horizontalScrollBar()->setSingleStep(qRound(u * 2));
    viewport()->update();
}

QStringList SequenceDiagramCanvas::lifelines() const
{
    QStringList keys;
    for (const Lane &lane : m_lanes)
        keys.append(lane.key);
    return keys;
}

QString SequenceDiagramCanvas::nameLine(const Lane &lane) const
{
    return lane.icon.isEmpty() || !m_icons.contains(lane.key) || m_icons.value(lane.key).isNull()
        ? lane.glyph + QLatin1Char(' ') + lane.name
        : lane.name;
}

QStringList SequenceDiagramCanvas::roleLines(const Lane &lane) const
{
    // Cut at the space nearest the middle.
    const qsizetype middle = lane.role.size() / 2;
    qsizetype cut = -1;
    for (qsizetype i = 0; i < lane.role.size(); ++i) {
        if (lane.role.at(i) == QLatin1Char(' ') && (cut < 0 || qAbs(i - middle) < qAbs(cut - middle)))
            cut = i;
    }
    if (m_roleLines < 2 || cut < 0)
        return { lane.role };
    return { lane.role.left(cut), lane.role.mid(cut + 1) };
}

double SequenceDiagramCanvas::laneX(const QString &party) const
{
    const QString key = laneKey(party);
    for (int i = 0; i < m_lanes.size(); ++i) {
        if (m_lanes.at(i).key == key)
            return m_laneX.at(i);
    }
    return m_laneX.isEmpty() ? 0 : m_laneX.last();
}

SequenceDiagramCanvas::Geometry SequenceDiagramCanvas::geometry(int arrow) const
{
    Geometry g;
    const TraceEvent *event = m_view->eventOf(arrow);
    if (!event)
        return g;
    const double u = unit();
    const double top = topPad() + double(arrow) * rowHeight();
    g.row = QRectF(0, top, std::max(m_contentWidth, viewport()->width()), rowHeight());
    g.x1 = laneX(event->from);
    g.x2 = laneX(event->to);
    g.selfLoop = laneKey(event->from) == laneKey(event->to);
    g.lineY = top + u * 1.6;
    if (g.selfLoop)
        g.loop = QRectF(g.x1, top + u * 1.2, u * 1.3, u * 0.75);

    g.text = arrowLabel(*event);
    g.hint = httpHint(*event);
    // Measured in bold: the current arrow's label is drawn bold.
    QFont bold = font();
    bold.setBold(true);
    const QFontMetricsF text(bold);
    const QFontMetricsF hint(hintFont());
    const double circle = event->step > 0 ? badgeWidth(event->step) + u * 0.3 : 0;
    double width = circle + text.horizontalAdvance(g.text)
        + (g.hint.isEmpty() ? 0 : u * 0.6 + hint.horizontalAdvance(g.hint));
    const double right = std::max<double>(m_contentWidth, viewport()->width()) - u * 0.3;
    double x = std::min(g.x1, g.x2) + u * 0.35;
    if (x + width > right)
        x = std::max(u * 0.3, right - width);
    width = std::min(width, right - x);
    g.label = QRectF(x, top + u * 0.1, width, u * 1.05);
    return g;
}

QPointF SequenceDiagramCanvas::toViewport(QPointF content) const
{
    return { content.x() - horizontalScrollBar()->value(),
        content.y() + headerHeight() - verticalScrollBar()->value() };
}

QRect SequenceDiagramCanvas::arrowRect(int arrow) const
{
    if (arrow < 0 || arrow >= m_view->arrowCount())
        return {};
    const Geometry g = geometry(arrow);
    const double u = unit();
    QRectF figure(
        QPointF(std::min(g.x1, g.x2), g.lineY - u * 0.3), QPointF(std::max(g.x1, g.x2), g.lineY + u * 0.3));
    if (g.selfLoop)
        figure = g.loop.adjusted(0, -u * 0.2, 0, u * 0.2);
    const QRectF r = figure.united(g.label);
    return QRectF(toViewport(r.topLeft()), r.size()).toAlignedRect();
}

int SequenceDiagramCanvas::arrowAt(const QPoint &pos) const
{
    if (pos.y() < headerHeight())
        return -1;
    const int y = pos.y() - headerHeight() + verticalScrollBar()->value() - topPad();
    if (y < 0)
        return -1;
    const int row = y / rowHeight();
    return row < m_view->arrowCount() ? row : -1;
}

void SequenceDiagramCanvas::ensureArrowVisible(int arrow)
{
    if (arrow < 0 || arrow >= m_view->arrowCount())
        return;
    // Keep a neighbour in sight on each side when there is room: stepping shows what comes next.
    const int bodyHeight = viewport()->height() - headerHeight();
    const int context = bodyHeight >= rowHeight() * 3 ? rowHeight() : 0;
    const int top = topPad() + arrow * rowHeight() - context;
    const int bottom = topPad() + (arrow + 1) * rowHeight() + context
        + (arrow + 1 == m_view->arrowCount() ? qRound(unit() * 0.5) : 0);
    QScrollBar *vertical = verticalScrollBar();
    if (top < vertical->value())
        vertical->setValue(top);
    else if (bottom > vertical->value() + bodyHeight)
        vertical->setValue(bottom - bodyHeight);

    // Sideways, when the lanes do not fit: the arrow with its label if it fits, else its start.
    const Geometry g = geometry(arrow);
    const double left = std::min({ g.x1, g.x2, g.label.left() }) - unit() * 0.5;
    const double right = std::max({ g.x1, g.x2, g.loop.right(), g.label.right() }) + unit() * 0.5;
    QScrollBar *horizontal = horizontalScrollBar();
    const int width = viewport()->width();
    if (right - left <= width) {
        if (left < horizontal->value())
            horizontal->setValue(int(left));
        else if (right > horizontal->value() + width)
            horizontal->setValue(int(std::ceil(right)) - width);
    } else {
        horizontal->setValue(int(left));
    }
}

void SequenceDiagramCanvas::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    relayout();
    if (m_view->isLive())
        ensureArrowVisible(m_view->selectedIndex());
}

bool SequenceDiagramCanvas::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int arrow = arrowAt(help->pos());
        if (const TraceEvent *traced = m_view->eventOf(arrow)) {
            QString tip
                = QStringLiteral("<b>%1 → %2</b>: %3")
                      .arg(partyTitle(traced->from), partyTitle(traced->to), traced->summary.toHtmlEscaped());
            if (traced->isExchange())
                tip += QStringLiteral("<br><code>%1 %2</code> → %3")
                           .arg(QString::fromLatin1(traced->method), traced->url.path().toHtmlEscaped())
                           .arg(traced->status);
            tip += QStringLiteral("<br><i>%1</i>")
                       .arg(SequenceDiagramView::tr("Click for the exact request and response."));
            QToolTip::showText(help->globalPos(), tip, viewport());
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void SequenceDiagramCanvas::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QAbstractScrollArea::mousePressEvent(event);
    setFocus(Qt::MouseFocusReason);
    const int arrow = arrowAt(event->position().toPoint());
    if (arrow >= 0)
        m_view->activate(arrow);
}

void SequenceDiagramCanvas::mouseDoubleClickEvent(QMouseEvent *event)
{
    mousePressEvent(event);
}

void SequenceDiagramCanvas::keyPressEvent(QKeyEvent *event)
{
    if (!m_view->handleKey(event))
        QAbstractScrollArea::keyPressEvent(event);
}

void SequenceDiagramCanvas::paintEvent(QPaintEvent *)
{
    QPainter p(viewport());
    p.setRenderHint(QPainter::Antialiasing);
    const QRect area = viewport()->rect();
    p.fillRect(area, theme::Paper);
    const int header = headerHeight();
    const double u = unit();

    // Lifelines, under everything.
    p.save();
    for (int i = 0; i < m_lanes.size(); ++i) {
        const double x = m_laneX.at(i) - horizontalScrollBar()->value();
        QColor c = m_lanes.at(i).colour;
        c.setAlpha(110);
        QPen pen(c, std::max(1.0, u / 12));
        pen.setStyle(Qt::DashLine);
        p.setPen(pen);
        p.drawLine(QPointF(x, header - u * 0.3), QPointF(x, area.bottom()));
    }
    p.restore();

    p.save();
    p.setClipRect(QRect(0, header, area.width(), area.height() - header));
    const int current = m_view->selectedIndex();
    const int first = std::max(0, (verticalScrollBar()->value() - topPad()) / rowHeight() - 1);
    const int last = std::min(m_view->arrowCount() - 1, first + (area.height() - header) / rowHeight() + 2);
    for (int arrow = first; arrow <= last; ++arrow)
        paintArrow(p, arrow, arrow == current);
    p.restore();

    paintHeaders(p);

    if (m_view->arrowCount() == 0) {
        p.setPen(theme::Muted);
        const QRect message = area.adjusted(qRound(u * 2), header + qRound(u), -qRound(u * 2), 0);
        p.drawText(message, Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap,
            SequenceDiagramView::tr(
                "Nothing has happened yet. Press “▶ Autoplay CoolLoan” in the toolbar, or “Connect your "
                "bank” in CoolLoan: every real exchange will appear here as an arrow, numbered like the "
                "steps of the seed diagram."));
    }
}

void SequenceDiagramCanvas::paintHeaders(QPainter &p) const
{
    const double u = unit();
    const int header = headerHeight();
    p.fillRect(QRect(0, 0, viewport()->width(), header - qRound(u * 0.3)), theme::Paper);
    QFont bold = font();
    bold.setBold(true);
    for (int i = 0; i < m_lanes.size(); ++i) {
        const Lane &lane = m_lanes.at(i);
        const double x = m_laneX.at(i) - horizontalScrollBar()->value();
        const QStringList roles = roleLines(lane);
        const double headerWidth = m_headerWidths.at(i);
        const QRectF box(x - headerWidth / 2, u * 0.25, headerWidth, u * (1.45 + 0.85 * roles.size()));
        QColor fill = lane.colour;
        fill.setAlpha(28);
        p.setPen(QPen(lane.colour, std::max(1.5, u / 9)));
        p.setBrush(theme::Paper);
        p.drawRoundedRect(box, u * 0.35, u * 0.35);
        p.setBrush(fill);
        p.drawRoundedRect(box, u * 0.35, u * 0.35);
        p.setFont(bold);
        p.setPen(lane.colour.darker(115));
        const QString name = nameLine(lane);
        const QPixmap icon = m_icons.value(lane.key);
        const double nameWidth = QFontMetricsF(bold).horizontalAdvance(name);
        const double iconWidth = name == lane.name ? iconSide() + u * 0.3 : 0;
        const double left = x - (iconWidth + nameWidth) / 2;
        const QRectF nameRect(left + iconWidth, box.top() + u * 0.15, nameWidth + 1, u * 1.1);
        if (iconWidth > 0)
            p.drawPixmap(QRectF(left, nameRect.center().y() - iconSide() / 2, iconSide(), iconSide()), icon,
                QRectF(icon.rect()));
        p.drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter, name);
        p.setFont(hintFont());
        p.setPen(theme::Muted);
        for (int line = 0; line < roles.size(); ++line)
            p.drawText(QRectF(box.left(), box.top() + u * (1.2 + 0.85 * line), box.width(), u * 0.9),
                Qt::AlignCenter, roles.at(line));
    }
    p.setFont(font());
    QColor rule = theme::Muted;
    rule.setAlpha(60);
    p.setPen(QPen(rule, 1));
    p.drawLine(QPointF(0, header - 0.5), QPointF(viewport()->width(), header - 0.5));
}

void SequenceDiagramCanvas::paintArrow(QPainter &p, int arrow, bool current) const
{
    const TraceEvent *event = m_view->eventOf(arrow);
    if (!event)
        return;
    const Geometry g = geometry(arrow);
    const double u = unit();
    const QPointF offset = toViewport(QPointF(0, 0));
    const QColor colour = arrowColour(*event);
    const bool response = event->kind == TraceKind::Response;

    if (current) {
        const QRectF band = g.row.translated(offset).adjusted(-offset.x(), 0, 0, 0);
        p.fillRect(band, theme::CurrentRowPaper);
        p.fillRect(QRectF(band.left(), band.top(), u * 0.25, band.height()), theme::Warning);
    }

    const double width = std::max(1.5, u / 8) * (current ? 1.7 : 1.0);
    QPen pen(colour, width, Qt::SolidLine, Qt::FlatCap, Qt::MiterJoin);
    if (response)
        pen.setDashPattern({ 4.0, 3.0 });
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    const double head = u * 0.55;

    auto arrowHead = [&](QPointF tip, double direction) {
        const QPointF back(tip.x() - direction * head, tip.y());
        const QPointF upper(back.x(), tip.y() - head * 0.42);
        const QPointF lower(back.x(), tip.y() + head * 0.42);
        QPen solid = pen;
        solid.setStyle(Qt::SolidLine);
        p.setPen(solid);
        if (response) {
            // An open head for answers, as PlantUML draws "-->".
            p.drawLine(upper, tip);
            p.drawLine(lower, tip);
        } else {
            p.setBrush(colour);
            p.drawPolygon(QPolygonF { tip, upper, lower });
            p.setBrush(Qt::NoBrush);
        }
        p.setPen(pen);
    };

    if (g.selfLoop) {
        const QRectF loop = g.loop.translated(offset);
        QPainterPath path;
        path.moveTo(loop.left(), loop.top());
        path.lineTo(loop.right(), loop.top());
        path.lineTo(loop.right(), loop.bottom());
        path.lineTo(loop.left() + head * 0.5, loop.bottom());
        p.drawPath(path);
        arrowHead(QPointF(loop.left(), loop.bottom()), -1);
    } else {
        const double direction = g.x2 > g.x1 ? 1 : -1;
        const QPointF tail = QPointF(g.x1, g.lineY) + offset;
        const QPointF tip = QPointF(g.x2 - direction * width, g.lineY) + offset;
        p.drawLine(tail, QPointF(tip.x() - direction * head * 0.6, tip.y()));
        arrowHead(tip, direction);
    }

    // The label: circled seed number, what happens, and the HTTP it was.
    QRectF label = g.label.translated(offset);
    p.setPen(Qt::NoPen);
    QColor backing = current ? theme::CurrentRowPaper : theme::Paper;
    backing.setAlpha(225);
    p.setBrush(backing);
    p.drawRoundedRect(label.adjusted(-u * 0.15, 0, u * 0.15, 0), u * 0.2, u * 0.2);
    double x = label.left();
    if (event->step > 0) {
        // A circle for one digit, a pill for two.
        const double d = u * 1.05;
        const QRectF badge(x, label.center().y() - d / 2, badgeWidth(event->step), d);
        if (current) {
            p.setBrush(theme::Warning);
            const QRectF ring = badge.adjusted(-u * 0.15, -u * 0.15, u * 0.15, u * 0.15);
            p.drawRoundedRect(ring, ring.height() / 2, ring.height() / 2);
        }
        p.setBrush(colour);
        p.drawRoundedRect(badge, d / 2, d / 2);
        p.setFont(numberFont());
        p.setPen(theme::OnColour);
        p.drawText(badge, Qt::AlignCenter, QString::number(event->step));
        x += badge.width() + u * 0.3;
    }
    QFont textFont = font();
    textFont.setBold(current);
    p.setFont(textFont);
    p.setPen(isRefusal(*event) ? theme::RefusedArrow : theme::Ink);
    const QFontMetricsF metrics(textFont);
    const double room = label.right() - x;
    const QString text = metrics.elidedText(g.text, Qt::ElideRight, room);
    p.drawText(QRectF(x, label.top(), room, label.height()), Qt::AlignLeft | Qt::AlignVCenter, text);
    x += metrics.horizontalAdvance(text) + u * 0.6;
    if (!g.hint.isEmpty() && x < label.right()) {
        p.setFont(hintFont());
        p.setPen(theme::Muted);
        const QString hint
            = QFontMetricsF(hintFont()).elidedText(g.hint, Qt::ElideRight, label.right() - x + u * 0.6);
        p.drawText(QRectF(x, label.top(), label.right() - x + u, label.height()),
            Qt::AlignLeft | Qt::AlignVCenter, hint);
    }
    p.setFont(font());
}

// --- the strip of seed steps ----------------------------------------------------------------------

// Sixteen circles, one per seed step: filled once seen, ringed when current. A click jumps to it.
class SequenceStepStrip : public QWidget
{
public:
    explicit SequenceStepStrip(SequenceDiagramView *view)
        : QWidget(view)
        , m_view(view)
    {
        setObjectName(QStringLiteral("seedStepStrip"));
        setMouseTracking(true);
        setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    }

    void setState(QList<int> seen, int current)
    {
        m_seen = std::move(seen);
        m_current = current;
        update();
    }

    QSize sizeHint() const override
    {
        const double u = fontMetrics().height();
        return QSize(int(std::ceil(SeedStepCount * diameter() + (SeedStepCount - 1) * u * 0.22 + u * 0.4)),
            int(std::ceil(u * 1.5)));
    }

protected:
    double diameter() const { return fontMetrics().height() * 1.15; }

    QRectF circle(int step) const
    {
        const double u = fontMetrics().height();
        const double d = diameter();
        return QRectF(u * 0.2 + (step - 1) * (d + u * 0.22), (height() - d) / 2, d, d);
    }

    int stepAt(QPointF pos) const
    {
        for (int step = 1; step <= SeedStepCount; ++step) {
            if (circle(step).adjusted(-2, -4, 2, 4).contains(pos))
                return step;
        }
        return 0;
    }

    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        QFont f = scaled(font(), 0.8);
        f.setBold(true);
        p.setFont(f);
        for (const SeedStep &step : seedSteps()) {
            const QRectF c = circle(step.number);
            const bool seen = m_seen.contains(step.number);
            if (step.number == m_current) {
                p.setPen(Qt::NoPen);
                p.setBrush(theme::Warning);
                p.drawEllipse(c.adjusted(-2.5, -2.5, 2.5, 2.5));
            }
            QColor colour = stepColour(step);
            p.setPen(QPen(seen ? colour : theme::IdleRing, 1.2));
            p.setBrush(seen ? colour : theme::Paper);
            p.drawEllipse(c);
            p.setPen(seen ? theme::OnColour : theme::IdleText);
            p.drawText(c, Qt::AlignCenter, QString::number(step.number));
        }
    }

    bool event(QEvent *event) override
    {
        if (event->type() == QEvent::ToolTip) {
            auto *help = static_cast<QHelpEvent *>(event);
            if (const SeedStep *step = seedStep(stepAt(help->pos()))) {
                QToolTip::showText(help->globalPos(),
                    SequenceDiagramView::tr("<b>Step %1</b>: %2 → %3: %4%5")
                        .arg(step->number)
                        .arg(partyTitle(step->from), partyTitle(step->to), step->label.toHtmlEscaped(),
                            m_seen.contains(step->number)
                                ? QString()
                                : SequenceDiagramView::tr(" <i>(not yet seen)</i>")),
                    this);
            } else {
                QToolTip::hideText();
            }
            return true;
        }
        if (event->type() == QEvent::FontChange)
            updateGeometry();
        return QWidget::event(event);
    }

    void mousePressEvent(QMouseEvent *event) override
    {
        const int arrow = m_view->firstArrowOfStep(stepAt(event->position()));
        if (arrow >= 0)
            m_view->selectArrow(arrow);
    }

private:
    SequenceDiagramView *m_view;
    QList<int> m_seen;
    int m_current = 0;
};

// --- the view -------------------------------------------------------------------------------------

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
{
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
    m_canvas->relayout();
    updateCurrent();
}

void SequenceDiagramView::onAppended(int traceIndex)
{
    if (traceIndex < 0 || traceIndex >= m_trace->size() || !m_trace->at(traceIndex).belongsInDiagram())
        return;
    m_arrows.append(traceIndex);
    if (!m_live)
        ++m_unseen;
    m_canvas->relayout();
    updateCurrent();
}

void SequenceDiagramView::onCleared()
{
    m_arrows.clear();
    m_selected = -1;
    m_live = true;
    m_unseen = 0;
    m_canvas->relayout();
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

void SequenceDiagramView::updateCurrent()
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
    QList<int> seen;
    for (int arrow = 0; arrow < m_arrows.size(); ++arrow) {
        const int s = eventOf(arrow)->step;
        if (s > 0 && !seen.contains(s))
            seen.append(s);
    }
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
    m_canvas->ensureArrowVisible(current);
    m_canvas->viewport()->update();
    updateExplanation();
    updateDetail();
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
    const QColor colour = arrowColour(*event);
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
    m_canvas->relayout();
    m_steps->updateGeometry();
    if (m_detail)
        m_detail->setFont(font());
}

} // namespace cfl
