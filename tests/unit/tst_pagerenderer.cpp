// The bank's page renderer: "{{name}}" escapes & < > " ' (OWASP XSS Prevention Cheat Sheet, rule #1),
// "{{{name}}}" inserts a fragment as it is, missing values are empty, malformed placeholders never become
// raw slots, and values are never expanded a second time; "{{#name}}…{{/name}}" repeats for each entry of
// a list (escaped the same), shows for a flag or a text, "{{^name}}…{{/name}}" shows for nothing, a section
// tag alone on its line takes the line, and a section without its end stays text. The templates under
// pagerenderer/ are compiled into this test under :/bank, next to the bank's own pages.

#include "bank/PageRenderer.h"

#include <QTest>

// The bank's own templates (layout.html wraps every page) live in a static library: pull them in.
static void initBankPages()
{
    Q_INIT_RESOURCE(cfl_bank_pages);
}

using namespace cfl;

namespace {
// What render() put inside <main> of layout.html.
QString content(const QByteArray &page)
{
    const QString text = QString::fromUtf8(page);
    const qsizetype start = text.indexOf(QLatin1String("<main>\n"));
    const qsizetype end = text.indexOf(QLatin1String("\n</main>"));
    if (start < 0 || end < start)
        return QStringLiteral("<no main element in: %1>").arg(text);
    return text.mid(start + 7, end - start - 7);
}

QString rendered(const QString &templateName, const PageValues &values)
{
    return content(PageRenderer::render(templateName, QStringLiteral("Test"), values)).trimmed();
}

const QString Script = QStringLiteral("<script>alert(1)</script>");
const QString AttributeBreakout = QStringLiteral("\"><img src=x onerror=alert(1)>");
const QString SingleQuoteBreakout = QStringLiteral("' onmouseover='x");
const QString EntityLiteral = QStringLiteral("Fish &amp; Chips");
} // namespace

class tst_PageRenderer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { initBankPages(); }

    void escapesText_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("escaped");

        QTest::newRow("less-than") << QStringLiteral("a<b") << QStringLiteral("a&lt;b");
        QTest::newRow("greater-than") << QStringLiteral("a>b") << QStringLiteral("a&gt;b");
        QTest::newRow("ampersand") << QStringLiteral("a&b") << QStringLiteral("a&amp;b");
        QTest::newRow("double quote") << QStringLiteral("a\"b") << QStringLiteral("a&quot;b");
        QTest::newRow("apostrophe") << QStringLiteral("a'b") << QStringLiteral("a&#39;b");
        QTest::newRow("script element") << Script << QStringLiteral("&lt;script&gt;alert(1)&lt;/script&gt;");
        QTest::newRow("double-quoted attribute breakout")
            << AttributeBreakout << QStringLiteral("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
        QTest::newRow("single-quoted attribute breakout")
            << SingleQuoteBreakout << QStringLiteral("&#39; onmouseover=&#39;x");
        // A character reference typed as text stays text: the page shows "&amp;", not "&".
        QTest::newRow("entity literal") << EntityLiteral << QStringLiteral("Fish &amp;amp; Chips");
        QTest::newRow("already escaped is escaped again")
            << QStringLiteral("&lt;b&gt;") << QStringLiteral("&amp;lt;b&amp;gt;");
        QTest::newRow("plain text unchanged")
            << QStringLiteral("John Miller") << QStringLiteral("John Miller");
        QTest::newRow("unicode unchanged") << QStringLiteral("Zoë ☺ 25 €") << QStringLiteral("Zoë ☺ 25 €");
        QTest::newRow("empty") << QString() << QString();
    }
    void escapesText()
    {
        QFETCH(QString, value);
        QFETCH(QString, escaped);
        QCOMPARE(PageRenderer::escape(value), escaped);
        // The same value in element content and in a double-quoted attribute.
        QCOMPARE(rendered(QStringLiteral("escaped.html"), { { QStringLiteral("value"), value } }),
            QStringLiteral("<p id=\"slot\" title=\"%1\">%1</p>").arg(escaped));
    }

    void attributeValuesStayClosed_data()
    {
        QTest::addColumn<QString>("value");
        QTest::newRow("double quote") << AttributeBreakout;
        QTest::newRow("apostrophe") << SingleQuoteBreakout;
        QTest::newRow("both") << QStringLiteral("\"'\"'");
    }
    void attributeValuesStayClosed()
    {
        // Whichever quote the template uses, no quote character of the value survives into the attribute.
        QFETCH(QString, value);
        const QString html
            = rendered(QStringLiteral("attributes.html"), { { QStringLiteral("value"), value } });
        const QString escaped = PageRenderer::escape(value);
        QVERIFY(!escaped.contains(QLatin1Char('"')));
        QVERIFY(!escaped.contains(QLatin1Char('\'')));
        QCOMPARE(html,
            QStringLiteral("<input id=\"double\" value=\"%1\"><input id='single' value='%1'>").arg(escaped));
    }

    void rawSlotInsertsTheFragment()
    {
        const QString fragment = QStringLiteral("<b class=\"x\">bold</b> &amp; 'quoted'");
        QCOMPARE(rendered(QStringLiteral("raw.html"), { { QStringLiteral("value"), fragment } }),
            QStringLiteral("<div id=\"slot\">%1</div>").arg(fragment));
    }

    void spacesInsidePlaceholders()
    {
        QCOMPARE(
            rendered(QStringLiteral("spaced.html"), { { QStringLiteral("value"), QStringLiteral("<i>") } }),
            QStringLiteral("[&lt;i&gt;|<i>|&lt;i&gt;]"));
    }

    void missingValuesAreEmpty()
    {
        QCOMPARE(
            rendered(QStringLiteral("missing.html"), { { QStringLiteral("value"), QStringLiteral("x") } }),
            QStringLiteral("[|]"));
    }

    void malformedPlaceholdersNeverInsertRaw()
    {
        // "{{{value}}" is "{" and an escaped "{{value}}"; "{{value}}}" an escaped one and "}"; names with
        // other characters, single braces and empty names are text.
        QCOMPARE(rendered(QStringLiteral("malformed.html"),
                     { { QStringLiteral("value"), QStringLiteral("<i>") } }),
            QStringLiteral("[{&lt;i&gt;|&lt;i&gt;}|{{bad-name}}|{value}|{{ }}]"));
    }

    void valuesAreInsertedOnce_data()
    {
        QTest::addColumn<QString>("templateName");
        QTest::addColumn<QString>("expected");
        QTest::newRow("escaped slot")
            << QStringLiteral("escaped.html") << QStringLiteral("<p id=\"slot\" title=\"%1\">%1</p>");
        QTest::newRow("raw slot") << QStringLiteral("raw.html")
                                  << QStringLiteral("<div id=\"slot\">%1</div>");
    }
    void valuesAreInsertedOnce()
    {
        // A value that looks like placeholders (of this page, or of layout.html: title, content) is text.
        QFETCH(QString, templateName);
        QFETCH(QString, expected);
        const QString value = QStringLiteral("{{other}} {{{other}}} {{title}} {{{content}}}");
        QCOMPARE(rendered(templateName,
                     { { QStringLiteral("value"), value },
                         { QStringLiteral("other"), QStringLiteral("<b>X</b>") } }),
            expected.arg(value));
    }

    void titleIsEscaped()
    {
        const QByteArray page = PageRenderer::render(
            QStringLiteral("missing.html"), QStringLiteral("<script>x</script> & 'q' {{{content}}}"), {});
        QVERIFY2(
            page.contains("<title>&lt;script&gt;x&lt;/script&gt; &amp; &#39;q&#39; {{{content}}} · Loopback "
                          "Bank</title>"),
            page.constData());
        QCOMPARE(page.count("<main>"), 1);
    }

    void missingTemplateSaysSoEscaped()
    {
        QCOMPARE(content(PageRenderer::render(QStringLiteral("no-such<b>.html"), QStringLiteral("Test"), {})),
            QStringLiteral("<p>missing page template no-such&lt;b&gt;.html</p>"));
    }

    void listSectionRepeatsPerEntry()
    {
        // An entry's names shadow the page's; the page's (csrf) stay visible inside; lists nest.
        PageList items;
        items.append(
            PageValues { { QStringLiteral("id"), QStringLiteral("a1") }, { QStringLiteral("name"), Script },
                { QStringLiteral("tags"),
                    PageList { PageValues { { QStringLiteral("tag"), QStringLiteral("x") } },
                        PageValues { { QStringLiteral("tag"), AttributeBreakout } } } } });
        items.append(PageValues { { QStringLiteral("id"), SingleQuoteBreakout },
            { QStringLiteral("name"), QStringLiteral("{{csrf}} {{#items}}") } });
        QCOMPARE(rendered(QStringLiteral("list.html"),
                     { { QStringLiteral("items"), items }, { QStringLiteral("csrf"), QStringLiteral("t<k>") },
                         { QStringLiteral("tag"), QStringLiteral("outer") } }),
            QStringLiteral(
                "<ul>\n"
                "<li id=\"a1\">%1<input type=\"hidden\" value=\"t&lt;k&gt;\"><i>x</i><i>%2</i></li>\n"
                "<li id=\"%3\">{{csrf}} {{#items}}<input type=\"hidden\" value=\"t&lt;k&gt;\"></li>\n"
                "</ul>")
                .arg(PageRenderer::escape(Script), PageRenderer::escape(AttributeBreakout),
                    PageRenderer::escape(SingleQuoteBreakout)));
    }

    void invertedSectionShowsForNothing_data()
    {
        QTest::addColumn<QVariant>("items");
        QTest::newRow("empty list") << QVariant(PageList {});
        QTest::newRow("missing") << QVariant();
    }
    void invertedSectionShowsForNothing()
    {
        QFETCH(QVariant, items);
        PageValues values;
        if (items.isValid())
            values.insert(QStringLiteral("items"), items);
        QCOMPARE(rendered(QStringLiteral("list.html"), values), QStringLiteral("<ul>\n<li>none</li>\n</ul>"));
    }

    void flagAndTextSections_data()
    {
        QTest::addColumn<QVariant>("flag");
        QTest::addColumn<QVariant>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("true, text") << QVariant(true) << QVariant(Script)
                                    << QStringLiteral("[on|<b>%1</b>]").arg(PageRenderer::escape(Script));
        QTest::newRow("false, empty text")
            << QVariant(false) << QVariant(QString()) << QStringLiteral("[off|no text]");
        QTest::newRow("missing") << QVariant() << QVariant() << QStringLiteral("[off|no text]");
    }
    void flagAndTextSections()
    {
        QFETCH(QVariant, flag);
        QFETCH(QVariant, text);
        QFETCH(QString, expected);
        PageValues values;
        if (flag.isValid())
            values.insert(QStringLiteral("flag"), flag);
        if (text.isValid())
            values.insert(QStringLiteral("text"), text);
        QCOMPARE(rendered(QStringLiteral("flags.html"), values), expected);
    }

    void standaloneSectionLinesVanish_data()
    {
        QTest::addColumn<bool>("flag");
        QTest::addColumn<QString>("expected");
        QTest::newRow("shown") << true << QStringLiteral("before\ninside\nafter \nkept\n too");
        QTest::newRow("hidden") << false << QStringLiteral("before\nafter  too");
    }
    void standaloneSectionLinesVanish()
    {
        // A tag alone on its line (blanks around it) takes the line; one beside text leaves it.
        QFETCH(bool, flag);
        QFETCH(QString, expected);
        QCOMPARE(rendered(QStringLiteral("standalone.html"), { { QStringLiteral("flag"), flag } }), expected);
    }

    void unpairedSectionsStayText_data()
    {
        QTest::addColumn<bool>("a");
        QTest::addColumn<QString>("expected");
        QTest::newRow("a shown") << true
                                 << QStringLiteral("[{{#open}}x|{{/close}}|{{#b}}|{{^bad-name}}|{{/a}}]");
        QTest::newRow("a hidden") << false << QStringLiteral("[{{#open}}x|{{/close}}||{{^bad-name}}|{{/a}}]");
    }
    void unpairedSectionsStayText()
    {
        // A section without its end, an end without its section, one left open inside another: text.
        QFETCH(bool, a);
        QFETCH(QString, expected);
        QCOMPARE(rendered(QStringLiteral("unpaired.html"),
                     { { QStringLiteral("a"), a }, { QStringLiteral("b"), true },
                         { QStringLiteral("open"), true } }),
            expected);
    }

    void bankErrorPageEscapesEverySlot()
    {
        // error.html as the bank fills it (RefusalForm::errorPage): every slot is an escaped one.
        const QByteArray page
            = PageRenderer::render(QStringLiteral("error.html"), QStringLiteral("Request refused"),
                { { QStringLiteral("error"), QStringLiteral("invalid_request") },
                    { QStringLiteral("description"), Script }, { QStringLiteral("hint"), AttributeBreakout },
                    { QStringLiteral("rfc"), SingleQuoteBreakout } });
        QVERIFY(!page.contains(Script.toUtf8()));
        QVERIFY(!page.contains(AttributeBreakout.toUtf8()));
        QVERIFY(!page.contains(SingleQuoteBreakout.toUtf8()));
        QVERIFY(page.contains(PageRenderer::escape(Script).toUtf8()));
        QVERIFY(page.contains(PageRenderer::escape(AttributeBreakout).toUtf8()));
        QVERIFY(page.contains(PageRenderer::escape(SingleQuoteBreakout).toUtf8()));
    }
};

QTEST_GUILESS_MAIN(tst_PageRenderer)
#include "tst_pagerenderer.moc"
