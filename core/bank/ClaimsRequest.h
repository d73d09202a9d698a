#pragma once
// The claims request parameter (OpenID Connect Core §5.5): a JSON object whose members "id_token" and
// "userinfo" name individual claims a client asks for, each null (voluntary) or an object that may say
// it is essential and which value(s) the client wants (§5.5.1). What was asked goes with the grant —
// code, tokens, refresh — and is released: the id_token ones in every ID token, the userinfo ones at
// userinfo, besides what the scopes release (§5.4).

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace cfl {

struct RequestedClaim
{
    QString name;
    bool essential = false; // §5.5.1; voluntary otherwise
    QJsonValue value = QJsonValue(QJsonValue::Undefined); // "value": Undefined when not given
    QJsonArray values; // "values", in the client's order of preference
    bool hasValues = false;

    // "value" and "values" together, in that order (§5.5.1): the values the client would accept.
    QJsonArray acceptable() const;
};

class ClaimsRequest
{
public:
    enum class Target { IdToken, UserInfo };

    // The parameter as sent. Malformed — not JSON, not an object, a member of the wrong type — is
    // nullopt, and `error` says what is wrong. Names the bank does not know are kept and ignored when
    // claims are released (§5.5: "Claims ... not understood ... MUST be ignored").
    static std::optional<ClaimsRequest> parse(const QString &text, QString *error);
    // As kept in the database: '' for no request.
    static ClaimsRequest fromStored(const QString &stored);
    QString stored() const;
    bool isEmpty() const;

    QList<RequestedClaim> claims(Target target) const;
    std::optional<RequestedClaim> claim(Target target, const QString &name) const;

    // The standard claims (bank/UserClaims.h) requested one by one for either target, each once, that
    // the client is registered for (the scope that releases it is among `allowedScopes`): the ones the
    // consent page names and John consents to. A claim the client may not have is not released at all
    // (§5.5.1 lets the bank leave out even an essential claim without an error).
    QStringList userClaims(const QStringList &allowedScopes) const;
    // The same for one target: what the ID token, or userinfo, releases by name.
    QStringList userClaims(Target target, const QStringList &allowedScopes) const;
    // The request as John's consent leaves it, kept with the grant: a standard claim stays when the
    // client is registered for its scope and John did not untick that scope (it was granted, or it was
    // not requested and the consent page named the claim by itself). Other names (sub, acr, ...) stay.
    ClaimsRequest consentedTo(const QStringList &requestedScopes, const QStringList &grantedScopes,
        const QStringList &allowedScopes) const;

private:
    QJsonObject m_request; // only "id_token" and "userinfo", each an object of claim name → null | object
};

} // namespace cfl
