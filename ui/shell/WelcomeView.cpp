#include "ui/shell/WelcomeView.h"

#include "ui/story/CastIcon.h"
#include "ui/theme/Theme.h"

#include <QApplication>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMainWindow>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QShortcut>
#include <QStackedWidget>
#include <QSvgRenderer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>

namespace cfl {

namespace {

// One of the app's illustrations, as large as the panel allows, keeping its proportions.
class Illustration : public QWidget
{
public:
    Illustration(const QString &name, const QString &description, QWidget *parent)
        : QWidget(parent)
        , m_name(name)
    {
        setObjectName(QStringLiteral("illustration-%1").arg(name));
        setAccessibleName(description);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    }
    QSize sizeHint() const override { return QSize(4, 3) * fontMetrics().height() * 5; }
    QSize minimumSizeHint() const override { return QSize(160, 120); }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QSvgRenderer *renderer = theme::illustration(m_name);
        if (!renderer)
            return;
        QSizeF size = renderer->viewBoxF().size();
        size.scale(QSizeF(rect().size()), Qt::KeepAspectRatio);
        QPainter painter(this);
        painter.setRenderHint(QPainter::Antialiasing);
        renderer->render(
            &painter, QRectF(QPointF((width() - size.width()) / 2, (height() - size.height()) / 2), size));
    }

private:
    QString m_name;
};

// Where we are in the story: one dot per panel, the current one in its colour; a click goes there.
class PageDots : public QWidget
{
public:
    PageDots(std::function<int()> count, std::function<int()> current, std::function<QColor(int)> colour,
        std::function<void(int)> go, QWidget *parent)
        : QWidget(parent)
        , m_count(std::move(count))
        , m_current(std::move(current))
        , m_colour(std::move(colour))
        , m_go(std::move(go))
    {
        setObjectName(QStringLiteral("welcomeDots"));
        setCursor(Qt::PointingHandCursor);
    }
    QSize sizeHint() const override { return QSize(step() * m_count(), step()); }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter painter(this);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        const qreal radius = step() * 0.22;
        const qreal left = (width() - step() * m_count()) / 2.0;
        for (int i = 0; i < m_count(); ++i) {
            const bool current = i == m_current();
            painter.setBrush(current ? m_colour(i) : theme::Idle);
            painter.drawEllipse(QPointF(left + step() * (i + 0.5), height() / 2.0),
                current ? radius * 1.35 : radius, current ? radius * 1.35 : radius);
        }
    }
    void mousePressEvent(QMouseEvent *event) override
    {
        const qreal left = (width() - step() * m_count()) / 2.0;
        const int index = int((event->position().x() - left) / step());
        if (index >= 0 && index < m_count())
            m_go(index);
    }

private:
    int step() const { return fontMetrics().height() * 5 / 4; }

    std::function<int()> m_count;
    std::function<int()> m_current;
    std::function<QColor(int)> m_colour;
    std::function<void(int)> m_go;
};

QLabel *richLabel(const QString &html, QWidget *parent)
{
    auto *label = new QLabel(html, parent);
    label->setTextFormat(Qt::RichText);
    label->setWordWrap(true);
    return label;
}

QPushButton *button(const QString &text, const QString &objectName, const QColor &colour, QWidget *parent,
    const QString &padding = QStringLiteral("0.5em 1.4em"))
{
    auto *b = new QPushButton(text, parent);
    b->setObjectName(objectName);
    b->setCursor(Qt::PointingHandCursor);
    if (colour.isValid())
        b->setStyleSheet(
            QStringLiteral("QPushButton { background: %1; color: %5; font-weight: bold; padding: %4; "
                           "border-radius: 6px; border: 2px solid %1; }"
                           "QPushButton:hover { background: %2; }"
                           "QPushButton:focus { outline: none; border: 2px solid %3; }")
                .arg(colour.name(), colour.darker(115).name(), theme::Warning.name(), padding,
                    theme::OnColour.name()));
    return b;
}

} // namespace

struct WelcomeView::Panel
{
    QString title;
    QColor colour;
    QStringList illustrations;
    QString text;
};

WelcomeView::WelcomeView(QMainWindow *window)
    : QWidget(window)
    , m_window(window)
    , m_pages(new QStackedWidget(this))
{
    setObjectName(QStringLiteral("welcomeView"));
    setFocusPolicy(Qt::StrongFocus);
    setAutoFillBackground(false);

    const QList<Panel> panels {
        { tr("John and his bank"), theme::John, { QStringLiteral("john"), QStringLiteral("bank") },
            tr("John keeps his money at his bank. To use his online banking he logs in with his user name "
               "and his <b>password</b>: that secret is how the bank knows it is John.<br><br>"
               "Now John would like a loan, and lenders want to see his accounts first. <b>How can John "
               "let a third party read some of his data, without handing over the key to all of it?</b>") },
        { tr("PirateLoan asks for the password"), theme::PirateLoan,
            { QStringLiteral("pirateloan-password") },
            tr("PirateLoan's offer: <i>“Just type your bank user name and password here and we do the "
               "rest.”</i> With John's password, PirateLoan logs in <b>as John</b>, and the bank cannot "
               "tell them apart:"
               "<ul><li><b>No scope:</b> every account, every transaction — and payments too.</li>"
               "<li><b>No expiry:</b> it can log in again tomorrow, and next year.</li>"
               "<li><b>No way back:</b> only a new password stops it, and that breaks everything else "
               "John uses.</li></ul>"
               "Definitely not a good solution.") },
        { tr("The trusted party: the bank asks John"), theme::Bank, { QStringLiteral("consent") },
            tr("The authorization code flow brings in the one party that John and CoolLoan both trust: "
               "<b>the bank</b>. CoolLoan sends John's browser to the bank; John logs in <b>there</b> — "
               "the only place where he types his password — and the bank asks him: <i>may CoolLoan read "
               "your accounts?</i><br><br>"
               "It rests on trust both ways: John has a login at the bank; CoolLoan is registered at the "
               "bank with a client id and a secret, for given scopes; and John knows both, and decides.") },
        { tr("CoolLoan gets a scoped, revocable key"), theme::CoolLoan, { QStringLiteral("coolloan-key") },
            tr("John approves, and the bank sends his browser back to CoolLoan with a <b>one-time "
               "code</b>. CoolLoan swaps the code — proving who it is with its own secret — for an "
               "<b>access token</b>: a key that opens only what John allowed (<code>accounts:read</code>), "
               "for a few minutes, and that John can <b>revoke</b> any time under <i>Connected apps</i> in "
               "his online banking.<br><br>"
               "John's password never left the bank.") },
    };
    for (const Panel &panel : panels) {
        m_titles << panel.title;
        m_colours << panel.colour;
        m_pages->addWidget(makePage(panel));
    }
    m_titles << tr("Now watch it for real");
    m_colours << theme::Browser;
    m_pages->addWidget(makeCastPage());

    m_skip = button(tr("Skip the story"), QStringLiteral("welcomeSkip"), QColor(), this);
    m_skip->setFlat(true);
    m_back = button(tr("‹  Back"), QStringLiteral("welcomeBack"), QColor(), this);
    m_next = button(tr("Next  ›"), QStringLiteral("welcomeNext"), theme::Bank, this);
    m_dots = new PageDots([this] { return pageCount(); }, [this] { return currentPage(); },
        [this](int i) { return m_colours.value(i); }, [this](int i) { setPage(i); }, this);
    m_dots->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    // The dots stay put on the last panel, where Next is hidden.
    QSizePolicy nextPolicy = m_next->sizePolicy();
    nextPolicy.setRetainSizeWhenHidden(true);
    m_next->setSizePolicy(nextPolicy);
    connect(m_skip, &QPushButton::clicked, this, &WelcomeView::dismiss);
    connect(m_back, &QPushButton::clicked, this, &WelcomeView::back);
    connect(m_next, &QPushButton::clicked, this, &WelcomeView::next);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_skip);
    bar->addWidget(m_dots, 1);
    bar->addWidget(m_back);
    bar->addWidget(m_next);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 16, 24, 16);
    layout->addWidget(m_pages, 1);
    layout->addLayout(bar);

    // While the story covers the window, the arrows turn its pages and Escape closes it, wherever the
    // focus is (a focused button keeps Space and Enter). Off while it is hidden: the lab has its own keys.
    auto shortcut = [this](QKeySequence key, void (WelcomeView::*slot)()) {
        auto *s = new QShortcut(key, this);
        s->setContext(Qt::WindowShortcut);
        s->setEnabled(false);
        connect(s, &QShortcut::activated, this, slot);
        m_shortcuts << s;
    };
    shortcut(QKeySequence(Qt::Key_Right), &WelcomeView::next);
    shortcut(QKeySequence(Qt::Key_PageDown), &WelcomeView::next);
    shortcut(QKeySequence(Qt::Key_Left), &WelcomeView::back);
    shortcut(QKeySequence(Qt::Key_PageUp), &WelcomeView::back);
    shortcut(QKeySequence(Qt::Key_Escape), &WelcomeView::dismiss);

    window->installEventFilter(this);
    hide();
    updateControls();
}

QWidget *WelcomeView::makePage(const Panel &panel)
{
    auto *page = new QWidget(m_pages);
    page->setObjectName(QStringLiteral("welcomePage%1").arg(m_pages->count() + 1));
    auto *title
        = richLabel(QStringLiteral("<span style='font-size:xx-large; font-weight:bold; color:%1'>%2</span>")
                        .arg(panel.colour.name(), panel.title.toHtmlEscaped()),
            page);
    title->setObjectName(QStringLiteral("welcomeTitle"));
    title->setAlignment(Qt::AlignCenter);
    auto *pictures = new QHBoxLayout;
    pictures->setSpacing(0);
    for (const QString &name : panel.illustrations)
        pictures->addWidget(new Illustration(name, panel.title, page), 1);
    auto *text = richLabel(QStringLiteral("<div style='font-size:large; line-height:140%; color:%1'>%2</div>")
                               .arg(theme::StoryInk.name(), panel.text),
        page);
    text->setObjectName(QStringLiteral("welcomeText"));
    text->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
    auto *textRow = new QHBoxLayout;
    textRow->addStretch(1);
    textRow->addWidget(text, 6);
    textRow->addStretch(1);

    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(12);
    layout->addWidget(title);
    layout->addLayout(pictures, 1);
    layout->addLayout(textRow);
    return page;
}

QWidget *WelcomeView::makeCastPage()
{
    auto *page = new QWidget(m_pages);
    page->setObjectName(QStringLiteral("welcomePage%1").arg(m_pages->count() + 1));
    auto *title
        = richLabel(QStringLiteral("<span style='font-size:xx-large; font-weight:bold; color:%1'>%2</span>")
                        .arg(theme::Browser.name(), m_titles.last().toHtmlEscaped()),
            page);
    title->setObjectName(QStringLiteral("welcomeTitle"));
    title->setAlignment(Qt::AlignCenter);

    struct Member
    {
        QString icon;
        QString name;
        QString role;
        QColor colour;
    };
    const QList<Member> cast {
        { QStringLiteral("john"), tr("John"), tr("his money, his decision"), theme::John },
        { QStringLiteral("browser"), tr("John's browser"), tr("carries him to the bank and back"),
            theme::Browser },
        { QStringLiteral("coolloan"), tr("CoolLoan"), tr("asks the bank, gets a scoped key"),
            theme::CoolLoan },
        { QStringLiteral("pirateloan"), tr("PirateLoan"), tr("asks for the password"), theme::PirateLoan },
        { QStringLiteral("eddy"), tr("eddy"), tr("the bank's front desk: login and consent"), theme::Bank },
        { QStringLiteral("boris"), tr("boris"), tr("swaps the code for tokens"), theme::Bank },
        { QStringLiteral("banky"), tr("banky"), tr("the bank's API: checks every token"), theme::Bank },
    };
    auto *grid = new QGridLayout;
    grid->setHorizontalSpacing(16);
    grid->setVerticalSpacing(4);
    for (int i = 0; i < cast.size(); ++i) {
        const Member &member = cast.at(i);
        grid->addWidget(new CastIcon(member.icon, 5, page), 0, i, Qt::AlignHCenter | Qt::AlignBottom);
        auto *label
            = richLabel(QStringLiteral("<div align='center'><b style='font-size:large; color:%1'>%2</b><br>"
                                       "<span style='color:%3'>%4</span></div>")
                            .arg(member.colour.name(), member.name.toHtmlEscaped(), theme::Muted.name(),
                                member.role.toHtmlEscaped()),
                page);
        label->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
        grid->addWidget(label, 1, i);
        grid->setColumnStretch(i, 1);
    }

    const QString story
        = tr("Everything in this lab is real: a real bank on this laptop — eddy, boris and banky — a real "
             "OAuth client, a real browser. <b>Every arrow you will see was a real HTTP exchange.</b><br><br>"
             "Watch it play by itself, or play John yourself: user name <b>john</b>, password "
             "<b>banking-is-fun</b>. Then try PirateLoan, and compare.");
    auto *text = richLabel(QStringLiteral("<div style='font-size:large; line-height:140%; color:%1'>%2</div>")
                               .arg(theme::StoryInk.name(), story),
        page);
    text->setObjectName(QStringLiteral("welcomeText"));
    auto *textRow = new QHBoxLayout;
    textRow->addStretch(1);
    textRow->addWidget(text, 6);
    textRow->addStretch(1);

    const QString bigPadding = QStringLiteral("0.9em 2em");
    QPushButton *autoplay
        = button(tr("▶  Watch Autoplay"), QStringLiteral("welcomeAutoplay"), theme::Bank, page, bigPadding);
    QPushButton *connectBank = button(tr("Be John: connect your bank to CoolLoan"),
        QStringLiteral("welcomeConnect"), theme::CoolLoan, page, bigPadding);
    connect(autoplay, &QPushButton::clicked, this, [this] {
        dismiss();
        Q_EMIT autoplayRequested();
    });
    connect(connectBank, &QPushButton::clicked, this, [this] {
        dismiss();
        Q_EMIT connectRequested();
    });
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(autoplay);
    buttons->addSpacing(16);
    buttons->addWidget(connectBank);
    buttons->addStretch(1);
    auto *reopen = richLabel(
        QStringLiteral("<div align='center' style='color:%1'>%2</div>")
            .arg(theme::Muted.name(), tr("This story is always one click away: Help → The story.")),
        page);

    auto *castTitle = richLabel(
        QStringLiteral("<div align='center' style='font-size:large; color:%1'>%2</div>")
            .arg(theme::Muted.name(), tr("Meet the cast — you will see them across the top of the lab")),
        page);

    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(12);
    layout->addWidget(title);
    layout->addStretch(1);
    layout->addWidget(castTitle);
    layout->addSpacing(8);
    layout->addLayout(grid);
    layout->addStretch(1);
    layout->addLayout(textRow);
    layout->addSpacing(12);
    layout->addLayout(buttons);
    layout->addSpacing(4);
    layout->addWidget(reopen);
    layout->addStretch(1);
    return page;
}

int WelcomeView::pageCount() const
{
    return m_pages->count();
}

int WelcomeView::currentPage() const
{
    return m_pages->currentIndex();
}

QString WelcomeView::pageTitle(int index) const
{
    return m_titles.value(index);
}

void WelcomeView::open()
{
    followWindow();
    show();
    raise();
    setShortcutsEnabled(true);
    setPage(0);
    m_next->setFocus();
}

void WelcomeView::setPage(int index)
{
    if (index < 0 || index >= pageCount())
        return;
    m_pages->setCurrentIndex(index);
    updateControls();
}

void WelcomeView::next()
{
    setPage(currentPage() + 1);
}

void WelcomeView::back()
{
    setPage(currentPage() - 1);
}

void WelcomeView::dismiss()
{
    if (isHidden())
        return;
    setShortcutsEnabled(false);
    hide();
    Q_EMIT dismissed();
}

void WelcomeView::updateControls()
{
    const bool last = currentPage() == pageCount() - 1;
    // The focus goes to the panel's way forward before Next hides (or it would leave the view).
    if (isVisible()) {
        if (last)
            m_pages->currentWidget()->findChild<QPushButton *>(QStringLiteral("welcomeAutoplay"))->setFocus();
        else if (!m_back->hasFocus() || currentPage() == 0)
            m_next->setFocus();
    }
    m_back->setEnabled(currentPage() > 0);
    m_next->setVisible(!last);
    m_skip->setText(last ? tr("Close the story") : tr("Skip the story"));
    m_dots->setAccessibleName(
        tr("Panel %1 of %2: %3").arg(currentPage() + 1).arg(pageCount()).arg(pageTitle(currentPage())));
    m_dots->update();
}

void WelcomeView::setShortcutsEnabled(bool enabled)
{
    for (QShortcut *shortcut : std::as_const(m_shortcuts))
        shortcut->setEnabled(enabled);
}

void WelcomeView::followWindow()
{
    // Everything below the menu bar: Help → The story stays reachable.
    const QWidget *menu = m_window->menuWidget();
    const int top = menu && menu->isVisible() ? menu->geometry().bottom() + 1 : 0;
    setGeometry(0, top, m_window->width(), m_window->height() - top);
}

bool WelcomeView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_window && (event->type() == QEvent::Resize || event->type() == QEvent::LayoutRequest)
        && isVisible())
        followWindow();
    return QWidget::eventFilter(watched, event);
}

bool WelcomeView::event(QEvent *event)
{
    // The projector scale changed the application's font: ours is relative to it.
    if (event->type() == QEvent::ApplicationFontChange) {
        const bool handled = QWidget::event(event);
        fitText();
        return handled;
    }
    return QWidget::event(event);
}

void WelcomeView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    fitText();
}

void WelcomeView::fitText()
{
    // On a large window the text grows with the pictures (up to 1.6×), so that the story stays readable
    // from the back of the room; the projector scale comes on top.
    // Together with the projector scale it stays under 2.6× the normal size, or the text no longer fits.
    const qreal roomLeft = std::max(1.0, 2.6 * 100 / theme::uiScalePercent());
    const qreal factor
        = std::clamp(std::min(width() / 1280.0, height() / 720.0), 1.0, std::min(1.6, roomLeft));
    const QFont wanted = theme::scaledFont(QApplication::font(), std::round(factor * 10) / 10);
    if (wanted == font())
        return;
    setFont(wanted);
    // The coloured buttons are styled by sheets, which do not take up a parent's new font by themselves.
    const QList<QPushButton *> buttons = findChildren<QPushButton *>();
    for (QPushButton *b : buttons) {
        if (!b->styleSheet().isEmpty())
            b->setFont(wanted);
    }
}

void WelcomeView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), theme::StoryPaper);
    // A band in the colour of the panel, so the room sees at once which part of the story this is.
    painter.fillRect(QRect(0, 0, width(), 6), m_colours.value(currentPage()));
}

void WelcomeView::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Return:
    case Qt::Key_Enter:
    case Qt::Key_Space:
        next();
        return;
    case Qt::Key_Home:
        setPage(0);
        return;
    case Qt::Key_End:
        setPage(pageCount() - 1);
        return;
    default:
        QWidget::keyPressEvent(event);
    }
}

} // namespace cfl
