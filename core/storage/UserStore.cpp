#include "storage/UserStore.h"

#include "storage/Database.h"

namespace cfl {

namespace {

// The row mapping: users. The SELECT names the columns readUser reads, in any order.
const QString &userSelect()
{
    static const QString sql = QStringLiteral("SELECT id, username, password_hash, name, given_name, "
                                              "family_name, email, email_verified, updated_at FROM users ");
    return sql;
}

User readUser(const SqlStatement &row)
{
    User user;
    user.id = row.integer("id");
    user.username = row.text("username");
    user.passwordHash = row.bytes("password_hash");
    user.name = row.text("name");
    user.givenName = row.text("given_name");
    user.familyName = row.text("family_name");
    user.email = row.text("email");
    user.emailVerified = row.integer("email_verified") != 0;
    user.updatedAt = row.integer("updated_at");
    return user;
}

} // namespace

std::optional<User> UserStore::userByUsername(const QString &username) const
{
    static const QString sql = userSelect() + QStringLiteral("WHERE username = ?");
    return m_db.selectOne(sql, { username }, readUser);
}

std::optional<User> UserStore::userById(qint64 id) const
{
    static const QString sql = userSelect() + QStringLiteral("WHERE id = ?");
    return m_db.selectOne(sql, { id }, readUser);
}

std::optional<bool> UserStore::hasUsers() const
{
    static const QString sql = QStringLiteral("SELECT EXISTS (SELECT 1 FROM users) AS populated");
    return m_db.selectOne(sql, {}, [](const SqlStatement &row) { return row.integer("populated") != 0; });
}

std::optional<qint64> UserStore::insertUser(const User &u)
{
    static const QString sql
        = QStringLiteral("INSERT INTO users (username, password_hash, name, given_name, family_name, email, "
                         "email_verified, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    Database::Statement insert = m_db.statement(sql);
    if (!insert->exec({ u.username, u.passwordHash, u.name, u.givenName, u.familyName, u.email,
            u.emailVerified, u.updatedAt }))
        return std::nullopt;
    return insert->lastInsertId();
}

} // namespace cfl
