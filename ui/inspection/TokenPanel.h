#pragma once
// Inspection panel "Tokens": CoolLoan's token response, field by field; each JWT (ID token, access
// token) decoded — header, every claim explained, dates as dates — with its signature verified against
// the bank's JWKS, and the same token with one byte of its payload changed, failing verification; expiry
// countdowns; and the refresh token family through its rotations, from the bank's ledger (read only while
// the panel is shown: BankHost::withStore waits for the bank's thread).

#include "ui/inspection/InspectionPanel.h"

#include <QJsonObject>

QT_BEGIN_NAMESPACE
class QLabel;
class QTextBrowser;
class QTimer;
QT_END_NAMESPACE

namespace cfl {

class BankHost;
class CoolLoanClient;
class TraceModel;

class TokenPanel : public InspectionPanel
{
    Q_OBJECT
public:
    TokenPanel(CoolLoanClient *client, TraceModel *trace, BankHost *bank, QWidget *parent = nullptr);

    // A one-byte change to the payload of a compact JWT (the signature left as it was): a readable claim
    // value where there is one. *what says which byte changed, in words (HTML).
    static QByteArray withOneBytePayloadChange(const QByteArray &compact, QString *what);

protected:
    void reload() override;

private:
    void updateCountdowns();
    // `ledger`: the token's state in the bank's ledger (HTML), shown under the signature's verdict.
    QString jwtHtml(const QString &title, const QString &subtitle, const QByteArray &compact, bool isIdToken,
        const QString &ledger = {}) const;

    CoolLoanClient *m_client;
    TraceModel *m_trace;
    BankHost *m_bank;
    QLabel *m_countdowns;
    QTextBrowser *m_response;
    QTextBrowser *m_idToken;
    QTextBrowser *m_accessToken;
    QTimer *m_clock;
    qint64 m_accessExpiresAt = 0;
    qint64 m_idExpiresAt = 0;
    qint64 m_refreshExpiresAt = 0;
    QString m_accessState; // in the ledger: "active", "revoked"...; empty when unknown
    QString m_refreshState;
};

} // namespace cfl
