// The codec's fast path (protocolfast.h): tiny messages written as CBOR bytes directly,
// without a QCborMap in between.

#include "protocolfast.h"

#include <QBuffer>
#include <QCborStreamWriter>
#include <QIODevice>
#include <QtEndian>

#include <algorithm>
#include <cstring>
#include <limits>

namespace procession::protocol {

namespace {
// Sees the bytes QCborStreamWriter writes without keeping them.
class CountingDevice : public QIODevice
{
public:
    CountingDevice() { open(QIODevice::WriteOnly | QIODevice::Unbuffered); }
    qint64 first = -1; // the first write is the item's head
    qint64 total = 0;

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *, qint64 size) override
    {
        if (first < 0)
            first = size;
        total += size;
        return size;
    }
};
} // namespace

// The length of a byte-string value without copying it: QCborValue has no accessor for
// it, and toByteArray() copies (16 MiB for a large payload, for every label made of it).
// Written to a device that only counts, the bytes are handed over in place.
qsizetype byteStringSize(const QCborValue &v)
{
    CountingDevice device;
    QCborStreamWriter writer(&device);
    v.toCbor(writer);
    return qsizetype(device.total - std::max<qint64>(device.first, 0));
}

// The codec's hot path. Tiny calls and results dominate a pipelined run, and building a
// QCborMap to encode them, or parsing one to decode them, cost about a microsecond
// each (bench_protocol). This writes and reads the same CBOR bytes directly. Encoding
// hands every value it does not know to QCborValue::toCbor, so the bytes are the ones
// the QCborMap path writes; decoding takes only frames it is certain about (definite
// lengths, ASCII text, no tags, no duplicate keys, nothing after the map) and leaves
// everything else, errors included, to the QCborValue path (protocol.cpp).
namespace fast {
namespace {

// Collects a message's small items in a buffer on the stack and hands them to the frame
// in one append. QByteArray::append goes through QByteArray::insert, ~110 instructions a
// call (callgrind), and a tiny result is twenty items: ~2,600 instructions to encode one,
// on both sides of every round trip. Anything large or written by Qt flushes first, so
// the bytes keep their order.
class Sink
{
public:
    explicit Sink(QByteArray &out) : m_out(out) {}
    ~Sink() { flush(); }
    Sink(const Sink &) = delete;
    Sink &operator=(const Sink &) = delete;

    void flush()
    {
        if (m_n > 0) {
            m_out.append(m_buf, m_n);
            m_n = 0;
        }
    }
    // The frame itself, for writers that append to it; everything collected goes first.
    QByteArray &frame()
    {
        flush();
        return m_out;
    }
    // Room for `size` more bytes (at most Capacity); commit(size) takes them.
    char *room(qsizetype size)
    {
        if (m_n + size > Capacity)
            flush();
        return m_buf + m_n;
    }
    void commit(qsizetype size) { m_n += size; }
    void byte(char b) { *room(1) = b, commit(1); }
    void head(quint8 major, quint64 v)
    {
        auto *b = reinterpret_cast<uchar *>(room(9));
        const auto m = uchar(major << 5);
        if (v < 24) {
            b[0] = uchar(m | v);
            commit(1);
        } else if (v <= 0xff) {
            b[0] = m | 24;
            b[1] = uchar(v);
            commit(2);
        } else if (v <= 0xffff) {
            b[0] = m | 25;
            qToBigEndian<quint16>(quint16(v), b + 1);
            commit(3);
        } else if (v <= 0xffffffffu) {
            b[0] = m | 26;
            qToBigEndian<quint32>(quint32(v), b + 1);
            commit(5);
        } else {
            b[0] = m | 27;
            qToBigEndian<quint64>(v, b + 1);
            commit(9);
        }
    }
    void bytes(const char *data, qsizetype size)
    {
        if (size > Capacity / 2) {
            frame().append(data, size);
            return;
        }
        std::memcpy(room(size), data, size_t(size));
        commit(size);
    }

    static constexpr qsizetype Capacity = 256;

private:
    QByteArray &m_out;
    char m_buf[Capacity];
    qsizetype m_n = 0;
};

void putInt(Sink &out, qint64 v)
{
    if (v >= 0)
        out.head(Unsigned, quint64(v));
    else
        out.head(Negative, quint64(-1 - v));
}

template<qsizetype N> void putKey(Sink &out, const char (&key)[N])
{
    static_assert(N - 1 < 24, "keys are short");
    char *p = out.room(N);
    p[0] = char((Text << 5) | (N - 1));
    std::memcpy(p + 1, key, N - 1);
    out.commit(N);
}

bool isAscii(const QString &s)
{
    for (const QChar c : s)
        if (c.unicode() >= 0x80)
            return false;
    return true;
}

void putText(Sink &out, const QString &s)
{
    if (!isAscii(s)) {
        out.frame().append(QCborValue(s).toCbor());
        return;
    }
    out.head(Text, quint64(s.size()));
    char *d;
    if (s.size() <= Sink::Capacity / 2) {
        d = out.room(s.size());
        out.commit(s.size());
    } else {
        QByteArray &frame = out.frame();
        const qsizetype at = frame.size();
        frame.resize(at + s.size());
        d = frame.data() + at;
    }
    for (const QChar c : s)
        *d++ = char(c.unicode());
}

void putValue(Sink &out, const QCborValue &v, int depth = 0)
{
    switch (v.type()) {
    case QCborValue::Integer:
        putInt(out, v.toInteger());
        return;
    case QCborValue::False:
        out.byte(char(0xf4));
        return;
    case QCborValue::True:
        out.byte(char(0xf5));
        return;
    case QCborValue::Null:
        out.byte(char(0xf6));
        return;
    case QCborValue::Undefined:
        out.byte(char(0xf7));
        return;
    case QCborValue::String:
    case QCborValue::ByteArray: {
        // Written in place from the value's own storage, into room reserved to the byte:
        // no copy in between, and no buffer grown to twice the payload. Text too: ASCII
        // text is kept as its bytes, and toString() would widen it to UTF-16 first (for an
        // 8 MiB string, three passes over it and a 16 MiB allocation before a byte is sent).
        QByteArray &frame = out.frame();
        const qsizetype size = byteStringSize(v);
        frame.reserve(frame.size() + size + 9);
        QBuffer buffer(&frame); // QCborStreamWriter(QByteArray *) would write from its start
        buffer.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered);
        QCborStreamWriter writer(&buffer);
        v.toCbor(writer);
        return;
    }
    case QCborValue::Array:
        if (depth < 4) {
            const QCborArray a = v.toArray();
            out.head(Array, quint64(a.size()));
            for (const QCborValue &item : a)
                putValue(out, item, depth + 1);
            return;
        }
        break;
    default:
        break;
    }
    out.frame().append(v.toCbor());
}

} // namespace

// Appends a frame with room for its header (the caller fills it in): one append for a
// tiny message, header included.
bool encode(const Message &m, QByteArray &frame)
{
    if (m.kind == Message::Kind::Hello)
        return false; // once per worker: the general path is fine
    Sink out(frame);
    std::memset(out.room(HeaderSize), 0, HeaderSize);
    out.commit(HeaderSize);
    switch (m.kind) {
    case Message::Kind::Call:
        out.head(Map, m.kwargs.isEmpty() ? 4 : 5);
        putKey(out, "type");
        putKey(out, "call");
        putKey(out, "id");
        putInt(out, m.id);
        putKey(out, "fn");
        putText(out, m.function);
        putKey(out, "args");
        out.head(Array, quint64(m.args.size()));
        for (const QCborValue &item : m.args)
            putValue(out, item, 1);
        if (!m.kwargs.isEmpty()) {
            putKey(out, "kwargs");
            out.frame().append(QCborValue(m.kwargs).toCbor());
        }
        return true;
    case Message::Kind::Result:
    case Message::Kind::Error:
        out.head(Map, m.kind == Message::Kind::Result ? 7 : 8);
        putKey(out, "type");
        if (m.kind == Message::Kind::Result) {
            putKey(out, "result");
            putKey(out, "id");
            putInt(out, m.id);
            putKey(out, "value");
            putValue(out, m.value);
        } else {
            putKey(out, "error");
            putKey(out, "id");
            putInt(out, m.id);
            putKey(out, "kind");
            putText(out, m.errorKind);
            putKey(out, "message");
            putText(out, m.errorMessage);
        }
        putKey(out, "begin");
        putInt(out, m.begin);
        putKey(out, "end");
        putInt(out, m.end);
        putKey(out, "cpu");
        putInt(out, m.cpuNs);
        putKey(out, "wait");
        putInt(out, m.waitNs);
        return true;
    case Message::Kind::Exit:
        out.head(Map, 1);
        putKey(out, "type");
        putKey(out, "exit");
        return true;
    case Message::Kind::Hello:
        break; // not reached: see above
    }
    return false;
}

} // namespace fast

} // namespace procession::protocol
