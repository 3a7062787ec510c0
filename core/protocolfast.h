#pragma once

// Inside the protocol codec: shared by protocol.cpp (the general path) and displaytext.cpp.

#include "protocol.h"

namespace procession::protocol {

// The length of a byte-string value, without copying it out of the value.
qsizetype byteStringSize(const QCborValue &v);

// The codec's hot path. Tiny calls and results dominate a pipelined run, and building a
// QCborMap to encode them, or parsing one to decode them, cost about a microsecond
// each (bench_protocol). These write and read the same CBOR bytes directly.
namespace fast {
// CBOR's major types (RFC 8949, 3.1).
enum Major : quint8
{
    Unsigned = 0,
    Negative = 1,
    Bytes = 2,
    Text = 3,
    Array = 4,
    Map = 5,
    Tag = 6,
    Simple = 7
};

// Appends a frame (room for the header first, which the caller fills in); false when the
// message is one the fast path does not write, `frame` then unchanged.
bool encode(const Message &m, QByteArray &frame);
// Decodes a frame the fast path is certain about; false leaves it to the general path.
bool decode(const uchar *data, qsizetype size, Message *message);
} // namespace fast

} // namespace procession::protocol
