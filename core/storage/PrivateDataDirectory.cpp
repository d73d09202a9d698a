#include "storage/PrivateDataDirectory.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace cfl {

namespace {

constexpr QFile::Permissions OwnerOnlyDirectory = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner;
constexpr QFile::Permissions OwnerOnlyFile = QFile::ReadOwner | QFile::WriteOwner;

void setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
}

#ifdef Q_OS_UNIX
bool isMine(const QFileInfo &info)
{
    return info.ownerId() == uint(::geteuid());
}

// Owner read/write (and search, for a directory) only: the exact mode, not just "at least".
bool makeOwnerOnly(const QString &path, QFile::Permissions mode, QString *error)
{
    QFileInfo info(path);
    // QFileInfo's permissions repeat the owner's bits as "User" bits; compare the owner/group/other ones.
    const QFile::Permissions relevant = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
        | QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther | QFile::WriteOther
        | QFile::ExeOther;
    if ((info.permissions() & relevant) == mode)
        return true;
    if (!isMine(info) || !QFile::setPermissions(path, mode)) {
        setError(error,
            QStringLiteral("cannot make %1 private to its owner (mode %2): it belongs to another user or "
                           "the file system refuses")
                .arg(QDir::toNativeSeparators(path),
                    mode == OwnerOnlyDirectory ? QStringLiteral("0700") : QStringLiteral("0600")));
        return false;
    }
    return true;
}
#endif

} // namespace

bool preparePrivateDataDirectory(const QString &dataDir, const QString &databaseFile, QString *error)
{
    const QString cannotCreate
        = QStringLiteral("cannot create the data directory %1").arg(QDir::toNativeSeparators(dataDir));
    if (dataDir.isEmpty()) {
        setError(error, cannotCreate);
        return false;
    }
    const QString absolute = QDir(dataDir).absolutePath();
    if (!QFileInfo::exists(absolute)) {
        // The parents as usual; the directory itself private from its first moment (no chmod window).
        QFileInfo info(absolute);
        if (!QDir().mkpath(info.absolutePath()) || !QDir().mkdir(absolute, OwnerOnlyDirectory)) {
            if (!QFileInfo(absolute).isDir()) { // another process may have made it meanwhile
                setError(error, cannotCreate);
                return false;
            }
        }
    }
    if (!QFileInfo(absolute).isDir()) {
        setError(error, cannotCreate);
        return false;
    }
    const QString database = QDir(absolute).absoluteFilePath(databaseFile);
    if (!QFileInfo::exists(database)) {
        // Created empty and 0600 here, so SQLite never creates it with its default 0644 (minus umask);
        // NewOnly: if another process was quicker, its file is checked below like any existing one.
        QFile file(database);
        if (file.open(QIODevice::WriteOnly | QIODevice::NewOnly, OwnerOnlyFile))
            file.close();
    }
#ifdef Q_OS_UNIX
    const QFileInfo directory(absolute);
    const bool shared = directory.permissions().testFlag(QFile::WriteOther);
    if (!shared && isMine(directory) && !makeOwnerOnly(absolute, OwnerOnlyDirectory, error))
        return false;
    for (const QString &suffix :
        { QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal") }) {
        const QString path = database + suffix;
        if (QFileInfo::exists(path) && !makeOwnerOnly(path, OwnerOnlyFile, error))
            return false;
    }
#endif
    return true;
}

} // namespace cfl
