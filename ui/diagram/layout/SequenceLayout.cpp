#include "ui/diagram/layout/SequenceLayout.h"

#include "ui/diagram/layout/ArrowLabel.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace cfl {

SequenceLayout::SequenceLayout()
    : SequenceLayout(Metrics())
{ }

SequenceLayout::SequenceLayout(Metrics metrics)
    : m_metrics(std::move(metrics))
{
    layOut();
}

void SequenceLayout::setArrows(QList<TraceEvent> arrows)
{
    m_arrows = std::move(arrows);
    m_onDemandLanes.clear();
    for (const TraceEvent &arrow : std::as_const(m_arrows))
        noteLanes(arrow);
    layOut();
}

void SequenceLayout::appendArrow(const TraceEvent &arrow)
{
    m_arrows.append(arrow);
    // The lanes change only when a first arrow needs one of those shown on demand.
    if (noteLanes(arrow))
        layOut();
}

bool SequenceLayout::noteLanes(const TraceEvent &arrow)
{
    bool added = false;
    for (const QString *party : { &arrow.from, &arrow.to }) {
        const QString key = diagram::laneKey(*party);
        if (diagram::isOnDemandLane(key) && !m_onDemandLanes.contains(key)) {
            m_onDemandLanes.insert(key);
            added = true;
        }
    }
    return added;
}

void SequenceLayout::setViewportWidth(int width)
{
    m_viewportWidth = width;
    layOut();
}

void SequenceLayout::setMetrics(Metrics metrics)
{
    m_metrics = std::move(metrics);
    layOut();
}

double SequenceLayout::advance(Font font, const QString &text) const
{
    return m_metrics.advance ? m_metrics.advance(font, text) : 0;
}

QStringList SequenceLayout::lifelines() const
{
    QStringList keys;
    for (const SequenceLane &lane : m_lanes)
        keys.append(lane.key);
    return keys;
}

QString SequenceLayout::nameLine(const SequenceLane &lane) const
{
    return lane.icon.isEmpty() || !m_metrics.lanesWithIcon.contains(lane.key)
        ? lane.glyph + QLatin1Char(' ') + lane.name
        : lane.name;
}

QStringList SequenceLayout::roleLines(const SequenceLane &lane) const
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

void SequenceLayout::layOut()
{
    m_lanes.clear();
    for (const SequenceLane &lane : diagram::lanes()) {
        if (diagram::isOnDemandLane(lane.key) && !m_onDemandLanes.contains(lane.key))
            continue;
        m_lanes.append(lane);
    }

    const double u = unit();
    const double margin = u * 0.5;
    const double rightRoom = u * 1.5; // the self-loops of the last lane
    const int n = int(m_lanes.size());
    // Lanes share the width evenly; the diagram scrolls sideways only when the headers would overlap,
    // even with the roles on two lines ("Authorization / Server": a bigger font on a projector).
    const double pad = u * 0.3;
    QList<double> minGaps;
    double span = 0; // from the first lifeline to the last, at the least
    for (m_roleLines = 1; m_roleLines <= 2; ++m_roleLines) {
        m_headerWidths.clear();
        for (const SequenceLane &lane : std::as_const(m_lanes)) {
            double width = advance(Font::Bold, nameLine(lane)) + (hasIcon(lane) ? iconSide() + u * 0.3 : 0);
            for (const QString &line : roleLines(lane))
                width = std::max(width, advance(Font::Small, line));
            m_headerWidths.append(width + u * 0.6);
        }
        minGaps.clear();
        span = 0;
        for (int i = 1; i < n; ++i) {
            minGaps.append((m_headerWidths.at(i - 1) + m_headerWidths.at(i)) / 2 + pad);
            span += minGaps.last();
        }
        const double outer = n > 0 ? (m_headerWidths.first() + m_headerWidths.last()) / 2 : 0;
        if (margin * 2 + rightRoom + outer + span <= m_viewportWidth)
            break;
    }
    m_roleLines = std::min(m_roleLines, 2);
    m_laneX.clear();
    if (n == 0) {
        m_contentWidth = m_viewportWidth;
        return;
    }
    const double first = margin + m_headerWidths.first() / 2;
    const double available = m_viewportWidth - first - margin - m_headerWidths.last() / 2 - rightRoom;
    const double even = n > 1 ? available / (n - 1) : 0;
    const bool evenFits
        = std::all_of(minGaps.cbegin(), minGaps.cend(), [even](double gap) { return gap <= even; });
    const double extra = n > 1 ? std::max(0.0, (available - span) / (n - 1)) : 0;
    m_laneX.append(first);
    for (int i = 1; i < n; ++i)
        m_laneX.append(m_laneX.last() + (evenFits ? even : minGaps.at(i - 1) + extra));
    m_contentWidth = int(std::ceil(m_laneX.last() + m_headerWidths.last() / 2 + margin + rightRoom));
}

double SequenceLayout::laneX(const QString &party) const
{
    const QString key = diagram::laneKey(party);
    for (int i = 0; i < m_lanes.size(); ++i) {
        if (m_lanes.at(i).key == key)
            return m_laneX.at(i);
    }
    return m_laneX.isEmpty() ? 0 : m_laneX.last();
}

int SequenceLayout::contentHeight() const
{
    return topPad() * 2 + arrowCount() * rowHeight() + qRound(unit() * 0.5);
}

double SequenceLayout::badgeWidth(int step) const
{
    return std::max(unit() * 1.05, advance(Font::Number, QString::number(step)) + unit() * 0.45);
}

SequenceLayout::Arrow SequenceLayout::arrow(int arrow) const
{
    Arrow g;
    if (arrow < 0 || arrow >= arrowCount())
        return g;
    const TraceEvent &event = m_arrows.at(arrow);
    const double u = unit();
    const double top = topPad() + double(arrow) * rowHeight();
    g.row = QRectF(0, top, std::max(m_contentWidth, m_viewportWidth), rowHeight());
    g.x1 = laneX(event.from);
    g.x2 = laneX(event.to);
    g.selfLoop = diagram::laneKey(event.from) == diagram::laneKey(event.to);
    g.lineY = top + u * 1.6;
    if (g.selfLoop)
        g.loop = QRectF(g.x1, top + u * 1.2, u * 1.3, u * 0.75);

    g.text = diagram::arrowLabel(event);
    g.hint = diagram::httpHint(event);
    const double circle = event.step > 0 ? badgeWidth(event.step) + u * 0.3 : 0;
    double width = circle + advance(Font::Bold, g.text)
        + (g.hint.isEmpty() ? 0 : u * 0.6 + advance(Font::Small, g.hint));
    const double right = std::max<double>(m_contentWidth, m_viewportWidth) - u * 0.3;
    double x = std::min(g.x1, g.x2) + u * 0.35;
    if (x + width > right)
        x = std::max(u * 0.3, right - width);
    width = std::min(width, right - x);
    g.label = QRectF(x, top + u * 0.1, width, u * 1.05);
    return g;
}

QRectF SequenceLayout::arrowBounds(int arrow) const
{
    if (arrow < 0 || arrow >= arrowCount())
        return {};
    const Arrow g = this->arrow(arrow);
    const double u = unit();
    QRectF figure(
        QPointF(std::min(g.x1, g.x2), g.lineY - u * 0.3), QPointF(std::max(g.x1, g.x2), g.lineY + u * 0.3));
    if (g.selfLoop)
        figure = g.loop.adjusted(0, -u * 0.2, 0, u * 0.2);
    return figure.united(g.label);
}

int SequenceLayout::arrowAt(int y) const
{
    y -= topPad();
    if (y < 0)
        return -1;
    const int row = y / rowHeight();
    return row < arrowCount() ? row : -1;
}

} // namespace cfl
