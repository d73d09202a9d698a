#pragma once
// Where the live sequence diagram draws everything, as plain numbers: which lifelines, at which x, how
// wide their headers are, how tall a row is, and for every arrow its row, its line or self-loop and its
// label. No widget and no font: text widths come from Metrics, which the canvas fills from its fonts and a
// test from a rule of its own, so that the geometry is tested without a window.
//
// Everything scales with Metrics::unit (a line of the diagram's font): a projector's bigger font makes a
// bigger diagram. Coordinates are content coordinates: x across the whole diagram, y from the top of the
// first row (below the lifeline headers), before any scrolling.

#include "trace/TraceEvent.h"
#include "ui/diagram/layout/SequenceLanes.h"

#include <QList>
#include <QRectF>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>

namespace cfl {

class SequenceLayout
{
public:
    // The diagram's three fonts: bold (lane names, arrow labels — measured bold, as the current one is
    // drawn), small (roles, HTTP hints) and the step number's.
    enum class Font { Bold, Small, Number };

    struct Metrics
    {
        double unit = 16; // the height of a line of the diagram's font, in pixels
        std::function<double(Font, const QString &)> advance; // the width of a text in one of the fonts
        QSet<QString> lanesWithIcon; // lanes whose cast picture is drawn; the others show their glyph
    };

    struct Arrow
    {
        QRectF row; // the arrow's band, across the whole diagram
        double x1 = 0; // tail
        double x2 = 0; // head
        double lineY = 0;
        bool selfLoop = false; // a party's own decision: a loop on its lifeline, from x1
        QRectF loop;
        QRectF label; // step badge, text, hint
        QString text;
        QString hint;
    };

    SequenceLayout();
    explicit SequenceLayout(Metrics metrics);

    // The arrows, top to bottom; each change lays the lanes out again.
    void setArrows(QList<TraceEvent> arrows);
    void appendArrow(const TraceEvent &arrow);
    // The width of the diagram's viewport: lanes share it, and scroll sideways only when their headers
    // would not fit even with their roles on two lines.
    void setViewportWidth(int width);
    void setMetrics(Metrics metrics);

    int arrowCount() const { return int(m_arrows.size()); }
    const TraceEvent &event(int arrow) const { return m_arrows.at(arrow); }

    // The lanes drawn, left to right: the seed's six, plus PirateLoan, Other and Mallory's when they take
    // part (diagram::isOnDemandLane).
    const QList<SequenceLane> &lanes() const { return m_lanes; }
    QStringList lifelines() const;
    double laneX(int lane) const { return m_laneX.at(lane); }
    // The x of a party's lifeline (the last lane's for a party not drawn).
    double laneX(const QString &party) const;
    double headerWidth(int lane) const { return m_headerWidths.at(lane); }
    // The header's first line: the name, after the glyph when there is no picture.
    QString nameLine(const SequenceLane &lane) const;
    bool hasIcon(const SequenceLane &lane) const { return nameLine(lane) == lane.name; }
    // The role, on one line, or cut at the space nearest its middle when the headers need two.
    QStringList roleLines(const SequenceLane &lane) const;
    int roleLineCount() const { return m_roleLines; }

    double unit() const { return m_metrics.unit; }
    double iconSide() const { return unit() * 1.1; }
    int headerHeight() const { return qRound(unit() * (2.95 + 0.85 * (m_roleLines - 1))); }
    int rowHeight() const { return qRound(unit() * 2.15); }
    int topPad() const { return qRound(unit() * 0.4); }
    // The width the lanes need: the viewport's when they fit in it.
    int contentWidth() const { return m_contentWidth; }
    int contentHeight() const;
    // The step's badge: a circle for one digit, a pill for two.
    double badgeWidth(int step) const;

    // An arrow's geometry; a default Arrow when out of range.
    Arrow arrow(int arrow) const;
    // What an arrow covers, line (or loop) and label; empty when out of range.
    QRectF arrowBounds(int arrow) const;
    // The arrow whose row holds content height `y`; -1 for none.
    int arrowAt(int y) const;

private:
    void layOut();
    // Notes which of the lanes shown only when used (PirateLoan, Other, Mallory's) `arrow` needs; true
    // when it needs one not shown yet.
    bool noteLanes(const TraceEvent &arrow);
    double advance(Font font, const QString &text) const;

    Metrics m_metrics;
    QList<TraceEvent> m_arrows;
    // Kept as arrows arrive, so that a layout costs the same with 10 or 10,000 arrows (docs/benchmarks.md).
    QSet<QString> m_onDemandLanes;
    int m_viewportWidth = 0;
    QList<SequenceLane> m_lanes; // visible ones
    QList<double> m_laneX;
    QList<double> m_headerWidths;
    int m_roleLines = 1;
    int m_contentWidth = 0;
};

} // namespace cfl
