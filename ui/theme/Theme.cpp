#include "ui/theme/Theme.h"

#include "trace/TraceEvent.h"

#include <QApplication>
#include <QFont>
#include <QHash>
#include <QPainter>
#include <QPixmap>
#include <QSvgRenderer>
#include <QWidget>

#include <algorithm>
#include <optional>
#include <utility>

// The pictures live in cfl_illustrations, an object library inside the static cfl_ui_theme: nothing refers
// to its initializer, so without Q_INIT_RESOURCE the linker would drop them (as for the bank's pages).
static void initIllustrations()
{
    Q_INIT_RESOURCE(cfl_illustrations);
}

namespace cfl::theme {

QColor partyColour(const QString &party)
{
    if (party == QLatin1String("John"))
        return John;
    if (party == QLatin1String("Browser"))
        return Browser;
    if (party == QLatin1String("CoolLoan") || party == QLatin1String("coolloan"))
        return CoolLoan;
    if (party == QLatin1String("PirateLoan") || party == QLatin1String("pirateloan"))
        return PirateLoan;
    if (isBankParty(party) || party == QLatin1String("bank"))
        return Bank;
    if (isMalloryParty(party) || party == QLatin1String("mallory"))
        return Mallory;
    return Browser;
}

QSvgRenderer *illustration(const QString &name)
{
    static const bool loaded = (initIllustrations(), true);
    Q_UNUSED(loaded);
    // Parsed once; the renderers belong to the application and go with it.
    static QHash<QString, QSvgRenderer *> renderers;
    if (QSvgRenderer *renderer = renderers.value(name))
        return renderer;
    auto *renderer = new QSvgRenderer(QStringLiteral(":/illustrations/%1.svg").arg(name), qApp);
    if (!renderer->isValid()) {
        delete renderer;
        return nullptr;
    }
    renderers.insert(name, renderer);
    return renderer;
}

QPixmap illustrationPixmap(const QString &name, const QSize &size, qreal devicePixelRatio)
{
    QSvgRenderer *renderer = illustration(name);
    if (!renderer || size.isEmpty())
        return {};
    QPixmap pixmap(size * devicePixelRatio);
    pixmap.setDevicePixelRatio(devicePixelRatio);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    renderer->render(&painter, QRectF(QPointF(0, 0), QSizeF(size)));
    return pixmap;
}

namespace {
std::optional<QFont> startupFont;
int currentScale = 100;
} // namespace

QFont scaledFont(const QFont &font, qreal factor)
{
    QFont scaled = font;
    if (font.pointSizeF() > 0)
        scaled.setPointSizeF(font.pointSizeF() * factor);
    else
        scaled.setPixelSize(qRound(font.pixelSize() * factor));
    return scaled;
}

void restyle(QWidget *root)
{
    QWidgetList widgets = root->findChildren<QWidget *>();
    widgets.prepend(root);
    for (QWidget *widget : std::as_const(widgets)) {
        const QString sheet = widget->styleSheet();
        if (sheet.isEmpty())
            continue;
        widget->setStyleSheet(QString());
        widget->setStyleSheet(sheet);
    }
}

void applyUiScale(int percent)
{
    percent = std::clamp(percent, MinScalePercent, MaxScalePercent);
    if (!startupFont)
        startupFont = QApplication::font();
    currentScale = percent;
    QApplication::setFont(scaledFont(*startupFont, percent / 100.0));
    // Widgets styled by a sheet do not follow the application font by themselves.
    const QWidgetList windows = QApplication::topLevelWidgets();
    for (QWidget *window : windows)
        restyle(window);
}

int uiScalePercent()
{
    return currentScale;
}

} // namespace cfl::theme
