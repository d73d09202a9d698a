#pragma once
// A member of the cast as a small round picture (resources/illustrations/cast). Its size is a number of
// text lines, so that it grows with the projector scale like the words next to it.

#include <QLabel>

namespace cfl {

class CastIcon : public QLabel
{
    Q_OBJECT
public:
    // `name`: "john", "browser", "coolloan", "pirateloan", "eddy", "boris" or "banky".
    CastIcon(const QString &name, qreal lines, QWidget *parent = nullptr);

    QString castName() const { return m_name; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void render();

    QString m_name;
    qreal m_lines;
};

} // namespace cfl
