#include "ui/Theme.h"

namespace cfl::theme {

QString headerHtml(const QString &emoji, const QString &name, const QString &role, const QColor &colour)
{
    return QStringLiteral("<span style='font-size:150%;'>%1</span> <b style='font-size:130%; color:%2'>%3</b>"
                          "<br><span style='color:#5b6775'>%4</span>")
        .arg(emoji, colour.name(), name.toHtmlEscaped(), role.toHtmlEscaped());
}

} // namespace cfl::theme
