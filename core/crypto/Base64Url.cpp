#include "crypto/Base64Url.h"

namespace cfl {

namespace {

constexpr auto kAlphabet = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

bool isBase64UrlCharacter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

} // namespace

QByteArray base64UrlEncode(QByteArrayView data)
{
    return data.toByteArray().toBase64(kAlphabet);
}

std::optional<QByteArray> base64UrlDecode(QByteArrayView text)
{
    // Qt's decoder skips characters it does not know and accepts '=' and the '+' '/' alphabet; RFC 7515 §2
    // allows none of them, so the alphabet is checked here first.
    for (const char c : text) {
        if (!isBase64UrlCharacter(c))
            return std::nullopt;
    }
    auto result = QByteArray::fromBase64Encoding(
        text.toByteArray(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return std::nullopt;
    // One text per value (RFC 4648 §3.5): a length of 4n+1, or unused low bits that are not zero, would
    // decode too, and let "a different signature" carry the same bytes.
    if (base64UrlEncode(result.decoded) != text)
        return std::nullopt;
    return std::move(result.decoded);
}

bool isBase64UrlText(QByteArrayView text)
{
    return base64UrlDecode(text).has_value();
}

} // namespace cfl
