#include "ui/inspection/InspectionFormat.h"

#include "ui/theme/Theme.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QLocale>
#include <QScrollBar>
#include <QTextBrowser>

namespace cfl::inspect {

QString mono(const QString &text)
{
    static const QString family = QFontDatabase::systemFont(QFontDatabase::FixedFont).family();
    return QStringLiteral("<span style=\"font-family:'%1',monospace; background:%2;\">%3</span>")
        .arg(family, theme::CodePaper.name(), text.toHtmlEscaped());
}

QString verdict(bool ok, const QString &text)
{
    return QStringLiteral("<span style='color:%1; font-weight:bold;'>%2 %3</span>")
        .arg((ok ? theme::Ok : theme::Refused).name(), ok ? QStringLiteral("✔") : QStringLiteral("✘"), text);
}

QString muted(const QString &text)
{
    return QStringLiteral("<span style='color:%1'>%2</span>").arg(theme::Muted.name(), text);
}

QString heading(const QString &text)
{
    return QStringLiteral("<h3 style='margin-top:10px; margin-bottom:4px;'>%1</h3>").arg(text);
}

QString ruledTable(int cellPadding)
{
    return QStringLiteral("<table width='100%' cellspacing='0' cellpadding='%1' border='1' "
                          "style='border-collapse:collapse; border-color:%2;'>")
        .arg(QString::number(cellPadding), theme::TableRule.name());
}

QString dateTime(qint64 secondsSinceEpoch)
{
    if (secondsSinceEpoch <= 0)
        return QStringLiteral("—");
    const QDateTime when = QDateTime::fromSecsSinceEpoch(secondsSinceEpoch).toLocalTime();
    return QStringLiteral("%1 · %2").arg(
        when.toString(QStringLiteral("HH:mm:ss")), QLocale().toString(when.date(), QLocale::ShortFormat));
}

QString timeOfDay(qint64 millisecondsSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(millisecondsSinceEpoch)
        .toLocalTime()
        .toString(QStringLiteral("HH:mm:ss.zzz"));
}

namespace {
QString duration(qint64 seconds)
{
    if (seconds < 3600)
        return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    if (seconds < 86400)
        return QStringLiteral("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
    return QStringLiteral("%1 d %2 h").arg(seconds / 86400).arg((seconds % 86400) / 3600);
}
} // namespace

QString countdown(qint64 expiresAt, qint64 now)
{
    if (expiresAt <= 0)
        return QStringLiteral("—");
    if (expiresAt > now)
        return QStringLiteral("in %1").arg(duration(expiresAt - now));
    return QStringLiteral("expired %1 ago").arg(duration(now - expiresAt));
}

QString hashPrefix(const QByteArray &hash)
{
    return hash.isEmpty() ? QStringLiteral("—") : QString::fromLatin1(hash.left(10)) + QStringLiteral("…");
}

QString stateOf(const AuthorizationCode &code, qint64 now)
{
    if (code.redeemedAt != 0)
        return QStringLiteral("redeemed");
    return code.expiresAt <= now ? QStringLiteral("expired") : QStringLiteral("active");
}

QString stateOf(const IssuedToken &token, qint64 now)
{
    if (token.revokedAt != 0)
        return QStringLiteral("revoked");
    if (token.rotatedAt != 0)
        return QStringLiteral("rotated");
    return token.expiresAt <= now ? QStringLiteral("expired") : QStringLiteral("active");
}

QString stateOf(const Consent &consent)
{
    return consent.revokedAt != 0 ? QStringLiteral("revoked") : QStringLiteral("active");
}

QString stateOf(const LoginSession &session, qint64 now)
{
    if (session.revokedAt != 0)
        return QStringLiteral("revoked");
    return session.expiresAt <= now ? QStringLiteral("expired") : QStringLiteral("active");
}

QColor stateColour(const QString &state)
{
    if (state == QLatin1String("active"))
        return theme::Active;
    if (state == QLatin1String("redeemed"))
        return theme::Redeemed;
    if (state == QLatin1String("rotated"))
        return theme::Rotated;
    if (state == QLatin1String("revoked"))
        return theme::Revoked;
    return theme::Expired;
}

QString stateBadge(const QString &state)
{
    return QStringLiteral("<b style='color:%1'>%2</b>").arg(stateColour(state).name(), state);
}

QTextBrowser *textView(const QString &objectName, QWidget *parent)
{
    auto *view = new QTextBrowser(parent);
    view->setObjectName(objectName);
    view->setOpenLinks(false);
    view->setFrameShape(QFrame::NoFrame);
    view->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    view->document()->setDocumentMargin(8);
    return view;
}

void setHtmlKeepingScroll(QTextBrowser *view, const QString &html)
{
    // The previous HTML is kept as a property: toHtml() is the document's own rewrite, never equal.
    if (view->property("cflHtml").toString() == html)
        return;
    view->setProperty("cflHtml", html);
    const int vertical = view->verticalScrollBar()->value();
    view->setHtml(html);
    view->verticalScrollBar()->setValue(vertical);
}

} // namespace cfl::inspect
