// Issue 10 §7: the bank's data directory is 0700 and its database files are 0600, whatever the umask.
// bank.sqlite holds what other local users must not read — in the headless bank the private signing key
// (signing_keys), and everywhere password, token and client-secret hashes. SQLite creates a database
// 0644 (minus the umask) and gives its -wal and -shm files the database's mode.

#include "bank/BankServer.h"
#include "storage/BankStore.h"
#include "storage/PrivateDataDirectory.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace cfl;

namespace {

int modeOf(const QString &path)
{
    struct stat info
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return int(info.st_mode & 07777);
}

QString octal(int mode)
{
    return QString::number(mode, 8);
}

// Runs with a umask of 0, so that nothing private comes from the umask; restores it after.
class NoUmask
{
public:
    NoUmask()
        : m_saved(::umask(0))
    { }
    ~NoUmask() { ::umask(m_saved); }

private:
    mode_t m_saved;
};

const QStringList DatabaseFiles { QStringLiteral("bank.sqlite"), QStringLiteral("bank.sqlite-wal"),
    QStringLiteral("bank.sqlite-shm") };

} // namespace

class tst_PrivateDataDirectory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void newDirectoryAndFilesAreOwnerOnly();
    void headlessBankKeepsItsSigningKeyPrivate();
    void looseModesOfAnOlderBankAreTightened();
    void sharedDirectoryIsLeftAsItIs();
    void someoneElsesDatabaseIsRefused();
};

void tst_PrivateDataDirectory::newDirectoryAndFilesAreOwnerOnly()
{
    NoUmask noUmask;
    QTemporaryDir root;
    QVERIFY(root.isValid());
    const QString dataDir = root.filePath(QStringLiteral("parent/bank"));
    QString error;
    auto store = BankStore::open(dataDir, &error);
    QVERIFY2(store, qPrintable(error));
    QVERIFY(store->database().schemaVersion() > 0); // opened and seeded: the WAL and its index exist now
    QCOMPARE(octal(modeOf(dataDir)), QStringLiteral("700"));
    for (const QString &file : DatabaseFiles) {
        const QString path = QDir(dataDir).filePath(file);
        QVERIFY2(QFile::exists(path), qPrintable(path));
        QCOMPARE(octal(modeOf(path)), QStringLiteral("600"));
    }
    // Only the bank's own directory: the parents are made as usual (here: umask 0 → 0777).
    QCOMPARE(octal(modeOf(root.filePath(QStringLiteral("parent")))), QStringLiteral("777"));
}

void tst_PrivateDataDirectory::headlessBankKeepsItsSigningKeyPrivate()
{
    NoUmask noUmask;
    QTemporaryDir root;
    QVERIFY(root.isValid());
    BankServerOptions options;
    options.dataDir = root.filePath(QStringLiteral("headless"));
    BankServer server;
    QString error;
    QVERIFY2(server.start(options, &error), qPrintable(error));
    // The private JWK (with its "d") is in the database file...
    const auto jwk = server.store()->keys().signingKeyJwk();
    QVERIFY(jwk && jwk->contains("\"d\""));
    server.stop();
    // ...which only its owner can read.
    QCOMPARE(octal(modeOf(options.dataDir)), QStringLiteral("700"));
    for (const QString &file : DatabaseFiles) {
        const QString path = QDir(options.dataDir).filePath(file);
        if (QFile::exists(path))
            QCOMPARE(octal(modeOf(path)), QStringLiteral("600"));
    }
    QCOMPARE(
        octal(modeOf(QDir(options.dataDir).filePath(QStringLiteral("bank.sqlite")))), QStringLiteral("600"));
}

void tst_PrivateDataDirectory::looseModesOfAnOlderBankAreTightened()
{
    // A bank made by an older build: directory 0755, files 0644. The next start makes them private.
    QTemporaryDir root;
    QVERIFY(root.isValid());
    const QString dataDir = root.filePath(QStringLiteral("bank"));
    QString error;
    {
        auto store = BankStore::open(dataDir, &error);
        QVERIFY2(store, qPrintable(error));
        QVERIFY(QFile::setPermissions(dataDir,
            QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::ExeGroup
                | QFile::ReadOther | QFile::ExeOther));
        for (const QString &file : DatabaseFiles)
            QFile::setPermissions(QDir(dataDir).filePath(file),
                QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    }
    QCOMPARE(octal(modeOf(dataDir)), QStringLiteral("755"));
    QCOMPARE(octal(modeOf(QDir(dataDir).filePath(QStringLiteral("bank.sqlite")))), QStringLiteral("644"));
    auto store = BankStore::open(dataDir, &error);
    QVERIFY2(store, qPrintable(error));
    QCOMPARE(octal(modeOf(dataDir)), QStringLiteral("700"));
    for (const QString &file : DatabaseFiles) {
        const QString path = QDir(dataDir).filePath(file);
        if (QFile::exists(path))
            QCOMPARE(octal(modeOf(path)), QStringLiteral("600"));
    }
}

void tst_PrivateDataDirectory::sharedDirectoryIsLeftAsItIs()
{
    // `--data-dir /tmp`: a directory everyone may write to is shared, not the bank's; changing it would
    // break everyone else. The database files in it are private all the same.
    NoUmask noUmask;
    QTemporaryDir root;
    QVERIFY(root.isValid());
    const QString shared = root.filePath(QStringLiteral("shared"));
    QVERIFY(QDir().mkdir(shared));
    QCOMPARE(::chmod(QFile::encodeName(shared).constData(), 01777), 0);
    QString error;
    auto store = BankStore::open(shared, &error);
    QVERIFY2(store, qPrintable(error));
    QCOMPARE(octal(modeOf(shared)), QStringLiteral("1777"));
    QCOMPARE(octal(modeOf(QDir(shared).filePath(QStringLiteral("bank.sqlite")))), QStringLiteral("600"));
}

void tst_PrivateDataDirectory::someoneElsesDatabaseIsRefused()
{
    // A readable database that belongs to another user cannot be made private by this one: say so
    // rather than run on it.
    if (::geteuid() != 0)
        QSKIP("needs root to give a file to another user");
    QTemporaryDir root;
    QVERIFY(root.isValid());
    const QString dataDir = root.filePath(QStringLiteral("bank"));
    QVERIFY(QDir().mkdir(dataDir));
    const QString database = QDir(dataDir).filePath(QStringLiteral("bank.sqlite"));
    QFile file(database);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QCOMPARE(::chmod(QFile::encodeName(database).constData(), 0644), 0);
    QCOMPARE(::chown(QFile::encodeName(database).constData(), 65534, 65534), 0); // nobody
    QString error;
    QVERIFY(!preparePrivateDataDirectory(dataDir, QStringLiteral("bank.sqlite"), &error));
    QVERIFY2(error.contains(QLatin1String("bank.sqlite")) && error.contains(QLatin1String("0600")),
        qPrintable(error));
}

QTEST_GUILESS_MAIN(tst_PrivateDataDirectory)
#include "tst_privatedatadirectory.moc"
