#pragma once
// The bank's data directory holds bank.sqlite, and bank.sqlite holds what no other local user may read:
// the headless bank's private signing key (signing_keys), password and token hashes, client secret
// hashes. So the directory is 0700 and the database files are 0600, whatever the umask — as ssh keeps
// ~/.ssh (OpenSSH ssh(1), FILES) and as OWASP ASVS 14.3 / CWE-276 ask of files holding secrets.
//
// POSIX only: on Windows the per-user application data folder is already the user's own.

#include <QString>

namespace cfl {

// Creates `dataDir` (0700) and an empty `databaseFile` in it (0600) when missing; makes existing ones
// that belong to this user private. A directory that is writable by everyone (/tmp and the like) is
// shared, not the bank's: it is left as it is, and the files in it are still made 0600. SQLite gives the
// -wal and -shm files it creates the mode of the database file (os_unix.c, findCreateFileMode).
// False and *error when the directory cannot be created or a file cannot be made private.
bool preparePrivateDataDirectory(const QString &dataDir, const QString &databaseFile, QString *error);

} // namespace cfl
