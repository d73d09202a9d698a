#include "ui/story/JohnsBrowser.h"

#include "ui/story/PaneHeader.h"
#include "ui/theme/Theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <QWebEnginePage>
#include <QWebEngineProfile>
#include <QWebEngineScript>
#include <QWebEngineView>

namespace cfl {

JohnsBrowser::JohnsBrowser(QWidget *parent)
    : QWidget(parent)
    , m_title(new PaneHeader(QStringLiteral("browser"), tr("John's browser"),
          tr("The bank's own pages: only here does John type his password."), theme::Browser, this))
    , m_address(new QLineEdit(this))
    , m_view(new QWebEngineView(this))
{
    setObjectName(QStringLiteral("johnsBrowser"));
    m_address->setReadOnly(true);
    m_address->setObjectName(QStringLiteral("browserAddress"));
    m_address->setPlaceholderText(tr("No page yet — CoolLoan will send John here"));
    auto *banking = new QPushButton(tr("Open online banking"), this);
    banking->setObjectName(QStringLiteral("openOnlineBanking"));
    banking->setToolTip(tr("John's own online banking at the bank, with Connected apps"));
    connect(banking, &QPushButton::clicked, this, [this] {
        if (m_bankUrl.isValid())
            open(m_bankUrl.resolved(QUrl(QStringLiteral("/web/apps"))));
    });

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_address, 1);
    bar->addWidget(banking);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_title);
    layout->addLayout(bar);
    auto *frame = new QWidget(this);
    frame->setStyleSheet(QStringLiteral("QWidget#browserFrame { border: 3px solid %1; border-radius: 6px; }")
                             .arg(theme::Browser.name()));
    frame->setObjectName(QStringLiteral("browserFrame"));
    auto *frameLayout = new QVBoxLayout(frame);
    frameLayout->setContentsMargins(3, 3, 3, 3);
    frameLayout->addWidget(m_view);
    layout->addWidget(frame, 1);
    newSession();
}

JohnsBrowser::~JohnsBrowser()
{
    // View → page → profile, or WebEngine warns that the profile is released while in use.
    delete m_view;
    m_view = nullptr;
    delete m_page;
    delete m_profile;
}

void JohnsBrowser::newSession()
{
    QWebEnginePage *oldPage = m_page;
    QWebEngineProfile *oldProfile = m_profile;
    m_profile = new QWebEngineProfile(this); // no storage name: off the record
    m_page = new QWebEnginePage(m_profile, this);
    m_page->setZoomFactor(m_zoom);
    connect(m_page, &QWebEnginePage::urlChanged, this,
        [this](const QUrl &url) { m_address->setText(url.toString()); });
    connect(m_page, &QWebEnginePage::loadFinished, this,
        [this](bool ok) { Q_EMIT pageLoaded(m_page->url(), ok); });
    m_view->setPage(m_page);
    delete oldPage;
    delete oldProfile;
}

void JohnsBrowser::openFresh(const QUrl &url)
{
    newSession();
    m_page->load(url);
}

void JohnsBrowser::open(const QUrl &url)
{
    m_page->load(url);
}

QUrl JohnsBrowser::currentUrl() const
{
    return m_page->url();
}

void JohnsBrowser::runScript(const QString &script, const std::function<void(const QVariant &)> &done)
{
    if (done)
        m_page->runJavaScript(script, QWebEngineScript::ApplicationWorld, done);
    else
        m_page->runJavaScript(script, QWebEngineScript::ApplicationWorld);
}

void JohnsBrowser::setZoom(double factor)
{
    m_zoom = factor;
    m_page->setZoomFactor(factor);
}

} // namespace cfl
