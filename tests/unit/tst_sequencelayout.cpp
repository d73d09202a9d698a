// The live sequence diagram's geometry without a window or a font (ui/diagram/layout/SequenceLayout):
// which lifelines a trace gets, where they stand for a given width — evenly spread, spread with their
// roles on two lines, or wider than the viewport — and where each arrow, self-loop and label goes.
//
// Text is measured with a fixed pitch (Bold 10 px a character, Small 8, Number 9) and a line of the font is
// 20 px, so every number below can be worked out by hand: the comments do it.

#include "trace/TraceEvent.h"
#include "ui/diagram/layout/SequenceLayout.h"

#include <QTest>

using namespace cfl;

namespace {

constexpr double Unit = 20;

// Fixed pitch, proportional to the unit (so that a font twice as big measures twice as wide).
SequenceLayout::Metrics metrics(double unit = Unit, bool icons = true)
{
    SequenceLayout::Metrics m;
    m.unit = unit;
    m.advance = [unit](SequenceLayout::Font font, const QString &text) {
        const double pitch = font == SequenceLayout::Font::Bold ? 0.5
            : font == SequenceLayout::Font::Small               ? 0.4
                                                                : 0.45;
        return text.size() * pitch * unit;
    };
    if (icons) {
        for (const SequenceLane &lane : diagram::lanes()) {
            if (!lane.icon.isEmpty())
                m.lanesWithIcon.insert(lane.key);
        }
    }
    return m;
}

TraceEvent traced(
    TraceKind kind, const QString &from, const QString &to, const QString &summary, int step = 0)
{
    TraceEvent e;
    e.kind = kind;
    e.from = from;
    e.to = to;
    e.summary = summary;
    e.step = step;
    return e;
}

// Seed steps 1 and 2, and banky checking a token on the last lifeline.
QList<TraceEvent> threeArrows()
{
    TraceEvent authorize = traced(TraceKind::Request, QStringLiteral("Browser"), QStringLiteral("eddy"),
        QStringLiteral("authorization request"), 1);
    authorize.method = "GET";
    authorize.url = QUrl(QStringLiteral("http://127.0.0.1:4444/authorize?client_id=coolloan"));
    return { authorize,
        traced(TraceKind::Decision, QStringLiteral("eddy"), QStringLiteral("eddy"),
            QStringLiteral("validated"), 2),
        traced(TraceKind::Decision, QStringLiteral("banky"), QStringLiteral("banky"),
            QStringLiteral("access token validated"), 15) };
}

void compareAll(const QList<double> &actual, const QList<double> &expected)
{
    QCOMPARE(actual.size(), expected.size());
    for (int i = 0; i < actual.size(); ++i)
        QVERIFY2(qAbs(actual.at(i) - expected.at(i)) < 1e-9,
            qPrintable(
                QStringLiteral("lane %1: %2, expected %3").arg(i).arg(actual.at(i)).arg(expected.at(i))));
}

QList<double> laneXs(const SequenceLayout &layout)
{
    QList<double> xs;
    for (int i = 0; i < layout.lanes().size(); ++i)
        xs.append(layout.laneX(i));
    return xs;
}

const QStringList SeedLifelines { QStringLiteral("John"), QStringLiteral("Browser"),
    QStringLiteral("CoolLoan"), QStringLiteral("eddy"), QStringLiteral("boris"), QStringLiteral("banky") };

} // namespace

class tst_SequenceLayout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lifelinesOfATrace_data();
    void lifelinesOfATrace();
    void headers();
    void lanePositions_data();
    void lanePositions();
    void rows();
    void arrows();
    void labelStaysInTheDiagram();
    void glyphWithoutAPicture();
    void biggerFontBiggerDiagram();
};

void tst_SequenceLayout::lifelinesOfATrace_data()
{
    QTest::addColumn<QList<TraceEvent>>("arrows");
    QTest::addColumn<QStringList>("lifelines");
    QTest::newRow("no arrows yet: the seed's six") << QList<TraceEvent>() << SeedLifelines;
    QTest::newRow("CoolLoan's flow") << threeArrows() << SeedLifelines;
    QTest::newRow("PirateLoan logs in: next to CoolLoan")
        << QList<TraceEvent> { traced(TraceKind::Request, QStringLiteral("PirateLoan"),
               QStringLiteral("eddy"), QStringLiteral("POST /web/login")) }
        << QStringList { QStringLiteral("John"), QStringLiteral("Browser"), QStringLiteral("CoolLoan"),
               QStringLiteral("PirateLoan"), QStringLiteral("eddy"), QStringLiteral("boris"),
               QStringLiteral("banky") };
    QTest::newRow("a stranger (curl) and PirateLoan")
        << QList<TraceEvent> { traced(TraceKind::Request, QStringLiteral("curl"), QStringLiteral("boris"),
                                   QStringLiteral("POST /token")),
               traced(TraceKind::Response, QStringLiteral("eddy"), QStringLiteral("PirateLoan"),
                   QStringLiteral("200")) }
        << QStringList { QStringLiteral("John"), QStringLiteral("Browser"), QStringLiteral("CoolLoan"),
               QStringLiteral("PirateLoan"), QStringLiteral("Other"), QStringLiteral("eddy"),
               QStringLiteral("boris"), QStringLiteral("banky") };
    // The attack lab (issue 11): each of Mallory's parties on a lane of its own, next to the clients.
    QTest::newRow("Mallory's malware replays a code, her listener gets John's redirect")
        << QList<TraceEvent> { traced(TraceKind::Request, malloryMalware(), QStringLiteral("boris"),
                                   QStringLiteral("POST /token")),
               traced(TraceKind::Request, QStringLiteral("Browser"), malloryListener(),
                   QStringLiteral("GET /steal")),
               traced(TraceKind::Decision, malloryMalware(), malloryMalware(),
                   QStringLiteral("Mallory now holds John's tokens")) }
        << QStringList { QStringLiteral("John"), QStringLiteral("Browser"), QStringLiteral("CoolLoan"),
               malloryMalware(), malloryListener(), QStringLiteral("eddy"), QStringLiteral("boris"),
               QStringLiteral("banky") };
    // The mix-up (RFC 9700 §4.4): MalloryBank stands next to the honest bank's lifelines.
    QTest::newRow("CoolLoan redeems John's code at MalloryBank")
        << QList<TraceEvent> { traced(TraceKind::Request, QStringLiteral("CoolLoan"), malloryBank(),
                                   QStringLiteral("POST /token")),
               traced(TraceKind::Request, malloryBank(), QStringLiteral("boris"),
                   QStringLiteral("POST /token")) }
        << QStringList { QStringLiteral("John"), QStringLiteral("Browser"), QStringLiteral("CoolLoan"),
               malloryBank(), QStringLiteral("eddy"), QStringLiteral("boris"), QStringLiteral("banky") };
}

void tst_SequenceLayout::lifelinesOfATrace()
{
    QFETCH(QList<TraceEvent>, arrows);
    QFETCH(QStringList, lifelines);
    SequenceLayout layout(metrics());
    layout.setViewportWidth(1000);
    layout.setArrows(arrows);
    QCOMPARE(layout.lifelines(), lifelines);
    QCOMPARE(layout.arrowCount(), arrows.size());
    // A party the seed does not know stands on "Other".
    if (lifelines.contains(QStringLiteral("Other")))
        QCOMPARE(layout.laneX(QStringLiteral("curl")), layout.laneX(QStringLiteral("Other")));

    // Arrow by arrow, as a live run adds them (appendArrow lays out again only when a lane appears):
    // the same lanes at the same places.
    SequenceLayout live(metrics());
    live.setViewportWidth(1000);
    for (const TraceEvent &arrow : std::as_const(arrows))
        live.appendArrow(arrow);
    QCOMPARE(live.lifelines(), lifelines);
    for (int lane = 0; lane < lifelines.size(); ++lane)
        QCOMPARE(live.laneX(lane), layout.laneX(lane));
    QCOMPARE(live.contentWidth(), layout.contentWidth());
    QCOMPARE(live.contentHeight(), layout.contentHeight());
}

void tst_SequenceLayout::headers()
{
    SequenceLayout layout(metrics());
    layout.setViewportWidth(1000);
    // A header is its widest line plus 0.6 units (12): John's "Resource Owner" is 14 × 8 = 112; the
    // browser's name "User Agent" 10 × 10 + picture (22) + 6 = 128; CoolLoan's role 18 × 8 = 144; eddy's
    // role 20 × 8 = 160; boris's role 13 × 8 = 104; banky's role 15 × 8 = 120.
    QList<double> widths;
    for (int i = 0; i < layout.lanes().size(); ++i)
        widths.append(layout.headerWidth(i));
    compareAll(widths, { 124, 140, 156, 172, 116, 132 });
    QCOMPARE(layout.roleLineCount(), 1);
    QCOMPARE(layout.headerHeight(), 59); // 2.95 units
    QCOMPARE(layout.nameLine(layout.lanes().at(0)), QStringLiteral("John"));
    QCOMPARE(layout.roleLines(layout.lanes().at(3)), QStringList { QStringLiteral("Authorization Server") });
}

void tst_SequenceLayout::lanePositions_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("roleLines");
    QTest::addColumn<QList<double>>("xs");
    QTest::addColumn<int>("contentWidth");
    // Headers 124 140 156 172 116 132: neighbours need half of each plus 0.3 units (6) between their
    // lifelines — 138 154 170 150 130, 742 in all — and the row needs 0.5 units (10) of margin on each
    // side, 1.5 units (30) on the right for the last lane's loops, and half of the outer headers (128):
    // 920 pixels.
    // Room to spare: even steps of (1200 - 72 - 10 - 66 - 30) / 5 = 204.4 from the first at 10 + 62.
    QTest::newRow("1200: evenly") << 1200 << 1 << QList<double> { 72, 276.4, 480.8, 685.2, 889.6, 1094 }
                                  << 1200;
    // 1000: even steps (164.4) would squeeze CoolLoan and eddy (170): each gap its minimum plus an equal
    // share of what is left, (822 - 742) / 5 = 16.
    QTest::newRow("1000: each its room, and an equal share")
        << 1000 << 1 << QList<double> { 72, 226, 396, 582, 748, 894 } << 1000;
    // 800: too narrow for one line of roles; on two ("Resource / Owner", "3rd party / (client)",
    // "Authorization / Server", "Resource / Server") the headers are 80 140 120 116 116 90, the gaps
    // 116 136 124 122 109 (607), and 20 + 30 + 85 + 607 = 742 fits: minimum gaps plus (665 - 607) / 5.
    QTest::newRow("800: roles on two lines")
        << 800 << 2 << QList<double> { 50, 177.6, 325.2, 460.8, 594.4, 715 } << 800;
    // 600: not even on two lines — minimum gaps, and the diagram scrolls sideways.
    QTest::newRow("600: wider than the viewport")
        << 600 << 2 << QList<double> { 50, 166, 302, 426, 548, 657 } << 742;
}

void tst_SequenceLayout::lanePositions()
{
    QFETCH(int, width);
    QFETCH(int, roleLines);
    QFETCH(QList<double>, xs);
    QFETCH(int, contentWidth);
    SequenceLayout layout(metrics());
    layout.setArrows(threeArrows());
    layout.setViewportWidth(width);
    QCOMPARE(layout.roleLineCount(), roleLines);
    compareAll(laneXs(layout), xs);
    QCOMPARE(layout.contentWidth(), contentWidth);
    QCOMPARE(layout.laneX(QStringLiteral("eddy")), xs.at(3));
    QCOMPARE(layout.headerHeight(), roleLines == 1 ? 59 : 76); // 2.95 units, + 0.85 for the second line
}

void tst_SequenceLayout::rows()
{
    SequenceLayout layout(metrics());
    layout.setViewportWidth(1000);
    layout.setArrows(threeArrows());
    // Rows of 2.15 units (43) under a pad of 0.4 units (8); 0.5 units (10) below the last.
    QCOMPARE(layout.rowHeight(), 43);
    QCOMPARE(layout.topPad(), 8);
    QCOMPARE(layout.contentHeight(), 8 + 3 * 43 + 8 + 10);
    QCOMPARE(layout.arrowAt(7), -1);
    QCOMPARE(layout.arrowAt(8), 0);
    QCOMPARE(layout.arrowAt(8 + 43 - 1), 0);
    QCOMPARE(layout.arrowAt(8 + 43), 1);
    QCOMPARE(layout.arrowAt(8 + 2 * 43 + 42), 2);
    QCOMPARE(layout.arrowAt(8 + 3 * 43), -1);
    QCOMPARE(layout.arrow(3).label, QRectF());
    QCOMPARE(layout.arrowBounds(-1), QRectF());
}

void tst_SequenceLayout::arrows()
{
    SequenceLayout layout(metrics());
    layout.setViewportWidth(1000); // lifelines at 72 226 396 582 748 894
    layout.setArrows(threeArrows());

    // Step 1, the browser to eddy: a line at 1.6 units into its row, from one lifeline to the other; the
    // label 0.35 units right of the left one: badge (1.05 units, 21) + 6, the text in bold (21 × 10), 0.6
    // units (12), the HTTP it was in the small font ("GET /authorize?…", 16 × 8).
    const SequenceLayout::Arrow authorize = layout.arrow(0);
    QCOMPARE(authorize.row, QRectF(0, 8, 1000, 43));
    QCOMPARE(authorize.x1, 226.0);
    QCOMPARE(authorize.x2, 582.0);
    QCOMPARE(authorize.lineY, 40.0);
    QVERIFY(!authorize.selfLoop);
    QCOMPARE(authorize.text, QStringLiteral("authorization request"));
    QCOMPARE(authorize.hint, QStringLiteral("GET /authorize?…"));
    QCOMPARE(authorize.label, QRectF(233, 10, 27 + 210 + 12 + 128, 21));
    // What it covers: the line ± 0.3 units, and its label.
    QCOMPARE(layout.arrowBounds(0), QRectF(QPointF(226, 10), QPointF(610, 46)));

    // Step 2, eddy's own check: a loop on eddy's lifeline, 1.3 × 0.75 units, 1.2 units into the row.
    const SequenceLayout::Arrow check = layout.arrow(1);
    QVERIFY(check.selfLoop);
    QCOMPARE(check.x1, 582.0);
    QCOMPARE(check.x2, 582.0);
    QCOMPARE(check.loop, QRectF(582, 51 + 24, 26, 15));
    QCOMPARE(check.label, QRectF(589, 53, 27 + 90, 21));
    QCOMPARE(check.hint, QString());
    QCOMPARE(layout.arrowBounds(1), QRectF(QPointF(582, 53), QPointF(706, 94)));
}

void tst_SequenceLayout::labelStaysInTheDiagram()
{
    SequenceLayout layout(metrics());
    layout.setViewportWidth(1000);
    layout.setArrows(threeArrows());
    // banky's check on the last lifeline (894), step 15: a pill for two digits (2 × 9 + 0.45 units = 27)
    // and 6, then 22 characters in bold (220). From 894 + 7 it would end at 1154, past the diagram's right
    // edge less 0.3 units (994): it moves left to end there.
    const SequenceLayout::Arrow check = layout.arrow(2);
    QCOMPARE(check.x1, 894.0);
    QCOMPARE(layout.badgeWidth(15), 27.0);
    QCOMPARE(check.label, QRectF(994 - 253, 94 + 2, 253, 21));
}

void tst_SequenceLayout::glyphWithoutAPicture()
{
    SequenceLayout layout(metrics(Unit, false));
    layout.setViewportWidth(1000);
    const SequenceLane &john = layout.lanes().at(0);
    QVERIFY(!layout.hasIcon(john));
    QCOMPARE(layout.nameLine(john), QStringLiteral("☺ John"));
    // Without the picture the browser's header is its name with the glyph, "◫ User Agent": 12 × 10 + 12.
    QCOMPARE(layout.headerWidth(1), 132.0);
    // Mallory's parties have no picture: their glyph and name ("☣ Mallory's malware").
    layout.setArrows({ traced(
        TraceKind::Request, malloryMalware(), QStringLiteral("boris"), QStringLiteral("POST /token")) });
    const SequenceLane &malware = layout.lanes().at(3);
    QCOMPARE(malware.key, malloryMalware());
    QCOMPARE(layout.nameLine(malware), QStringLiteral("☣ Mallory's malware"));
    QVERIFY(!layout.hasIcon(malware));
}

void tst_SequenceLayout::biggerFontBiggerDiagram()
{
    // Everything is in units: twice the font in twice the width is the same diagram, twice as big.
    SequenceLayout small(metrics(Unit));
    small.setViewportWidth(1000);
    small.setArrows(threeArrows());
    SequenceLayout large(metrics(2 * Unit));
    large.setViewportWidth(2000);
    large.setArrows(threeArrows());
    QList<double> doubled;
    for (double x : laneXs(small))
        doubled.append(2 * x);
    compareAll(laneXs(large), doubled);
    QCOMPARE(large.rowHeight(), 2 * small.rowHeight());
    QCOMPARE(large.arrow(0).label.size(), 2 * small.arrow(0).label.size());
}

QTEST_APPLESS_MAIN(tst_SequenceLayout)
#include "tst_sequencelayout.moc"
