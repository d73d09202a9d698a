#include "ui/attack/WeaknessPanel.h"

#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>

namespace cfl {

namespace {
constexpr int WeaknessRole = Qt::UserRole + 1;
}

WeaknessPanel::WeaknessPanel(QWidget *parent)
    : QWidget(parent)
    , m_list(new QListWidget(this))
{
    setObjectName(QStringLiteral("weaknessPanel"));
    m_list->setObjectName(QStringLiteral("weaknessList"));
    // Wrapped to the column: a sideways scroll would hide each weakness's rule.
    m_list->setWordWrap(true);
    m_list->setResizeMode(QListView::Adjust);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setAlternatingRowColors(true);
    auto *intro = new QLabel(tr("<b>Weaknesses, by hand</b> — for the app's own bank and CoolLoan. In memory "
                                "only: a restart switches every defence back on."),
        this);
    intro->setWordWrap(true);
    for (const attack::WeaknessSpec &spec : attack::allWeaknesses()) {
        auto *item
            = new QListWidgetItem(tr("%1 — %2\nbreaks: %3 (%4)")
                                      .arg(spec.key, attack::ownerName(spec.owner), spec.rule, spec.section),
                m_list);
        item->setData(WeaknessRole, int(spec.weakness));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
        item->setToolTip(tr("%1.\nAn attacker gains: %2").arg(spec.title, spec.breaks));
    }
    connect(m_list, &QListWidget::itemChanged, this, [this] { Q_EMIT changed(checked()); });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(intro);
    layout->addWidget(m_list, 1);
}

QList<attack::Weakness> WeaknessPanel::checked() const
{
    QList<attack::Weakness> on;
    for (int i = 0; i < m_list->count(); ++i) {
        if (m_list->item(i)->checkState() == Qt::Checked)
            on.append(attack::Weakness(m_list->item(i)->data(WeaknessRole).toInt()));
    }
    return on;
}

void WeaknessPanel::setChecked(attack::Weakness weakness, bool on)
{
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem *item = m_list->item(i);
        if (item->data(WeaknessRole).toInt() == int(weakness))
            item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    }
}

} // namespace cfl
