#include "ui/attack/AttackLabView.h"

#include "attack/PacedAttack.h"
#include "bank/BankHost.h"
#include "client/CoolLoanClient.h"
#include "trace/TraceModel.h"
#include "ui/attack/AttackExplanation.h"
#include "ui/attack/WeaknessBanner.h"
#include "ui/attack/WeaknessPanel.h"
#include "ui/diagram/SequenceDiagramView.h"
#include "ui/inspection/InspectionFormat.h"
#include "ui/theme/Theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace cfl {

namespace {
QSet<QString> toSet(const QStringList &list)
{
    return QSet<QString>(list.cbegin(), list.cend());
}
} // namespace

AttackLabView::AttackLabView(
    BankHost *bank, CoolLoanClient *coolLoan, WeaknessBanner *banner, QWidget *parent)
    : QWidget(parent)
    , m_bank(bank)
    , m_coolLoan(coolLoan)
    , m_banner(banner)
    , m_scenarios(attack::allScenarios())
    , m_player(new attack::PacedAttack(this))
    , m_trace(new TraceModel(this))
    , m_scenarioList(new QListWidget(this))
    , m_card(inspect::textView(QStringLiteral("scenarioCard"), this))
    , m_runWeak(new QPushButton(tr("☠ Run attack"), this))
    , m_runDefended(new QPushButton(tr("✔ Run defended"), this))
    , m_peel(new QPushButton(tr("Peel layers"), this))
    , m_status(new QLabel(this))
    , m_diagram(new SequenceDiagramView(m_trace, this))
    , m_explanation(inspect::textView(QStringLiteral("attackExplanation"), this))
    , m_weaknesses(new WeaknessPanel(this))
{
    setObjectName(QStringLiteral("attackLabView"));
    m_scenarioList->setObjectName(QStringLiteral("scenarioList"));
    m_runWeak->setObjectName(QStringLiteral("runAttackButton"));
    m_runDefended->setObjectName(QStringLiteral("runDefendedButton"));
    m_peel->setObjectName(QStringLiteral("peelLayersButton"));
    m_status->setObjectName(QStringLiteral("attackStatus"));
    m_diagram->setObjectName(QStringLiteral("attackDiagram"));
    m_status->setWordWrap(true);
    m_runWeak->setToolTip(
        tr("Switch the scenario's weaknesses on and play the attack against a bank of its own"));
    m_runDefended->setToolTip(tr("Play the same attack with every defence on"));
    m_peel->setToolTip(tr("Play the attack once per defence layer: that layer back on, the others off"));
    m_runWeak->setStyleSheet(
        QStringLiteral("QPushButton { color: %1; font-weight: bold; }").arg(theme::Mallory.name()));
    m_runDefended->setStyleSheet(
        QStringLiteral("QPushButton { color: %1; font-weight: bold; }").arg(theme::Ok.name()));

    m_scenarioList->setWordWrap(true);
    m_scenarioList->setResizeMode(QListView::Adjust);
    m_scenarioList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scenarioList->setSpacing(2);
    for (const attack::Scenario &scenario : std::as_const(m_scenarios)) {
        auto *item
            = new QListWidgetItem(QStringLiteral("%1\n%2").arg(scenario.id, scenario.goal), m_scenarioList);
        item->setData(Qt::UserRole, scenario.id);
        item->setToolTip(scenario.story);
    }
    m_explanation->setHtml(inspect::heading(tr("Why it worked / why it failed"))
        + tr("<p>Choose a scenario and run it: weak (its weaknesses on) or defended. Each run is real — a "
             "bank "
             "of its own on loopback, Mallory's parties speaking HTTP — played one exchange per step at the "
             "autoplay pace.</p>"));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_runWeak);
    buttons->addWidget(m_runDefended);
    buttons->addWidget(m_peel);
    buttons->addWidget(m_status, 1);

    auto *top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(m_card);
    top->addWidget(m_explanation);
    top->setChildrenCollapsible(false);
    top->setStretchFactor(0, 1);
    top->setStretchFactor(1, 1);
    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    auto *vertical = new QSplitter(Qt::Vertical, right);
    auto *topBox = new QWidget(vertical);
    auto *topLayout = new QVBoxLayout(topBox);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(top, 1);
    topLayout->addLayout(buttons);
    vertical->addWidget(topBox);
    vertical->addWidget(m_diagram);
    vertical->setChildrenCollapsible(false);
    vertical->setStretchFactor(0, 2);
    vertical->setStretchFactor(1, 3);
    rightLayout->addWidget(vertical);

    auto *left = new QSplitter(Qt::Vertical, this);
    auto *scenarios = new QWidget(left);
    auto *scenariosLayout = new QVBoxLayout(scenarios);
    scenariosLayout->setContentsMargins(0, 0, 0, 0);
    scenariosLayout->addWidget(new QLabel(tr("<b>Attacks</b>"), scenarios));
    scenariosLayout->addWidget(m_scenarioList, 1);
    left->addWidget(scenarios);
    left->addWidget(m_weaknesses);
    left->setChildrenCollapsible(false);

    auto *columns = new QSplitter(Qt::Horizontal, this);
    columns->addWidget(left);
    columns->addWidget(right);
    columns->setChildrenCollapsible(false);
    columns->setStretchFactor(0, 0);
    columns->setStretchFactor(1, 1);
    columns->setSizes({ 230, 1000 });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(columns);

    connect(m_scenarioList, &QListWidget::currentRowChanged, this, &AttackLabView::showCard);
    connect(m_runWeak, &QPushButton::clicked, this, &AttackLabView::runWeak);
    connect(m_runDefended, &QPushButton::clicked, this, &AttackLabView::runDefended);
    connect(m_peel, &QPushButton::clicked, this, &AttackLabView::runPeeled);
    connect(m_player, &attack::PacedAttack::traceEvent, m_trace, &TraceModel::append);
    connect(m_player, &attack::PacedAttack::stepTaken, this, [this](int steps) {
        m_status->setText(tr("<b>%1</b> — exchange %2, played live: one real HTTP exchange every %3 ms")
                              .arg(m_current.title.toHtmlEscaped())
                              .arg(steps)
                              .arg(m_paceMs));
    });
    connect(m_player, &attack::PacedAttack::finished, this, &AttackLabView::onRunFinished);
    connect(m_weaknesses, &WeaknessPanel::changed, this, &AttackLabView::reapplyWeaknesses);
    m_scenarioList->setCurrentRow(0);
    updateButtons();
}

AttackLabView::~AttackLabView() = default;

const attack::Scenario *AttackLabView::currentScenario() const
{
    const int row = m_scenarioList->currentRow();
    return row >= 0 && row < m_scenarios.size() ? &m_scenarios.at(row) : nullptr;
}

QString AttackLabView::currentScenarioId() const
{
    const attack::Scenario *scenario = currentScenario();
    return scenario ? scenario->id : QString();
}

bool AttackLabView::selectScenario(const QString &id)
{
    for (int i = 0; i < m_scenarios.size(); ++i) {
        if (m_scenarios.at(i).id == id) {
            m_scenarioList->setCurrentRow(i);
            return true;
        }
    }
    return false;
}

bool AttackLabView::isRunning() const
{
    return m_playing;
}

void AttackLabView::showCard()
{
    if (const attack::Scenario *scenario = currentScenario())
        m_card->setHtml(attackui::scenarioCard(*scenario));
    updateButtons();
}

bool AttackLabView::runWeak()
{
    const attack::Scenario *scenario = currentScenario();
    return scenario && startRuns({ { tr("Weak run"), scenario->weaknesses(), -1 } });
}

bool AttackLabView::runDefended()
{
    const attack::Scenario *scenario = currentScenario();
    return scenario && startRuns({ { tr("Defended run"), {}, 0 } });
}

bool AttackLabView::runPeeled()
{
    const attack::Scenario *scenario = currentScenario();
    if (!scenario)
        return false;
    QList<PlannedRun> runs;
    for (int i = 0; i < scenario->layers.size(); ++i) {
        QList<attack::Weakness> weaknesses = scenario->weaknesses();
        for (const attack::Weakness weakness : scenario->layers.at(i).weaknesses)
            weaknesses.removeAll(weakness);
        runs.append({ tr("Layer %1 of %2 back on (%3)")
                          .arg(i + 1)
                          .arg(scenario->layers.size())
                          .arg(scenario->layers.at(i).check),
            weaknesses, i });
    }
    return startRuns(runs);
}

bool AttackLabView::startRuns(const QList<PlannedRun> &runs)
{
    if (m_playing || runs.isEmpty())
        return false;
    m_queue = runs;
    m_results.clear();
    startNext();
    return true;
}

void AttackLabView::startNext()
{
    const attack::Scenario *scenario = currentScenario();
    if (m_queue.isEmpty() || !scenario) {
        m_playing = false;
        updateButtons();
        return;
    }
    m_current = m_queue.takeFirst();
    m_trace->clear();
    m_playing = true;
    updateButtons();
    updateBanner();
    m_status->setText(tr("<b>%1</b> — starting a bank of its own…").arg(m_current.title.toHtmlEscaped()));
    m_player->start(*scenario, m_current.weaknesses, m_paceMs);
    Q_EMIT runStarted();
}

void AttackLabView::onRunFinished()
{
    const attack::Scenario *scenario = currentScenario();
    m_lastOutcome = m_player->outcome();
    if (scenario) {
        QString why;
        const bool expected = attack::isExpected(*scenario, m_lastOutcome, m_current.expectedLayer, &why);
        QString html = attackui::outcomeExplanation(*scenario, m_lastOutcome, m_current.title);
        if (!expected)
            html += QStringLiteral("<p>%1</p>")
                        .arg(inspect::verdict(
                            false, tr("Not the expected outcome: %1").arg(why).toHtmlEscaped()));
        // Peel layers: the newest run first, the earlier ones below it.
        m_results = html + (m_results.isEmpty() ? QString() : QStringLiteral("<hr>") + m_results);
        m_explanation->setHtml(m_results);
        m_status->setText(tr("<b>%1</b> — %2 (%3 arrows; every one a real exchange or decision)")
                              .arg(m_current.title.toHtmlEscaped(), attackui::outcomeHeading(m_lastOutcome))
                              .arg(m_diagram->arrowCount()));
    }
    m_current = { {}, {}, -1 };
    m_playing = false;
    updateBanner();
    Q_EMIT runFinished();
    if (!m_queue.isEmpty())
        startNext();
    else
        updateButtons();
}

QString AttackLabView::explanationText() const
{
    return m_explanation->toPlainText();
}

QList<attack::Weakness> AttackLabView::activeWeaknesses() const
{
    QList<attack::Weakness> active = m_weaknesses->checked();
    for (const attack::Weakness weakness : m_current.weaknesses) {
        if (!active.contains(weakness))
            active.append(weakness);
    }
    return active;
}

void AttackLabView::reapplyWeaknesses()
{
    const QList<attack::Weakness> byHand = m_weaknesses->checked();
    if (m_bank)
        m_bank->setDisabledChecks(toSet(attack::bankChecksOf(byHand)));
    if (m_coolLoan)
        m_coolLoan->setDisabledChecks(toSet(attack::clientChecksOf(byHand)));
    updateBanner();
}

void AttackLabView::updateBanner()
{
    if (m_banner)
        m_banner->setWeaknesses(activeWeaknesses());
}

void AttackLabView::updateButtons()
{
    const attack::Scenario *scenario = currentScenario();
    m_runWeak->setEnabled(scenario && !m_playing);
    m_runDefended->setEnabled(scenario && !m_playing);
    m_peel->setEnabled(scenario && !m_playing && scenario->layers.size() > 1);
    m_scenarioList->setEnabled(!m_playing);
}

} // namespace cfl
