#pragma once
// The network access of an app in the story (CoolLoan, PirateLoan): records every exchange as a TraceEvent
// (what it sent, what it got), and — for CoolLoan — authenticates to boris with client_secret_basic (RFC 6749
// §2.3.1), which Qt 6.4's OAuth flow cannot do by itself (it sends the secret in the body only): it adds the
// Authorization header and removes any client_secret from the body.

#include "trace/TraceEvent.h"

#include <QNetworkAccessManager>

#include <functional>

namespace cfl {

class ClientNetworkAccess : public QNetworkAccessManager
{
    Q_OBJECT
public:
    struct Route
    {
        QString to;
        TraceChannel channel = TraceChannel::BackChannel;
        int step = 0;
    };
    using Classifier = std::function<Route(const QByteArray &method, const QUrl &url)>;
    static constexpr int TransferTimeoutMs = 15000;

    ClientNetworkAccess(QString party, QObject *parent = nullptr);

    void setClassifier(Classifier classifier) { m_classifier = std::move(classifier); }
    // Requests to these URLs (token, revocation, introspection) carry HTTP Basic client credentials.
    void setBasicCredentials(const QList<QUrl> &urls, const QString &clientId, const QByteArray &secret);
    void clearBasicCredentials() { m_basicUrls.clear(); }

Q_SIGNALS:
    void exchanged(const cfl::TraceEvent &event);

protected:
    QNetworkReply *createRequest(
        Operation op, const QNetworkRequest &request, QIODevice *outgoingData) override;

private:
    QString m_party;
    Classifier m_classifier;
    QList<QUrl> m_basicUrls;
    QByteArray m_basicHeader;
};

} // namespace cfl
