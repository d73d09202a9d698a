#include "crypto/VerifiedJwts.h"

namespace cfl {

std::optional<DecodedJwt> VerifiedJwts::verify(
    const QByteArray &compact, const QJsonObject &jwks, QString *error)
{
    // Equal key sets are usually one shared object: the comparison then looks at one pointer.
    if (jwks != m_jwks) {
        m_accepted.clear();
        m_jwks = jwks;
    } else if (const auto known = m_accepted.constFind(compact); known != m_accepted.cend()) {
        return DecodedJwt { known->header, known->payload, {}, {} };
    }
    std::optional<DecodedJwt> verified = verifyRs256(compact, jwks, error);
    if (!verified)
        return std::nullopt;
    if (m_accepted.size() >= Capacity)
        m_accepted.erase(m_accepted.begin());
    m_accepted.insert(compact, Claims { verified->header, verified->payload });
    return verified;
}

} // namespace cfl
