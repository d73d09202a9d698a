// The panels for codes and tokens: a real LabWindow, a real flow
// (John logs in and approves in the embedded browser), then each panel read through its objectNames —
// the authorization request taken apart, the bank's PKCE recomputation matching, the code redeemed, the
// ID token decoded and verified (and failing with one byte changed), the ledger; then a replayed code
// (RFC 6749 §4.1.2, §10.5) and its "why".

#include "client/CoolLoanClient.h"
#include "crypto/Digest.h"
#include "crypto/Jwt.h"
#include "crypto/Pkce.h"
#include "gui/LabFixture.h"
#include "http/FormData.h"
#include "secrets/SecretStore.h"
#include "trace/TraceModel.h"
#include "ui/inspection/InspectionFormat.h"
#include "ui/inspection/TokenPanel.h"
#include "ui/shell/InspectionDock.h"

#include <QDateTime>
#include <QLabel>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTreeWidget>

#include <memory>

using namespace cfl;
using namespace cfl::test;

namespace {

QString plain(const QString &html)
{
    QTextDocument document;
    document.setHtml(html);
    return document.toPlainText();
}

// The child of a ledger group whose column `column` reads `text`.
QTreeWidgetItem *ledgerRow(QTreeWidget *tree, int group, int column, const QString &text)
{
    QTreeWidgetItem *parent = tree->topLevelItem(group);
    for (int i = 0; parent && i < parent->childCount(); ++i) {
        if (parent->child(i)->text(column) == text)
            return parent->child(i);
    }
    return nullptr;
}

constexpr int CodesGroup = 0;
constexpr int TokensGroup = 1;
constexpr int ConsentsGroup = 2;
constexpr int HashColumn = 1;
constexpr int StateColumn = 6;

} // namespace

class tst_InspectionPanels : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void tabsInOrder();
    void authorizationRequestTakenApart();
    void pkceRecomputationMatches();
    void codeRedeemed();
    void tokensDecodedAndVerified();
    void oneByteChangedFailsVerification();
    void ledgerListsCodeAndTokens();
    void replayedCodeShowsWhy();
    void coolLoanRefusalListedToo();

private:
    template <typename T> T *inPanel(const char *panel, const char *objectName)
    {
        QWidget *p = m_lab->widget<QWidget>(panel);
        if (!p)
            return nullptr;
        // Panels read the ledger only while shown: bring the tab to the front.
        m_lab->window()->inspection()->showPanel(p);
        return p->findChild<T *>(QString::fromLatin1(objectName));
    }

    std::unique_ptr<LabSession> m_lab;
};

void tst_InspectionPanels::initTestCase()
{
    m_lab = std::make_unique<LabSession>();
    QVERIFY2(m_lab->isReady(), qPrintable(m_lab->why()));
    QVERIFY(approveCoolLoan(*m_lab));
}

void tst_InspectionPanels::cleanupTestCase()
{
    m_lab.reset();
}

void tst_InspectionPanels::tabsInOrder()
{
    const QTabWidget *tabs = m_lab->window()->inspection()->tabs();
    QStringList titles;
    for (int i = 0; i < tabs->count(); ++i)
        titles << tabs->tabText(i);
    const QStringList ours { QStringLiteral("Authorization request"), QStringLiteral("PKCE"),
        QStringLiteral("Code"), QStringLiteral("Tokens"), QStringLiteral("Bank ledger"),
        QStringLiteral("Why it failed") };
    const qsizetype first = titles.indexOf(ours.first());
    QVERIFY2(first >= 0, qPrintable(titles.join(QStringLiteral(", "))));
    QCOMPARE(titles.mid(first, ours.size()), ours);
    for (const char *name :
        { "authorizationRequestPanel", "pkcePanel", "codePanel", "tokenPanel", "ledgerPanel", "whyPanel" })
        QVERIFY2(m_lab->widget<QWidget>(name), name);
}

void tst_InspectionPanels::authorizationRequestTakenApart()
{
    auto *text = inPanel<QTextBrowser>("authorizationRequestPanel", "authorizationRequestText");
    QVERIFY(text);
    const CoolLoanClient *client = m_lab->window()->coolLoan();
    const QString shown = text->toPlainText();
    for (const char *parameter : { "response_type", "client_id", "redirect_uri", "scope", "state", "nonce",
             "code_challenge", "code_challenge_method" })
        QVERIFY2(shown.contains(QLatin1String(parameter)), parameter);
    // The real values, and what each is for, with its RFC.
    QVERIFY(shown.contains(client->state()));
    QVERIFY(shown.contains(client->nonce()));
    QVERIFY(shown.contains(QString::fromLatin1(client->codeChallenge())));
    QVERIFY(shown.contains(QStringLiteral("RFC 6749 §4.1.1, §10.12")));
    QVERIFY(shown.contains(QStringLiteral("RFC 7636 §4.2, §4.3")));
    QVERIFY(shown.contains(QStringLiteral("CSRF")) || shown.contains(QStringLiteral("forgery")));
    // The verifier is CoolLoan's secret: it is not in the authorization request.
    QVERIFY(!shown.contains(QString::fromLatin1(client->codeVerifier())));
}

void tst_InspectionPanels::pkceRecomputationMatches()
{
    auto *bankVerdict = inPanel<QLabel>("pkcePanel", "pkceBankVerdict");
    auto *clientVerdict = inPanel<QLabel>("pkcePanel", "pkceClientVerdict");
    auto *text = inPanel<QTextBrowser>("pkcePanel", "pkceText");
    QVERIFY(bankVerdict && clientVerdict && text);
    QTRY_VERIFY2(plain(bankVerdict->text())
                     .contains(QStringLiteral(
                         "✔ Bank: its recomputation at the token endpoint matches the stored challenge")),
        qPrintable(plain(bankVerdict->text())));
    QVERIFY2(plain(clientVerdict->text()).startsWith(QStringLiteral("✔")),
        qPrintable(plain(clientVerdict->text())));

    // The values are the run's own: CoolLoan's verifier, its SHA-256, the challenge, as the bank received
    // them.
    const CoolLoanClient *client = m_lab->window()->coolLoan();
    const QByteArray verifier = client->codeVerifier();
    const QString shown = text->toPlainText();
    QVERIFY(shown.contains(QString::fromLatin1(verifier)));
    QVERIFY(shown.contains(QString::fromLatin1(sha256(verifier).toHex())));
    QVERIFY(shown.contains(QString::fromLatin1(pkce::s256Challenge(verifier))));
    // The verifier appears in the bank's own record of POST /token (steps 5–7), not only in CoolLoan's.
    QVERIFY(shown.count(QString::fromLatin1(verifier)) >= 2);
}

void tst_InspectionPanels::codeRedeemed()
{
    auto *state = inPanel<QLabel>("codePanel", "codeState");
    auto *countdown = inPanel<QLabel>("codePanel", "codeCountdown");
    auto *text = inPanel<QTextBrowser>("codePanel", "codeText");
    QVERIFY(state && countdown && text);
    QTRY_VERIFY2(plain(state->text()).contains(QStringLiteral("redeemed")), qPrintable(plain(state->text())));
    QVERIFY(plain(countdown->text()).contains(QStringLiteral("60 s")));
    const CoolLoanClient *client = m_lab->window()->coolLoan();
    const QString shown = text->toPlainText();
    QVERIFY(shown.contains(client->code()));
    // Bound to: the client, its redirect URI, the PKCE challenge, the nonce, the scopes (from the ledger).
    QVERIFY(shown.contains(QStringLiteral("coolloan")));
    QVERIFY(shown.contains(client->redirectUri()));
    QVERIFY(shown.contains(QString::fromLatin1(client->codeChallenge())));
    QVERIFY(shown.contains(client->nonce()));
    QVERIFY(shown.contains(QStringLiteral("accounts:read")));
    QVERIFY(shown.contains(QStringLiteral("200: tokens issued")));
}

void tst_InspectionPanels::tokensDecodedAndVerified()
{
    auto *idToken = inPanel<QTextBrowser>("tokenPanel", "idTokenText");
    auto *accessToken = inPanel<QTextBrowser>("tokenPanel", "accessTokenText");
    auto *response = inPanel<QTextBrowser>("tokenPanel", "tokenResponseText");
    auto *countdowns = inPanel<QLabel>("tokenPanel", "tokenCountdowns");
    QVERIFY(idToken && accessToken && response && countdowns);
    const CoolLoanClient *client = m_lab->window()->coolLoan();

    QTRY_VERIFY(
        idToken->toPlainText().contains(QStringLiteral("✔ Signature verified against the bank's JWKS")));
    const QString id = idToken->toPlainText();
    const auto decoded = decodeJwt(client->idToken().toLatin1());
    QVERIFY(decoded);
    // Every claim, its value, explained; dates as dates.
    for (const QString &claim : decoded->payload.keys())
        QVERIFY2(id.contains(claim), qPrintable(claim));
    QVERIFY(id.contains(QStringLiteral("iss")));
    QVERIFY(id.contains(decoded->payload.value(QStringLiteral("iss")).toString()));
    QVERIFY(id.contains(QStringLiteral("Issuer")));
    QVERIFY(id.contains(QStringLiteral("Access token hash")));
    QVERIFY(id.contains(inspect::dateTime(decoded->payload.value(QStringLiteral("exp")).toInteger())));
    QVERIFY(id.contains(QStringLiteral("✔ the nonce CoolLoan sent")));
    QVERIFY(id.contains(QStringLiteral("✔ matches the access token")));

    const QString access = accessToken->toPlainText();
    QVERIFY(access.contains(QStringLiteral("✔ Signature verified against the bank's JWKS")));
    QVERIFY(access.contains(QStringLiteral("at+jwt")));
    QVERIFY(access.contains(QStringLiteral("jti")));
    QVERIFY(access.contains(QStringLiteral("client_id")));
    QTRY_VERIFY(accessToken->toPlainText().contains(QStringLiteral("In the bank's ledger:")));

    const QString answer = response->toPlainText();
    for (const char *field :
        { "access_token", "token_type", "expires_in", "refresh_token", "scope", "id_token" })
        QVERIFY2(answer.contains(QLatin1String(field)), field);
    // The refresh token family, from the ledger: the one CoolLoan holds, active.
    QVERIFY(answer.contains(inspect::hashPrefix(sha256Hex(client->refreshToken().toLatin1()))));
    QVERIFY(answer.contains(QStringLiteral("← CoolLoan holds this one")));
    QVERIFY(plain(countdowns->text()).contains(QStringLiteral("Access token expires in")));
    QVERIFY(plain(countdowns->text()).contains(QStringLiteral("Refresh token expires in")));
}

void tst_InspectionPanels::oneByteChangedFailsVerification()
{
    auto *idToken = inPanel<QTextBrowser>("tokenPanel", "idTokenText");
    QVERIFY(idToken);
    QTRY_VERIFY(idToken->toPlainText().contains(QStringLiteral("Change one byte")));
    QVERIFY2(
        idToken->toPlainText().contains(QStringLiteral("✘ verification fails: signature does not match")),
        qPrintable(idToken->toPlainText().right(600)));

    // The changed token differs from the real one in exactly one byte of the payload.
    const QByteArray real = m_lab->window()->coolLoan()->idToken().toLatin1();
    QString what;
    const QByteArray changed = TokenPanel::withOneBytePayloadChange(real, &what);
    QVERIFY(!changed.isEmpty());
    QVERIFY(plain(what).contains(QStringLiteral("\"sub\":")));
    const auto a = decodeJwt(real);
    const auto b = decodeJwt(changed);
    QVERIFY(a && b);
    QCOMPARE(b->header, a->header);
    QCOMPARE(b->signature, a->signature);
    QVERIFY(b->payload != a->payload);
    QVERIFY(!verifyRs256(changed, m_lab->window()->coolLoan()->jwks()));
    QVERIFY(verifyRs256(real, m_lab->window()->coolLoan()->jwks()));
}

void tst_InspectionPanels::ledgerListsCodeAndTokens()
{
    auto *tree = inPanel<QTreeWidget>("ledgerPanel", "ledgerTree");
    auto *audit = inPanel<QTreeWidget>("ledgerPanel", "auditLog");
    QVERIFY(tree && audit);
    const CoolLoanClient *client = m_lab->window()->coolLoan();
    const QString code = inspect::hashPrefix(sha256Hex(client->code().toUtf8()));
    const QString access = inspect::hashPrefix(sha256Hex(client->accessToken().toLatin1()));
    const QString refresh = inspect::hashPrefix(sha256Hex(client->refreshToken().toLatin1()));
    QTRY_VERIFY(ledgerRow(tree, CodesGroup, HashColumn, code));
    QCOMPARE(ledgerRow(tree, CodesGroup, HashColumn, code)->text(StateColumn), QStringLiteral("redeemed"));
    QTRY_VERIFY(ledgerRow(tree, TokensGroup, HashColumn, access));
    QCOMPARE(ledgerRow(tree, TokensGroup, HashColumn, access)->text(StateColumn), QStringLiteral("active"));
    QVERIFY(ledgerRow(tree, TokensGroup, HashColumn, refresh));
    QCOMPARE(ledgerRow(tree, TokensGroup, HashColumn, refresh)->text(StateColumn), QStringLiteral("active"));
    QVERIFY(ledgerRow(tree, ConsentsGroup, 2, QStringLiteral("coolloan")));
    // The audit log, newest first: the grant is in it.
    QVERIFY(audit->topLevelItemCount() > 0);
    QVERIFY(!audit->findItems(QStringLiteral("grant"), Qt::MatchExactly, 1).isEmpty());
}

void tst_InspectionPanels::replayedCodeShowsWhy()
{
    LabWindow *window = m_lab->window();
    const CoolLoanClient *client = window->coolLoan();
    const std::optional<QByteArray> secret = window->secrets()->read(SecretStore::coolLoanClientSecretKey());
    QVERIFY(secret && !secret->isEmpty());

    // The same code, a second time, with everything else right: refused, and its tokens revoked.
    QUrl tokenEndpoint = window->coolLoan()->settings().issuer;
    tokenEndpoint.setPath(tokenEndpoint.path() + QStringLiteral("/token"));
    const QByteArray body = "grant_type=authorization_code&code=" + formUrlEncode(client->code())
        + "&redirect_uri=" + formUrlEncode(client->redirectUri())
        + "&code_verifier=" + client->codeVerifier();
    const HttpResult replay = postWithBasicAuth(tokenEndpoint, client->settings().clientId, *secret, body);
    QCOMPARE(replay.status, 400);
    QCOMPARE(replay.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));

    auto *list = inPanel<QTreeWidget>("whyPanel", "refusalList");
    auto *explanation = inPanel<QTextBrowser>("whyPanel", "refusalExplanation");
    QVERIFY(list && explanation);
    QTRY_VERIFY(list->topLevelItemCount() > 0);
    // Newest first: the replay is on top, with its rule and section.
    QTreeWidgetItem *top = list->topLevelItem(0);
    QCOMPARE(top->text(2), QStringLiteral("invalid_grant"));
    QCOMPARE(top->text(3), QStringLiteral("RFC 6749 §4.1.2, §10.5"));
    QVERIFY(top->text(1).contains(QStringLiteral("boris")));
    list->setCurrentItem(top);
    const QString why = explanation->toPlainText();
    QVERIFY2(why.contains(QStringLiteral("already used")), qPrintable(why));
    QVERIFY(why.contains(QStringLiteral("What invalid_grant means")));
    QVERIFY(why.contains(QStringLiteral("POST /token, answered 400")));
    // The exchange it belongs to, opened beside it.
    auto *exchange = m_lab->widget<QWidget>("refusalExchange");
    QVERIFY(exchange);
    auto *exchangeText = exchange->findChild<QTextBrowser *>();
    QVERIFY(exchangeText);
    QTRY_VERIFY(exchangeText->toPlainText().contains(QStringLiteral("invalid_grant")));

    // What the replay did, in the other panels: the code tried twice, its tokens revoked in the ledger.
    auto *codeText = inPanel<QTextBrowser>("codePanel", "codeText");
    QTRY_VERIFY(codeText->toPlainText().contains(QStringLiteral("400 invalid_grant")));
    QVERIFY(codeText->toPlainText().contains(QStringLiteral("authorization code replayed")));
    auto *codeState = inPanel<QLabel>("codePanel", "codeState");
    QTRY_VERIFY2(plain(codeState->text()).contains(QStringLiteral("✘ Replayed once: refused")),
        qPrintable(plain(codeState->text())));
    auto *tree = inPanel<QTreeWidget>("ledgerPanel", "ledgerTree");
    const QString access = inspect::hashPrefix(sha256Hex(client->accessToken().toLatin1()));
    QTRY_COMPARE(
        ledgerRow(tree, TokensGroup, HashColumn, access)->text(StateColumn), QStringLiteral("revoked"));
    auto *accessText = inPanel<QTextBrowser>("tokenPanel", "accessTokenText");
    QTRY_VERIFY(accessText->toPlainText().contains(QStringLiteral("revoked (authorization code replayed)")));
    auto *countdowns = inPanel<QLabel>("tokenPanel", "tokenCountdowns");
    QVERIFY2(plain(countdowns->text()).contains(QStringLiteral("Access token revoked")),
        qPrintable(plain(countdowns->text())));
    QVERIFY(plain(countdowns->text()).contains(QStringLiteral("Refresh token revoked")));
}

void tst_InspectionPanels::coolLoanRefusalListedToo()
{
    // A refusal of CoolLoan's own (RFC 6749 §10.12), as CoolLoanClient records it.
    TraceEvent e;
    e.kind = TraceKind::Decision;
    e.source = QStringLiteral("coolloan");
    e.channel = TraceChannel::Internal;
    e.from = e.to = QStringLiteral("CoolLoan");
    e.timeMs = QDateTime::currentMSecsSinceEpoch();
    e.summary = QStringLiteral("CoolLoan refuses the redirect: state does not match");
    e.refusalRule = QStringLiteral("RFC 6749 §10.12");
    e.expected = QStringLiteral("sent-state");
    e.received = QStringLiteral("attacker-state");
    m_lab->window()->trace()->append(e);

    auto *list = inPanel<QTreeWidget>("whyPanel", "refusalList");
    auto *explanation = inPanel<QTextBrowser>("whyPanel", "refusalExplanation");
    QVERIFY(list && explanation);
    QTreeWidgetItem *top = list->topLevelItem(0);
    QCOMPARE(top->text(1), QStringLiteral("CoolLoan"));
    QCOMPARE(top->text(3), QStringLiteral("RFC 6749 §10.12"));
    list->setCurrentItem(top);
    const QString why = explanation->toPlainText();
    QVERIFY(why.contains(QStringLiteral("state does not match")));
    QVERIFY(why.contains(QStringLiteral("Expected")));
    QVERIFY(why.contains(QStringLiteral("sent-state")));
    QVERIFY(why.contains(QStringLiteral("attacker-state")));
    // The refusal below it is still the bank's replay.
    QCOMPARE(list->topLevelItem(1)->text(2), QStringLiteral("invalid_grant"));
}

CFL_GUI_TEST_MAIN(tst_InspectionPanels)
#include "tst_inspectionpanels.moc"
