#pragma once
// The bank's server-rendered pages: HTML templates from resources/bank/ (compiled in), wrapped in
// layout.html. "{{name}}" inserts an HTML-escaped value, "{{{name}}}" a fragment built by the bank
// from escaped parts; anything else in braces is left as it is. Values are inserted once: a "{{x}}" inside
// a value is text, never a placeholder. Pages work without JavaScript: plain <form>s.

#include <QByteArray>
#include <QHash>
#include <QString>

namespace cfl {

using PageValues = QHash<QString, QString>;

class PageRenderer
{
public:
    // `name` is a template file in :/bank, e.g. "login.html".
    static QByteArray render(const QString &name, const QString &title, const PageValues &values);
    // & < > " ' as character references (OWASP XSS Prevention Cheat Sheet, rule #1): safe in element
    // content and in quoted attribute values, whichever quote the template uses.
    static QString escape(const QString &text);

private:
    static QString fill(QString text, const PageValues &values);
    static QString load(const QString &name);
};

} // namespace cfl
