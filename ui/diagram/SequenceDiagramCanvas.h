#pragma once
// The painted part of the live sequence diagram: the lifeline headers, the lifelines, and one arrow per
// event, numbered like the seed, the current one highlighted. It scrolls down as the run grows (and
// sideways when the headers do not fit), follows its font, and says which arrow was clicked; the keys,
// the selection and what an arrow means belong to SequenceDiagramView. Where things go is
// SequenceLayout's business; this widget paints it.

#include "trace/TraceEvent.h"
#include "ui/diagram/layout/SequenceLayout.h"

#include <QAbstractScrollArea>
#include <QHash>
#include <QPixmap>
#include <QStaticText>

namespace cfl {

class SequenceDiagramCanvas : public QAbstractScrollArea
{
    Q_OBJECT
public:
    explicit SequenceDiagramCanvas(QWidget *parent = nullptr);

    // The arrows, top to bottom.
    void setArrows(QList<TraceEvent> arrows);
    void appendArrow(const TraceEvent &arrow);
    int arrowCount() const { return m_layout.arrowCount(); }
    // The arrow drawn as current (-1: none), and whether the view follows the run live: then the current
    // arrow stays in sight when the canvas is resized.
    void setCurrent(int arrow, bool live);

    QStringList lifelines() const { return m_layout.lifelines(); }
    // Where an arrow and its label are drawn, in viewport coordinates; empty when out of range.
    QRect arrowRect(int arrow) const;
    // Scrolls so that the arrow (and a neighbour on each side, when there is room) is in sight.
    void ensureArrowVisible(int arrow);

Q_SIGNALS:
    // A click (or double click) on an arrow's row.
    void arrowClicked(int arrow);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void changeEvent(QEvent *event) override;

private:
    void relayout();
    SequenceLayout::Metrics metrics();
    QFont boldFont() const;
    QFont hintFont() const;
    QFont numberFont() const;
    QPointF toViewport(QPointF content) const;
    int arrowAt(const QPoint &viewportPos) const;
    void paintArrow(QPainter &p, int arrow, bool current) const;
    void paintHeaders(QPainter &p) const;

    // Text as the diagram paints and the layout measures it, laid out once: every paint of a long run
    // measured and drew the same few dozen labels again, and shaping them was most of an update
    // (docs/benchmarks.md, the trace views).
    enum class TextFont { Regular, RegularBold, Bold, Hint, Number };
    struct PreparedText
    {
        QStaticText text; // elided to the room it was prepared for
        double advance = 0;
        double height = 0; // of a line in its font
    };
    QFont fontOf(TextFont kind) const;
    // `text` in `kind`, elided to `room` pixels (no limit when room < 0).
    const PreparedText &prepared(const QString &text, TextFont kind, double room) const;
    // Draws prepared text in `box`: left-aligned or centred, centred vertically.
    void drawPrepared(
        QPainter &p, const QRectF &box, const QString &text, TextFont kind, double room, bool centred) const;

    SequenceLayout m_layout;
    int m_current = -1;
    bool m_live = true;
    QHash<QString, QPixmap> m_icons; // the cast's pictures, by lane, at the size the font asks for
    // PreparedText by text, font and room; emptied when the font changes or it holds too many.
    struct TextKey
    {
        QString text;
        TextFont kind;
        int room;
        bool operator==(const TextKey &other) const
        {
            return kind == other.kind && room == other.room && text == other.text;
        }
    };
    friend size_t qHash(const TextKey &key, size_t seed) noexcept
    {
        return qHashMulti(seed, key.text, int(key.kind), key.room);
    }
    mutable QHash<TextKey, PreparedText> m_texts;
    mutable QHash<int, QFont> m_fonts; // fontOf()'s, by TextFont; emptied when the font changes
};

} // namespace cfl
