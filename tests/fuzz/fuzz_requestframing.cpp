// The bytes of a connection as ConnectionGuard sees them before QHttpServer reads on (checkRequest,
// core/http/RequestFraming.cpp), with small limits that the fuzzer reaches and with the bank's own.
// Properties: a request that is not refused never holds more than RequestLimits::maxRequestBytes()
// (what the socket's read buffer is sized for); a complete request is complete again when cut at its
// length; a refusal stays a refusal, with the same status, as more bytes arrive; refusals have a reason.

#include "FuzzSupport.h"
#include "bank/BankServer.h"
#include "http/RequestFraming.h"

using namespace cfl;
using namespace cfl::fuzz;

namespace {

RequestLimits smallLimits()
{
    RequestLimits limits;
    limits.maxRequestLineBytes = 48;
    limits.maxFieldLineBytes = 40;
    limits.maxHeaderBytes = 120;
    limits.maxHeaderFields = 5;
    limits.bodyLimits = { { "POST", QStringLiteral("/token"), 30 }, { "POST", QStringLiteral("/web/"), 12 } };
    limits.defaultMaxBodyBytes = 3;
    return limits;
}

void checkWith(const QByteArray &input, const RequestLimits &limits)
{
    const RequestCheck check = checkRequest(input, limits);
    switch (check.state) {
    case RequestCheck::State::Empty:
    case RequestCheck::State::Incomplete:
        require(input.size() <= limits.maxRequestBytes(), "never more than one largest request buffered",
            QByteArray::number(input.size()));
        break;
    case RequestCheck::State::Complete: {
        require(check.length > 0 && check.length <= input.size(), "a complete request lies within the bytes");
        require(check.length <= limits.maxRequestBytes(), "a complete request is within the limits");
        const RequestCheck again = checkRequest(QByteArrayView(input).first(check.length), limits);
        require(again.state == RequestCheck::State::Complete && again.length == check.length,
            "a request cut at its length is the same request");
        break;
    }
    case RequestCheck::State::Refused:
        require(!check.reason.isEmpty(), "a refusal has a reason");
        require(check.status == 400 || check.status == 411 || check.status == 413 || check.status == 414
                || check.status == 431 || check.status == 505,
            "a refusal is one of the guard's statuses", QByteArray::number(check.status));
        break;
    }
    // Earlier reads of the same bytes: a prefix refused is refused for the whole, with the same status.
    for (const qsizetype cutAt : { input.size() / 2, input.size() / 3, input.size() - 1 }) {
        if (cutAt <= 0)
            continue;
        const RequestCheck earlier = checkRequest(QByteArrayView(input).first(cutAt), limits);
        if (earlier.state == RequestCheck::State::Refused) {
            require(check.state == RequestCheck::State::Refused && check.status == earlier.status,
                "a refusal stays a refusal as bytes arrive", QByteArray::number(earlier.status));
        }
        if (earlier.state == RequestCheck::State::Complete)
            require(check.state == RequestCheck::State::Complete && check.length == earlier.length,
                "a complete request stays complete as bytes arrive");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = bytesOf(data, size);
    static const RequestLimits small = smallLimits();
    static const RequestLimits banks = bankRequestLimits();
    checkWith(input, small);
    checkWith(input, banks);
    return 0;
}
