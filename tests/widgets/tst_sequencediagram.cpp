// The live sequence diagram: one arrow per diagram event as the trace grows
// (client mirrors excluded), numbered like the seed with each step explained, stepping back and forth,
// and a click on an arrow opening its exchange (the explanations themselves: tests/unit/tst_seedsteps; the
// geometry: tests/unit/tst_sequencelayout). Fed with what the bank's own BankTrace makes of hand-made
// exchanges (every kind and channel); a real run in the LabWindow: tests/gui/tst_sequencediagramrun.

#include "bank/BankTrace.h"
#include "bank/OAuthError.h"
#include "trace/SeedSteps.h"
#include "trace/TraceModel.h"
#include "ui/diagram/SequenceDiagramView.h"
#include "ui/traffic/ExchangeDetailView.h"
#include "widgets/WidgetTest.h"

#include <QDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QSignalSpy>
#include <QTextBrowser>
#include <QToolButton>

#include <memory>

using namespace cfl;

namespace {

const QUrl BankUrl(QStringLiteral("http://127.0.0.1:4444"));
const QByteArray BrowserAgent = "Mozilla/5.0 (X11; Linux x86_64) QtWebEngine/6.4.2 Chrome/102.0";
const QByteArray CoolLoanAgent = "CoolLoan/0.1.0 (CodeFlow Lab)";
const QByteArray PirateLoanAgent = "PirateLoan/0.1.0 (CodeFlow Lab)";
const QByteArray CurlAgent = "curl/7.88.1";
const QString Callback = QStringLiteral("http://127.0.0.1:5555/callback");

struct Exchange
{
    QByteArray agent;
    QByteArray method;
    QString target; // path and query
    int status = 200;
    QByteArray requestBody;
    QByteArray responseBody;
    QByteArray location;
    QList<BankDecision> decisions;
    ExchangeSteps steps = {}; // as the bank's endpoint says (BankContext::requestRealises, answerRealises)
};

// The bank's record of one exchange, made by the production code (BankTrace).
void bankRecords(TraceModel &trace, const Exchange &x)
{
    BankExchange exchange;
    exchange.request.method = x.method;
    exchange.request.url = BankUrl.resolved(QUrl(x.target));
    exchange.request.headers = { { "Host", "127.0.0.1:4444" }, { "User-Agent", x.agent } };
    if (!x.requestBody.isEmpty())
        exchange.request.headers.append(
            qMakePair(QByteArray("Content-Type"), QByteArray("application/x-www-form-urlencoded")));
    exchange.request.body = x.requestBody;
    exchange.response.status = x.status;
    exchange.response.body = x.responseBody;
    if (!x.location.isEmpty())
        exchange.response.headers.append(qMakePair(QByteArray("Location"), x.location));
    exchange.startedAtMs = 1700000000000;
    exchange.durationUs = 850;
    exchange.decisions = x.decisions;
    exchange.steps = x.steps;
    for (const TraceEvent &event : traceEventsFor(exchange, trace.nextExchangeId()))
        trace.append(event);
}

// What a client records of its own call to the bank: drawn once, as the bank's copy.
void clientRecords(TraceModel &trace, const QString &party, const QString &to, const QByteArray &method,
    const QString &target, int status)
{
    TraceEvent e;
    e.kind = TraceKind::Request;
    e.source = party.toLower();
    e.from = party;
    e.to = to;
    e.channel = to == QLatin1String("banky") ? TraceChannel::ResourceApi : TraceChannel::BackChannel;
    e.method = method;
    e.url = BankUrl.resolved(QUrl(target));
    e.status = status;
    e.summary = QStringLiteral("%1 %2 → %3").arg(QString::fromLatin1(method), e.url.path()).arg(status);
    trace.append(e);
}

void coolLoanDecides(TraceModel &trace, const QString &summary, const QString &rule = {})
{
    TraceEvent e;
    e.kind = TraceKind::Decision;
    e.source = QStringLiteral("coolloan");
    e.channel = TraceChannel::Internal;
    e.from = e.to = QStringLiteral("CoolLoan");
    e.summary = summary;
    e.refusalRule = rule;
    trace.append(e);
}

// Seed step 11: only CoolLoan sees the browser bring the code, so CoolLoan records it.
void callbackArrives(TraceModel &trace)
{
    TraceEvent request;
    request.kind = TraceKind::Request;
    request.source = QStringLiteral("coolloan");
    request.channel = TraceChannel::FrontChannel;
    request.from = QStringLiteral("Browser");
    request.to = QStringLiteral("CoolLoan");
    request.method = "GET";
    request.url = QUrl(Callback + QStringLiteral("?code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj"));
    request.status = 200;
    request.step = 11;
    request.summary = QStringLiteral("call redirect URL + code");
    TraceEvent response = request;
    response.kind = TraceKind::Response;
    std::swap(response.from, response.to);
    response.step = 0;
    response.summary = QStringLiteral("200 “CoolLoan received the code”");
    trace.append(request);
    trace.append(response);
}

const QByteArray TokenForm
    = "grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&redirect_uri=http%3A%2F%2F127.0.0.1%3A5555%"
      "2Fcallback&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

// CoolLoan's whole flow, as the window records it: the bank's copy of every exchange, CoolLoan's
// mirror of its own back-channel calls, the callback, CoolLoan's check of the ID token.
int feedHappyPath(TraceModel &trace)
{
    int mirrors = 0;
    bankRecords(trace,
        { CoolLoanAgent, "GET", QStringLiteral("/.well-known/openid-configuration"), 200, {},
            R"({"issuer":"x"})", {}, {} });
    clientRecords(trace, QStringLiteral("CoolLoan"), QStringLiteral("eddy"), "GET",
        QStringLiteral("/.well-known/openid-configuration"), 200);
    ++mirrors;
    bankRecords(trace,
        { BrowserAgent, "GET",
            QStringLiteral("/authorize?response_type=code&client_id=coolloan&redirect_uri=%1&scope=openid+"
                           "accounts%3Aread&state=af0ifjsldkj&code_challenge="
                           "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256")
                .arg(QString::fromLatin1(QUrl::toPercentEncoding(Callback))),
            303, {}, {}, "/interaction/6A9bOiK7Xo5buyPMU-jbiV3-WHSr6Tsx",
            { { QStringLiteral("authorization request validated: client, redirect URI, scope, PKCE"), 2,
                std::nullopt } },
            { 0, seed::AuthorizationRequest, 0 } });
    bankRecords(trace,
        { BrowserAgent, "GET", QStringLiteral("/interaction/6A9bOiK7Xo5buyPMU-jbiV3-WHSr6Tsx"), 200, {},
            R"(<form method="post"><input id="username"><input id="password" type="password"></form>)", {},
            {}, { 0, 0, seed::LoginScreen } });
    bankRecords(trace,
        { BrowserAgent, "POST", QStringLiteral("/interaction/6A9bOiK7Xo5buyPMU-jbiV3-WHSr6Tsx/login"), 303,
            "csrf_token=t&username=john&password=banking-is-fun", {},
            "/interaction/6A9bOiK7Xo5buyPMU-jbiV3-WHSr6Tsx",
            { { QStringLiteral("John is authenticated (user name and password checked)"), 0, std::nullopt } },
            { seed::SetCredential, seed::PushCredential, 0 } });
    bankRecords(trace,
        { BrowserAgent, "GET", QStringLiteral("/interaction/6A9bOiK7Xo5buyPMU-jbiV3-WHSr6Tsx"), 200, {},
            R"(<form method="post"><button id="approve">Allow</button></form>)", {}, {},
            { 0, 0, seed::ConsentScreen } });
    bankRecords(trace,
        { BrowserAgent, "POST", QStringLiteral("/interaction/6A9bOiK7Xo5buyPMU-jbiV3-WHSr6Tsx/consent"), 302,
            "csrf_token=t&decision=approve", {},
            (Callback + QStringLiteral("?code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj")).toUtf8(),
            { { QStringLiteral("John approved: openid accounts:read"), 0, std::nullopt },
                { QStringLiteral(
                      "authorization code issued, bound to client, redirect URI, PKCE challenge and nonce"),
                    9, std::nullopt } },
            { seed::Accept, seed::ConsentResponse, seed::RedirectWithCode } });
    callbackArrives(trace);
    bankRecords(trace,
        { CoolLoanAgent, "POST", QStringLiteral("/token"), 200, TokenForm,
            R"({"access_token":"eyJhbGciOiJSUzI1NiJ9.e30.c2ln","token_type":"Bearer","expires_in":600})", {},
            { { QStringLiteral("code, client secret, redirect URI and PKCE verifier checked: tokens issued"),
                0, std::nullopt } },
            { 0, seed::TokenRequest, seed::TokenResponse } });
    clientRecords(
        trace, QStringLiteral("CoolLoan"), QStringLiteral("boris"), "POST", QStringLiteral("/token"), 200);
    ++mirrors;
    coolLoanDecides(trace,
        QStringLiteral("CoolLoan validates the ID token: signature, iss, aud, exp, iat, nonce, at_hash"));
    bankRecords(trace,
        { CoolLoanAgent, "GET", QStringLiteral("/api/accounts"), 200, {}, R"([{"id":"CHK-1001"}])", {},
            { { QStringLiteral(
                    "access token validated: signature, issuer, audience, expiry, revocation, scope"),
                15, std::nullopt } },
            { 0, seed::ResourceRequest, seed::Resource } });
    clientRecords(trace, QStringLiteral("CoolLoan"), QStringLiteral("banky"), "GET",
        QStringLiteral("/api/accounts"), 200);
    ++mirrors;
    return mirrors;
}

// After the flow: the code replayed (refused), PirateLoan logging in as John, a stranger with curl.
int feedTroubles(TraceModel &trace)
{
    int mirrors = 0;
    const OAuthError replay
        = OAuthError::invalidGrant(
            QStringLiteral("the authorization code was already used"), QStringLiteral("RFC 6749 §4.1.2"))
              .compared(QStringLiteral("an unused code"), QStringLiteral("a code redeemed 12 s ago"));
    bankRecords(trace,
        { CoolLoanAgent, "POST", QStringLiteral("/token"), 400, TokenForm, R"({"error":"invalid_grant"})", {},
            { { QStringLiteral("refused: invalid_grant"), 0, replay } }, { 0, seed::TokenRequest, 0 } });
    clientRecords(
        trace, QStringLiteral("CoolLoan"), QStringLiteral("boris"), "POST", QStringLiteral("/token"), 400);
    ++mirrors;
    bankRecords(
        trace, { PirateLoanAgent, "GET", QStringLiteral("/web/login"), 200, {}, "<form></form>", {}, {} });
    clientRecords(trace, QStringLiteral("PirateLoan"), QStringLiteral("eddy"), "GET",
        QStringLiteral("/web/login"), 200);
    ++mirrors;
    bankRecords(trace,
        { PirateLoanAgent, "POST", QStringLiteral("/interaction/p1rat3Interaction0000/login"), 303,
            "username=john&password=banking-is-fun", {}, "/web", {},
            { seed::SetCredential, seed::PushCredential, 0 } });
    clientRecords(trace, QStringLiteral("PirateLoan"), QStringLiteral("eddy"), "POST",
        QStringLiteral("/interaction/p1rat3Interaction0000/login"), 303);
    ++mirrors;
    bankRecords(trace, { CurlAgent, "GET", QStringLiteral("/jwks"), 200, {}, R"({"keys":[]})", {}, {} });
    return mirrors;
}

const QStringList SeedLifelines { QStringLiteral("John"), QStringLiteral("Browser"),
    QStringLiteral("CoolLoan"), QStringLiteral("eddy"), QStringLiteral("boris"), QStringLiteral("banky") };

QToolButton *button(QWidget *view, const char *name)
{
    return view->findChild<QToolButton *>(QString::fromLatin1(name));
}

QString explanationText(QWidget *view)
{
    auto *text = view->findChild<QTextBrowser *>(QStringLiteral("stepExplanation"));
    return text ? text->toPlainText() : QString();
}

bool visible(const SequenceDiagramView &view, int arrow)
{
    return view.diagramViewport()->rect().contains(view.arrowRect(arrow).center());
}

} // namespace

class tst_SequenceDiagram : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneArrowPerDiagramEvent_data();
    void oneArrowPerDiagramEvent();
    void followsTheRunLive();
    void lifelinesAsInTheSeed();
    void stepNumbersAndExplanations();
    void stepBackAndForth();
    void clickingAnArrowActivatesIt();
    void clickingAHeaderDoesNothing();
    void followsTheFont();
    void clearedTraceEmptiesTheDiagram();
};

void tst_SequenceDiagram::oneArrowPerDiagramEvent_data()
{
    QTest::addColumn<bool>("live");
    QTest::newRow("trace recorded before the view") << false;
    QTest::newRow("arrows appearing live") << true;
}

void tst_SequenceDiagram::oneArrowPerDiagramEvent()
{
    QFETCH(bool, live);
    TraceModel trace;
    std::unique_ptr<SequenceDiagramView> view;
    if (live)
        view = std::make_unique<SequenceDiagramView>(&trace);
    const int mirrors = feedHappyPath(trace) + feedTroubles(trace);
    if (!live)
        view = std::make_unique<SequenceDiagramView>(&trace);

    QCOMPARE(view->objectName(), QStringLiteral("sequenceDiagram"));
    QCOMPARE(view->arrowCount(), trace.size() - mirrors);
    const QList<int> drawn = trace.diagramIndexes();
    QCOMPARE(view->arrowCount(), drawn.size());
    for (int arrow = 0; arrow < view->arrowCount(); ++arrow) {
        QCOMPARE(view->traceIndexOf(arrow), drawn.at(arrow));
        QVERIFY(!trace.at(view->traceIndexOf(arrow)).mirrorsBankRecord());
    }
    // Every kind and channel made it to the diagram.
    QSet<int> kinds;
    QSet<int> channels;
    for (int index : drawn) {
        kinds.insert(int(trace.at(index).kind));
        channels.insert(int(trace.at(index).channel));
    }
    QCOMPARE(kinds.size(), 4);
    QCOMPARE(channels.size(), 5);
}

void tst_SequenceDiagram::followsTheRunLive()
{
    TraceModel trace;
    SequenceDiagramView view(&trace);
    view.resize(900, 300); // room for a few arrows: the diagram must scroll to the newest
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(view.isLive());
    QCOMPARE(view.selectedIndex(), -1);

    TraceModel source;
    feedHappyPath(source);
    for (const TraceEvent &event : source.events()) {
        const int before = view.arrowCount();
        trace.append(event);
        QCOMPARE(view.arrowCount(), before + (event.belongsInDiagram() ? 1 : 0));
        QCOMPARE(view.selectedIndex(), view.arrowCount() - 1);
        QVERIFY2(visible(view, view.arrowCount() - 1), "the newest arrow is out of sight");
    }
    QVERIFY(!visible(view, 0));
    // The explanation follows the newest arrow too, once the arrows stop coming (its text is rewritten at
    // most every SequenceDiagramView::TextInterval ms while they come).
    const TraceEvent &newest = trace.at(view.traceIndexOf(view.arrowCount() - 1));
    QVERIFY(newest.step > 0);
    QTRY_VERIFY2(explanationText(&view).contains(QStringLiteral("Step %1 of 16").arg(newest.step)),
        qPrintable(explanationText(&view)));
}

void tst_SequenceDiagram::lifelinesAsInTheSeed()
{
    TraceModel trace;
    SequenceDiagramView view(&trace);
    QCOMPARE(view.lifelines(), SeedLifelines);
    feedHappyPath(trace);
    QCOMPARE(view.lifelines(), SeedLifelines);
    feedTroubles(trace);
    QCOMPARE(view.lifelines(),
        QStringList() << QStringLiteral("John") << QStringLiteral("Browser") << QStringLiteral("CoolLoan")
                      << QStringLiteral("PirateLoan") << QStringLiteral("Other") << QStringLiteral("eddy")
                      << QStringLiteral("boris") << QStringLiteral("banky"));
}

void tst_SequenceDiagram::stepNumbersAndExplanations()
{
    TraceModel trace;
    SequenceDiagramView view(&trace);
    feedHappyPath(trace);
    QList<int> steps;
    for (int arrow = 0; arrow < view.arrowCount(); ++arrow) {
        const TraceEvent &event = trace.at(view.traceIndexOf(arrow));
        view.selectArrow(arrow);
        const QString text = explanationText(&view);
        if (event.step > 0) {
            steps.append(event.step);
            QVERIFY2(text.contains(QStringLiteral("Step %1 of 16").arg(event.step)), qPrintable(text));
            QVERIFY2(text.contains(seedStep(event.step)->label), qPrintable(text));
        } else {
            QVERIFY2(text.contains(QStringLiteral("Not a numbered step")), qPrintable(text));
        }
    }
    // The whole seed, in its order.
    QList<int> seed;
    for (int step = 1; step <= SeedStepCount; ++step)
        seed.append(step);
    QCOMPARE(steps, seed);
    auto *position = view.findChild<QLabel *>(QStringLiteral("sequencePosition"));
    QVERIFY(position);
    QVERIFY2(position->text().contains(QStringLiteral("<b>16</b> of 16")), qPrintable(position->text()));

    // A refusal names its rule and the compared values.
    feedTroubles(trace);
    for (int arrow = 0; arrow < view.arrowCount(); ++arrow) {
        if (!trace.at(view.traceIndexOf(arrow)).refusalRule.isEmpty()) {
            view.selectArrow(arrow);
            break;
        }
    }
    const QString refusal = explanationText(&view);
    QVERIFY2(refusal.contains(QStringLiteral("RFC 6749 §4.1.2"))
            && refusal.contains(QStringLiteral("a code redeemed 12 s ago")),
        qPrintable(refusal));
}

void tst_SequenceDiagram::stepBackAndForth()
{
    TraceModel trace;
    feedHappyPath(trace);
    SequenceDiagramView view(&trace);
    view.resize(1000, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const int last = view.arrowCount() - 1;
    QSignalSpy current(&view, &SequenceDiagramView::currentEventChanged);

    QToolButton *back = button(&view, "stepBack");
    QToolButton *forward = button(&view, "stepForward");
    QToolButton *live = button(&view, "followLive");
    QVERIFY(back && forward && live);
    QCOMPARE(view.selectedIndex(), last);
    QVERIFY(!forward->isEnabled());

    QTest::mouseClick(back, Qt::LeftButton);
    QCOMPARE(view.selectedIndex(), last - 1);
    QVERIFY(!view.isLive());
    QCOMPARE(current.last().at(0).toInt(), view.traceIndexOf(last - 1));
    QTest::mouseClick(back, Qt::LeftButton);
    QCOMPARE(view.selectedIndex(), last - 2);
    QTest::mouseClick(forward, Qt::LeftButton);
    QCOMPARE(view.selectedIndex(), last - 1);

    view.selectArrow(3);
    QCOMPARE(view.selectedIndex(), 3);
    QVERIFY(visible(view, 3));
    QTest::keyClick(view.diagramViewport(), Qt::Key_Left);
    QCOMPARE(view.selectedIndex(), 2);
    QTest::keyClick(view.diagramViewport(), Qt::Key_Right);
    QTest::keyClick(view.diagramViewport(), Qt::Key_Right);
    QCOMPARE(view.selectedIndex(), 4);
    QTest::keyClick(&view, Qt::Key_Left);
    QCOMPARE(view.selectedIndex(), 3);

    view.selectArrow(0);
    QVERIFY(!back->isEnabled());
    QTest::keyClick(view.diagramViewport(), Qt::Key_Left);
    QCOMPARE(view.selectedIndex(), 0);
    view.selectArrow(view.arrowCount()); // out of range: nothing changes
    QCOMPARE(view.selectedIndex(), 0);

    // Stepping through a finished run does not move while the trace grows; "Live" follows again.
    feedTroubles(trace);
    QCOMPARE(view.selectedIndex(), 0);
    QVERIFY(live->text().contains(QStringLiteral("new")));
    QTest::mouseClick(live, Qt::LeftButton);
    QVERIFY(view.isLive());
    QCOMPARE(view.selectedIndex(), view.arrowCount() - 1);
    QVERIFY(visible(view, view.arrowCount() - 1));
}

void tst_SequenceDiagram::clickingAnArrowActivatesIt()
{
    TraceModel trace;
    feedHappyPath(trace);
    feedTroubles(trace);
    SequenceDiagramView view(&trace);
    view.resize(1700, 420); // all eight lanes side by side; the arrows scroll
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy activated(&view, &SequenceDiagramView::eventActivated);
    const QList<int> drawn = trace.diagramIndexes();

    for (int arrow = 0; arrow < view.arrowCount(); ++arrow) {
        // Bring the neighbourhood into view, then click the next arrow (or the previous, at the end).
        view.selectArrow(arrow);
        const int target = arrow + 1 < view.arrowCount() ? arrow + 1 : arrow - 1;
        const QRect rect = view.arrowRect(target);
        QVERIFY2(view.diagramViewport()->rect().contains(rect.center()),
            qPrintable(QStringLiteral("arrow %1 not visible").arg(target)));
        QTest::mouseClick(view.diagramViewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(activated.size(), arrow + 1);
        QCOMPARE(activated.last().at(0).toInt(), drawn.at(target));
        QCOMPARE(view.selectedIndex(), target);
    }

    // The exact request and response: the shared detail view, following the selection.
    QDialog *detail = view.detailDialog();
    QVERIFY(detail && detail->isVisible());
    QVERIFY(detail->findChild<ExchangeDetailView *>());
    int token = -1;
    for (int arrow = 0; arrow < view.arrowCount() && token < 0; ++arrow) {
        if (trace.at(view.traceIndexOf(arrow)).step == 12)
            token = arrow;
    }
    view.selectArrow(token);
    QTest::mouseClick(view.diagramViewport(), Qt::LeftButton, {}, view.arrowRect(token).center());
    auto *text = detail->findChild<QTextBrowser *>(QStringLiteral("exchangeDetailText"));
    QVERIFY(text);
    QTRY_VERIFY2(text->toPlainText().contains(QStringLiteral("code_verifier")),
        qPrintable(text->toPlainText().left(1500)));
    QVERIFY(text->toPlainText().contains(QStringLiteral("/token")));
}

void tst_SequenceDiagram::clickingAHeaderDoesNothing()
{
    TraceModel trace;
    feedHappyPath(trace);
    SequenceDiagramView view(&trace);
    view.resize(1000, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.selectArrow(2);
    QSignalSpy activated(&view, &SequenceDiagramView::eventActivated);
    QTest::mouseClick(
        view.diagramViewport(), Qt::LeftButton, {}, QPoint(view.diagramViewport()->width() / 2, 5));
    QCOMPARE(activated.size(), 0);
    QCOMPARE(view.selectedIndex(), 2);
}

void tst_SequenceDiagram::followsTheFont()
{
    TraceModel trace;
    feedHappyPath(trace);
    SequenceDiagramView view(&trace);
    view.resize(1800, 900);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const int small = view.arrowRect(0).height();
    const int narrow = view.arrowRect(0).width();
    QFont font = view.font();
    font.setPointSizeF(font.pointSizeF() * 2);
    view.setFont(font);
    const int large = view.arrowRect(0).height();
    QVERIFY2(large >= small * 1.6, qPrintable(QStringLiteral("%1 → %2").arg(small).arg(large)));
    // The label is measured again in the new font (the canvas keeps the widths it measured): wider,
    // as far as the lanes, spread over the same window, leave it room.
    const int wide = view.arrowRect(0).width();
    QVERIFY2(wide >= narrow * 1.2, qPrintable(QStringLiteral("%1 → %2").arg(narrow).arg(wide)));
}

void tst_SequenceDiagram::clearedTraceEmptiesTheDiagram()
{
    TraceModel trace;
    feedHappyPath(trace);
    SequenceDiagramView view(&trace);
    view.selectArrow(4);
    trace.clear();
    QCOMPARE(view.arrowCount(), 0);
    QCOMPARE(view.selectedIndex(), -1);
    QVERIFY(view.isLive());
    QVERIFY(view.arrowRect(0).isEmpty());
    feedHappyPath(trace);
    QCOMPARE(view.arrowCount(), trace.diagramIndexes().size());
}

CFL_WIDGET_TEST_MAIN(tst_SequenceDiagram)
#include "tst_sequencediagram.moc"
