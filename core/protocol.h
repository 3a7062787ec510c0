#pragma once

#include <QByteArray>
#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QString>

namespace procession {

// Wire format between the parent and its workers: a frame is a 4-byte big-endian
// length followed by that many bytes of one CBOR map. Messages:
//   hello  {protocol, pid, token}
//   call   {id, fn, args, kwargs}
//   result {id, value, begin, end, cpu, wait}
//   error  {id, kind, message, begin, end, cpu, wait}
//   exit   {}
namespace protocol {

constexpr int Version = 1;
constexpr quint32 DefaultMaxFrame = 64u * 1024 * 1024;
constexpr int HeaderSize = 4;

struct Message
{
    enum class Kind
    {
        Hello,
        Call,
        Result,
        Error,
        Exit
    };
    Kind kind = Kind::Exit;

    qint64 id = -1;          // call, result, error
    QString function;        // call
    QCborArray args;         // call
    QCborMap kwargs;         // call
    QCborValue value;        // result
    QString errorKind;       // error
    QString errorMessage;    // error
    qint64 begin = 0;        // result, error: worker's clock
    qint64 end = 0;          // result, error
    qint64 cpuNs = 0;        // result, error: CPU time the call used
    qint64 waitNs = 0;       // result, error: time it was ready to run but had no CPU
    int protocolVersion = 0; // hello
    qint64 pid = 0;          // hello
    QByteArray token;        // hello

    static Message hello(qint64 pid, const QByteArray &token);
    static Message call(qint64 id, const QString &fn, const QCborArray &args,
                        const QCborMap &kwargs = {});
    static Message result(qint64 id, const QCborValue &value, qint64 begin, qint64 end, qint64 cpu,
                          qint64 wait = 0);
    static Message error(qint64 id, const QString &kind, const QString &message, qint64 begin,
                         qint64 end, qint64 cpu, qint64 wait = 0);
    static Message exit();
};

QString kindName(Message::Kind kind);

// Encodes one message as a complete frame (header included).
QByteArray encode(const Message &message);
// Appends a frame to `out`, avoiding a temporary when batching many frames.
void encodeInto(const Message &message, QByteArray &out);

// Decodes the payload of one frame (no header). Returns false and sets `error`
// to a sentence when the bytes are not a well-formed message.
bool decodePayload(const QByteArray &payload, Message *message, QString *error);

// Collects bytes as they arrive and cuts them into frames. Never allocates more
// than the frame limit, whatever a header announces.
class FrameReader
{
public:
    enum class Status
    {
        NeedMore,
        Frame,
        Error
    };

    explicit FrameReader(quint32 maxFrame = DefaultMaxFrame) : m_maxFrame(maxFrame) {}

    void feed(const QByteArray &bytes);
    void feed(const char *data, qsizetype size);
    // Reading from a descriptor straight into the buffer, without a copy: space() gives
    // room for `size` more bytes, commit() says how many of them arrived.
    char *space(qsizetype size);
    void commit(qsizetype written);
    // How many more bytes the frame being collected needs (a header's worth when no
    // frame has been announced yet); a good size for the next read.
    qsizetype wanted() const;
    // The buffer keeps its size between frames, so a run of large payloads does not make
    // the kernel hand out and zero fresh pages for each. True when it holds more than
    // 1 MiB with nothing in it; shrink() gives that memory back (call it when idle).
    bool holdsLargeBuffer() const;
    void shrink();
    // Takes the next complete message from the buffer, if any. After Error the
    // reader stays in error: the stream cannot be trusted any more.
    Status next(Message *message);
    QString errorString() const { return m_error; }
    bool hasError() const { return !m_error.isEmpty(); }
    qsizetype buffered() const { return m_buffer.size() - m_pos; }
    // The size of the last frame next() took, header included.
    qsizetype lastFrameSize() const { return m_lastFrameSize; }

private:
    void compact();
    void consumed();

    QByteArray m_buffer;
    qsizetype m_pos = 0;
    quint32 m_maxFrame;
    qsizetype m_lastFrameSize = 0;
    QString m_error;
};

// Human-readable, single-line rendering of a CBOR value, used in labels and reports:
// 3, "Chess", [1, 2], {"a": 1}, b"…(16 MiB)".
QString displayText(const QCborValue &value, int maxLength = 200);
QString displayArgs(const QCborArray &args, const QCborMap &kwargs, int maxLength = 200);

} // namespace protocol
} // namespace procession
