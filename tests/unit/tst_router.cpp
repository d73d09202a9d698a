// The bank's router: method + path pattern → handler, "{name}" path parameters, 404 when no pattern
// matches the path, 405 with Allow when the path exists only with other methods (RFC 9110 §15.5.6),
// method names compared case-sensitively (RFC 9110 §9.1).

#include "http/Router.h"

#include <QJsonObject>
#include <QTest>

using namespace cfl;

namespace {
// Each handler answers with its own name and the path parameters it was given, "name k=v k=v".
HttpHandler answer(const QString &name)
{
    return [name](HttpRequest &request) {
        QStringList parts { name };
        for (auto it = request.pathParameters.cbegin(); it != request.pathParameters.cend(); ++it)
            parts.append(it.key() + QLatin1Char('=') + it.value());
        return HttpResponse::text(parts.join(QLatin1Char(' ')).toUtf8());
    };
}

HttpRequest request(const QByteArray &method, const QByteArray &pathAndQuery)
{
    HttpRequest r;
    r.method = method;
    r.url = QUrl::fromEncoded("http://127.0.0.1:8080" + pathAndQuery, QUrl::StrictMode);
    return r;
}
} // namespace

class tst_Router : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_router = Router();
        m_notFoundCalls = 0;
        // The shapes of the bank's own routes (Bank::registerRoutes).
        m_router.add("GET", QStringLiteral("/"), answer(QStringLiteral("home")));
        m_router.add("GET", QStringLiteral("/authorize"), answer(QStringLiteral("authorize-get")));
        m_router.add("POST", QStringLiteral("/authorize"), answer(QStringLiteral("authorize-post")));
        m_router.add("POST", QStringLiteral("/token"), answer(QStringLiteral("token")));
        m_router.add("GET", QStringLiteral("/interaction/{id}"), answer(QStringLiteral("interaction")));
        m_router.add("POST", QStringLiteral("/interaction/{id}/login"), answer(QStringLiteral("login")));
        m_router.add(
            "GET", QStringLiteral("/api/accounts/{id}/transactions"), answer(QStringLiteral("transactions")));
        m_router.add("GET", QStringLiteral("/web/payments"), answer(QStringLiteral("payments-literal")));
        m_router.add("GET", QStringLiteral("/web/{page}"), answer(QStringLiteral("web-page")));
        m_router.add("GET", QStringLiteral("/pair/{a}/{b}"), answer(QStringLiteral("pair")));
        m_router.add("GET", QStringLiteral("/files/x{id}"), answer(QStringLiteral("literal-braces")));
    }

    void dispatchesToTheMatchingRoute_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QString>("answer");

        QTest::newRow("root") << QByteArray("GET") << QByteArray("/") << QStringLiteral("home");
        QTest::newRow("GET and POST on one path: GET")
            << QByteArray("GET") << QByteArray("/authorize") << QStringLiteral("authorize-get");
        QTest::newRow("GET and POST on one path: POST")
            << QByteArray("POST") << QByteArray("/authorize") << QStringLiteral("authorize-post");
        QTest::newRow("the query is not part of the path")
            << QByteArray("GET") << QByteArray("/authorize?client_id=x&scope=openid")
            << QStringLiteral("authorize-get");
        QTest::newRow("one parameter") << QByteArray("GET") << QByteArray("/interaction/abc_DEF-123")
                                       << QStringLiteral("interaction id=abc_DEF-123");
        QTest::newRow("parameter in the middle")
            << QByteArray("POST") << QByteArray("/interaction/xyz/login") << QStringLiteral("login id=xyz");
        QTest::newRow("parameter between literals")
            << QByteArray("GET") << QByteArray("/api/accounts/CHK-1001/transactions")
            << QStringLiteral("transactions id=CHK-1001");
        QTest::newRow("two parameters")
            << QByteArray("GET") << QByteArray("/pair/left/right") << QStringLiteral("pair a=left b=right");
        QTest::newRow("first registered route wins: literal before parameter")
            << QByteArray("GET") << QByteArray("/web/payments") << QStringLiteral("payments-literal");
        QTest::newRow("parameter route for the rest")
            << QByteArray("GET") << QByteArray("/web/apps") << QStringLiteral("web-page page=apps");
        QTest::newRow("percent-encoded space in a parameter is decoded")
            << QByteArray("GET") << QByteArray("/interaction/a%20b") << QStringLiteral("interaction id=a b");
        QTest::newRow("percent-encoded unreserved characters equal their plain form (RFC 3986 §6.2.2.2)")
            << QByteArray("GET") << QByteArray("/%61uthorize") << QStringLiteral("authorize-get");
        QTest::newRow("UTF-8 in a parameter") << QByteArray("GET") << QByteArray("/interaction/J%C3%B6rg")
                                              << QStringLiteral("interaction id=Jörg");
        QTest::newRow("markup in a parameter arrives as it was sent") << QByteArray(
            "GET") << QByteArray("/interaction/%3Cscript%3E") << QStringLiteral("interaction id=<script>");
        QTest::newRow("a pattern segment that is not only {name} is literal")
            << QByteArray("GET") << QByteArray("/files/x%7Bid%7D") << QStringLiteral("literal-braces");
        // Empty segments are skipped on both sides: a trailing slash or a doubled one changes nothing.
        QTest::newRow("trailing slash")
            << QByteArray("POST") << QByteArray("/token/") << QStringLiteral("token");
        QTest::newRow("doubled slash")
            << QByteArray("GET") << QByteArray("/interaction//abc") << QStringLiteral("interaction id=abc");
    }
    void dispatchesToTheMatchingRoute()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QString, answer);
        HttpRequest r = request(method, path);
        const HttpResponse response = dispatch(r);
        QCOMPARE(m_notFoundCalls, 0);
        QCOMPARE(response.status, 200);
        QCOMPARE(QString::fromUtf8(response.body), answer);
    }

    // A parameter stands for exactly one whole segment: a percent-encoded slash is data inside that
    // segment (RFC 3986 §2.2), never a separator that could reach another route.
    void encodedSlashStaysInsideItsSegment()
    {
        HttpRequest r = request("GET", "/interaction/a%2Fb");
        const HttpResponse response = dispatch(r);
        QCOMPARE(response.status, 200);
        QCOMPARE(QString::fromUtf8(response.body), QStringLiteral("interaction id=a/b"));
        QCOMPARE(r.pathParameter(QStringLiteral("id")), QStringLiteral("a/b"));

        HttpRequest login = request("POST", "/interaction/a%2Flogin");
        QCOMPARE(dispatch(login).status, 405); // the one segment "a/login" matches /interaction/{id} (GET)
        HttpRequest pair = request("GET", "/pair/x%2Fy");
        QCOMPARE(dispatch(pair).status, 404);
        QCOMPARE(m_notFoundCalls, 1);
    }

    void unknownPathsGoToNotFound_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");

        QTest::newRow("unknown literal") << QByteArray("GET") << QByteArray("/nothing-here");
        QTest::newRow("unknown literal, POST") << QByteArray("POST") << QByteArray("/nothing-here");
        QTest::newRow("a segment too many") << QByteArray("GET") << QByteArray("/authorize/extra");
        QTest::newRow("a segment too few") << QByteArray("GET") << QByteArray("/api/accounts/CHK-1001");
        QTest::newRow("a parameter cannot be empty") << QByteArray("GET") << QByteArray("/interaction/");
        QTest::newRow("a parameter is one segment") << QByteArray("GET") << QByteArray("/pair/a/b/c");
        QTest::newRow("literals are case-sensitive") << QByteArray("GET") << QByteArray("/Authorize");
        QTest::newRow("literal with a different second segment")
            << QByteArray("GET") << QByteArray("/api/accounts/CHK-1001/payments");
    }
    void unknownPathsGoToNotFound()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        HttpRequest r = request(method, path);
        const HttpResponse response = dispatch(r);
        QCOMPARE(m_notFoundCalls, 1);
        QCOMPARE(m_notFoundPath, r.path());
        QCOMPARE(response.status, 404);
        QCOMPARE(response.body, QByteArray("not found"));
        QVERIFY(r.pathParameters.isEmpty());
    }

    void otherMethodsGet405WithAllow_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("allow");

        QTest::newRow("GET on a POST-only path")
            << QByteArray("GET") << QByteArray("/token") << QByteArray("POST");
        QTest::newRow("DELETE where GET and POST exist")
            << QByteArray("DELETE") << QByteArray("/authorize") << QByteArray("GET, POST");
        QTest::newRow("PUT on a parameter route")
            << QByteArray("PUT") << QByteArray("/interaction/abc") << QByteArray("GET");
        // Two routes match /web/payments with GET: Allow names each method once.
        QTest::newRow("POST where two GET routes match")
            << QByteArray("POST") << QByteArray("/web/payments") << QByteArray("GET");
        // RFC 9110 §9.1: "The method token is case-sensitive".
        QTest::newRow("method names are case-sensitive")
            << QByteArray("get") << QByteArray("/authorize") << QByteArray("GET, POST");
    }
    void otherMethodsGet405WithAllow()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, allow);
        HttpRequest r = request(method, path);
        const HttpResponse response = dispatch(r);
        QCOMPARE(m_notFoundCalls, 0);
        QCOMPARE(response.status, 405);
        QCOMPARE(response.header("Allow"), allow);
        QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
        const QJsonObject json = QJsonDocument::fromJson(response.body).object();
        QCOMPARE(json.value(QStringLiteral("error")).toString(), QStringLiteral("method_not_allowed"));
        const QString description = json.value(QStringLiteral("error_description")).toString();
        QVERIFY2(description.contains(QString::fromLatin1(allow)), qPrintable(description));
    }

    void parametersOfOneRequestDoNotLeak()
    {
        // The handler sees only the parameters of the route that matched, not those of routes tried before.
        HttpRequest r = request("GET", "/web/home");
        r.pathParameters.insert(QStringLiteral("stale"), QStringLiteral("value"));
        QCOMPARE(QString::fromUtf8(dispatch(r).body), QStringLiteral("web-page page=home"));
        QCOMPARE(r.pathParameters.keys(), QStringList { QStringLiteral("page") });
        QCOMPARE(r.pathParameter(QStringLiteral("missing")), QString());
    }

    void emptyRouterAnswersNotFound()
    {
        Router empty;
        HttpRequest r = request("GET", "/");
        int calls = 0;
        const HttpResponse response = empty.dispatch(r, [&](HttpRequest &) {
            ++calls;
            return HttpResponse::empty(404);
        });
        QCOMPARE(calls, 1);
        QCOMPARE(response.status, 404);
    }

private:
    HttpResponse dispatch(HttpRequest &r)
    {
        return m_router.dispatch(r, [this](HttpRequest &unmatched) {
            ++m_notFoundCalls;
            m_notFoundPath = unmatched.path();
            return HttpResponse::text("not found", 404);
        });
    }

    Router m_router;
    int m_notFoundCalls = 0;
    QString m_notFoundPath;
};

QTEST_GUILESS_MAIN(tst_Router)
#include "tst_router.moc"
