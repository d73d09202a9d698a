#include "bank/PageRenderer.h"

#include <QFile>
#include <QRegularExpression>

namespace cfl {

QString PageRenderer::load(const QString &name)
{
    QFile file(QStringLiteral(":/bank/") + name);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("<p>missing page template %1</p>").arg(name.toHtmlEscaped());
    return QString::fromUtf8(file.readAll());
}

QString PageRenderer::fill(QString text, const PageValues &values)
{
    static const QRegularExpression placeholder(QStringLiteral(R"(\{\{(\{?)\s*([a-zA-Z0-9_]+)\s*\}?\}\})"));
    QString out;
    out.reserve(text.size() * 2);
    qsizetype last = 0;
    auto it = placeholder.globalMatch(text);
    while (it.hasNext()) {
        const auto match = it.next();
        out += QStringView(text).mid(last, match.capturedStart() - last);
        const QString value = values.value(match.captured(2));
        out += match.captured(1).isEmpty() ? value.toHtmlEscaped() : value;
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
