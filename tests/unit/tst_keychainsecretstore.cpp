// KeychainSecretStore against the real Secret Service: the unlocked gnome-keyring of ./dev test's headless
// session (dbus-run-session, `headless` in ./dev). Write, read back, overwrite, delete, missing keys, the
// size limit, and — with secret-tool, libsecret's own client — that each entry really is one item in the
// keyring under the app's prefixed key (SecretStore.h), never a file. Every key of this test carries this
// process's id and a random part, and is deleted again, so it never touches the app's own entries.

#include "secrets/KeychainSecretStore.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTest>

using namespace cfl;

namespace {
// One `secret-tool search --all user <key>`: the items libsecret finds for that key.
struct SearchResult
{
    bool ran = false;
    QString problem;
    int items = 0;
    QString output; // stdout (label, secret, dates) and stderr (attribute.* lines)
};

SearchResult searchKeyring(const QString &fullKey)
{
    SearchResult result;
    const QString tool = QStandardPaths::findExecutable(QStringLiteral("secret-tool"));
    if (tool.isEmpty()) {
        result.problem = QStringLiteral("secret-tool is not installed (Debian: libsecret-tools)");
        return result;
    }
    QProcess process;
    process.start(
        tool, { QStringLiteral("search"), QStringLiteral("--all"), QStringLiteral("user"), fullKey });
    if (!process.waitForFinished(15000) || process.exitStatus() != QProcess::NormalExit) {
        result.problem = QStringLiteral("secret-tool did not finish: %1").arg(process.errorString());
        return result;
    }
    result.ran = true;
    const QString out = QString::fromUtf8(process.readAllStandardOutput());
    result.output = out + QString::fromUtf8(process.readAllStandardError());
    result.items = int((QLatin1Char('\n') + out).count(QLatin1String("\nsecret = ")));
    return result;
}
} // namespace

class tst_KeychainSecretStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_store.probe(&error),
            qPrintable(
                QStringLiteral("no working keychain (%1). This test needs the Secret Service of ./dev "
                               "test's headless session: dbus-run-session with an unlocked gnome-keyring.")
                    .arg(error)));
        QCOMPARE(m_store.kind(), QStringLiteral("keychain"));
        m_prefix = QStringLiteral("tst-keychain/%1-%2/")
                       .arg(QCoreApplication::applicationPid())
                       .arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0'));
    }

    void cleanupTestCase()
    {
        for (const QString &key : std::as_const(m_written))
            m_store.remove(key);
        for (const QString &key : std::as_const(m_written))
            QVERIFY2(!m_store.read(key), qPrintable(key));
    }

    void writeThenRead_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QByteArray>("value");

        QTest::newRow("client secret")
            << QStringLiteral("coolloan/client-secret") << QByteArray("mN3k9_zX-0aQ4vB7cD1eF2gH5jK8lP6oR");
        QTest::newRow("binary with NUL and high bytes")
            << QStringLiteral("binary") << QByteArray("\x00\x01\xff\xfe\r\n\x00 end", 11);
        QTest::newRow("PEM signing key")
            << QStringLiteral("bank/signing-key")
            << QByteArray("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE "
                          "KEY-----\n");
        QTest::newRow("UTF-8") << QStringLiteral("utf8") << QStringLiteral("Zoë ☺ €").toUtf8();
        QTest::newRow("the largest value allowed")
            << QStringLiteral("largest") << QByteArray(SecretStore::MaxValueBytes, 'x');
        QTest::newRow("key with spaces and unicode")
            << QStringLiteral("a key/with spaces/ünïcode") << QByteArray("v");
    }
    void writeThenRead()
    {
        QFETCH(QString, key);
        QFETCH(QByteArray, value);
        const QString k = track(key);
        QString error;
        QVERIFY2(m_store.write(k, value, &error), qPrintable(error));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const auto read = m_store.read(k, &error);
        QVERIFY2(read.has_value(), qPrintable(error));
        QCOMPARE(*read, value);
        // A second store (as after a restart of the app) reads the same entry.
        KeychainSecretStore other;
        QCOMPARE(other.read(k), std::optional<QByteArray>(value));
    }

    void overwriteReplaces()
    {
        const QString k = track(QStringLiteral("overwrite"));
        QVERIFY(m_store.write(k, "first"));
        QVERIFY(m_store.write(k, "second, longer than the first"));
        QCOMPARE(m_store.read(k), std::optional<QByteArray>("second, longer than the first"));
        QVERIFY(m_store.write(k, "3"));
        QCOMPARE(m_store.read(k), std::optional<QByteArray>("3"));
    }

    void keysAreIndependent()
    {
        const QString a = track(QStringLiteral("independent/a"));
        const QString b = track(QStringLiteral("independent/b"));
        const QString prefixOfA = track(QStringLiteral("independent"));
        QVERIFY(m_store.write(a, "value a"));
        QVERIFY(m_store.write(b, "value b"));
        QCOMPARE(m_store.read(a), std::optional<QByteArray>("value a"));
        QCOMPARE(m_store.read(b), std::optional<QByteArray>("value b"));
        QVERIFY(!m_store.read(prefixOfA)); // no prefix match
        QVERIFY(m_store.remove(a));
        QVERIFY(!m_store.read(a));
        QCOMPARE(m_store.read(b), std::optional<QByteArray>("value b"));
    }

    void removeDeletes()
    {
        const QString k = track(QStringLiteral("remove"));
        QVERIFY(m_store.write(k, "to be deleted"));
        QString error;
        QVERIFY2(m_store.remove(k, &error), qPrintable(error));
        error.clear();
        QVERIFY(!m_store.read(k, &error));
        QVERIFY2(error.isEmpty(), qPrintable(error)); // gone is not an error
        // Written again after a delete: a fresh entry.
        QVERIFY(m_store.write(k, "again"));
        QCOMPARE(m_store.read(k), std::optional<QByteArray>("again"));
    }

    void missingKeyIsNotAnError()
    {
        const QString k = track(QStringLiteral("never-written"));
        QString error;
        QVERIFY(!m_store.read(k, &error));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // Deleting what is not there succeeds (the app deletes a refresh token it may never have had).
        QVERIFY2(m_store.remove(k, &error), qPrintable(error));
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void tooLargeValueIsRefused()
    {
        const QString k = track(QStringLiteral("too-large"));
        QVERIFY(m_store.write(k, "small"));
        QString error;
        QVERIFY(!m_store.write(k, QByteArray(SecretStore::MaxValueBytes + 1, 'x'), &error));
        QVERIFY2(error.contains(QString::number(SecretStore::MaxValueBytes)), qPrintable(error));
        // Refused before the keychain was asked: the old value is still there.
        QCOMPARE(m_store.read(k), std::optional<QByteArray>("small"));
    }

    // libsecret's own client sees exactly one item per key, under the service name and the prefixed key,
    // and none once it is deleted.
    void entriesAreItemsOfTheSecretService()
    {
        const QString k = track(QStringLiteral("secret-tool"));
        const QString fullKey = SecretStore::fullKey(k);
        QVERIFY(fullKey.startsWith(QLatin1String("codeflow-lab/")));
        QVERIFY(m_store.write(k, "one"));
        QVERIFY(m_store.write(k, "two")); // an overwrite replaces the item, it adds none

        SearchResult found = searchKeyring(fullKey);
        if (!found.ran)
            QFAIL(qPrintable(found.problem));
        QCOMPARE(found.items, 1);
        QVERIFY2(
            found.output.contains(QStringLiteral("attribute.user = ") + fullKey), qPrintable(found.output));
        QVERIFY2(found.output.contains(
                     QStringLiteral("attribute.server = ") + QLatin1String(KeychainSecretStore::ServiceName)),
            qPrintable(found.output));

        QVERIFY(m_store.remove(k));
        found = searchKeyring(fullKey);
        QVERIFY(found.ran);
        QCOMPARE(found.items, 0);
    }

private:
    QString track(const QString &key)
    {
        const QString k = m_prefix + key;
        if (!m_written.contains(k))
            m_written.append(k);
        return k;
    }

    KeychainSecretStore m_store;
    QString m_prefix;
    QStringList m_written;
};

QTEST_GUILESS_MAIN(tst_KeychainSecretStore)
#include "tst_keychainsecretstore.moc"
