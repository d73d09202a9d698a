#include "storage/UserStore.h"

#include "storage/Database.h"

namespace cfl {

namespace {

// The row mapping: users. The SELECT names the columns readUser reads, in any order.
const QString &userSelect()
{
    static const QString sql = QStringLiteral(
        "SELECT id, username, password_hash, name, given_name, family_name, email, email_verified, "
        "updated_at, "
        "middle_name, nickname, profile_url, picture_url, website, gender, birthdate, zoneinfo, locale, "
        "phone_number, phone_number_verified, street_address, locality, region, postal_code, country "
        "FROM users ");
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
    user.middleName = row.text("middle_name");
    user.nickname = row.text("nickname");
    user.profileUrl = row.text("profile_url");
    user.pictureUrl = row.text("picture_url");
    user.website = row.text("website");
    user.gender = row.text("gender");
    user.birthdate = row.text("birthdate");
    user.zoneinfo = row.text("zoneinfo");
    user.locale = row.text("locale");
    user.phoneNumber = row.text("phone_number");
    user.phoneNumberVerified = row.integer("phone_number_verified") != 0;
    user.address.streetAddress = row.text("street_address");
    user.address.locality = row.text("locality");
    user.address.region = row.text("region");
    user.address.postalCode = row.text("postal_code");
    user.address.country = row.text("country");
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
    static const QString sql = QStringLiteral(
        "INSERT INTO users (username, password_hash, name, given_name, family_name, email, "
        "email_verified, updated_at, middle_name, nickname, profile_url, picture_url, website, "
        "gender, birthdate, zoneinfo, locale, phone_number, phone_number_verified, "
        "street_address, locality, region, postal_code, country) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    Database::Statement insert = m_db.statement(sql);
    if (!insert->exec({ u.username, u.passwordHash, u.name, u.givenName, u.familyName, u.email,
            u.emailVerified, u.updatedAt, u.middleName, u.nickname, u.profileUrl, u.pictureUrl, u.website,
            u.gender, u.birthdate, u.zoneinfo, u.locale, u.phoneNumber, u.phoneNumberVerified,
            u.address.streetAddress, u.address.locality, u.address.region, u.address.postalCode,
            u.address.country }))
        return std::nullopt;
    return insert->lastInsertId();
}

} // namespace cfl
