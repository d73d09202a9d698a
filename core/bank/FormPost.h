#pragma once
// A form posted from one of the bank's own pages (login, consent, online banking) or an authorization
// request sent by POST: what every one of them asks of the request before a field is read.

#include "http/FormData.h"
#include "http/HttpMessage.h"

#include <QStringList>

#include <optional>

namespace cfl {

// The body, if it is declared application/x-www-form-urlencoded (what an HTML form without enctype sends,
// and OpenID Connect Core §3.1.2.1's Form Serialization), is valid form encoding (RFC 6749 Appendix B),
// and gives no field twice except those in `repeatable` (the consent page's scope checkboxes): a page of
// the bank's sends each field once, so a second value is someone else's, and whichever one a check read
// would be a guess. Otherwise nullopt and *error says which.
std::optional<FormData> parseFormPost(
    const HttpRequest &request, const QStringList &repeatable = {}, QString *error = nullptr);

} // namespace cfl
