#include "protocol.h"

#include <QBuffer>
#include <QCborStreamReader>
#include <QCborStreamWriter>
#include <QIODevice>
#include <QtEndian>

#include <algorithm>
#include <cstring>
#include <limits>

namespace procession::protocol {

namespace {
// Short keys keep tiny calls small on the wire.
const QString kType = QStringLiteral("type");
const QString kId = QStringLiteral("id");
const QString kFn = QStringLiteral("fn");
const QString kArgs = QStringLiteral("args");
const QString kKwargs = QStringLiteral("kwargs");
const QString kValue = QStringLiteral("value");
const QString kKind = QStringLiteral("kind");
const QString kMessage = QStringLiteral("message");
const QString kBegin = QStringLiteral("begin");
const QString kEnd = QStringLiteral("end");
const QString kCpu = QStringLiteral("cpu");
const QString kWait = QStringLiteral("wait");
const QString kProtocol = QStringLiteral("protocol");
const QString kPid = QStringLiteral("pid");
const QString kToken = QStringLiteral("token");

const QString kHello = QStringLiteral("hello");
const QString kCall = QStringLiteral("call");
const QString kResult = QStringLiteral("result");
const QString kError = QStringLiteral("error");
const QString kExit = QStringLiteral("exit");

bool requireInteger(const QCborMap &map, const QString &key, qint64 *out, QString *error,
                    const QString &kind)
{
    const QCborValue v = map.value(key);
    if (!v.isInteger()) {
        *error = QStringLiteral("a %1 message needs an integer \"%2\"").arg(kind, key);
        return false;
    }
    *out = v.toInteger();
    return true;
}

bool requireString(const QCborMap &map, const QString &key, QString *out, QString *error,
                   const QString &kind)
{
    const QCborValue v = map.value(key);
    if (!v.isString()) {
        *error = QStringLiteral("a %1 message needs a text \"%2\"").arg(kind, key);
        return false;
    }
    *out = v.toString();
    return true;
}
} // namespace

Message Message::hello(qint64 pid, const QByteArray &token)
{
    Message m;
    m.kind = Kind::Hello;
    m.protocolVersion = Version;
    m.pid = pid;
    m.token = token;
    return m;
}

Message Message::call(qint64 id, const QString &fn, const QCborArray &args, const QCborMap &kwargs)
{
    Message m;
    m.kind = Kind::Call;
    m.id = id;
    m.function = fn;
    m.args = args;
    m.kwargs = kwargs;
    return m;
}

Message Message::result(qint64 id, const QCborValue &value, qint64 begin, qint64 end, qint64 cpu,
                        qint64 wait)
{
    Message m;
    m.kind = Kind::Result;
    m.id = id;
    m.value = value;
    m.begin = begin;
    m.end = end;
    m.cpuNs = cpu;
    m.waitNs = wait;
    return m;
}

Message Message::error(qint64 id, const QString &kind, const QString &message, qint64 begin,
                       qint64 end, qint64 cpu, qint64 wait)
{
    Message m;
    m.kind = Kind::Error;
    m.id = id;
    m.errorKind = kind;
    m.errorMessage = message;
    m.begin = begin;
    m.end = end;
    m.cpuNs = cpu;
    m.waitNs = wait;
    return m;
}

Message Message::exit()
{
    return Message{};
}

QString kindName(Message::Kind kind)
{
    switch (kind) {
    case Message::Kind::Hello:
        return kHello;
    case Message::Kind::Call:
        return kCall;
    case Message::Kind::Result:
        return kResult;
    case Message::Kind::Error:
        return kError;
    case Message::Kind::Exit:
        return kExit;
    }
    return {};
}

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
} // namespace

// The codec's hot path. Tiny calls and results dominate a pipelined run, and building a
// QCborMap to encode them, or parsing one to decode them, cost about a microsecond
// each (bench_protocol). This writes and reads the same CBOR bytes directly. Encoding
// hands every value it does not know to QCborValue::toCbor, so the bytes are the ones
// the QCborMap path writes; decoding takes only frames it is certain about (definite
// lengths, ASCII text, no tags, no duplicate keys, nothing after the map) and leaves
// everything else, errors included, to the QCborValue path below.
namespace fast {
namespace {

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
        putText(out, v.toString());
        return;
    case QCborValue::ByteArray: {
        // Written in place from the value's own storage, into room reserved to the byte:
        // no copy in between, and no buffer grown to twice the payload.
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

namespace {

struct Cursor
{
    const uchar *p;
    const uchar *end;
};

struct Head
{
    quint8 major = 0;
    quint8 info = 0; // the low five bits of the initial byte
    quint64 arg = 0; // the length, count or integer it carries
};

// Reads an item's initial bytes. False for what the fast path leaves alone: indefinite
// lengths, reserved values, and heads cut short.
bool readHead(Cursor &c, Head *h)
{
    if (c.p >= c.end)
        return false;
    const uchar b = *c.p++;
    h->major = b >> 5;
    h->info = b & 0x1f;
    if (h->info < 24) {
        h->arg = h->info;
        return true;
    }
    const int size = h->info == 24   ? 1
                     : h->info == 25 ? 2
                     : h->info == 26 ? 4
                     : h->info == 27 ? 8
                                     : 0;
    if (size == 0 || c.end - c.p < size)
        return false;
    quint64 v = 0;
    for (int i = 0; i < size; ++i)
        v = (v << 8) | c.p[i];
    c.p += size;
    h->arg = v;
    return true;
}

bool asciiRun(const uchar *p, quint64 n)
{
    for (quint64 i = 0; i < n; ++i)
        if (p[i] >= 0x80)
            return false;
    return true;
}

constexpr quint64 kLargeBytes = 64 * 1024;

// Decodes the item at `start` with QCborValue::fromCbor and moves the cursor past it.
bool readWithQt(Cursor &c, const uchar *start, QCborValue *out)
{
    QCborStreamReader reader(
        QByteArray::fromRawData(reinterpret_cast<const char *>(start), c.end - start));
    *out = QCborValue::fromCbor(reader);
    if (reader.lastError() != QCborError::NoError)
        return false;
    c.p = start + reader.currentOffset();
    return true;
}

bool readValue(Cursor &c, QCborValue *out, int depth);

// The items of an array whose head (at `start`) announced `count`, into *array; or, when
// it holds a large byte string, the whole array decoded by QCborValue into *value and
// *whole set (QCborArray::append would copy the bytes once more).
bool readArrayItems(Cursor &c, const uchar *start, quint64 count, QCborArray *array,
                    QCborValue *value, bool *whole, int depth)
{
    if (depth >= 4 || count > quint64(c.end - c.p))
        return false;
    for (quint64 i = 0; i < count; ++i) {
        Head item;
        Cursor peek = c;
        if (readHead(peek, &item) && item.major == Bytes && item.arg > kLargeBytes &&
            item.arg <= quint64(c.end - peek.p)) {
            *whole = true;
            return readWithQt(c, start, value);
        }
        QCborValue v;
        if (!readValue(c, &v, depth + 1))
            return false;
        array->append(v);
    }
    return true;
}

bool readValue(Cursor &c, QCborValue *out, int depth)
{
    const uchar *start = c.p;
    Head h;
    if (!readHead(c, &h))
        return false;
    const auto remaining = quint64(c.end - c.p);
    switch (h.major) {
    case Unsigned:
        if (h.arg > quint64(std::numeric_limits<qint64>::max()))
            return false;
        *out = QCborValue(qint64(h.arg));
        return true;
    case Negative:
        if (h.arg > quint64(std::numeric_limits<qint64>::max()))
            return false;
        *out = QCborValue(-1 - qint64(h.arg));
        return true;
    case Bytes:
        if (h.arg > remaining)
            return false;
        // QCborValue copies the bytes into its own storage: no copy needed before that.
        *out = QCborValue(
            QByteArray::fromRawData(reinterpret_cast<const char *>(c.p), qsizetype(h.arg)));
        c.p += h.arg;
        return true;
    case Text:
        if (h.arg > remaining || !asciiRun(c.p, h.arg))
            return false;
        *out =
            QCborValue(QString::fromLatin1(reinterpret_cast<const char *>(c.p), qsizetype(h.arg)));
        c.p += h.arg;
        return true;
    case Array: {
        QCborArray a;
        bool whole = false;
        if (!readArrayItems(c, start, h.arg, &a, out, &whole, depth))
            return false;
        if (!whole)
            *out = QCborValue(a);
        return true;
    }
    case Simple:
        switch (h.info) {
        case 20:
            *out = QCborValue(false);
            return true;
        case 21:
            *out = QCborValue(true);
            return true;
        case 22:
            *out = QCborValue(nullptr);
            return true;
        case 23:
            *out = QCborValue(QCborValue::Undefined);
            return true;
        case 27: {
            double d;
            const quint64 bits = h.arg;
            std::memcpy(&d, &bits, sizeof d);
            *out = QCborValue(d);
            return true;
        }
        default:
            return false;
        }
    default:
        return false; // maps, tags
    }
}

enum Field
{
    FType,
    FId,
    FFn,
    FArgs,
    FKwargs,
    FValue,
    FKind,
    FMessage,
    FBegin,
    FEnd,
    FCpu,
    FWait,
    FCount
};

// Which field a key names. By length first: the scan over every name with strlen and
// memcmp it replaces took ~800 instructions per message (callgrind, 44 strlen a message).
int fieldOf(const uchar *p, quint64 n)
{
    auto is = [p](const char *name, quint64 size) { return std::memcmp(p, name, size) == 0; };
    switch (n) {
    case 2:
        return is("id", 2) ? FId : is("fn", 2) ? FFn : -1;
    case 3:
        return is("end", 3) ? FEnd : is("cpu", 3) ? FCpu : -1;
    case 4:
        return is("type", 4)   ? FType
               : is("args", 4) ? FArgs
               : is("kind", 4) ? FKind
               : is("wait", 4) ? FWait
                               : -1;
    case 5:
        return is("value", 5) ? FValue : is("begin", 5) ? FBegin : -1;
    case 6:
        return is("kwargs", 6) ? FKwargs : -1;
    case 7:
        return is("message", 7) ? FMessage : -1;
    default:
        return -1;
    }
}

// An integer item; false for anything else.
bool readInt(Cursor &c, qint64 *out)
{
    Head h;
    if (!readHead(c, &h) || h.arg > quint64(std::numeric_limits<qint64>::max()))
        return false;
    if (h.major == Unsigned)
        *out = qint64(h.arg);
    else if (h.major == Negative)
        *out = -1 - qint64(h.arg);
    else
        return false;
    return true;
}

// An ASCII text item; false for anything else.
bool readAscii(Cursor &c, QString *out)
{
    Head h;
    if (!readHead(c, &h) || h.major != Text || h.arg > quint64(c.end - c.p) ||
        !asciiRun(c.p, h.arg))
        return false;
    *out = QString::fromLatin1(reinterpret_cast<const char *>(c.p), qsizetype(h.arg));
    c.p += h.arg;
    return true;
}

// An array item, straight into a QCborArray.
bool readArray(Cursor &c, QCborArray *out)
{
    const uchar *start = c.p;
    Head h;
    if (!readHead(c, &h) || h.major != Array)
        return false;
    QCborValue value;
    bool whole = false;
    if (!readArrayItems(c, start, h.arg, out, &value, &whole, 1))
        return false;
    if (whole)
        *out = value.toArray();
    return true;
}

constexpr unsigned bit(Field f)
{
    return 1u << f;
}

} // namespace

// Each field is read straight into the message as the type it must have (integers and
// ASCII text without a QCborValue in between: callgrind, ~3,000 instructions to decode
// a tiny message through one QCborValue per field, a container allocated for each text).
// A field of another type, a field the message's kind does not have, or one it lacks,
// sends the frame to the general path, which decides; so what is accepted here is what it
// would accept, decoded the same way.
bool decode(const uchar *data, qsizetype size, Message *message)
{
    Cursor c{data, data + size};
    Head map;
    if (!readHead(c, &map) || map.major != Map || map.arg > FCount)
        return false;
    Message m;
    unsigned seen = 0;
    QLatin1StringView type;
    for (quint64 i = 0; i < map.arg; ++i) {
        Head key;
        if (!readHead(c, &key) || key.major != Text || key.arg > quint64(c.end - c.p))
            return false;
        const int f = fieldOf(c.p, key.arg);
        if (f < 0 || (seen & bit(Field(f))))
            return false; // unknown or repeated keys: the general path decides
        c.p += key.arg;
        seen |= bit(Field(f));
        bool ok = false;
        switch (f) {
        case FType: { // compared in place: no string is made for it
            Head t;
            ok = readHead(c, &t) && t.major == Text && t.arg <= quint64(c.end - c.p);
            if (ok) {
                type = QLatin1StringView(reinterpret_cast<const char *>(c.p), qsizetype(t.arg));
                c.p += t.arg;
            }
            break;
        }
        case FId:
            ok = readInt(c, &m.id);
            break;
        case FBegin:
            ok = readInt(c, &m.begin);
            break;
        case FEnd:
            ok = readInt(c, &m.end);
            break;
        case FCpu:
            ok = readInt(c, &m.cpuNs);
            break;
        case FWait:
            ok = readInt(c, &m.waitNs);
            break;
        case FFn:
            ok = readAscii(c, &m.function);
            break;
        case FKind:
            ok = readAscii(c, &m.errorKind);
            break;
        case FMessage:
            ok = readAscii(c, &m.errorMessage);
            break;
        case FArgs:
            ok = readArray(c, &m.args);
            break;
        case FValue:
            ok = readValue(c, &m.value, 0);
            break;
        default:
            break; // kwargs: the general path
        }
        if (!ok)
            return false;
    }
    if (c.p != c.end)
        return false;

    unsigned required, allowed;
    if (type == QLatin1StringView("call")) {
        m.kind = Message::Kind::Call;
        required = allowed = bit(FType) | bit(FId) | bit(FFn) | bit(FArgs);
    } else if (type == QLatin1StringView("result")) {
        m.kind = Message::Kind::Result;
        required = bit(FType) | bit(FId) | bit(FValue) | bit(FBegin) | bit(FEnd);
        allowed = required | bit(FCpu) | bit(FWait);
    } else if (type == QLatin1StringView("error")) {
        m.kind = Message::Kind::Error;
        required = bit(FType) | bit(FId) | bit(FKind) | bit(FMessage) | bit(FBegin) | bit(FEnd);
        allowed = required | bit(FCpu) | bit(FWait);
    } else if (type == QLatin1StringView("exit")) {
        m.kind = Message::Kind::Exit;
        required = allowed = bit(FType);
    } else {
        return false;
    }
    if ((seen & required) != required || (seen & ~allowed) != 0)
        return false;
    *message = std::move(m);
    return true;
}

} // namespace fast

static QCborMap toMap(const Message &m)
{
    QCborMap map;
    map.insert(kType, kindName(m.kind));
    switch (m.kind) {
    case Message::Kind::Hello:
        map.insert(kProtocol, m.protocolVersion);
        map.insert(kPid, m.pid);
        map.insert(kToken, m.token);
        break;
    case Message::Kind::Call:
        map.insert(kId, m.id);
        map.insert(kFn, m.function);
        map.insert(kArgs, m.args);
        if (!m.kwargs.isEmpty())
            map.insert(kKwargs, m.kwargs);
        break;
    case Message::Kind::Result:
        map.insert(kId, m.id);
        map.insert(kValue, m.value);
        map.insert(kBegin, m.begin);
        map.insert(kEnd, m.end);
        map.insert(kCpu, m.cpuNs);
        map.insert(kWait, m.waitNs);
        break;
    case Message::Kind::Error:
        map.insert(kId, m.id);
        map.insert(kKind, m.errorKind);
        map.insert(kMessage, m.errorMessage);
        map.insert(kBegin, m.begin);
        map.insert(kEnd, m.end);
        map.insert(kCpu, m.cpuNs);
        map.insert(kWait, m.waitNs);
        break;
    case Message::Kind::Exit:
        break;
    }
    return map;
}

void encodeInto(const Message &message, QByteArray &out)
{
    // Room for the header first; its length is known once the payload is written.
    const qsizetype start = out.size();
    if (!fast::encode(message, out)) {
        out.resize(start + HeaderSize);
        out.append(toMap(message).toCborValue().toCbor());
    }
    qToBigEndian<quint32>(quint32(out.size() - start - HeaderSize),
                          reinterpret_cast<uchar *>(out.data() + start));
}

QByteArray encode(const Message &message)
{
    QByteArray out;
    encodeInto(message, out);
    return out;
}

bool decodePayload(const QByteArray &payload, Message *message, QString *error)
{
    if (fast::decode(reinterpret_cast<const uchar *>(payload.constData()), payload.size(), message))
        return true;
    // Anything the fast path does not take for certain is decided here, errors included.
    QCborStreamReader reader(payload);
    const QCborValue root = QCborValue::fromCbor(reader);
    if (const QCborError e = reader.lastError(); e != QCborError::NoError) {
        *error = QStringLiteral("the frame is not valid CBOR (%1 at byte %2)")
                     .arg(e.toString())
                     .arg(reader.currentOffset());
        return false;
    }
    // One frame, one value: bytes after it mean the lengths and the data disagree.
    if (reader.currentOffset() != payload.size()) {
        *error = QStringLiteral("the frame has %1 bytes after its CBOR value")
                     .arg(payload.size() - reader.currentOffset());
        return false;
    }
    if (!root.isMap()) {
        *error = QStringLiteral("the frame holds a CBOR value that is not a map");
        return false;
    }
    const QCborMap map = root.toMap();
    const QCborValue type = map.value(kType);
    if (!type.isString()) {
        *error = QStringLiteral("the frame has no text \"type\" field");
        return false;
    }
    const QString kind = type.toString();
    Message m;
    if (kind == kHello) {
        m.kind = Message::Kind::Hello;
        qint64 version = 0;
        if (!requireInteger(map, kProtocol, &version, error, kind) ||
            !requireInteger(map, kPid, &m.pid, error, kind))
            return false;
        m.protocolVersion = int(version);
        const QCborValue token = map.value(kToken);
        if (!token.isByteArray()) {
            *error = QStringLiteral("a hello message needs a byte-string \"token\"");
            return false;
        }
        m.token = token.toByteArray();
    } else if (kind == kCall) {
        m.kind = Message::Kind::Call;
        if (!requireInteger(map, kId, &m.id, error, kind) ||
            !requireString(map, kFn, &m.function, error, kind))
            return false;
        const QCborValue args = map.value(kArgs);
        if (!args.isArray()) {
            *error = QStringLiteral("a call message needs an array \"args\"");
            return false;
        }
        m.args = args.toArray();
        const QCborValue kwargs = map.value(kKwargs);
        if (!kwargs.isUndefined() && !kwargs.isMap()) {
            *error = QStringLiteral("a call message's \"kwargs\" must be a map");
            return false;
        }
        m.kwargs = kwargs.toMap();
    } else if (kind == kResult || kind == kError) {
        m.kind = kind == kResult ? Message::Kind::Result : Message::Kind::Error;
        if (!requireInteger(map, kId, &m.id, error, kind) ||
            !requireInteger(map, kBegin, &m.begin, error, kind) ||
            !requireInteger(map, kEnd, &m.end, error, kind))
            return false;
        const QCborValue cpu = map.value(kCpu);
        m.cpuNs = cpu.isInteger() ? cpu.toInteger() : 0;
        const QCborValue wait = map.value(kWait);
        m.waitNs = wait.isInteger() ? wait.toInteger() : 0;
        if (m.kind == Message::Kind::Result) {
            if (!map.contains(kValue)) {
                *error = QStringLiteral("a result message needs a \"value\"");
                return false;
            }
            m.value = map.value(kValue);
        } else if (!requireString(map, kKind, &m.errorKind, error, kind) ||
                   !requireString(map, kMessage, &m.errorMessage, error, kind)) {
            return false;
        }
    } else if (kind == kExit) {
        m.kind = Message::Kind::Exit;
    } else {
        *error = QStringLiteral("unknown message type \"%1\"").arg(kind.left(40));
        return false;
    }
    *message = std::move(m);
    return true;
}

void FrameReader::feed(const QByteArray &bytes)
{
    feed(bytes.constData(), bytes.size());
}

void FrameReader::compact()
{
    // Drop what has been consumed before growing, so the buffer stays one frame big.
    if (m_pos > 0 && (m_pos == m_buffer.size() || m_pos > (1 << 16))) {
        // Moved by hand: QByteArray::remove(0, n) only advances the start, and the room
        // it leaves there is out of reach for space().
        const qsizetype rest = m_buffer.size() - m_pos;
        if (rest > 0)
            std::memmove(m_buffer.data(), m_buffer.constData() + m_pos, size_t(rest));
        m_buffer.resize(rest);
        m_pos = 0;
    }
}

void FrameReader::consumed()
{
    if (m_pos != m_buffer.size())
        return;
    m_buffer.resize(0); // keeps the capacity for the next frame
    m_pos = 0;
}

bool FrameReader::holdsLargeBuffer() const
{
    return m_pos == m_buffer.size() && m_buffer.capacity() > (1 << 20);
}

void FrameReader::shrink()
{
    if (holdsLargeBuffer()) {
        m_buffer = QByteArray();
        m_pos = 0;
    }
}

void FrameReader::feed(const char *data, qsizetype size)
{
    if (hasError() || size <= 0)
        return;
    compact();
    m_buffer.append(data, size);
}

char *FrameReader::space(qsizetype size)
{
    compact();
    const qsizetype used = m_buffer.size();
    const qsizetype need = used + std::max<qsizetype>(size, 0);
    if (need > m_buffer.capacity()) {
        // A large frame gets exactly its size (a doubled buffer would be touched and
        // zeroed by the kernel for nothing); small ones grow geometrically.
        m_buffer.reserve(need > (1 << 20) ? need : std::max(need, 2 * m_buffer.capacity()));
    }
    return m_buffer.data() + used; // the bytes past size() up to capacity() are ours to fill
}

void FrameReader::commit(qsizetype written)
{
    if (hasError() || written <= 0)
        return;
    m_buffer.resize(m_buffer.size() + written);
}

qsizetype FrameReader::wanted() const
{
    const qsizetype available = m_buffer.size() - m_pos;
    if (available < HeaderSize)
        return HeaderSize - available;
    const quint32 length =
        qFromBigEndian<quint32>(reinterpret_cast<const uchar *>(m_buffer.constData() + m_pos));
    if (length > m_maxFrame)
        return 0;
    return std::max<qsizetype>(HeaderSize + qsizetype(length) - available, 0);
}

FrameReader::Status FrameReader::next(Message *message)
{
    if (hasError())
        return Status::Error;
    const qsizetype available = m_buffer.size() - m_pos;
    if (available < HeaderSize)
        return Status::NeedMore;
    const quint32 length =
        qFromBigEndian<quint32>(reinterpret_cast<const uchar *>(m_buffer.constData() + m_pos));
    if (length > m_maxFrame) {
        m_error = QStringLiteral("a frame announced %1 bytes, more than the limit of %2 bytes")
                      .arg(length)
                      .arg(m_maxFrame);
        m_buffer.clear();
        m_pos = 0;
        return Status::Error;
    }
    if (length == 0) {
        m_error = QStringLiteral("an empty frame arrived");
        return Status::Error;
    }
    if (available < HeaderSize + qsizetype(length))
        return Status::NeedMore;
    const QByteArray payload =
        QByteArray::fromRawData(m_buffer.constData() + m_pos + HeaderSize, length);
    m_pos += HeaderSize + length;
    m_lastFrameSize = HeaderSize + qsizetype(length);
    QString error;
    if (!decodePayload(payload, message, &error)) {
        m_error = error;
        return Status::Error;
    }
    consumed();
    return Status::Frame;
}

static void appendDisplay(const QCborValue &v, QString &out, int depth)
{
    if (depth > 8) {
        out += QStringLiteral("…");
        return;
    }
    switch (v.type()) {
    case QCborValue::Integer:
        out += QString::number(v.toInteger());
        break;
    case QCborValue::Double:
        out += QString::number(v.toDouble(), 'g', 12);
        break;
    case QCborValue::True:
        out += QStringLiteral("true");
        break;
    case QCborValue::False:
        out += QStringLiteral("false");
        break;
    case QCborValue::Null:
        out += QStringLiteral("null");
        break;
    case QCborValue::Undefined:
        out += QStringLiteral("undefined");
        break;
    case QCborValue::String: {
        const QString s = v.toString();
        out += QLatin1Char('"');
        out += s.size() > 80 ? s.left(77) + QStringLiteral("…") : s;
        out += QLatin1Char('"');
        break;
    }
    case QCborValue::ByteArray: {
        const qsizetype n = byteStringSize(v);
        out += n >= 1024 * 1024
                   ? QStringLiteral("bytes(%1 MiB)").arg(n / (1024.0 * 1024.0), 0, 'f', 1)
                   : QStringLiteral("bytes(%1)").arg(n);
        break;
    }
    case QCborValue::Array: {
        const QCborArray a = v.toArray();
        out += QLatin1Char('[');
        for (qsizetype i = 0; i < a.size(); ++i) {
            if (i)
                out += QStringLiteral(", ");
            if (out.size() > 400) {
                out += QStringLiteral("…");
                break;
            }
            appendDisplay(a.at(i), out, depth + 1);
        }
        out += QLatin1Char(']');
        break;
    }
    case QCborValue::Map: {
        const QCborMap m = v.toMap();
        out += QLatin1Char('{');
        bool first = true;
        for (auto it = m.constBegin(); it != m.constEnd(); ++it) {
            if (!first)
                out += QStringLiteral(", ");
            first = false;
            if (out.size() > 400) {
                out += QStringLiteral("…");
                break;
            }
            appendDisplay(it.key(), out, depth + 1);
            out += QStringLiteral(": ");
            appendDisplay(it.value(), out, depth + 1);
        }
        out += QLatin1Char('}');
        break;
    }
    default:
        out += QStringLiteral("<%1>").arg(int(v.type()));
        break;
    }
}

static QString clip(QString s, int maxLength)
{
    if (maxLength > 1 && s.size() > maxLength)
        s = s.left(maxLength - 1) + QStringLiteral("…");
    return s;
}

QString displayText(const QCborValue &value, int maxLength)
{
    // The common answers of tiny calls, without building and clipping a string.
    if (value.isInteger())
        return QString::number(value.toInteger());
    if (value.isNull()) {
        static const QString null = QStringLiteral("null");
        return null;
    }
    QString out;
    appendDisplay(value, out, 0);
    return clip(out, maxLength);
}

QString displayArgs(const QCborArray &args, const QCborMap &kwargs, int maxLength)
{
    QString out;
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (i)
            out += QStringLiteral(", ");
        appendDisplay(args.at(i), out, 1);
    }
    for (auto it = kwargs.constBegin(); it != kwargs.constEnd(); ++it) {
        if (!out.isEmpty())
            out += QStringLiteral(", ");
        out += it.key().toString() + QLatin1Char('=');
        appendDisplay(it.value(), out, 1);
    }
    return clip(out, maxLength);
}

} // namespace procession::protocol
