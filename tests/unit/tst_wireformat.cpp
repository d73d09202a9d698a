// core/http/WireFormat: the formats inside HTTP messages that the bank, the trace and the UI all read —
// HTTP Basic client credentials (RFC 7617 §2, RFC 6749 §2.3.1), Cookie and Set-Cookie (RFC 6265 §4.1,
// §4.2, §5.2), form sniffing, and compact JOSE objects in text (RFC 7515 §7.1, RFC 7516 §7.1).

#include "http/WireFormat.h"

#include <QTest>

using namespace cfl;
using namespace cfl::wire;
using Problem = BasicCredentials::Problem;

Q_DECLARE_METATYPE(Problem)

class tst_WireFormat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void basic_data();
    void basic();
    void basicRoundTrip();
    void cookieHeader();
    void setCookieBuild();
    void setCookieParse_data();
    void setCookieParse();
    void splitForm();
    void looksLikeForm_data();
    void looksLikeForm();
    void compactJose_data();
    void compactJose();
};

void tst_WireFormat::basic_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<Problem>("problem");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("secret");

    const auto b64 = [](const QByteArray &text) { return "Basic " + text.toBase64(); };
    QTest::newRow("plain") << b64("coolloan:s3cret") << Problem::None << "coolloan"
                           << "s3cret";
    QTest::newRow("scheme is case-insensitive (RFC 9110 §11.1)")
        << "bAsIc " + QByteArray("a:b").toBase64() << Problem::None << "a"
        << "b";
    // RFC 6749 §2.3.1: both parts form-url-encoded, so a ':' in the secret travels as %3A.
    QTest::newRow("form-encoded parts") << b64("my%20app:a%3Ab+c") << Problem::None << "my app"
                                        << "a:b c";
    QTest::newRow("first colon splits") << b64("id:se:cret") << Problem::None << "id"
                                        << "se:cret";
    QTest::newRow("empty secret") << b64("id:") << Problem::None << "id"
                                  << "";
    QTest::newRow("bearer") << QByteArray("Bearer abc") << Problem::NotBasic << ""
                            << "";
    QTest::newRow("nothing") << QByteArray() << Problem::NotBasic << ""
                             << "";
    QTest::newRow("not base64") << QByteArray("Basic @@@") << Problem::NotBase64 << ""
                                << "";
    QTest::newRow("no colon") << b64("justanid") << Problem::NoColon << "justanid"
                              << "";
    QTest::newRow("bad escape") << b64("id:%zz") << Problem::NotFormEncoded << "id"
                                << "";
    QTest::newRow("bad UTF-8") << b64("%ff:x") << Problem::NotFormEncoded << ""
                               << "x";
}

void tst_WireFormat::basic()
{
    QFETCH(QByteArray, header);
    QFETCH(Problem, problem);
    QFETCH(QString, id);
    QFETCH(QString, secret);
    const BasicCredentials parsed = parseBasicCredentials(header);
    QCOMPARE(parsed.problem, problem);
    QCOMPARE(parsed.clientId, id);
    QCOMPARE(parsed.secret, secret);
    QCOMPARE(parsed.ok(), problem == Problem::None);
}

void tst_WireFormat::basicRoundTrip()
{
    const QString id = QStringLiteral("app: ü&=+/");
    const QString secret = QStringLiteral("pa:ss wörd%");
    const BasicCredentials parsed = parseBasicCredentials(basicAuthorization(id, secret));
    QVERIFY(parsed.ok());
    QCOMPARE(parsed.clientId, id);
    QCOMPARE(parsed.secret, secret);
}

void tst_WireFormat::cookieHeader()
{
    using Pairs = QList<QPair<QByteArray, QByteArray>>;
    QCOMPARE(parseCookieHeader("a=1; b=two=2;c=;  d = 4 "),
        (Pairs { { "a", "1" }, { "b", "two=2" }, { "c", "" }, { "d ", " 4" } }));
    // RFC 6265 §5.4 never sends a pair without a name; such pieces are no cookie.
    QCOMPARE(parseCookieHeader("=x; novalue; ;e=5"), (Pairs { { "e", "5" } }));
    QVERIFY(parseCookieHeader("").isEmpty());
}

void tst_WireFormat::setCookieBuild()
{
    SetCookie cookie;
    cookie.name = "cfl_session";
    cookie.value = "abc";
    QCOMPARE(cookie.toHeaderValue(), QByteArray("cfl_session=abc; Path=/; HttpOnly; SameSite=Lax"));
    cookie.path = "/interaction";
    cookie.maxAge = 900;
    QCOMPARE(cookie.toHeaderValue(),
        QByteArray("cfl_session=abc; Path=/interaction; HttpOnly; SameSite=Lax; Max-Age=900"));
    QCOMPARE(cookie.expired().toHeaderValue(),
        QByteArray("cfl_session=; Path=/interaction; HttpOnly; SameSite=Lax; Max-Age=0"));
    // What is built reads back the same.
    const auto parsed = SetCookie::parse(cookie.toHeaderValue());
    QVERIFY(parsed);
    QCOMPARE(parsed->toHeaderValue(), cookie.toHeaderValue());
}

void tst_WireFormat::setCookieParse_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<bool>("httpOnly");

    QTest::newRow("full") << QByteArray("s=v; path=/web; HTTPONLY; samesite=Strict") << true
                          << QByteArray("s") << QByteArray("v") << QByteArray("/web") << true;
    QTest::newRow("bare") << QByteArray("s=v") << true << QByteArray("s") << QByteArray("v") << QByteArray()
                          << false;
    // RFC 6265 §5.2: no '=' or an empty name before the first ';' — the line is ignored.
    QTest::newRow("no pair") << QByteArray("HttpOnly; s=v") << false << QByteArray() << QByteArray()
                             << QByteArray() << false;
    QTest::newRow("empty name") << QByteArray("=v; Path=/") << false << QByteArray() << QByteArray()
                                << QByteArray() << false;
}

void tst_WireFormat::setCookieParse()
{
    QFETCH(QByteArray, line);
    QFETCH(bool, valid);
    const auto cookie = SetCookie::parse(line);
    QCOMPARE(cookie.has_value(), valid);
    if (!cookie)
        return;
    QTEST(cookie->name, "name");
    QTEST(cookie->value, "value");
    QTEST(cookie->path, "path");
    QTEST(cookie->httpOnly, "httpOnly");
}

void tst_WireFormat::splitForm()
{
    const QList<FormPair> pairs = wire::splitForm("a=1&b+c=d%20e&flag&bad=%zz%ff");
    QCOMPARE(pairs.size(), 4);
    QCOMPARE(pairs[1].name, QStringLiteral("b c"));
    QCOMPARE(pairs[1].value, QStringLiteral("d e"));
    QCOMPARE(pairs[1].rawValue, QByteArray("d%20e"));
    QVERIFY(!pairs[2].hasEquals);
    QCOMPARE(pairs[2].rawName, QByteArray("flag"));
    // Lenient: shown as far as it decodes, kept as sent.
    QCOMPARE(pairs[3].rawValue, QByteArray("%zz%ff"));
    QVERIFY(wire::splitForm("").isEmpty());
}

void tst_WireFormat::looksLikeForm_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("form");
    QTest::newRow("form") << QByteArray("grant_type=refresh_token&refresh_token=x") << true;
    QTest::newRow("one pair") << QByteArray("a=") << true;
    QTest::newRow("json") << QByteArray(R"({"a":1})") << false;
    QTest::newRow("text") << QByteArray("hello world") << false;
    QTest::newRow("space in value") << QByteArray("a=b c") << false;
}

void tst_WireFormat::looksLikeForm()
{
    QFETCH(QByteArray, body);
    QTEST(wire::looksLikeForm(body), "form");
}

void tst_WireFormat::compactJose_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("found");
    QTest::addColumn<bool>("wholeIsJws");

    const QString jws = QStringLiteral("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqb2huIn0.c2ln");
    const QString jwe = QStringLiteral("eyJhbGciOiJSU0EtT0FFUCJ9.a2V5.aXY.Y2lwaGVy.dGFn");
    QTest::newRow("jws") << jws << QStringList { jws } << true;
    QTest::newRow("unsigned: empty signature")
        << QStringLiteral("eyJhbGciOiJub25lIn0.eyJhIjoxfQ.")
        << QStringList { QStringLiteral("eyJhbGciOiJub25lIn0.eyJhIjoxfQ.") } << true;
    QTest::newRow("jwe: five parts, masked, not decoded") << jwe << QStringList { jwe } << false;
    QTest::newRow("in a sentence") << QStringLiteral("Bearer %1. Then %1.").arg(jws)
                                   << QStringList { jws, jws } << false;
    QTest::newRow("payload not JSON")
        << QStringLiteral("eyJhbGciOiJIUzI1NiJ9.aGVsbG8.c2ln")
        << QStringList { QStringLiteral("eyJhbGciOiJIUzI1NiJ9.aGVsbG8.c2ln") } << false;
    QTest::newRow("no header") << QStringLiteral("abc.def.ghi") << QStringList {} << false;
    QTest::newRow("a word starting eyJ") << QStringLiteral("eyJust words") << QStringList {} << false;
}

void tst_WireFormat::compactJose()
{
    QFETCH(QString, text);
    QFETCH(QStringList, found);
    QStringList spans;
    for (const JoseSpan &span : findCompactJose(text))
        spans.append(text.mid(span.start, span.length));
    QCOMPARE(spans, found);
    QTEST(isCompactJws(text), "wholeIsJws");
}

QTEST_GUILESS_MAIN(tst_WireFormat)
#include "tst_wireformat.moc"
