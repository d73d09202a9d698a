// The Cookie request header as the bank reads it (HttpRequest::cookie; RFC 6265 §4.2.1, §5.4): one or
// more Cookie fields, "name=value; name2=value2". The bank's cookies hold session and interaction
// tokens compared byte for byte. Input: header field values separated by '\n'. Properties: a value
// found is one pair's, never across a ';'; a name is found exactly when some pair has that name.

#include "FuzzSupport.h"
#include "http/HttpMessage.h"

using namespace cfl;
using namespace cfl::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    HttpRequest request;
    const QByteArray input = bytesOf(data, size);
    for (const QByteArray &field : input.split('\n'))
        request.headers.append({ QByteArray("Cookie"), field });
    request.headers.append({ QByteArray("Cookie2"), QByteArray("cfl_session=not-a-cookie-field") });

    for (const QByteArray &name :
        { QByteArray("cfl_session"), QByteArray("cfl_interaction"), QByteArray("") }) {
        const QByteArray value = request.cookie(name);
        require(!value.contains(';'), "a cookie value never spans a ';'", input);
        bool present = false;
        for (const QByteArray &field : input.split('\n')) {
            for (const QByteArray &pair : field.split(';')) {
                const QByteArray trimmed = pair.trimmed();
                if (trimmed.indexOf('=') > 0 && trimmed.left(trimmed.indexOf('=')) == name)
                    present = true;
            }
        }
        if (!value.isEmpty())
            require(present, "a value comes from a pair with that name", input);
        if (name.isEmpty())
            require(value.isEmpty(), "no cookie has an empty name", input);
    }
    return 0;
}
