// procession_faulthelper: a worker that speaks the protocol badly, on purpose.
//
//   procession_faulthelper MODE SERVER LANE      (token in PROCESSION_TOKEN, like a worker)
//
// It is a real process started by a real Session, so the fault tests exercise the
// parent's sockets, timers and process handling exactly as a broken worker would.
//
// MODE decides how it starts:
//   serve       a normal worker, except for the fault functions below
//   nohello     connects and says nothing
//   noconnect   never connects
//   wrongtoken  says hello with a token of its own
//   termable    serves, but ignores the exit request and stdin's end; dies on SIGTERM
//   stubborn    like termable, and ignores SIGTERM too: only SIGKILL ends it
//   exit0       exits at once with status 0; exit1 likewise with status 1
//   parent      not a worker: a parent with a Session of two stubborn helpers; prints their
//               pids, one a line, then waits to be killed (what happens to them then is
//               the operating system's doing: a parent-death signal, a Job object)
//
// In every mode that serves, a call to one of these names misbehaves; any other name
// runs the bundled task, so the same worker also proves it served before the fault:
//   junk            writes a line of text where a frame should be
//   bad-cbor        a frame of the right length holding bytes that are not CBOR
//   not-map         a frame holding the CBOR integer 42
//   unknown-type    a frame holding {"type": "gossip"}
//   wrong-id        a well-formed result for a call that was never made
//   over-limit      a header announcing 0xfffffff0 bytes
//   truncate-close  half a result frame, then closes the connection (stays alive)
//   truncate-exit   half a result frame, then exits with status 0
//   spew            prints 1 MiB of binary junk without a newline, then answers
#include "clock.h"
#include "protocol.h"
#include "registry.h"
#include "session.h"
#include "workerplatform.h"

#include <QCoreApplication>
#include <QLocalSocket>
#include <QRandomGenerator>
#include <QtEndian>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>

using namespace procession;
using protocol::FrameReader;
using protocol::Message;

namespace {

void send(QLocalSocket &socket, const QByteArray &bytes)
{
    socket.write(bytes);
    while (socket.bytesToWrite() > 0 && socket.waitForBytesWritten(5000)) {
    }
}

QByteArray frameOf(const QCborValue &value)
{
    const QByteArray payload = value.toCbor();
    QByteArray out(4, '\0');
    qToBigEndian<quint32>(quint32(payload.size()), out.data());
    return out + payload;
}

[[noreturn]] void waitToBeKilled()
{
    for (;;)
        std::this_thread::sleep_for(std::chrono::hours(1));
}

// Answers `m` badly, as its function name asks.
void misbehave(QLocalSocket &socket, const Message &m)
{
    const QString &fn = m.function;
    if (fn == QLatin1String("junk")) {
        send(socket, "hello parent, this is not a frame\n");
    } else if (fn == QLatin1String("bad-cbor")) {
        QByteArray frame(4, '\0');
        qToBigEndian<quint32>(16, frame.data());
        send(socket, frame + QByteArray(16, '\xff'));
    } else if (fn == QLatin1String("not-map")) {
        send(socket, frameOf(QCborValue(42)));
    } else if (fn == QLatin1String("unknown-type")) {
        send(socket, frameOf(QCborMap{{QStringLiteral("type"), QStringLiteral("gossip")}}));
    } else if (fn == QLatin1String("wrong-id")) {
        send(socket, protocol::encode(Message::result(m.id + 1000, 1, nowNs(), nowNs(), 0)));
    } else if (fn == QLatin1String("over-limit")) {
        send(socket, QByteArray("\xff\xff\xff\xf0\xa1\x61\x61\x01", 8));
    } else if (fn == QLatin1String("truncate-close") || fn == QLatin1String("truncate-exit")) {
        const QByteArray frame = protocol::encode(Message::result(m.id, 7, nowNs(), nowNs(), 0));
        send(socket, frame.left(frame.size() / 2));
        if (fn == QLatin1String("truncate-exit"))
            std::_Exit(0);
        // Closing a Unix socket with unread input resets it, and the reset may overtake
        // the half frame: read what the parent sent first, so the test sees the frame cut.
        while (socket.waitForReadyRead(200))
            socket.readAll();
        socket.disconnectFromServer();
        waitToBeKilled();
    }
}

int runAsParent(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    procession::SessionOptions o;
    o.program = QCoreApplication::applicationFilePath();
    o.arguments = {QStringLiteral("stubborn")};
    // Never destroyed: this process ends by being killed, and its workers with it or not.
    auto *session = new procession::Session(nullptr, o);
    for (int i = 0; i < 2; ++i)
        session->fork();
    QString error;
    if (!session->waitAllReady(10000, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 5;
    }
    for (int w = 1; w <= 2; ++w)
        std::printf("%lld\n", static_cast<long long>(session->pid(w)));
    std::fflush(stdout);
    waitToBeKilled();
}

} // namespace

int main(int argc, char **argv)
{
    if (argc >= 2 && std::strcmp(argv[1], "parent") == 0)
        return runAsParent(argc, argv);
    if (argc < 4) {
        std::fprintf(stderr, "usage: procession_faulthelper MODE SERVER LANE\n");
        return 2;
    }
    const QByteArray mode = argv[1];
    if (mode == "exit0" || mode == "exit1")
        return mode == "exit0" ? 0 : 1;
    const bool stubborn = mode == "stubborn";
    const bool termable = mode == "termable";
    if (stubborn)
        std::signal(SIGTERM, SIG_IGN);
#if defined(Q_OS_WIN)
    else // what SIGTERM's default action does on POSIX, a Procession worker does on Windows
        procession::endOnTerminateRequest();
#endif

    QCoreApplication app(argc, argv);
    if (mode == "noconnect")
        waitToBeKilled();

    QLocalSocket socket;
    socket.connectToServer(QString::fromLocal8Bit(argv[2]));
    if (!socket.waitForConnected(5000))
        return 3;
    if (mode == "nohello")
        waitToBeKilled();

    QByteArray token = QByteArray::fromHex(qgetenv("PROCESSION_TOKEN"));
    if (mode == "wrongtoken") {
        token = QByteArray(32, Qt::Uninitialized);
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(token.data()), 8);
    }
    send(socket, protocol::encode(Message::hello(QCoreApplication::applicationPid(), token)));

    static const QStringList faults = {
        QStringLiteral("junk"),           QStringLiteral("bad-cbor"),
        QStringLiteral("not-map"),        QStringLiteral("unknown-type"),
        QStringLiteral("wrong-id"),       QStringLiteral("over-limit"),
        QStringLiteral("truncate-close"), QStringLiteral("truncate-exit")};
    TaskContext ctx;
    FrameReader reader;
    for (;;) {
        if (!socket.waitForReadyRead(-1)) {
            if (stubborn || termable)
                waitToBeKilled();
            return 0; // the parent closed the connection
        }
        reader.feed(socket.readAll());
        Message m;
        FrameReader::Status status;
        while ((status = reader.next(&m)) == FrameReader::Status::Frame) {
            if (m.kind == Message::Kind::Exit) {
                if (stubborn || termable)
                    waitToBeKilled();
                return 0;
            }
            if (faults.contains(m.function)) {
                misbehave(socket, m);
                continue;
            }
            if (m.function == QLatin1String("spew")) {
                QByteArray junk(1 << 20, Qt::Uninitialized);
                QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(junk.data()),
                                                      junk.size() / 4);
                junk.replace('\n', 'x');
                std::fwrite(junk.constData(), 1, size_t(junk.size()), stdout);
                std::fflush(stdout);
            }
            const qint64 begin = nowNs();
            const Registry::Outcome r =
                m.function == QLatin1String("spew")
                    ? Registry::Outcome{true, QCborValue(1), {}, {}}
                    : Registry::bundled().call(m.function, m.args, m.kwargs, ctx);
            const qint64 end = nowNs();
            send(socket, protocol::encode(r.ok ? Message::result(m.id, r.value, begin, end, 0)
                                               : Message::error(m.id, r.errorKind, r.errorMessage,
                                                                begin, end, 0)));
        }
        if (status == FrameReader::Status::Error)
            return 4;
    }
}
