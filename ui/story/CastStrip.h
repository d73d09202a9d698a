#pragma once
// Who is who, at a glance: the cast of the seed story as a strip of cards across the window.

#include <QWidget>

namespace cfl {

class CastStrip : public QWidget
{
    Q_OBJECT
public:
    explicit CastStrip(QWidget *parent = nullptr);
};

} // namespace cfl
