#pragma once
// John's browser: an embedded Chromium (QWebEngineView) with an off-the-record profile, so that
// every flow starts with a fresh login and nothing is written to disk. eddy's login and consent
// pages, and John's online banking, appear here.

#include <QUrl>
#include <QWidget>

#include <functional>

QT_BEGIN_NAMESPACE
class QLabel;
class QLineEdit;
class QWebEngineProfile;
class QWebEnginePage;
class QWebEngineView;
QT_END_NAMESPACE

namespace cfl {

class PaneHeader;

class JohnsBrowser : public QWidget
{
    Q_OBJECT
public:
    explicit JohnsBrowser(QWidget *parent = nullptr);
    ~JohnsBrowser() override;

    void setBankUrl(const QUrl &bankUrl) { m_bankUrl = bankUrl; }
    // A new private session (no cookies: John must log in again), then `url`.
    void openFresh(const QUrl &url);
    // In the current session (keeps John's bank session).
    void open(const QUrl &url);
    QUrl currentUrl() const;
    QWebEngineView *view() const { return m_view; }
    // Runs script in an isolated world (not subject to the page's CSP), for autoplay and tests.
    void runScript(const QString &script, const std::function<void(const QVariant &)> &done = {});
    // The page zoom (projector scale); kept for the fresh session of every flow.
    void setZoom(double factor);
    double zoom() const { return m_zoom; }

Q_SIGNALS:
    void pageLoaded(const QUrl &url, bool ok);

private:
    void newSession();

    PaneHeader *m_title;
    QLineEdit *m_address;
    QWebEngineView *m_view;
    QWebEngineProfile *m_profile = nullptr;
    QWebEnginePage *m_page = nullptr;
    QUrl m_bankUrl;
    double m_zoom = 1.0;
};

} // namespace cfl
