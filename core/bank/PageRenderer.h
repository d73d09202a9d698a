#pragma once
// The bank's server-rendered pages: HTML templates from resources/bank/ (compiled in), wrapped in
// layout.html. All the markup is in the templates; the code gives values, never HTML:
//   {{name}}                 the value, HTML-escaped
//   {{#name}}…{{/name}}      a section: once per entry of a list (its names shadow the outer ones, which
//                            stay visible), once for a true flag or a non-empty text, else not at all
//   {{^name}}…{{/name}}      the inverse: only when the value is missing, false, empty text or an empty list
//   {{{name}}}               a value as it is: only layout.html's {{{content}}}, the rendered page
// A section tag alone on its line takes the line with it (as in Mustache). Names are letters, digits and
// '_'; anything else in braces, and a section without its end, is left as it is. Values are inserted
// once: a "{{x}}" inside a value is text, never a placeholder. Pages work without JavaScript: plain
// <form>s.
// Ours, not a library: the Mustache engine in Debian (libkainjow-mustache-dev 4.1) reads every "{{…}}" as
// a tag and renders nothing at all for a template with one it cannot close, where these pages keep such
// text as it is (tests/unit/tst_pagerenderer.cpp pins it); docs/architecture.md, "The bank's pages", says
// more.

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QVariant>

namespace cfl {

// A page's values by name: QString (text), bool (a flag for a section), or PageList (a list a section
// repeats, each entry a PageValues).
using PageValues = QVariantHash;
using PageList = QVariantList;

class PageRenderer
{
public:
    // `name` is a template file in :/bank, e.g. "login.html".
    static QByteArray render(const QString &name, const QString &title, const PageValues &values);
    // & < > " ' as character references (OWASP XSS Prevention Cheat Sheet, rule #1): safe in element
    // content and in quoted attribute values, whichever quote the template uses — the two places a
    // template puts values. A value that goes into a URL is made one there first (a percent-encoded path
    // segment, RFC 3986 §3.3), then escaped like any other.
    static QString escape(const QString &text);

private:
    static QString fill(const QString &text, const PageValues &values);
    static QString load(const QString &name);
};

} // namespace cfl
