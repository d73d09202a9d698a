// The exported run: JSON with at least step, from, to, method, url and status, PlantUML in the
// seed's style, and codes, tokens, secrets, passwords and cookies masked unless includeSecrets is set.

#include "trace/TraceExport.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>
#include <QUrlQuery>

using namespace cfl;

namespace {

// A compact JWS of the shape the bank issues (header {"alg":"RS256","typ":"JWT"}); the signature is
// not checked here.
const QByteArray kJwt("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9"
                      ".eyJpc3MiOiJodHRwOi8vMTI3LjAuMC4xOjQ0NDQiLCJzdWIiOiJqb2huIn0"
                      ".c2lnbmF0dXJlLWJ5dGVzLWhlcmUtc2lnbmF0dXJlLWJ5dGVz");
const QByteArray kCode("SplxlOBeZQQYbYS6WxSbIA-code-of-forty-three-chars");

TraceEvent exchange(const QString &from, const QString &to, const QByteArray &method, const QUrl &url,
    int step, const QString &source = QStringLiteral("bank"))
{
    TraceEvent event;
    event.kind = TraceKind::Request;
    event.source = source;
    event.from = from;
    event.to = to;
    event.method = method;
    event.url = url;
    event.status = 200;
    event.step = step;
    return event;
}

TraceEvent decision(const QString &party, int step)
{
    TraceEvent event;
    event.kind = TraceKind::Decision;
    event.source = QStringLiteral("bank");
    event.channel = TraceChannel::Internal;
    event.from = event.to = party;
    event.step = step;
    event.summary = QStringLiteral("validate");
    return event;
}

TraceEvent response(TraceEvent request, int step)
{
    request.kind = TraceKind::Response;
    std::swap(request.from, request.to);
    request.step = step;
    return request;
}

} // namespace

class tst_TraceExport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void maskSecretKeepsAShortPrefix();
    void urlQuery_data();
    void urlQuery();
    void urlFragment();
    void formBody_data();
    void formBody();
    void jsonBody();
    void jsonBodyWithoutContentType();
    void htmlBody();
    void headers_data();
    void headers();
    void jsonHasTheIssuesFields();
    void jsonMasksUnlessIncludeSecrets();
    void secretsAreMaskedWhereverTheyReappear();
    void plantUmlHasSeedParticipantsAndOneArrowPerEvent();
    void plantUmlAddsPirateLoanWhenItTakesPart();
};

void tst_TraceExport::maskSecretKeepsAShortPrefix()
{
    QCOMPARE(maskSecret(QString()), QString());
    const QString masked = maskSecret(QString::fromLatin1(kJwt));
    QVERIFY(masked.startsWith(QStringLiteral("eyJhbG")));
    QVERIFY(masked.endsWith(QStringLiteral("(masked)")));
    QVERIFY(masked.size() < 20);
    // Short values give away at most a third.
    QCOMPARE(maskSecret(QStringLiteral("abc")), QStringLiteral("a…(masked)"));
}

void tst_TraceExport::urlQuery_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("secret");
    // RFC 6749 §4.1.1 / §4.1.2: the code and state travel in the query; client_id and scope are public.
    for (const char *name :
        { "code", "state", "nonce", "access_token", "id_token_hint", "code_verifier", "client_secret" })
        QTest::newRow(name) << QString::fromLatin1(name) << true;
    for (const char *name : { "client_id", "scope", "response_type", "code_challenge", "iss" })
        QTest::newRow(name) << QString::fromLatin1(name) << false;
}

void tst_TraceExport::urlQuery()
{
    QFETCH(QString, name);
    QFETCH(bool, secret);
    const QString value = QStringLiteral("Value-of-some-length_1234567890");
    QUrl url(QStringLiteral("http://127.0.0.1:8080/callback"));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("redirect_uri"), QStringLiteral("http://127.0.0.1:5555/cb"));
    query.addQueryItem(name, value);
    url.setQuery(query);

    const QUrl masked = maskedUrl(url);
    QCOMPARE(masked.host(), url.host());
    QCOMPARE(masked.path(), url.path());
    const QString shown = QUrlQuery(masked).queryItemValue(name, QUrl::FullyDecoded);
    if (secret) {
        QVERIFY2(!masked.toString().contains(value), qPrintable(masked.toString()));
        QVERIFY2(shown.endsWith(QStringLiteral("(masked)")), qPrintable(shown));
    } else {
        QCOMPARE(shown, value);
    }
    QCOMPARE(QUrlQuery(masked).queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded),
        QStringLiteral("http://127.0.0.1:5555/cb"));
}

void tst_TraceExport::urlFragment()
{
    // RFC 6749 §4.2.2: an implicit response would carry the token in the fragment.
    const QUrl url(QStringLiteral("http://127.0.0.1/cb#access_token=%1&token_type=Bearer")
                       .arg(QString::fromLatin1(kJwt)));
    const QString masked = maskedUrl(url).toString();
    QVERIFY2(!masked.contains(QString::fromLatin1(kJwt)), qPrintable(masked));
    QVERIFY(masked.contains(QStringLiteral("token_type=Bearer")));
}

void tst_TraceExport::formBody_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::newRow("declared") << QByteArray("application/x-www-form-urlencoded");
    QTest::newRow("with charset") << QByteArray("application/x-www-form-urlencoded; charset=UTF-8");
    QTest::newRow("undeclared") << QByteArray();
}

void tst_TraceExport::formBody()
{
    QFETCH(QByteArray, contentType);
    // RFC 6749 §4.1.3: the token request; and the login form with John's password.
    const QByteArray token = "grant_type=authorization_code&code=" + kCode
        + "&redirect_uri=http%3A%2F%2F127.0.0.1%3A5555%2Fcb&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_"
          "wW1gFWFOEjXk"
          "&client_secret=s3cr3t-s3cr3t-s3cr3t";
    const QByteArray masked = maskedBody(token, contentType);
    QVERIFY2(!masked.contains(kCode), masked.constData());
    QVERIFY(!masked.contains("dBjftJeZ4CVP"));
    QVERIFY(!masked.contains("s3cr3t"));
    // What is not secret stays byte for byte.
    QVERIFY(masked.startsWith("grant_type=authorization_code&code="));
    QVERIFY(masked.contains("&redirect_uri=http%3A%2F%2F127.0.0.1%3A5555%2Fcb&"));

    const QByteArray login = maskedBody(
        "csrf_token=abcdefghijklmnopqrstuvwxyz&username=john&password=banking-is-fun", contentType);
    QVERIFY2(!login.contains("banking"), login.constData());
    QVERIFY(!login.contains("abcdefghijklmnop"));
    QVERIFY(login.contains("username=john"));
}

void tst_TraceExport::jsonBody()
{
    // RFC 6749 §5.1: the token response; nested and unnamed JWTs are caught too.
    const QJsonObject body { { QStringLiteral("access_token"), QString::fromLatin1(kJwt) },
        { QStringLiteral("refresh_token"), QStringLiteral("rt-0123456789abcdefghij") },
        { QStringLiteral("id_token"), QString::fromLatin1(kJwt) },
        { QStringLiteral("token_type"), QStringLiteral("Bearer") }, { QStringLiteral("expires_in"), 300 },
        { QStringLiteral("nested"),
            QJsonObject { { QStringLiteral("assertion"), QString::fromLatin1(kJwt) } } },
        { QStringLiteral("list"), QJsonArray { QString::fromLatin1(kJwt) } } };
    const QByteArray masked = maskedBody(QJsonDocument(body).toJson(), "application/json;charset=utf-8");
    QVERIFY2(!masked.contains(kJwt.left(24)), masked.constData());
    QVERIFY(!masked.contains("0123456789abcdef"));
    const QJsonObject object = QJsonDocument::fromJson(masked).object();
    QCOMPARE(object.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(object.value(QStringLiteral("expires_in")).toInt(), 300);
    QVERIFY(object.value(QStringLiteral("access_token")).toString().endsWith(QStringLiteral("(masked)")));
}

void tst_TraceExport::jsonBodyWithoutContentType()
{
    const QByteArray masked = maskedBody(R"({"access_token":")" + kJwt + R"("})", QByteArray());
    QVERIFY2(!masked.contains(kJwt.left(24)), masked.constData());
}

void tst_TraceExport::htmlBody()
{
    const QByteArray page
        = R"(<form><input type="hidden" name="csrf_token" value="Zm9vYmFyYmF6cXV4cXV1eA"><input name="username" value="john">)"
          R"(<a href="http://127.0.0.1:5555/cb?code=)"
        + kCode + R"(&amp;state=abcdefghijklmnopqrst">continue</a></form>)";
    const QByteArray masked = maskedBody(page, "text/html; charset=utf-8");
    QVERIFY2(!masked.contains("Zm9vYmFyYmF6cXV4"), masked.constData());
    QVERIFY(!masked.contains(kCode));
    QVERIFY(!masked.contains("abcdefghijklmnopqrst"));
    QVERIFY(masked.contains(R"(value="john")"));
}

void tst_TraceExport::headers_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("kept"); // must still be there
    QTest::addColumn<QByteArray>("secret"); // must be gone
    QTest::newRow("bearer") << QByteArray("Authorization") << "Bearer " + kJwt << QByteArray("Bearer ")
                            << kJwt.left(20);
    QTest::newRow("basic") << QByteArray("authorization") << QByteArray("Basic Y29vbGxvYW46czNjcjN0")
                           << QByteArray("Basic ") << QByteArray("Y29vbGxvYW46");
    QTest::newRow("cookie") << QByteArray("Cookie") << QByteArray("bank_session=0123456789abcdef; theme=dark")
                            << QByteArray("bank_session=") << QByteArray("0123456789abcdef");
    QTest::newRow("cookie keeps names") << QByteArray("Cookie") << QByteArray("a=1111111111; b=2222222222")
                                        << QByteArray("b=") << QByteArray("2222222222");
    QTest::newRow("set-cookie") << QByteArray("Set-Cookie")
                                << QByteArray("bank_session=0123456789abcdef; Path=/; HttpOnly; SameSite=Lax")
                                << QByteArray("; Path=/; HttpOnly; SameSite=Lax")
                                << QByteArray("0123456789abcdef");
    QTest::newRow("set-cookie, two") << QByteArray("set-cookie")
                                     << QByteArray("a=0123456789abcdef; HttpOnly\nb=fedcba9876543210")
                                     << QByteArray("b=") << QByteArray("fedcba9876543210");
    QTest::newRow("location") << QByteArray("Location")
                              << "http://127.0.0.1:5555/cb?code=" + kCode + "&state=st4te-st4te-st4te&iss=x"
                              << QByteArray("http://127.0.0.1:5555/cb?code=") << kCode;
    QTest::newRow("location state") << QByteArray("Location")
                                    << QByteArray("http://127.0.0.1:5555/cb?state=st4te-st4te-st4te")
                                    << QByteArray("/cb?state=") << QByteArray("st4te-st4te-st4te");
    QTest::newRow("content-type") << QByteArray("Content-Type") << QByteArray("application/json")
                                  << QByteArray("application/json") << QByteArray("(masked)");
}

void tst_TraceExport::headers()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);
    QFETCH(QByteArray, kept);
    QFETCH(QByteArray, secret);
    const QByteArray masked = maskedHeaderValue(name, value);
    QVERIFY2(masked.contains(kept), masked.constData());
    QVERIFY2(!masked.contains(secret), masked.constData());
}

void tst_TraceExport::jsonHasTheIssuesFields()
{
    TraceEvent event = exchange(QStringLiteral("CoolLoan"), QStringLiteral("boris"), "POST",
        QUrl(QStringLiteral("http://127.0.0.1:4444/token")), 12);
    event.sequence = 7;
    event.status = 400;
    event.refusalRule = QStringLiteral("RFC 7636 §4.6");
    const QJsonArray array = traceToJson({ event }, false);
    QCOMPARE(array.size(), 1);
    const QJsonObject object = array.first().toObject();
    for (const char *field :
        { "step", "from", "to", "method", "url", "status", "kind", "source", "channel", "rule" })
        QVERIFY2(object.contains(QLatin1String(field)), field);
    QCOMPARE(object.value(QStringLiteral("step")).toInt(), 12);
    QCOMPARE(object.value(QStringLiteral("from")).toString(), QStringLiteral("CoolLoan"));
    QCOMPARE(object.value(QStringLiteral("to")).toString(), QStringLiteral("boris"));
    QCOMPARE(object.value(QStringLiteral("method")).toString(), QStringLiteral("POST"));
    QCOMPARE(object.value(QStringLiteral("url")).toString(), QStringLiteral("http://127.0.0.1:4444/token"));
    QCOMPARE(object.value(QStringLiteral("status")).toInt(), 400);
}

void tst_TraceExport::jsonMasksUnlessIncludeSecrets()
{
    TraceEvent event = exchange(QStringLiteral("CoolLoan"), QStringLiteral("boris"), "POST",
        QUrl(QStringLiteral("http://127.0.0.1:4444/token")), 12);
    event.requestHeaders = { { "Authorization", "Basic Y29vbGxvYW46czNjcjN0" },
        { "Content-Type", "application/x-www-form-urlencoded" } };
    event.requestBody = "grant_type=authorization_code&code=" + kCode;
    event.responseHeaders
        = { { "Content-Type", "application/json" }, { "Set-Cookie", "sid=0123456789abcdef; HttpOnly" } };
    event.responseBody = R"({"access_token":")" + kJwt + R"(","token_type":"Bearer"})";
    event.summary = QStringLiteral("got ") + QString::fromLatin1(kJwt);

    const QByteArray masked = QJsonDocument(traceToJson({ event }, false)).toJson();
    for (const QByteArray &secret :
        { kJwt.left(24), kCode, QByteArray("Y29vbGxvYW46"), QByteArray("0123456789abcdef") })
        QVERIFY2(!masked.contains(secret), secret.constData());
    QVERIFY(masked.contains("authorization_code"));

    const QByteArray clear = QJsonDocument(traceToJson({ event }, true)).toJson();
    for (const QByteArray &secret :
        { kJwt, kCode, QByteArray("Y29vbGxvYW46czNjcjN0"), QByteArray("0123456789abcdef") })
        QVERIFY2(clear.contains(secret), secret.constData());
}

void tst_TraceExport::secretsAreMaskedWhereverTheyReappear()
{
    // The login page shows the workshop password as a hint; the form John posts names it a password.
    TraceEvent page = exchange(QStringLiteral("Browser"), QStringLiteral("eddy"), "GET",
        QUrl(QStringLiteral("http://127.0.0.1:4444/interaction/x")), 3);
    page.responseHeaders = { { "Content-Type", "text/html" } };
    page.responseBody = "<p>Workshop account: <b>john</b> / <b>banking-is-fun</b></p>";
    TraceEvent login = exchange(QStringLiteral("Browser"), QStringLiteral("eddy"), "POST",
        QUrl(QStringLiteral("http://127.0.0.1:4444/interaction/x/login")), 5);
    login.requestHeaders = { { "Content-Type", "application/x-www-form-urlencoded" } };
    login.requestBody = "username=john&password=banking-is-fun";
    // An error that quotes the code the token request sent.
    TraceEvent token = exchange(QStringLiteral("CoolLoan"), QStringLiteral("boris"), "POST",
        QUrl(QStringLiteral("http://127.0.0.1:4444/token")), 12);
    token.requestHeaders = { { "Content-Type", "application/x-www-form-urlencoded" },
        { "Authorization", "Basic Y29vbGxvYW46czNjcjN0LXMzY3IzdA==" } };
    token.requestBody = "grant_type=authorization_code&code=" + kCode;
    token.status = 400;
    token.responseHeaders = { { "Content-Type", "text/plain" } };
    token.responseBody = "the code " + kCode + " was issued to another client; secret s3cr3t-s3cr3t";
    token.summary = QStringLiteral("refused code ") + QString::fromLatin1(kCode);

    const QList<TraceEvent> run { page, login, token };
    const QByteArray json = QJsonDocument(traceToJson(run, false)).toJson();
    QVERIFY2(!json.contains("banking-is-fun"), json.constData());
    QVERIFY(!json.contains(kCode));
    QVERIFY(!json.contains("s3cr3t-s3cr3t")); // the client secret from the Basic header
    QVERIFY(json.contains("Workshop account: <b>john</b>"));
    QVERIFY(!traceToPlantUml(run, false).contains(QString::fromLatin1(kCode)));
    // Kept with --include-secrets.
    const QByteArray clear = QJsonDocument(traceToJson(run, true)).toJson();
    QVERIFY(clear.contains("banking-is-fun") && clear.contains(kCode) && clear.contains("s3cr3t-s3cr3t"));
}

void tst_TraceExport::plantUmlHasSeedParticipantsAndOneArrowPerEvent()
{
    const QUrl authorize(
        QStringLiteral("http://127.0.0.1:4444/authorize?client_id=coolloan&state=st4te-st4te-st4te"));
    TraceEvent req = exchange(QStringLiteral("Browser"), QStringLiteral("eddy"), "GET", authorize, 1);
    req.channel = TraceChannel::FrontChannel;
    TraceEvent token = exchange(QStringLiteral("CoolLoan"), QStringLiteral("boris"), "POST",
        QUrl(QStringLiteral("http://127.0.0.1:4444/token")), 12);
    // CoolLoan's own copy of the token request: the bank's is drawn, this one is not.
    TraceEvent mirror = token;
    mirror.source = QStringLiteral("coolloan");
    mirror.step = 0;
    const QList<TraceEvent> events { req, decision(QStringLiteral("eddy"), 2), response(req, 3), token,
        mirror, response(token, 13) };

    const QString uml = traceToPlantUml(events, false);
    QVERIFY(uml.startsWith(QStringLiteral("@startuml\n")));
    QVERIFY(uml.trimmed().endsWith(QStringLiteral("@enduml")));
    // The seed's participants, with the seed's aliases.
    for (const char *participant :
        { "actor \"Resource Owner / John\" as RO", "participant \"User Agent\" as UA", "participant 3rd [",
            "\"\"CoolLoan\"\"", "participant Auth [", "\"\"eddy\"\"", "participant Token [", "\"\"boris\"\"",
            "participant R [", "\"\"banky\"\"" })
        QVERIFY2(uml.contains(QLatin1String(participant)), participant);
    QVERIFY(!uml.contains(QStringLiteral("Pirate")));

    static const QRegularExpression arrow(
        QStringLiteral(R"(^(\w+) -{1,2}(\[#[0-9A-Fa-f]{6}\])?> (\w+) : (.*)$)"),
        QRegularExpression::MultilineOption);
    QStringList arrows;
    QList<int> steps;
    for (auto it = arrow.globalMatch(uml); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        arrows.append(match.captured(1) + QLatin1Char('>') + match.captured(3));
        static const QRegularExpression number(QStringLiteral(R"(^<b>(\d+)</b> )"));
        const QRegularExpressionMatch step = number.match(match.captured(4));
        steps.append(step.hasMatch() ? step.captured(1).toInt() : 0);
    }
    QCOMPARE(arrows,
        (QStringList { QStringLiteral("UA>Auth"), QStringLiteral("Auth>Auth"), QStringLiteral("Auth>UA"),
            QStringLiteral("3rd>Token"), QStringLiteral("Token>3rd") }));
    QCOMPARE(steps, (QList<int> { 1, 2, 3, 12, 13 }));
    // Requests name method and path; the query (and its state) stays out.
    QVERIFY(uml.contains(QStringLiteral("UA -> Auth : <b>1</b> GET /authorize")));
    QVERIFY(!uml.contains(QStringLiteral("st4te")));
    // Responses are dashed, as in the seed; the back channel is coloured.
    QVERIFY(uml.contains(QStringLiteral("Auth --> UA")));
    QVERIFY(uml.contains(QStringLiteral("Token --[#0B5CAD]> 3rd")));
}

void tst_TraceExport::plantUmlAddsPirateLoanWhenItTakesPart()
{
    TraceEvent action;
    action.kind = TraceKind::Action;
    action.channel = TraceChannel::UserAction;
    action.from = QStringLiteral("John");
    action.to = QStringLiteral("PirateLoan");
    action.summary = QStringLiteral("gives PirateLoan his password");
    const QString uml = traceToPlantUml({ action }, false);
    QVERIFY(uml.contains(QStringLiteral("participant \"PirateLoan\" as Pirate")));
    QVERIFY(uml.contains(QStringLiteral("RO -> Pirate : gives PirateLoan his password")));
}

QTEST_GUILESS_MAIN(tst_TraceExport)
#include "tst_traceexport.moc"
