#include "ui/traffic/TrafficLogView.h"

#include "trace/TraceModel.h"
#include "ui/theme/Theme.h"
#include "ui/traffic/ExchangeDetailView.h"
#include "ui/traffic/TrafficFilterModel.h"
#include "ui/traffic/TrafficTableModel.h"

#include <QCheckBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QSplitter>
#include <QStyle>
#include <QStyleOptionViewItem>
#include <QTableView>
#include <QVBoxLayout>

namespace cfl {

TrafficLogView::TrafficLogView(TraceModel *trace, QWidget *parent)
    : QWidget(parent)
    , m_model(new TrafficTableModel(trace, this))
    , m_filterModel(new TrafficFilterModel(this))
    , m_filter(new QLineEdit(this))
    , m_showDecisions(new QCheckBox(tr("Decisions and actions"), this))
    , m_count(new QLabel(this))
    , m_table(new QTableView(this))
    , m_detail(new ExchangeDetailView(this))
{
    setObjectName(QStringLiteral("trafficLog"));
    m_filterModel->setSourceModel(m_model);

    m_filter->setObjectName(QStringLiteral("trafficFilter"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setPlaceholderText(tr("Filter: token   banky   status>=400   step=12   !browser"));
    m_filter->setToolTip(tr("Words must all match (parties, seen by, channel, method, path, what).\n"
                            "!word excludes. Comparisons: status>=400, step=12, ms>50."));
    connect(m_filter, &QLineEdit::textChanged, this, &TrafficLogView::setFilter);

    m_showDecisions->setObjectName(QStringLiteral("trafficShowDecisions"));
    m_showDecisions->setToolTip(
        tr("Also list the bank's decisions and John's actions between the exchanges, in grey"));
    connect(m_showDecisions, &QCheckBox::toggled, m_model, &TrafficTableModel::setShowDecisions);

    m_count->setObjectName(QStringLiteral("trafficCount"));

    m_table->setObjectName(QStringLiteral("trafficTable"));
    m_table->setModel(m_filterModel);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_table->verticalHeader()->hide();
    // Every row is one line (no word wrap), so every row has the same height. ResizeToContents would
    // measure every row's text again on each insert: with thousands of exchanges one append cost
    // hundreds of milliseconds (docs/benchmarks.md, cfl-bench-ui trace).
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    updateRowHeight();
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setHighlightSections(false);
    header->setStretchLastSection(true);
    // Wide enough for what the columns hold in a normal run; the path and "what" get the rest.
    const QFontMetrics metrics = m_table->fontMetrics();
    auto width = [&metrics](const QString &sample) { return metrics.horizontalAdvance(sample) + 18; };
    m_table->setColumnWidth(TrafficTableModel::StepColumn, width(QStringLiteral("7 8 9 10")));
    m_table->setColumnWidth(TrafficTableModel::TimeColumn, width(QStringLiteral("00:00:00.000")));
    m_table->setColumnWidth(TrafficTableModel::SeenByColumn, width(QStringLiteral("PirateLoan")));
    m_table->setColumnWidth(TrafficTableModel::ChannelColumn, width(QStringLiteral("resource API")));
    m_table->setColumnWidth(TrafficTableModel::PartiesColumn, width(QStringLiteral("Browser → CoolLoan")));
    m_table->setColumnWidth(TrafficTableModel::MethodColumn, width(QStringLiteral("Method")));
    m_table->setColumnWidth(
        TrafficTableModel::PathColumn, width(QStringLiteral("/interaction/abcdef/consent")));
    m_table->setColumnWidth(TrafficTableModel::StatusColumn, width(QStringLiteral("Status")));
    m_table->setColumnWidth(TrafficTableModel::DurationColumn, width(QStringLiteral("12.3 ms")));
    m_table->setColumnWidth(
        TrafficTableModel::WhatColumn, width(QStringLiteral("→ redirect to the registered callback + code")));

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        &TrafficLogView::showSelected);
    // Live: the newest exchange stays in sight while the run plays, unless the reader scrolled up to read.
    connect(m_table->verticalScrollBar(), &QScrollBar::valueChanged, this,
        [this](int value) { m_following = value >= m_table->verticalScrollBar()->maximum(); });
    connect(m_filterModel, &QAbstractItemModel::rowsInserted, this, [this] {
        updateCount();
        if (m_following)
            m_table->scrollToBottom();
    });
    connect(m_filterModel, &QAbstractItemModel::rowsRemoved, this, &TrafficLogView::updateCount);
    connect(m_filterModel, &QAbstractItemModel::modelReset, this, [this] {
        updateCount();
        if (!m_table->currentIndex().isValid())
            m_detail->clear();
    });
    connect(m_filterModel, &QAbstractItemModel::layoutChanged, this, &TrafficLogView::updateCount);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_showDecisions);
    bar->addWidget(m_count);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->setSpacing(4);
    leftLayout->addLayout(bar);
    leftLayout->addWidget(m_table, 1);

    // Side by side: the dock is wide and short, and the detail needs height more than width.
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("trafficSplitter"));
    splitter->addWidget(left);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter);
    updateCount();
}

void TrafficLogView::updateRowHeight()
{
    // What the delegate asks of the style for a one-line row in the table's font (the tallest role a
    // row uses is a bold or italic variant of it, which is no taller).
    QStyleOptionViewItem option;
    option.initFrom(m_table);
    option.font = m_table->font();
    option.fontMetrics = QFontMetrics(option.font);
    option.features = QStyleOptionViewItem::HasDisplay;
    option.text = QStringLiteral("Ag→");
    const QSize size = m_table->style()->sizeFromContents(QStyle::CT_ItemViewItem, &option, QSize(), m_table);
    m_table->verticalHeader()->setMinimumSectionSize(0);
    m_table->verticalHeader()->setDefaultSectionSize(size.height());
}

void TrafficLogView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange)
        updateRowHeight();
}

void TrafficLogView::setFilter(const QString &filter)
{
    if (m_filter->text() != filter)
        m_filter->setText(filter); // comes back here through textChanged
    m_filterModel->setFilter(filter);
    // A comparison half typed is not an error yet: a hint, not red.
    m_filter->setStyleSheet(m_filterModel->isValid()
            ? QString()
            : QStringLiteral("QLineEdit { color: %1; }").arg(theme::Caution.name()));
    updateCount();
}

void TrafficLogView::showSelected()
{
    const QModelIndex current = m_table->currentIndex();
    const TraceEvent *event
        = current.isValid() ? m_model->eventAt(m_filterModel->mapToSource(current).row()) : nullptr;
    if (event)
        m_detail->showExchange(*event);
    else
        m_detail->clear();
}

void TrafficLogView::updateCount()
{
    const int total = m_model->exchangeCount();
    int shown = 0;
    for (int row = 0; row < m_filterModel->rowCount(); ++row)
        shown += m_filterModel->index(row, 0).data(TrafficTableModel::ExchangeRole).toBool() ? 1 : 0;
    m_count->setText(shown == total ? tr("%n exchange(s)", nullptr, total)
                                    : tr("%1 of %n exchange(s)", nullptr, total).arg(shown));
}

} // namespace cfl
