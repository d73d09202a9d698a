// The bank's page renderer (PageRenderer::render) with values from outside in every escaped slot
// ("{{name}}": user name, client name, redirect URI, error descriptions, CSRF tokens echo what requests
// carried). The first byte picks the template; the values are separated by NUL, the first is the title.
// Sections ("{{#name}}…{{/name}}") show or hide alike for the page and its harmless twin; the one raw slot is
// layout.html's rendered page.
// Properties: no value adds markup — the page has as many < > " ' as with harmless values; a value is
// inserted once, never read as a placeholder; escape() leaves none of & < > " ' bare (OWASP XSS rule #1).

#include "FuzzSupport.h"
#include "bank/PageRenderer.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

static void initBankPages()
{
    Q_INIT_RESOURCE(cfl_bank_pages);
}

using namespace cfl;
using namespace cfl::fuzz;

namespace {

struct Template
{
    QString name;
    QStringList escapedSlots;
};

QList<Template> Templates;

int count(const QByteArray &page, char c)
{
    return int(page.count(c));
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    application();
    initBankPages();
    static const QRegularExpression slot(QStringLiteral(R"((?<!\{)\{\{\s*([a-zA-Z0-9_]+)\s*\}\}(?!\}))"));
    for (const QString &name : QDir(QStringLiteral(":/bank")).entryList({ QStringLiteral("*.html") })) {
        if (name == QLatin1String("layout.html"))
            continue;
        QFile file(QStringLiteral(":/bank/") + name);
        require(file.open(QIODevice::ReadOnly), "a bank page template opens", name.toUtf8());
        Template t { name, {} };
        auto it = slot.globalMatch(QString::fromUtf8(file.readAll()));
        while (it.hasNext())
            t.escapedSlots.append(it.next().captured(1));
        t.escapedSlots.removeDuplicates();
        Templates.append(t);
    }
    require(!Templates.isEmpty(), "the bank's page templates are there");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const Template &page = Templates.at(data[0] % Templates.size());
    const QList<QByteArray> parts = bytesOf(data + 1, size - 1).split('\0');
    const QString title = QString::fromUtf8(parts.value(0));
    PageValues values;
    PageValues harmless;
    for (qsizetype i = 0; i < page.escapedSlots.size(); ++i) {
        const QString value = QString::fromUtf8(parts.value(i + 1));
        values.insert(page.escapedSlots.at(i), value);
        // Empty stays empty: a section on the same name ("{{#error}}…{{/error}}") shows for both or neither.
        harmless.insert(page.escapedSlots.at(i), value.isEmpty() ? QString() : QStringLiteral("v"));
    }
    const QByteArray rendered = PageRenderer::render(page.name, title, values);
    const QByteArray baseline = PageRenderer::render(page.name, QStringLiteral("v"), harmless);
    for (const char c : { '<', '>', '"', '\'' }) {
        require(count(rendered, c) == count(baseline, c), "values add no markup",
            page.name.toUtf8() + ": " + QByteArray(1, c) + '\n' + rendered.left(2000));
    }
    for (const QByteArray &part : parts) {
        const QString escaped = PageRenderer::escape(QString::fromUtf8(part));
        for (const QChar c : escaped)
            require(c != u'<' && c != u'>' && c != u'"' && c != u'\'', "escape() leaves no markup character");
        static const QRegularExpression bareAmpersand(QStringLiteral("&(?!amp;|lt;|gt;|quot;|#39;)"));
        require(!bareAmpersand.match(escaped).hasMatch(), "escape() leaves no bare &", escaped.toUtf8());
    }
    return 0;
}
