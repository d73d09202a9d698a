#include "ui/diagram/SequenceDiagramCanvas.h"

#include "trace/SeedSteps.h"
#include "ui/diagram/ArrowColours.h"
#include "ui/theme/Theme.h"

#include <QFontMetricsF>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <utility>

namespace cfl {

SequenceDiagramCanvas::SequenceDiagramCanvas(QWidget *parent)
    : QAbstractScrollArea(parent)
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

void SequenceDiagramCanvas::setArrows(QList<TraceEvent> arrows)
{
    m_layout.setArrows(std::move(arrows));
    relayout();
}

void SequenceDiagramCanvas::appendArrow(const TraceEvent &arrow)
{
    m_layout.appendArrow(arrow);
    relayout();
}

void SequenceDiagramCanvas::setCurrent(int arrow, bool live)
{
    m_current = arrow;
    m_live = live;
}

QFont SequenceDiagramCanvas::boldFont() const
{
    QFont bold = font();
    bold.setBold(true);
    return bold;
}

QFont SequenceDiagramCanvas::hintFont() const
{
    return theme::scaledFont(font(), 0.88);
}

QFont SequenceDiagramCanvas::numberFont() const
{
    QFont f = theme::scaledFont(font(), 0.85);
    f.setBold(true);
    return f;
}

QFont SequenceDiagramCanvas::fontOf(TextFont kind) const
{
    if (const auto it = m_fonts.constFind(int(kind)); it != m_fonts.cend())
        return *it;
    QFont f;
    switch (kind) {
    case TextFont::Regular:
        f = font();
        break;
    case TextFont::RegularBold:
    case TextFont::Bold:
        f = boldFont();
        break;
    case TextFont::Hint:
        f = hintFont();
        break;
    case TextFont::Number:
        f = numberFont();
        break;
    }
    m_fonts.insert(int(kind), f);
    return f;
}

const SequenceDiagramCanvas::PreparedText &SequenceDiagramCanvas::prepared(
    const QString &text, TextFont kind, double room) const
{
    // A few labels per arrow in sight and per lane: enough for any view, and a bound on the memory.
    constexpr qsizetype MaxPreparedTexts = 4096;
    const TextKey key { text, kind, room < 0 ? -1 : int(std::floor(room)) };
    if (const auto it = m_texts.constFind(key); it != m_texts.cend())
        return *it;
    if (m_texts.size() >= MaxPreparedTexts)
        m_texts.clear();
    const QFont f = fontOf(kind);
    const QFontMetricsF metrics(f);
    const QString shown = key.room < 0 ? text : metrics.elidedText(text, Qt::ElideRight, key.room);
    PreparedText prepared;
    prepared.text.setTextFormat(Qt::PlainText); // a label such as "<script>" stays text
    prepared.text.setPerformanceHint(QStaticText::AggressiveCaching);
    prepared.text.setText(shown); // laid out when first drawn: the layout only measures many of these
    prepared.advance = metrics.horizontalAdvance(shown);
    prepared.height = metrics.height();
    return *m_texts.insert(key, prepared);
}

void SequenceDiagramCanvas::drawPrepared(
    QPainter &p, const QRectF &box, const QString &text, TextFont kind, double room, bool centred) const
{
    const PreparedText &t = prepared(text, kind, room);
    const double x = centred ? box.left() + (box.width() - t.advance) / 2 : box.left();
    p.setFont(fontOf(kind)); // in another font, drawStaticText would lay the text out again
    p.drawStaticText(QPointF(x, box.top() + (box.height() - t.height) / 2), t.text);
}

// The layout's measures, from this widget's fonts (and its pictures, drawn at the size they ask for).
SequenceLayout::Metrics SequenceDiagramCanvas::metrics()
{
    SequenceLayout::Metrics metrics;
    metrics.unit = fontMetrics().height();
    const int side = qRound(metrics.unit * 1.1);
    if (m_icons.isEmpty() || m_icons.cbegin()->height() != qRound(side * devicePixelRatioF())) {
        m_icons.clear();
        for (const SequenceLane &lane : diagram::lanes()) {
            if (!lane.icon.isEmpty())
                m_icons.insert(
                    lane.key, theme::illustrationPixmap(lane.icon, QSize(side, side), devicePixelRatioF()));
        }
    }
    for (auto it = m_icons.cbegin(); it != m_icons.cend(); ++it) {
        if (!it->isNull())
            metrics.lanesWithIcon.insert(it.key());
    }
    // The layout measures every label in sight at every paint: from the texts the canvas keeps, measured
    // once (the layout belongs to this canvas, so `this` outlives it).
    metrics.advance = [this](SequenceLayout::Font font, const QString &text) {
        switch (font) {
        case SequenceLayout::Font::Bold:
            return prepared(text, TextFont::Bold, -1).advance;
        case SequenceLayout::Font::Small:
            return prepared(text, TextFont::Hint, -1).advance;
        case SequenceLayout::Font::Number:
            return prepared(text, TextFont::Number, -1).advance;
        }
        return 0.0;
    };
    return metrics;
}

void SequenceDiagramCanvas::relayout()
{
    m_layout.setMetrics(metrics());
    m_layout.setViewportWidth(viewport()->width());
    const int bodyHeight = std::max(0, viewport()->height() - m_layout.headerHeight());
    verticalScrollBar()->setRange(0, std::max(0, m_layout.contentHeight() - bodyHeight));
    verticalScrollBar()->setPageStep(bodyHeight);
    verticalScrollBar()->setSingleStep(std::max(1, m_layout.rowHeight() / 2));
    horizontalScrollBar()->setRange(0, std::max(0, m_layout.contentWidth() - viewport()->width()));
    horizontalScrollBar()->setPageStep(viewport()->width());
    horizontalScrollBar()->setSingleStep(qRound(m_layout.unit() * 2));
    viewport()->update();
}

QPointF SequenceDiagramCanvas::toViewport(QPointF content) const
{
    return { content.x() - horizontalScrollBar()->value(),
        content.y() + m_layout.headerHeight() - verticalScrollBar()->value() };
}

QRect SequenceDiagramCanvas::arrowRect(int arrow) const
{
    if (arrow < 0 || arrow >= arrowCount())
        return {};
    const QRectF r = m_layout.arrowBounds(arrow);
    return QRectF(toViewport(r.topLeft()), r.size()).toAlignedRect();
}

int SequenceDiagramCanvas::arrowAt(const QPoint &pos) const
{
    if (pos.y() < m_layout.headerHeight())
        return -1;
    return m_layout.arrowAt(pos.y() - m_layout.headerHeight() + verticalScrollBar()->value());
}

void SequenceDiagramCanvas::ensureArrowVisible(int arrow)
{
    if (arrow < 0 || arrow >= arrowCount())
        return;
    const int rowHeight = m_layout.rowHeight();
    const int topPad = m_layout.topPad();
    // Keep a neighbour in sight on each side when there is room: stepping shows what comes next.
    const int bodyHeight = viewport()->height() - m_layout.headerHeight();
    const int context = bodyHeight >= rowHeight * 3 ? rowHeight : 0;
    const int top = topPad + arrow * rowHeight - context;
    const int bottom = topPad + (arrow + 1) * rowHeight + context
        + (arrow + 1 == arrowCount() ? qRound(m_layout.unit() * 0.5) : 0);
    QScrollBar *vertical = verticalScrollBar();
    if (top < vertical->value())
        vertical->setValue(top);
    else if (bottom > vertical->value() + bodyHeight)
        vertical->setValue(bottom - bodyHeight);

    // Sideways, when the lanes do not fit: the arrow with its label if it fits, else its start.
    const SequenceLayout::Arrow g = m_layout.arrow(arrow);
    const double left = std::min({ g.x1, g.x2, g.label.left() }) - m_layout.unit() * 0.5;
    const double right = std::max({ g.x1, g.x2, g.loop.right(), g.label.right() }) + m_layout.unit() * 0.5;
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
    if (m_live)
        ensureArrowVisible(m_current);
}

void SequenceDiagramCanvas::scrollContentsBy(int, int)
{
    viewport()->update();
}

void SequenceDiagramCanvas::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        m_fonts.clear();
        m_texts.clear();
        relayout();
    }
}

bool SequenceDiagramCanvas::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int arrow = arrowAt(help->pos());
        if (arrow >= 0) {
            const TraceEvent &traced = m_layout.event(arrow);
            QString tip = QStringLiteral("<b>%1 → %2</b>: %3")
                              .arg(diagram::partyTitle(traced.from), diagram::partyTitle(traced.to),
                                  traced.summary.toHtmlEscaped());
            if (traced.isExchange())
                tip += QStringLiteral("<br><code>%1 %2</code> → %3")
                           .arg(QString::fromLatin1(traced.method), traced.url.path().toHtmlEscaped())
                           .arg(traced.status);
            tip += QStringLiteral("<br><i>%1</i>").arg(tr("Click for the exact request and response."));
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
        Q_EMIT arrowClicked(arrow);
}

void SequenceDiagramCanvas::mouseDoubleClickEvent(QMouseEvent *event)
{
    mousePressEvent(event);
}

void SequenceDiagramCanvas::paintEvent(QPaintEvent *)
{
    QPainter p(viewport());
    p.setRenderHint(QPainter::Antialiasing);
    const QRect area = viewport()->rect();
    p.fillRect(area, theme::Paper);
    const int header = m_layout.headerHeight();
    const int rowHeight = m_layout.rowHeight();
    const double u = m_layout.unit();

    // Lifelines, under everything.
    p.save();
    for (int i = 0; i < m_layout.lanes().size(); ++i) {
        const double x = m_layout.laneX(i) - horizontalScrollBar()->value();
        QColor c = diagram::laneColour(m_layout.lanes().at(i).key);
        c.setAlpha(110);
        QPen pen(c, std::max(1.0, u / 12));
        pen.setStyle(Qt::DashLine);
        p.setPen(pen);
        p.drawLine(QPointF(x, header - u * 0.3), QPointF(x, area.bottom()));
    }
    p.restore();

    p.save();
    p.setClipRect(QRect(0, header, area.width(), area.height() - header));
    const int first = std::max(0, (verticalScrollBar()->value() - m_layout.topPad()) / rowHeight - 1);
    const int last = std::min(arrowCount() - 1, first + (area.height() - header) / rowHeight + 2);
    for (int arrow = first; arrow <= last; ++arrow)
        paintArrow(p, arrow, arrow == m_current);
    p.restore();

    paintHeaders(p);

    if (arrowCount() == 0) {
        p.setPen(theme::Muted);
        const QRect message = area.adjusted(qRound(u * 2), header + qRound(u), -qRound(u * 2), 0);
        p.drawText(message, Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap,
            tr("Nothing has happened yet. Press “▶ Autoplay CoolLoan” in the toolbar, or “Connect your "
               "bank” in CoolLoan: every real exchange will appear here as an arrow, numbered like the "
               "steps of the seed diagram."));
    }
}

void SequenceDiagramCanvas::paintHeaders(QPainter &p) const
{
    const double u = m_layout.unit();
    const int header = m_layout.headerHeight();
    const double iconSide = m_layout.iconSide();
    p.fillRect(QRect(0, 0, viewport()->width(), header - qRound(u * 0.3)), theme::Paper);
    for (int i = 0; i < m_layout.lanes().size(); ++i) {
        const SequenceLane &lane = m_layout.lanes().at(i);
        const QColor colour = diagram::laneColour(lane.key);
        const double x = m_layout.laneX(i) - horizontalScrollBar()->value();
        const QStringList roles = m_layout.roleLines(lane);
        const double headerWidth = m_layout.headerWidth(i);
        const QRectF box(x - headerWidth / 2, u * 0.25, headerWidth, u * (1.45 + 0.85 * roles.size()));
        QColor fill = colour;
        fill.setAlpha(28);
        p.setPen(QPen(colour, std::max(1.5, u / 9)));
        p.setBrush(theme::Paper);
        p.drawRoundedRect(box, u * 0.35, u * 0.35);
        p.setBrush(fill);
        p.drawRoundedRect(box, u * 0.35, u * 0.35);
        p.setPen(colour.darker(115));
        const QString name = m_layout.nameLine(lane);
        const QPixmap icon = m_icons.value(lane.key);
        const double nameWidth = prepared(name, TextFont::Bold, -1).advance;
        const double iconWidth = m_layout.hasIcon(lane) ? iconSide + u * 0.3 : 0;
        const double left = x - (iconWidth + nameWidth) / 2;
        const QRectF nameRect(left + iconWidth, box.top() + u * 0.15, nameWidth + 1, u * 1.1);
        if (iconWidth > 0)
            p.drawPixmap(QRectF(left, nameRect.center().y() - iconSide / 2, iconSide, iconSide), icon,
                QRectF(icon.rect()));
        drawPrepared(p, nameRect, name, TextFont::Bold, -1, false);
        p.setPen(theme::Muted);
        for (int line = 0; line < roles.size(); ++line)
            drawPrepared(p, QRectF(box.left(), box.top() + u * (1.2 + 0.85 * line), box.width(), u * 0.9),
                roles.at(line), TextFont::Hint, -1, true);
    }
    p.setFont(font());
    QColor rule = theme::Muted;
    rule.setAlpha(60);
    p.setPen(QPen(rule, 1));
    p.drawLine(QPointF(0, header - 0.5), QPointF(viewport()->width(), header - 0.5));
}

void SequenceDiagramCanvas::paintArrow(QPainter &p, int arrow, bool current) const
{
    if (arrow < 0 || arrow >= arrowCount())
        return;
    const TraceEvent &event = m_layout.event(arrow);
    const SequenceLayout::Arrow g = m_layout.arrow(arrow);
    const double u = m_layout.unit();
    const QPointF offset = toViewport(QPointF(0, 0));
    const QColor colour = diagram::arrowColour(event);
    const bool response = event.kind == TraceKind::Response;

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
    if (event.step > 0) {
        // A circle for one digit, a pill for two.
        const double d = u * 1.05;
        const QRectF badge(x, label.center().y() - d / 2, m_layout.badgeWidth(event.step), d);
        if (current) {
            p.setBrush(theme::Warning);
            const QRectF ring = badge.adjusted(-u * 0.15, -u * 0.15, u * 0.15, u * 0.15);
            p.drawRoundedRect(ring, ring.height() / 2, ring.height() / 2);
        }
        p.setBrush(colour);
        p.drawRoundedRect(badge, d / 2, d / 2);
        p.setPen(theme::OnColour);
        drawPrepared(p, badge, QString::number(event.step), TextFont::Number, -1, true);
        x += badge.width() + u * 0.3;
    }
    p.setPen(isRefusal(event) ? theme::RefusedArrow : theme::Ink);
    const double room = label.right() - x;
    const TextFont textFont = current ? TextFont::RegularBold : TextFont::Regular;
    drawPrepared(p, QRectF(x, label.top(), room, label.height()), g.text, textFont, room, false);
    x += prepared(g.text, textFont, room).advance + u * 0.6;
    if (!g.hint.isEmpty() && x < label.right()) {
        p.setPen(theme::Muted);
        const double hintRoom = label.right() - x + u * 0.6;
        drawPrepared(p, QRectF(x, label.top(), label.right() - x + u, label.height()), g.hint, TextFont::Hint,
            hintRoom, false);
    }
    p.setFont(font());
}

} // namespace cfl
