// The traffic log in the real LabWindow: its tab in the inspection dock, a real run's exchanges as the bank
// and CoolLoan each saw them, and the token exchange opened with its JWTs decoded. The log on its own, fed
// hand-made events: tests/widgets/tst_trafficlog.

#include "bank/BankHost.h"
#include "gui/LabFixture.h"
#include "trace/TraceModel.h"
#include "ui/shell/InspectionDock.h"
#include "ui/traffic/TrafficLogView.h"
#include "ui/traffic/TrafficTableModel.h"

#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>

using namespace cfl;

namespace {

int findRow(const QAbstractItemModel *model, const QString &path, const QString &seenBy)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, TrafficTableModel::PathColumn).data().toString().startsWith(path)
            && model->index(row, TrafficTableModel::SeenByColumn).data().toString() == seenBy)
            return row;
    }
    return -1;
}

QString cell(const QAbstractItemModel *model, int row, int column)
{
    return model->index(row, column).data().toString();
}

QTextBrowser *detailText(QWidget *view)
{
    return view->findChild<QTextBrowser *>(QStringLiteral("exchangeDetailText"));
}

} // namespace

class tst_TrafficLogRun : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void realRunInTheLabWindow();
};

void tst_TrafficLogRun::realRunInTheLabWindow()
{
    test::LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    auto *log = lab.widget<TrafficLogView>("trafficLog");
    QVERIFY2(log, "no traffic log in the window");
    QTabWidget *tabs = lab.window()->inspection()->tabs();
    QVERIFY(tabs->indexOf(log) >= 0);
    QCOMPARE(tabs->tabText(tabs->indexOf(log)), QStringLiteral("Traffic"));

    QVERIFY(test::approveCoolLoan(lab));
    QAbstractItemModel *table = log->table()->model();
    // Live: the run's exchanges are there, each seen by whoever recorded it.
    QTRY_VERIFY(findRow(table, QStringLiteral("/api/"), QStringLiteral("bank")) >= 0);
    QVERIFY(findRow(table, QStringLiteral("/authorize"), QStringLiteral("bank")) >= 0);
    QVERIFY(findRow(table, QStringLiteral("/token"), QStringLiteral("CoolLoan")) >= 0);
    const int token = findRow(table, QStringLiteral("/token"), QStringLiteral("bank"));
    QVERIFY(token >= 0);
    QCOMPARE(cell(table, token, TrafficTableModel::StepColumn), QStringLiteral("12 13"));

    log->table()->setCurrentIndex(table->index(token, 0));
    const QString text = detailText(log)->toPlainText();
    const QString issuer = lab.window()->bank()->issuer().toString();
    QVERIFY2(text.contains(QStringLiteral("JWT in “id_token”, decoded")), qPrintable(text.left(2000)));
    QVERIFY2(text.contains(QStringLiteral("\"iss\": \"%1\"").arg(issuer)), qPrintable(issuer));
    QVERIFY(text.contains(QStringLiteral("grant_type")));
}

CFL_GUI_TEST_MAIN(tst_TrafficLogRun)
#include "tst_trafficlogrun.moc"
