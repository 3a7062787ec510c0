// libFuzzer target for the bytes a worker (or a stranger) can send the parent: the frame
// reader cutting a stream into frames, the payload decoder, and the display of whatever
// value was decoded. Built with clang's -fsanitize=fuzzer when PROCESSION_FUZZ is on;
// fuzz_replay.cpp runs the same function over the committed corpus with any compiler.
#include "protocol.h"

#include <QByteArray>

#include <cstdint>
#include <cstdlib>

using namespace procession::protocol;

namespace {

// What the parent does with a message it accepted: label it, and it must survive a
// round trip through the encoder.
void use(const Message &m)
{
    (void)displayText(m.value);
    (void)displayArgs(m.args, m.kwargs);
    Message again;
    QString error;
    const QByteArray frame = encode(m);
    if (!decodePayload(frame.mid(HeaderSize), &again, &error) || again.kind != m.kind ||
        again.id != m.id)
        std::abort(); // an accepted message must encode to one that is accepted again
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes =
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));

    // The input as one payload.
    Message m;
    QString error;
    if (decodePayload(bytes, &m, &error))
        use(m);
    else if (error.isEmpty())
        std::abort(); // a refusal always says why

    // The input as a stream, fed in pieces whose size the first byte chooses, through a
    // reader with a small limit so that past-limit headers are reached too.
    FrameReader reader(64 * 1024);
    const qsizetype step = size ? (data[0] % 61) + 1 : 1;
    for (qsizetype at = 0; at < bytes.size(); at += step) {
        reader.feed(bytes.constData() + at, std::min(step, bytes.size() - at));
        FrameReader::Status status;
        while ((status = reader.next(&m)) == FrameReader::Status::Frame)
            use(m);
        if (status == FrameReader::Status::Error) {
            if (reader.errorString().isEmpty() || reader.buffered() > bytes.size())
                std::abort();
            break;
        }
    }
    return 0;
}
