#pragma once
// The bank's server-rendered pages: HTML templates from resources/bank/ (compiled in), wrapped in
// layout.html. "{{name}}" inserts an HTML-escaped value, "{{{name}}}" a fragment built by the bank
// from escaped parts. Pages work without JavaScript: plain <form>s.

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
    static QString escape(const QString &text) { return text.toHtmlEscaped(); }

private:
    static QString fill(QString text, const PageValues &values);
    static QString load(const QString &name);
};

} // namespace cfl
