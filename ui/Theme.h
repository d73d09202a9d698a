#pragma once
// Colours and type for the cast, the same everywhere (panes, cast strip, later the diagram).

#include <QColor>
#include <QString>

namespace cfl::theme {

inline const QColor John{0x6a, 0x3d, 0x9a};
inline const QColor Browser{0x45, 0x5a, 0x64};
inline const QColor CoolLoan{0x1e, 0x7b, 0x34};
inline const QColor PirateLoan{0xb3, 0x26, 0x1e};
inline const QColor Bank{0x0b, 0x5c, 0xad};
inline const QColor Warning{0xf2, 0xa9, 0x00};

// A pane header: big emoji + name + one line of role.
QString headerHtml(const QString &emoji, const QString &name, const QString &role, const QColor &colour);

} // namespace cfl::theme
