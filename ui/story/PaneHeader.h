#pragma once
// The top of a party's pane: its cast icon, its name in its colour, and one line of role.

#include <QWidget>

namespace cfl {

class PaneHeader : public QWidget
{
    Q_OBJECT
public:
    // `icon`: a cast icon name (see CastIcon).
    PaneHeader(const QString &icon, const QString &name, const QString &role, const QColor &colour,
        QWidget *parent = nullptr);
};

} // namespace cfl
