// application/x-www-form-urlencoded, as the bank reads every POST body and the /authorize query
// (FormData::parse, formUrlDecode; RFC 6749 Appendix B, WHATWG URL §5). Properties: parsing never
// fails on anything but malformed escapes or invalid UTF-8; what it decodes encodes back to a form
// that parses to the same items (formUrlEncode leaves only unreserved characters, RFC 3986 §2.3).

#include "FuzzSupport.h"
#include "http/FormData.h"

#include <QHash>

using namespace cfl;
using namespace cfl::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = bytesOf(data, size);
    QString error;
    const auto form = FormData::parse(input, &error);
    if (!form) {
        require(!error.isEmpty(), "a refused form says why");
        return 0;
    }
    QHash<QString, int> given;
    for (const auto &item : form->items())
        ++given[item.first];
    const QStringList repeated = form->repeatedNames();
    QByteArrayList pairs;
    for (const auto &[name, value] : form->items()) {
        const QByteArray encodedName = formUrlEncode(name);
        const QByteArray encodedValue = formUrlEncode(value);
        for (const char c : encodedName + encodedValue) {
            const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '%';
            require(unreserved, "formUrlEncode leaves only unreserved characters and escapes", encodedName);
        }
        require(formUrlDecode(encodedName) == name, "a name decodes back", encodedName);
        require(formUrlDecode(encodedValue) == value, "a value decodes back", encodedValue);
        pairs.append(encodedName + '=' + encodedValue);
        // value() is defined for names given once; repeatedNames() names the others (RFC 6749 §3.1).
        if (given.value(name) == 1)
            require(form->value(name) == value && !repeated.contains(name), "value() of a name given once");
        else
            require(repeated.contains(name), "a repeated name is reported");
    }
    const auto again = FormData::parse(pairs.join('&'));
    require(again && again->items() == form->items(), "encode(parse(x)) parses to the same items", input);
    return 0;
}
