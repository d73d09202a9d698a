#include "ui/attack/WeaknessBanner.h"

#include "ui/theme/Theme.h"

namespace cfl {

WeaknessBanner::WeaknessBanner(QWidget *parent)
    : QLabel(parent)
{
    setObjectName(QStringLiteral("weaknessBanner"));
    setWordWrap(true);
    setTextFormat(Qt::RichText);
    setStyleSheet(
        QStringLiteral("QLabel { color: %1; background: %2; border: 2px solid %3; border-radius: 6px;"
                       " padding: 6px; }")
            .arg(theme::OnColour.name(), theme::Mallory.name(), theme::Mallory.darker(130).name()));
    hide();
}

void WeaknessBanner::setWeaknesses(const QList<attack::Weakness> &weaknesses)
{
    m_weaknesses = weaknesses;
    QStringList names;
    for (const attack::Weakness weakness : weaknesses) {
        const attack::WeaknessSpec &spec = attack::weaknessSpec(weakness);
        names.append(tr("<b>%1</b> (%2)").arg(spec.title.toHtmlEscaped(), spec.key));
    }
    setText(tr("⚠ WEAKENED — %n defence(s) off: %1", nullptr, int(names.size()))
                .arg(names.join(QStringLiteral(" · "))));
    setVisible(!weaknesses.isEmpty());
}

} // namespace cfl
