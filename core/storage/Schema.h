#pragma once
// The bank database's schema as ordered migrations keyed on PRAGMA user_version (private to storage/).

#include <QString>

class QSqlDatabase;

namespace cfl {

int latestSchemaVersion();
// PRAGMA user_version of the open database; -1 when it cannot be read.
int schemaVersionOf(const QSqlDatabase &db);
// Applies every migration above the file's user_version, each in its own BEGIN IMMEDIATE transaction
// together with the user_version it reaches, so that two processes opening the same new file migrate it
// once. Refuses a file from a newer build.
bool migrateSchema(const QSqlDatabase &db, QString *error);
// Deletes every row of every table (the schema stays). The caller holds the transaction.
bool deleteAllRows(const QSqlDatabase &db);

} // namespace cfl
