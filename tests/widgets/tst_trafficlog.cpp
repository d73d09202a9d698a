// The traffic log and the exchange detail view: one row per
// exchange as each party saw it, live; a filter; refusals in red; the detail view with forms as tables
// and JWTs decoded. Fed with hand-made events; a real run in the LabWindow: tests/gui/tst_trafficlogrun.

#include "trace/TraceModel.h"
#include "ui/traffic/ExchangeDetailView.h"
#include "ui/traffic/TrafficLogView.h"
#include "ui/traffic/TrafficTableModel.h"
#include "widgets/WidgetTest.h"

#include <QCheckBox>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextTable>

using namespace cfl;

namespace {

const QString Issuer = QStringLiteral("http://127.0.0.1:4444");
const QUrl Bank(Issuer);

QByteArray b64(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

// A compact JWS of the bank's shape; the signature is not checked by the views.
QByteArray jwt(const QJsonObject &payload)
{
    const QJsonObject header { { QStringLiteral("alg"), QStringLiteral("RS256") },
        { QStringLiteral("typ"), QStringLiteral("at+jwt") },
        { QStringLiteral("kid"), QStringLiteral("k1") } };
    return b64(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
        + b64(QJsonDocument(payload).toJson(QJsonDocument::Compact)) + '.' + b64(QByteArray(256, '\x5a'));
}

const QByteArray AccessToken
    = jwt({ { QStringLiteral("iss"), Issuer }, { QStringLiteral("sub"), QStringLiteral("john") },
        { QStringLiteral("aud"), QStringLiteral("https://banky.example/api") },
        { QStringLiteral("iat"), 1700000000 }, { QStringLiteral("exp"), 1700000300 } });
const QByteArray IdToken
    = jwt({ { QStringLiteral("iss"), Issuer }, { QStringLiteral("aud"), QStringLiteral("coolloan") },
        { QStringLiteral("nonce"), QStringLiteral("n-0S6_WzA2Mj") },
        { QStringLiteral("auth_time"), 1699999990 } });

TraceEvent makeEvent(TraceKind kind, const QString &source, const QString &from, const QString &to,
    const QByteArray &method, const QString &path, int status, int step, qint64 exchangeId)
{
    TraceEvent e;
    e.kind = kind;
    e.source = source;
    e.from = from;
    e.to = to;
    e.method = method;
    e.url = Bank.resolved(QUrl(path));
    e.status = status;
    e.step = step;
    e.exchangeId = exchangeId;
    e.timeMs = 1700000000000;
    e.durationUs = 1234;
    e.channel = kind == TraceKind::Decision ? TraceChannel::Internal : TraceChannel::BackChannel;
    return e;
}

// What the bank records for one exchange: request, decisions, response (BankTrace).
QList<TraceEvent> bankExchange(TraceEvent request, int responseStep, const QList<TraceEvent> &decisions = {})
{
    TraceEvent response = request;
    response.kind = TraceKind::Response;
    std::swap(response.from, response.to);
    response.step = responseStep;
    return QList<TraceEvent> { request } + decisions + QList<TraceEvent> { response };
}

TraceEvent tokenRequest(const QString &source, qint64 exchangeId)
{
    TraceEvent e = makeEvent(TraceKind::Request, source, QStringLiteral("CoolLoan"), QStringLiteral("boris"),
        "POST", QStringLiteral("/token"), 200, source == QLatin1String("bank") ? 12 : 0, exchangeId);
    e.requestHeaders = { { "Content-Type", "application/x-www-form-urlencoded" },
        { "Authorization", "Basic Y29vbGxvYW46czNjcjN0" } };
    e.requestBody = "grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&redirect_uri=http%3A%2F%2F127."
                    "0.0.1%3A5555%2Fcb"
                    "&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    e.responseHeaders = { { "Content-Type", "application/json" }, { "Cache-Control", "no-store" } };
    e.responseBody = QJsonDocument(
        QJsonObject { { QStringLiteral("access_token"), QString::fromLatin1(AccessToken) },
            { QStringLiteral("token_type"), QStringLiteral("Bearer") }, { QStringLiteral("expires_in"), 300 },
            { QStringLiteral("id_token"), QString::fromLatin1(IdToken) } })
                         .toJson(QJsonDocument::Compact);
    e.summary = QStringLiteral("POST code, client credentials, redirect_uri, code_verifier");
    return e;
}

// A small run: authorize (with a decision), John's action, the token exchange seen by the bank and by
// CoolLoan, a refused API call.
void feedRun(TraceModel &trace)
{
    TraceEvent authorize = makeEvent(TraceKind::Request, QStringLiteral("bank"), QStringLiteral("Browser"),
        QStringLiteral("eddy"), "GET",
        QStringLiteral("/authorize?client_id=coolloan&response_type=code&scope=openid+accounts&state=xyz"),
        302, 1, 1);
    authorize.channel = TraceChannel::FrontChannel;
    authorize.responseHeaders = { { "Location", "/interaction/abc" } };
    TraceEvent validate = makeEvent(TraceKind::Decision, QStringLiteral("bank"), QStringLiteral("eddy"),
        QStringLiteral("eddy"), {}, {}, 0, 2, 1);
    validate.summary = QStringLiteral("validate the request");
    for (const TraceEvent &e : bankExchange(authorize, 0, { validate }))
        trace.append(e);

    TraceEvent typing = makeEvent(TraceKind::Action, QStringLiteral("bank"), QStringLiteral("John"),
        QStringLiteral("Browser"), {}, {}, 0, 4, 2);
    typing.channel = TraceChannel::UserAction;
    typing.summary = QStringLiteral("John types his user name and password");
    trace.append(typing);

    for (const TraceEvent &e : bankExchange(tokenRequest(QStringLiteral("bank"), 3), 13))
        trace.append(e);
    trace.append(tokenRequest(QStringLiteral("coolloan"), 0));

    TraceEvent api = makeEvent(TraceKind::Request, QStringLiteral("bank"), QStringLiteral("CoolLoan"),
        QStringLiteral("banky"), "GET", QStringLiteral("/api/accounts"), 401, 14, 4);
    api.channel = TraceChannel::ResourceApi;
    api.requestHeaders = { { "Authorization", "Bearer " + AccessToken } };
    api.responseHeaders = { { "Content-Type", "application/json" } };
    api.responseBody = R"({"error":"invalid_token","error_description":"expired"})";
    TraceEvent refusal = makeEvent(TraceKind::Decision, QStringLiteral("bank"), QStringLiteral("banky"),
        QStringLiteral("banky"), {}, {}, 0, 15, 4);
    refusal.summary = QStringLiteral("invalid_token: expired");
    refusal.refusalRule = QStringLiteral("RFC 6750 §3.1");
    refusal.expected = QStringLiteral("exp > 1700000400");
    refusal.received = QStringLiteral("1700000300");
    for (const TraceEvent &e : bankExchange(api, 0, { refusal }))
        trace.append(e);
}

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

// The first table in the document whose first cell is `firstName`, as name → value.
QList<QPair<QString, QString>> documentTable(QTextDocument *document, const QString &firstName)
{
    for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
        QTextCursor cursor(block);
        QTextTable *table = cursor.currentTable();
        if (!table || table->columns() != 2
            || table->cellAt(0, 0).firstCursorPosition().block().text() != firstName)
            continue;
        QList<QPair<QString, QString>> rows;
        for (int row = 0; row < table->rows(); ++row) {
            auto text = [&](int column) {
                QTextCursor c = table->cellAt(row, column).firstCursorPosition();
                c.setPosition(
                    table->cellAt(row, column).lastCursorPosition().position(), QTextCursor::KeepAnchor);
                return c.selectedText();
            };
            rows.append({ text(0), text(1) });
        }
        return rows;
    }
    return {};
}

} // namespace

class tst_TrafficLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneRowPerExchange();
    void decisionsAndActionsOnRequest();
    void liveUpdates();
    void filter_data();
    void filter();
    void refusalsAreRed();
    void detailDecodesJwts();
    void detailShowsFormsAsTables();
    void detailCutsLongPagesUntilAskedForAll();
    void detailOfARefusalShowsTheRule();
    void selectingARowShowsTheExchange();
};

void tst_TrafficLog::oneRowPerExchange()
{
    TraceModel trace;
    feedRun(trace);
    TrafficTableModel model(&trace);
    int requests = 0;
    for (const TraceEvent &e : trace.events())
        requests += e.kind == TraceKind::Request ? 1 : 0;
    QCOMPARE(requests, 4);
    QCOMPARE(model.rowCount(), requests);
    QCOMPARE(model.exchangeCount(), requests);
    QCOMPARE(model.columnCount(), int(TrafficTableModel::ColumnCount));

    // The token exchange twice: once as the bank saw it, once as CoolLoan did.
    const int bankRow = findRow(&model, QStringLiteral("/token"), QStringLiteral("bank"));
    const int clientRow = findRow(&model, QStringLiteral("/token"), QStringLiteral("CoolLoan"));
    QVERIFY(bankRow >= 0 && clientRow >= 0 && bankRow != clientRow);
    QCOMPARE(cell(&model, bankRow, TrafficTableModel::PartiesColumn), QStringLiteral("CoolLoan → boris"));
    QCOMPARE(cell(&model, bankRow, TrafficTableModel::MethodColumn), QStringLiteral("POST"));
    QCOMPARE(cell(&model, bankRow, TrafficTableModel::StatusColumn), QStringLiteral("200"));
    QCOMPARE(cell(&model, bankRow, TrafficTableModel::DurationColumn), QStringLiteral("1.2 ms"));
    QCOMPARE(cell(&model, bankRow, TrafficTableModel::ChannelColumn), QStringLiteral("back channel"));
    // The request's and the answer's steps, on one row.
    QCOMPARE(cell(&model, bankRow, TrafficTableModel::StepColumn), QStringLiteral("12 13"));
    // The authorize row also carries the bank's decision in between (step 2).
    QCOMPARE(cell(&model, findRow(&model, QStringLiteral("/authorize"), QStringLiteral("bank")),
                 TrafficTableModel::StepColumn),
        QStringLiteral("1 2"));
}

void tst_TrafficLog::decisionsAndActionsOnRequest()
{
    TraceModel trace;
    feedRun(trace);
    TrafficLogView view(&trace);
    QAbstractItemModel *table = view.table()->model();
    QCOMPARE(table->rowCount(), 4);
    auto *box = view.findChild<QCheckBox *>(QStringLiteral("trafficShowDecisions"));
    QVERIFY(box);
    box->setChecked(true);
    // + the authorize decision, John typing, the API refusal: in place, italic.
    QCOMPARE(table->rowCount(), 7);
    QCOMPARE(cell(table, 1, TrafficTableModel::PartiesColumn), QStringLiteral("eddy"));
    QCOMPARE(cell(table, 1, TrafficTableModel::WhatColumn), QStringLiteral("validate the request"));
    QVERIFY(table->index(1, 0).data(Qt::FontRole).value<QFont>().italic());
    QCOMPARE(cell(table, 2, TrafficTableModel::PartiesColumn), QStringLiteral("John → Browser"));
    QCOMPARE(view.trafficModel()->exchangeCount(), 4);
    box->setChecked(false);
    QCOMPARE(table->rowCount(), 4);
}

void tst_TrafficLog::liveUpdates()
{
    TraceModel trace;
    TrafficLogView view(&trace);
    QAbstractItemModel *table = view.table()->model();
    QSignalSpy inserted(table, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(view.trafficModel(), &QAbstractItemModel::dataChanged);
    QCOMPARE(table->rowCount(), 0);

    const QList<TraceEvent> token = bankExchange(tokenRequest(QStringLiteral("bank"), 7), 13);
    trace.append(token.at(0));
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(cell(table, 0, TrafficTableModel::StepColumn), QStringLiteral("12"));
    // The bank's answer arrives as its own event: the row grows its step and its "what".
    trace.append(token.at(1));
    QCOMPARE(table->rowCount(), 1);
    QVERIFY(!changed.isEmpty());
    QCOMPARE(cell(table, 0, TrafficTableModel::StepColumn), QStringLiteral("12 13"));

    trace.append(tokenRequest(QStringLiteral("coolloan"), 0));
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(cell(table, 1, TrafficTableModel::SeenByColumn), QStringLiteral("CoolLoan"));

    trace.clear();
    QCOMPARE(table->rowCount(), 0);
}

void tst_TrafficLog::filter_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<int>("rows");
    QTest::newRow("empty") << QString() << 4;
    QTest::newRow("token") << QStringLiteral("token") << 2;
    QTest::newRow("TOKEN") << QStringLiteral("TOKEN") << 2;
    QTest::newRow("banky") << QStringLiteral("banky") << 1;
    QTest::newRow("eddy") << QStringLiteral("eddy") << 1;
    QTest::newRow("status>=400") << QStringLiteral("status>=400") << 1;
    QTest::newRow("status<400") << QStringLiteral("status<400") << 3;
    QTest::newRow("status=302") << QStringLiteral("status=302") << 1;
    QTest::newRow("step=13") << QStringLiteral("step=13") << 1;
    QTest::newRow("token !bank") << QStringLiteral("token !bank") << 1;
    QTest::newRow("two words") << QStringLiteral("post boris") << 2;
    QTest::newRow("half-typed comparison") << QStringLiteral("status>=") << 4;
    QTest::newRow("nothing") << QStringLiteral("pirate") << 0;
}

void tst_TrafficLog::filter()
{
    QFETCH(QString, filter);
    QFETCH(int, rows);
    TraceModel trace;
    feedRun(trace);
    TrafficLogView view(&trace);
    auto *box = view.findChild<QLineEdit *>(QStringLiteral("trafficFilter"));
    QVERIFY(box);
    box->setText(filter); // as typed
    QCOMPARE(view.table()->model()->rowCount(), rows);
}

void tst_TrafficLog::refusalsAreRed()
{
    TraceModel trace;
    feedRun(trace);
    TrafficTableModel model(&trace);
    const int refused = findRow(&model, QStringLiteral("/api/accounts"), QStringLiteral("bank"));
    const int fine = findRow(&model, QStringLiteral("/token"), QStringLiteral("bank"));
    QVERIFY(model.index(refused, 0).data(TrafficTableModel::RefusedRole).toBool());
    QVERIFY(!model.index(fine, 0).data(TrafficTableModel::RefusedRole).toBool());
    const QColor red = model.index(refused, TrafficTableModel::PathColumn)
                           .data(Qt::ForegroundRole)
                           .value<QBrush>()
                           .color();
    QVERIFY2(red.red() > 150 && red.green() < 80 && red.blue() < 80, qPrintable(red.name()));
    QVERIFY(!model.index(fine, TrafficTableModel::PathColumn).data(Qt::ForegroundRole).isValid());
}

void tst_TrafficLog::detailDecodesJwts()
{
    ExchangeDetailView view;
    view.showExchange(tokenRequest(QStringLiteral("bank"), 1));
    const QString text = detailText(&view)->toPlainText();
    // Both tokens of the response, decoded: their claims in clear, the header too.
    QVERIFY2(text.contains(QStringLiteral("JWT in “access_token”, decoded")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("JWT in “id_token”, decoded")));
    QVERIFY(text.contains(QStringLiteral("\"iss\": \"%1\"").arg(Issuer)));
    QVERIFY(text.contains(QStringLiteral("\"typ\": \"at+jwt\"")));
    QVERIFY(text.contains(QStringLiteral("\"nonce\": \"n-0S6_WzA2Mj\"")));
    // Times as dates (RFC 7519 NumericDate), local time as the room reads it.
    const QString exp
        = QDateTime::fromSecsSinceEpoch(1700000300).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    QVERIFY2(text.contains(QStringLiteral("\"exp\": 1700000300,   ← %1, 5 min after iat").arg(exp)),
        qPrintable(text));
    const QString authTime
        = QDateTime::fromSecsSinceEpoch(1699999990).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    QVERIFY(text.contains(QStringLiteral("\"auth_time\": 1699999990,   ← %1").arg(authTime)));
    // The JSON body pretty-printed, the token unmasked (the deliberate teaching view).
    QVERIFY(text.contains(QStringLiteral("\"token_type\": \"Bearer\"")));
    QVERIFY(text.contains(QString::fromLatin1(AccessToken.left(60))));
    QVERIFY(text.contains(QStringLiteral("HTTP/1.1 200 OK")));
    QVERIFY(text.contains(QStringLiteral("POST /token HTTP/1.1")));

    // A bearer call: the access token in the Authorization header, decoded.
    TraceEvent api = makeEvent(TraceKind::Request, QStringLiteral("coolloan"), QStringLiteral("CoolLoan"),
        QStringLiteral("banky"), "GET", QStringLiteral("/api/accounts"), 200, 14, 9);
    api.requestHeaders = { { "Authorization", "Bearer " + AccessToken } };
    view.showExchange(api);
    const QString bearer = detailText(&view)->toPlainText();
    QVERIFY2(bearer.contains(QStringLiteral("JWT in Authorization: Bearer, decoded")), qPrintable(bearer));
    QVERIFY(bearer.contains(QStringLiteral("\"aud\": \"https://banky.example/api\"")));

    view.clear();
    QVERIFY(!detailText(&view)->toPlainText().contains(QStringLiteral("iss")));
}

void tst_TrafficLog::detailShowsFormsAsTables()
{
    ExchangeDetailView view;
    view.showExchange(tokenRequest(QStringLiteral("bank"), 1));
    QTextDocument *document = detailText(&view)->document();
    const auto form = documentTable(document, QStringLiteral("grant_type"));
    QCOMPARE(form.size(), 4);
    QCOMPARE(form.at(0), qMakePair(QStringLiteral("grant_type"), QStringLiteral("authorization_code")));
    QCOMPARE(form.at(1), qMakePair(QStringLiteral("code"), QStringLiteral("SplxlOBeZQQYbYS6WxSbIA")));
    // Percent-decoded, as the bank reads it.
    QCOMPARE(
        form.at(2), qMakePair(QStringLiteral("redirect_uri"), QStringLiteral("http://127.0.0.1:5555/cb")));
    // HTTP Basic taken apart: it is base64, not encryption.
    const auto basic = documentTable(document, QStringLiteral("client_id"));
    QCOMPARE(basic.size(), 2);
    QCOMPARE(basic.at(1), qMakePair(QStringLiteral("client_secret"), QStringLiteral("s3cr3t")));

    // The query of a URL, '+' as a space (WHATWG forms).
    TraceEvent authorize = makeEvent(TraceKind::Request, QStringLiteral("bank"), QStringLiteral("Browser"),
        QStringLiteral("eddy"), "GET",
        QStringLiteral("/authorize?client_id=coolloan&scope=openid+accounts&state=xyz"), 302, 1, 2);
    authorize.responseHeaders
        = { { "Location", "http://127.0.0.1:5555/cb?code=abc&state=xyz&iss=http%3A%2F%2F127.0.0.1%3A4444" } };
    view.showExchange(authorize);
    const auto query = documentTable(detailText(&view)->document(), QStringLiteral("client_id"));
    QCOMPARE(query.size(), 3);
    QCOMPARE(query.at(1), qMakePair(QStringLiteral("scope"), QStringLiteral("openid accounts")));
    // A redirect's Location, taken apart too (where the code travels).
    const auto location = documentTable(detailText(&view)->document(), QStringLiteral("code"));
    QCOMPARE(location.size(), 3);
    QCOMPARE(location.at(2), qMakePair(QStringLiteral("iss"), Issuer));
}

void tst_TrafficLog::detailCutsLongPagesUntilAskedForAll()
{
    TraceEvent page = makeEvent(TraceKind::Request, QStringLiteral("bank"), QStringLiteral("Browser"),
        QStringLiteral("eddy"), "GET", QStringLiteral("/interaction/abc"), 200, 0, 1);
    page.responseHeaders = { { "Content-Type", "text/html; charset=utf-8" } };
    page.responseBody = "<html><body><form>" + QByteArray(5000, 'x')
        + "<input id=\"password\"></form>THE-END</body></html>";
    ExchangeDetailView view;
    view.showExchange(page);
    QTextBrowser *text = detailText(&view);
    QVERIFY(text->toPlainText().contains(
        QStringLiteral("<html><body><form>"))); // the source, not the rendered page
    QVERIFY(!text->toPlainText().contains(QStringLiteral("THE-END")));
    QVERIFY(text->toHtml().contains(QStringLiteral("cfl-show-all:response")));
    Q_EMIT text->anchorClicked(QUrl(QStringLiteral("cfl-show-all:response")));
    QVERIFY(text->toPlainText().contains(QStringLiteral("THE-END")));
}

void tst_TrafficLog::detailOfARefusalShowsTheRule()
{
    TraceEvent refusal = makeEvent(TraceKind::Decision, QStringLiteral("bank"), QStringLiteral("boris"),
        QStringLiteral("boris"), {}, {}, 0, 0, 1);
    refusal.summary = QStringLiteral("invalid_grant: PKCE verification failed");
    refusal.refusalRule = QStringLiteral("RFC 7636 §4.6");
    refusal.expected = QStringLiteral("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    refusal.received = QStringLiteral("Zm9vYmFy");
    ExchangeDetailView view;
    view.showExchange(refusal);
    const QString text = detailText(&view)->toPlainText();
    QVERIFY2(text.contains(QStringLiteral("Refused — RFC 7636 §4.6")), qPrintable(text));
    QVERIFY(text.contains(refusal.expected));
    QVERIFY(text.contains(refusal.received));
}

void tst_TrafficLog::selectingARowShowsTheExchange()
{
    TraceModel trace;
    feedRun(trace);
    TrafficLogView view(&trace);
    view.resize(1200, 400);
    QTableView *table = view.table();
    const int row = findRow(table->model(), QStringLiteral("/token"), QStringLiteral("CoolLoan"));
    QVERIFY(row >= 0);
    table->setCurrentIndex(table->model()->index(row, 0));
    const QString text = detailText(&view)->toPlainText();
    QVERIFY2(text.contains(QStringLiteral("seen by CoolLoan")), qPrintable(text.left(300)));
    QVERIFY(text.contains(QStringLiteral("\"iss\": \"%1\"").arg(Issuer)));
    // Filtering keeps the mapping right: the one /api row is the refused one.
    view.setFilter(QStringLiteral("status>=400"));
    QCOMPARE(table->model()->rowCount(), 1);
    table->setCurrentIndex(table->model()->index(0, 0));
    QVERIFY(detailText(&view)->toPlainText().contains(QStringLiteral("HTTP/1.1 401")));
}

CFL_WIDGET_TEST_MAIN(tst_TrafficLog)
#include "tst_trafficlog.moc"
