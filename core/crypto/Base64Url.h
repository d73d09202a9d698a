#pragma once
// base64url without padding (RFC 4648 §5, RFC 7515 §2): the only alphabet the bank uses for codes, tokens and
// secrets, so that no client double-encodes them (Qt 6.4's OAuth flow double-encodes a code holding '+' or
// '/', QTBUG-81624).

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace cfl {

QByteArray base64UrlEncode(QByteArrayView data);
// Strict: refuses padding, whitespace and characters outside [A-Za-z0-9_-].
std::optional<QByteArray> base64UrlDecode(QByteArrayView text);
bool isBase64UrlText(QByteArrayView text);

} // namespace cfl
