#pragma once
// Colours, type and pictures for the cast, the same everywhere (panes, cast strip, diagram, welcome).

#include <QColor>
#include <QString>

QT_BEGIN_NAMESPACE
class QFont;
class QPixmap;
class QSize;
class QSvgRenderer;
class QWidget;
QT_END_NAMESPACE

namespace cfl::theme {

inline const QColor John { 0x6a, 0x3d, 0x9a };
inline const QColor Browser { 0x45, 0x5a, 0x64 };
inline const QColor CoolLoan { 0x1e, 0x7b, 0x34 };
inline const QColor PirateLoan { 0xb3, 0x26, 0x1e };
inline const QColor Bank { 0x0b, 0x5c, 0xad };
inline const QColor Warning { 0xf2, 0xa9, 0x00 };

// The illustrations drawn for this app (resources/illustrations, compiled in): "john", "bank",
// "pirateloan-password", "coolloan-key", "consent", and the cast's icons "cast/john", "cast/browser",
// "cast/coolloan", "cast/pirateloan", "cast/eddy", "cast/boris", "cast/banky". GUI thread only; nullptr
// when there is no such picture.
QSvgRenderer *illustration(const QString &name);
// `name` drawn at `size` (device-independent pixels), sharp on a screen of `devicePixelRatio`.
QPixmap illustrationPixmap(const QString &name, const QSize &size, qreal devicePixelRatio);

// Projector scale: the application's font at `percent` of the font it started with. Every widget that
// does not set a font of its own follows (panes, the diagram); John's browser zooms separately.
constexpr int MinScalePercent = 100;
constexpr int MaxScalePercent = 250;
void applyUiScale(int percent);
int uiScalePercent();
// `font` at `factor` of its size (point or pixel sized).
QFont scaledFont(const QFont &font, qreal factor);
// Applies the style sheets of `root` and its descendants again, so that they take up a new font (a widget
// styled by a sheet keeps the font it had when the sheet was applied).
void restyle(QWidget *root);

} // namespace cfl::theme
