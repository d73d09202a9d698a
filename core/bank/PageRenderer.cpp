#include "bank/PageRenderer.h"

#include <QFile>
#include <QRegularExpression>

namespace cfl {

QString PageRenderer::escape(const QString &text)
{
    // QString::toHtmlEscaped leaves the apostrophe as it is.
    return text.toHtmlEscaped().replace(QLatin1Char('\''), QLatin1String("&#39;"));
}

QString PageRenderer::load(const QString &name)
{
    QFile file(QStringLiteral(":/bank/") + name);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("<p>missing page template %1</p>").arg(escape(name));
    return QString::fromUtf8(file.readAll());
}

QString PageRenderer::fill(QString text, const PageValues &values)
{
    // "{{{name}}}" (raw) only with three braces on both sides; "{{{name}}" is "{" and an escaped "{{name}}".
    static const QRegularExpression placeholder(
        QStringLiteral(R"(\{\{\{\s*([a-zA-Z0-9_]+)\s*\}\}\}|\{\{\s*([a-zA-Z0-9_]+)\s*\}\})"));
    QString out;
    out.reserve(text.size() * 2);
    qsizetype last = 0;
    auto it = placeholder.globalMatch(text);
    while (it.hasNext()) {
        const auto match = it.next();
        out += QStringView(text).mid(last, match.capturedStart() - last);
        const bool raw = match.capturedStart(1) >= 0;
        const QString value = values.value(match.captured(raw ? 1 : 2));
        out += raw ? value : escape(value);
        last = match.capturedEnd();
    }
    out += QStringView(text).mid(last);
    return out;
}

QByteArray PageRenderer::render(const QString &name, const QString &title, const PageValues &values)
{
    PageValues all = values;
    all.insert(QStringLiteral("title"), title);
    all.insert(QStringLiteral("content"), fill(load(name), values));
    return fill(load(QStringLiteral("layout.html")), all).toUtf8();
}

} // namespace cfl
