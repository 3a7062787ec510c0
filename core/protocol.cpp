// The protocol's messages and their general codec (QCborValue). The fast path for tiny
// messages is in protocolencode.cpp and protocoldecode.cpp, the frame splitter in
// framereader.cpp, display texts in displaytext.cpp.

#include "protocol.h"
#include "protocolfast.h"

#include <QCborStreamReader>
#include <QtEndian>

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

} // namespace procession::protocol
