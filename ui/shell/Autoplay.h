#pragma once
// Plays the CoolLoan scenario by itself at a readable pace: connect, John logs in (his workshop
// credentials typed into the embedded browser), approves, CoolLoan swaps the code, validates the ID
// token, calls banky and shows the offer. For trainers (toolbar) and for tests (--autoplay).

#include <QJsonObject>
#include <QObject>
#include <QTimer>

namespace cfl {

class LabWindow;

class Autoplay : public QObject
{
    Q_OBJECT
public:
    Autoplay(LabWindow *window, int paceMs, QObject *parent = nullptr);

    void start();
    bool isRunning() const { return m_running; }
    // {"granted", "id_token_valid", "api_calls_ok", "loan_offer", "secret_store"} (+ "error")
    QJsonObject result() const;

Q_SIGNALS:
    void finished(bool success);

private:
    void onPageLoaded(const QUrl &url, bool ok);
    void finish(bool success, const QString &error = {});

    LabWindow *m_window;
    int m_paceMs;
    bool m_running = false;
    bool m_loggedIn = false;
    bool m_approved = false;
    QString m_error;
    QTimer m_deadline;
};

} // namespace cfl
