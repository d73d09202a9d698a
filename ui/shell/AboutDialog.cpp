#include "ui/shell/AboutDialog.h"

#include "ui/theme/Theme.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScreen>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace cfl {

namespace {
struct Component
{
    const char *name;
    const char *licence;
};

// What the app is made of and under which terms (the packages ship the full texts).
constexpr Component Components[] = {
    { "CodeFlow Lab", "MIT — Copyright © 2026 The CodeFlow Lab authors" },
    { "Qt 6 (Core, Gui, Widgets, Network, Sql, Svg, NetworkAuth, HttpServer, WebEngine)",
        "LGPLv3 — used as shared libraries, which you may replace; sources at qt.io" },
    { "Chromium, inside Qt WebEngine", "BSD (3-clause), with the licences of its own third-party parts" },
    { "QtKeychain", "BSD (modified BSD licence)" },
    { "cjose (JOSE: signing and verifying tokens)", "MIT" },
    { "Jansson (JSON for cjose)", "MIT" },
    { "libargon2 (password hashing)", "CC0 1.0 or Apache-2.0" },
    { "OpenSSL 3", "Apache-2.0" },
    { "SQLite (through Qt Sql)", "public domain" },
};
} // namespace

AboutDialog::AboutDialog(QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About CodeFlow Lab"));

    QString rows;
    for (const Component &component : Components)
        rows += QStringLiteral(
            "<tr><td style='padding:2px 12px 2px 0'>%1</td><td style='padding:2px 0'>%2</td></tr>")
                    .arg(QString::fromUtf8(component.name).toHtmlEscaped(),
                        QString::fromUtf8(component.licence).toHtmlEscaped());
    m_text = tr("<p><span style='font-size:xx-large; font-weight:bold; color:%1'>CodeFlow Lab %2</span><br>"
                "Watch and break the OAuth 2.0 authorization code flow, for real, on one laptop.</p>"
                "<p><b>Qt</b> %3 at run time, built with Qt %4.</p>"
                "<p><b>Licences</b></p><table>%5</table>")
                 .arg(theme::Bank.name(), QStringLiteral(CFL_VERSION), QString::fromLatin1(qVersion()),
                     QStringLiteral(QT_VERSION_STR), rows);

    auto *picture = new QLabel(this);
    picture->setPixmap(theme::illustrationPixmap(
        QStringLiteral("coolloan-key"), QSize(4, 3) * fontMetrics().height() * 3, devicePixelRatioF()));
    picture->setAlignment(Qt::AlignTop);
    // A text view rather than a label: it scrolls when a large projector scale makes the list long.
    auto *text = new QTextBrowser(this);
    text->setObjectName(QStringLiteral("aboutText"));
    text->setHtml(m_text);
    text->setFrameShape(QFrame::NoFrame);
    text->viewport()->setAutoFillBackground(false);
    // All of it without scrolling at normal sizes; within the screen at projector sizes.
    const QSize room = screen() ? screen()->availableGeometry().size() * 0.7 : QSize(1280, 720);
    text->setMinimumSize((QSize(40, 26) * fontMetrics().height()).boundedTo(room));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *aboutQt = buttons->addButton(tr("About Qt"), QDialogButtonBox::HelpRole);
    connect(aboutQt, &QPushButton::clicked, this, [] { QApplication::aboutQt(); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *top = new QHBoxLayout;
    top->addWidget(picture, 0, Qt::AlignTop);
    top->addWidget(text, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(buttons);
}

} // namespace cfl
