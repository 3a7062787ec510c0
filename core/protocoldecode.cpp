// The codec's fast path (protocolfast.h): tiny messages read from their CBOR bytes
// directly, without a QCborValue per field.

#include "protocolfast.h"

#include <QCborStreamReader>
#include <QtEndian>

#include <algorithm>
#include <cstring>
#include <limits>

namespace procession::protocol::fast {

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
    // Eight bytes at a time, their high bits or-ed together and looked at once a block: the
    // byte-by-byte loop with its early exit was a third of decoding an 8 MiB string.
    quint64 i = 0;
    constexpr quint64 Block = 256;
    for (; i + Block <= n; i += Block) {
        quint64 any = 0;
        for (quint64 k = 0; k < Block; k += 8) {
            quint64 word;
            std::memcpy(&word, p + i + k, 8);
            any |= word;
        }
        if (any & 0x8080808080808080ULL)
            return false;
    }
    for (; i < n; ++i)
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
        // Kept as the ASCII bytes they are (QCborValue stores ASCII text so): not widened
        // to UTF-16 and narrowed again, which for an 8 MiB string was most of its decoding.
        *out = QCborValue(
            QLatin1StringView(reinterpret_cast<const char *>(c.p), qsizetype(h.arg)));
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

} // namespace procession::protocol::fast
