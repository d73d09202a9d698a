#include "http/RequestLimits.h"

#include <algorithm>

namespace cfl {

qint64 RequestLimits::maxBodyBytes(const QByteArray &method, const QString &path) const
{
    for (const BodyLimit &limit : bodyLimits) {
        if (limit.method != method)
            continue;
        const bool under = limit.path.endsWith(QLatin1Char('/')) && path.startsWith(limit.path);
        if (path == limit.path || under)
            return limit.maxBytes;
    }
    return defaultMaxBodyBytes;
}

qint64 RequestLimits::maxRequestBytes() const
{
    qint64 largestBody = defaultMaxBodyBytes;
    for (const BodyLimit &limit : bodyLimits)
        largestBody = std::max(largestBody, limit.maxBytes);
    // Blank lines before the request line (at most a request line's worth), the request line and its
    // CRLF, the header section with the empty line that ends it, the largest body.
    return 2 * qint64(maxRequestLineBytes) + 2 + qint64(maxHeaderBytes) + largestBody;
}

} // namespace cfl
