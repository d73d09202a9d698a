#include "ui/inspection/LedgerPanel.h"

#include "bank/BankHost.h"
#include "storage/BankStore.h"
#include "trace/TraceModel.h"
#include "ui/inspection/InspectionFormat.h"
#include "ui/theme/Theme.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QMap>
#include <QScrollBar>
#include <QSplitter>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace cfl {

namespace {

enum LedgerColumn { What, Hash, ClientColumn, UserColumn, Since, Expires, State, Detail, LedgerColumns };
enum AuditColumn { At, Event, AuditClient, AuditUser, AuditDetail, AuditColumns };

struct Row
{
    QStringList cells; // LedgerColumns of them
    QString fullHash; // tooltip
};

struct Snapshot
{
    QList<AuthorizationCode> codes;
    QList<IssuedToken> tokens;
    QList<Consent> consents;
    QList<LoginSession> sessions;
    QList<AuditEntry> audit;
    QMap<qint64, QString> usernames;
};

QString shortDate(qint64 seconds)
{
    return seconds > 0
        ? QDateTime::fromSecsSinceEpoch(seconds).toLocalTime().toString(QStringLiteral("HH:mm:ss"))
        : QStringLiteral("—");
}

QString expiry(qint64 expiresAt, qint64 now)
{
    return expiresAt > 0 ? inspect::countdown(expiresAt, now) : QStringLiteral("—");
}

} // namespace

LedgerPanel::LedgerPanel(BankHost *bank, TraceModel *trace, QWidget *parent)
    : InspectionPanel(parent)
    , m_bank(bank)
    , m_ledger(new QTreeWidget(this))
    , m_audit(new QTreeWidget(this))
    , m_clock(new QTimer(this))
{
    setObjectName(QStringLiteral("ledgerPanel"));
    m_ledger->setObjectName(QStringLiteral("ledgerTree"));
    m_audit->setObjectName(QStringLiteral("auditLog"));

    auto *intro = new QLabel(
        tr("The bank's own database, live. Codes, tokens and session cookies are stored only as "
           "<b>SHA-256 hashes</b> (shown by prefix): a leaked database hands out nothing usable. "
           "The audit log on the right, newest first."),
        this);
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::RichText);

    m_ledger->setColumnCount(LedgerColumns);
    m_ledger->setHeaderLabels({ tr("What"), tr("SHA-256"), tr("Client"), tr("User"), tr("Since"),
        tr("Expires"), tr("State"), tr("Detail") });
    m_ledger->setRootIsDecorated(true);
    m_ledger->setUniformRowHeights(true);
    m_ledger->setAlternatingRowColors(true);
    m_ledger->setSelectionMode(QAbstractItemView::SingleSelection);
    m_ledger->header()->setStretchLastSection(true);
    const QStringList groups { tr("Authorization codes"), tr("Tokens"), tr("Consents"),
        tr("Login sessions") };
    for (const QString &title : groups) {
        auto *group = new QTreeWidgetItem(m_ledger, { title });
        group->setFirstColumnSpanned(true);
        QFont bold = group->font(What);
        bold.setBold(true);
        group->setFont(What, bold);
        group->setExpanded(true);
    }
    m_codes = m_ledger->topLevelItem(0);
    m_tokens = m_ledger->topLevelItem(1);
    m_consents = m_ledger->topLevelItem(2);
    m_sessions = m_ledger->topLevelItem(3);

    m_audit->setColumnCount(AuditColumns);
    m_audit->setHeaderLabels({ tr("Time"), tr("Event"), tr("Client"), tr("User"), tr("Detail") });
    m_audit->setRootIsDecorated(false);
    m_audit->setUniformRowHeights(true);
    m_audit->setAlternatingRowColors(true);
    m_audit->header()->setStretchLastSection(true);

    auto *columns = new QSplitter(Qt::Horizontal, this);
    columns->addWidget(m_ledger);
    columns->addWidget(m_audit);
    columns->setChildrenCollapsible(false);
    columns->setSizes({ 760, 500 });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 0);
    layout->setSpacing(4);
    layout->addWidget(intro);
    layout->addWidget(columns, 1);

    // Every exchange may change the ledger; a run sends them in bursts.
    connect(trace, &TraceModel::appended, this, &LedgerPanel::scheduleRefresh);
    connect(trace, &TraceModel::cleared, this, &LedgerPanel::scheduleRefresh);
    // States also change with time alone (active → expired).
    m_clock->setInterval(5000);
    connect(m_clock, &QTimer::timeout, this, &LedgerPanel::scheduleRefresh);
    m_clock->start();
}

void LedgerPanel::reload()
{
    if (!m_bank)
        return;
    Snapshot s;
    m_bank->withStore([&s](BankStore &store) {
        s.codes = store.grants().recentCodes(50);
        s.tokens = store.grants().recentTokens(100);
        s.consents = store.consents().allConsents();
        s.sessions = store.sessions().recentSessions(50);
        s.audit = store.auditLog().recent(200);
        QList<qint64> ids;
        for (const auto &c : s.codes)
            ids << c.userId;
        for (const auto &t : s.tokens)
            ids << t.userId;
        for (const auto &c : s.consents)
            ids << c.userId;
        for (const auto &x : s.sessions)
            ids << x.userId;
        for (qint64 id : ids) {
            if (!s.usernames.contains(id))
                s.usernames.insert(id, store.users().userById(id).value_or(User {}).username);
        }
    });
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const auto user = [&s](qint64 id) { return s.usernames.value(id, QString::number(id)); };

    QList<Row> codes;
    for (const AuthorizationCode &c : s.codes) {
        codes.append({ { tr("code"), inspect::hashPrefix(c.codeHash), c.clientId, user(c.userId),
                           shortDate(c.issuedAt), expiry(c.expiresAt, now), inspect::stateOf(c, now),
                           tr("scopes %1 · redirect %2 · PKCE %3")
                               .arg(c.scopes.join(QLatin1Char(' ')), c.redirectUri, c.codeChallengeMethod) },
            QString::fromLatin1(c.codeHash) });
    }
    QList<Row> tokens;
    for (const IssuedToken &t : s.tokens) {
        QStringList detail;
        if (!t.revokedReason.isEmpty())
            detail << tr("revoked: %1").arg(t.revokedReason);
        detail << tr("family %1").arg(t.familyId.left(8) + QStringLiteral("…"));
        if (!t.parentHash.isEmpty())
            detail << tr("rotated from %1").arg(inspect::hashPrefix(t.parentHash));
        else if (!t.codeHash.isEmpty())
            detail << tr("from code %1").arg(inspect::hashPrefix(t.codeHash));
        tokens.append(
            { { t.kind == TokenKind::Access ? tr("access token") : tr("refresh token"),
                  inspect::hashPrefix(t.tokenHash), t.clientId, user(t.userId), shortDate(t.issuedAt),
                  expiry(t.expiresAt, now), inspect::stateOf(t, now), detail.join(QStringLiteral(" · ")) },
                QString::fromLatin1(t.tokenHash) });
    }
    QList<Row> consents;
    for (const Consent &c : s.consents) {
        consents.append({ { tr("consent"), QStringLiteral("—"), c.clientId, user(c.userId),
                              shortDate(c.grantedAt), QStringLiteral("—"), inspect::stateOf(c),
                              tr("scopes %1").arg(c.scopes.join(QLatin1Char(' '))) },
            {} });
    }
    QList<Row> sessions;
    for (const LoginSession &x : s.sessions) {
        sessions.append({ { tr("login session"), inspect::hashPrefix(x.idHash), QStringLiteral("—"),
                              user(x.userId), shortDate(x.authTime), expiry(x.expiresAt, now),
                              inspect::stateOf(x, now), tr("the bank's session cookie (hashed)") },
            QString::fromLatin1(x.idHash) });
    }

    // Rebuild only when something changed: the reader's selection and scroll stay put otherwise.
    QStringList fingerprint;
    for (const QList<Row> *rows : { &codes, &tokens, &consents, &sessions }) {
        fingerprint << QString::number(rows->size());
        for (const Row &r : *rows)
            fingerprint << r.cells;
    }
    for (const AuditEntry &a : s.audit)
        fingerprint << QString::number(a.id);
    if (fingerprint == m_shown)
        return;
    m_shown = fingerprint;

    const int ledgerScroll = m_ledger->verticalScrollBar()->value();
    const QString selected = m_ledger->currentItem() ? m_ledger->currentItem()->toolTip(Hash) : QString();
    const auto fill = [&](QTreeWidgetItem *group, const QList<Row> &rows, const QString &title) {
        qDeleteAll(group->takeChildren());
        group->setText(What, QStringLiteral("%1 (%2)").arg(title).arg(rows.size()));
        for (const Row &r : rows) {
            auto *item = new QTreeWidgetItem(group, r.cells);
            item->setToolTip(Hash, r.fullHash);
            item->setForeground(State, inspect::stateColour(r.cells.at(State)));
            QFont bold = item->font(State);
            bold.setBold(true);
            item->setFont(State, bold);
            item->setToolTip(Detail, r.cells.at(Detail));
            if (!selected.isEmpty() && r.fullHash == selected)
                m_ledger->setCurrentItem(item);
        }
    };
    fill(m_codes, codes, tr("Authorization codes"));
    fill(m_tokens, tokens, tr("Tokens"));
    fill(m_consents, consents, tr("Consents"));
    fill(m_sessions, sessions, tr("Login sessions"));
    for (int c = 0; c < Detail; ++c)
        m_ledger->resizeColumnToContents(c);
    m_ledger->verticalScrollBar()->setValue(ledgerScroll);

    const int auditScroll = m_audit->verticalScrollBar()->value();
    m_audit->clear();
    for (const AuditEntry &a : s.audit) {
        auto *item
            = new QTreeWidgetItem(m_audit, { shortDate(a.at), a.event, a.clientId, a.username, a.detail });
        item->setToolTip(AuditDetail, a.detail);
        if (a.event == QLatin1String("refusal") || a.event == QLatin1String("revocation")
            || a.event == QLatin1String("login-failed"))
            item->setForeground(Event, theme::Refused);
    }
    for (int c = 0; c < AuditDetail; ++c)
        m_audit->resizeColumnToContents(c);
    m_audit->verticalScrollBar()->setValue(auditScroll);
}

} // namespace cfl
