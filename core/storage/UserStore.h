#pragma once
// The bank's customers (users): who logs in, and the claims the ID token and userinfo tell about them.

#include "storage/BankRecords.h"

#include <optional>

namespace cfl {

class Database;

class UserStore
{
public:
    explicit UserStore(Database &db)
        : m_db(db)
    { }

    std::optional<User> userByUsername(const QString &username) const; // case-insensitively
    std::optional<User> userById(qint64 id) const;
    // Whether any user exists (a seeded database); nullopt when it cannot be read.
    std::optional<bool> hasUsers() const;
    // Adds a user (the seed); returns the id the database gave it.
    std::optional<qint64> insertUser(const User &user);

private:
    Database &m_db;
};

} // namespace cfl
