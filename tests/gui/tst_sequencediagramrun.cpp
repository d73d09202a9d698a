// The live sequence diagram in the real LabWindow: the first tab of the inspection dock, following a real
// run of CoolLoan's flow live, every seed step in order, and a click on the token request opening the
// bank's own record of it. The diagram on its own, fed hand-made exchanges:
// tests/widgets/tst_sequencediagram.

#include "gui/LabFixture.h"
#include "trace/SeedSteps.h"
#include "trace/TraceModel.h"
#include "ui/diagram/SequenceDiagramView.h"
#include "ui/shell/InspectionDock.h"

#include <QDialog>
#include <QSignalSpy>
#include <QTabWidget>

using namespace cfl;

class tst_SequenceDiagramRun : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void realRunInTheLabWindow();
};

void tst_SequenceDiagramRun::realRunInTheLabWindow()
{
    test::LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    auto *view = lab.widget<SequenceDiagramView>("sequenceDiagram");
    QVERIFY2(view, "no sequence diagram in the window");
    QTabWidget *tabs = lab.window()->inspection()->tabs();
    QCOMPARE(tabs->indexOf(view), 0);
    QCOMPARE(tabs->tabText(0), QStringLiteral("Sequence diagram"));
    tabs->setCurrentIndex(0);

    QVERIFY(test::approveCoolLoan(lab));
    TraceModel *trace = lab.window()->trace();
    QTRY_COMPARE(view->arrowCount(), trace->diagramIndexes().size());
    QVERIFY(view->isLive());
    QCOMPARE(view->selectedIndex(), view->arrowCount() - 1);
    QVERIFY(view->diagramViewport()->rect().contains(view->arrowRect(view->selectedIndex()).center()));

    // Every numbered arrow of the seed, in order of first appearance.
    QList<int> firstSeen;
    int tokenArrow = -1;
    for (int arrow = 0; arrow < view->arrowCount(); ++arrow) {
        const TraceEvent &event = trace->at(view->traceIndexOf(arrow));
        if (event.step > 0 && !firstSeen.contains(event.step))
            firstSeen.append(event.step);
        if (event.step == 12 && tokenArrow < 0)
            tokenArrow = arrow;
    }
    QList<int> seed;
    for (int step = 1; step <= SeedStepCount; ++step)
        seed.append(step);
    QCOMPARE(firstSeen, seed);

    QSignalSpy activated(view, &SequenceDiagramView::eventActivated);
    view->selectArrow(tokenArrow);
    QTest::mouseClick(view->diagramViewport(), Qt::LeftButton, {}, view->arrowRect(tokenArrow).center());
    QCOMPARE(activated.size(), 1);
    const TraceEvent &token = trace->at(activated.last().at(0).toInt());
    QCOMPARE(token.source, QStringLiteral("bank"));
    QCOMPARE(token.url.path(), QStringLiteral("/token"));
    QVERIFY(view->detailDialog()->isVisible());
    view->detailDialog()->hide();
}

CFL_GUI_TEST_MAIN(tst_SequenceDiagramRun)
#include "tst_sequencediagramrun.moc"
