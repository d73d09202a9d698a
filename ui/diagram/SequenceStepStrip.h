#pragma once
// The seed's sixteen steps as a strip of circles above the live sequence diagram: filled once seen in
// the run, ringed when current. A click asks for that step (the view selects its first arrow).

#include <QList>
#include <QWidget>

namespace cfl {

class SequenceStepStrip : public QWidget
{
    Q_OBJECT
public:
    explicit SequenceStepStrip(QWidget *parent = nullptr);

    // The steps seen so far, and the current one (0: none).
    void setState(QList<int> seen, int current);
    QSize sizeHint() const override;

Q_SIGNALS:
    void stepClicked(int step);

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    double diameter() const;
    QRectF circle(int step) const;
    // The step under `pos`; 0 for none.
    int stepAt(QPointF pos) const;

    QList<int> m_seen;
    int m_current = 0;
};

} // namespace cfl
