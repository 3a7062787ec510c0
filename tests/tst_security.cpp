// Only our own workers can talk to the parent, and the token that proves it stays secret:
// not in argv, not in the trace, not in anything printed.
#include "faultutil.h"
#include "realworkers.h"

#include "chrometrace.h"
#include "protocol.h"
#include "session.h"
#include "trace.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QLocalSocket>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

using namespace procession;
using namespace faultutil;
using protocol::Message;

namespace {

QByteArray frameOf(const QCborValue &value)
{
    const QByteArray payload = value.toCbor();
    QByteArray out(4, '\0');
    qToBigEndian<quint32>(quint32(payload.size()), out.data());
    return out + payload;
}

QStringList rejections(const Trace &trace)
{
    QStringList out;
    for (const TraceEvent &e : trace.events())
        if (e.type == EventType::Rejected)
            out << e.text;
    return out;
}

// The token a worker was started with, read the way another process of the same user
// could: it is only there, in the worker's initial environment.
QByteArray tokenOf(qint64 pid)
{
#if defined(Q_OS_LINUX)
    return startEnvironment(pid, "PROCESSION_TOKEN");
#else
    Q_UNUSED(pid);
    return {};
#endif
}

// Reading another process's start-up environment and argv is a /proc feature.
#if defined(Q_OS_LINUX)
#define SKIP_WITHOUT_PROC()
#else
#define SKIP_WITHOUT_PROC() QSKIP("reads /proc/PID/environ and /proc/PID/cmdline (Linux only)")
#endif

// Every way the token could leak as text.
QByteArrayList spellings(const QByteArray &hexToken)
{
    const QByteArray raw = QByteArray::fromHex(hexToken);
    return {hexToken, hexToken.toUpper(), raw.toBase64(),
            raw.toBase64(QByteArray::Base64UrlEncoding), raw};
}

} // namespace

class tst_Security : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { becomeSubreaper(); }

    void foreignClientIsRejected_data();
    void foreignClientIsRejected();
    void silentClientIsDroppedWithinASecond_data();
    void silentClientIsDroppedWithinASecond();
    void tokenOffByOneByteIsRejected_data();
    void tokenOffByOneByteIsRejected();
    void usedTokenCannotBeReplayed();
    void serverIsPrivateAndFresh();
    void tokenIsNotInArgv();
    void tokenIsNotInTraceOrOutput();
};

void tst_Security::foreignClientIsRejected_data()
{
    QTest::addColumn<QByteArray>("first");
    QTest::addColumn<QString>("reason");
    QByteArray wrong(32, 'a');
    QTest::newRow("wrong token") << protocol::encode(Message::hello(4242, wrong)) << "wrong token";
    QTest::newRow("empty token") << protocol::encode(Message::hello(4242, {})) << "wrong token";
    QTest::newRow("short token") << protocol::encode(Message::hello(4242, wrong.left(31)))
                                 << "wrong token";
    QTest::newRow("a call first") << protocol::encode(
                                         Message::call(1, QStringLiteral("square"), {3}))
                                  << "not hello";
    QTest::newRow("an exit first") << protocol::encode(Message::exit()) << "not hello";
    QTest::newRow("old protocol") << frameOf(
                                         QCborMap{{QStringLiteral("type"), QStringLiteral("hello")},
                                                  {QStringLiteral("protocol"), 0},
                                                  {QStringLiteral("pid"), 1},
                                                  {QStringLiteral("token"), wrong}})
                                  << "protocol 0";
    QTest::newRow("text") << QByteArray("GET / HTTP/1.1\r\n\r\n") << "malformed first frame";
    QTest::newRow("huge length") << QByteArray("\x7f\xff\xff\xff", 4) << "malformed first frame";
    QTest::newRow("not CBOR") << QByteArray("\0\0\0\4\xff\xff\xff\xff", 8)
                              << "malformed first frame";
}

// A client that knows the server's name but not the token is dropped, recorded, and
// never gets to run anything; the real worker is untouched.
void tst_Security::foreignClientIsRejected()
{
    QFETCH(QByteArray, first);
    QFETCH(QString, reason);
    Trace trace;
    Session s(&trace, realWorkers());
    const int w = s.fork();
    QString error;
    QVERIFY2(s.waitReady(w, 10000, &error), qPrintable(error));

    QLocalSocket intruder;
    intruder.connectToServer(s.serverName());
    QVERIFY(intruder.waitForConnected(5000));
    intruder.write(first);
    intruder.write(
        protocol::encode(Message::call(1, QStringLiteral("crash"), {QStringLiteral("abort")})));
    intruder.flush();
    QTRY_COMPARE_WITH_TIMEOUT(intruder.state(), QLocalSocket::UnconnectedState, 1500);
    QCOMPARE(intruder.bytesAvailable(), 0);
    QCOMPARE(s.rejectedConnections(), 1);
    const QStringList why = rejections(trace);
    QCOMPARE(why.size(), 1);
    QVERIFY2(why.first().contains(reason), qPrintable(why.first()));

    s.callAsync(w, QStringLiteral("square"), {6});
    const CallOutcome out = s.callAwait(w, 10000);
    QVERIFY2(out.ok, qPrintable(out.error));
    QCOMPARE(out.value.toInteger(), 36);
}

void tst_Security::silentClientIsDroppedWithinASecond_data()
{
    QTest::addColumn<QByteArray>("says");
    QTest::newRow("nothing") << QByteArray();
    QTest::newRow("three bytes of a header") << QByteArray("\0\0\0", 3);
    QTest::newRow("half a hello")
        << protocol::encode(Message::hello(1, QByteArray(32, 'x'))).left(20);
}

void tst_Security::silentClientIsDroppedWithinASecond()
{
    QFETCH(QByteArray, says);
    Trace trace;
    Session s(&trace, realWorkers());
    QVERIFY(s.listen());
    QLocalSocket idle;
    idle.connectToServer(s.serverName());
    QVERIFY(idle.waitForConnected(5000));
    QElapsedTimer timer;
    timer.start();
    if (!says.isEmpty()) {
        idle.write(says);
        idle.flush();
    }
    QTRY_COMPARE_WITH_TIMEOUT(idle.state(), QLocalSocket::UnconnectedState, 3000);
    const qint64 took = timer.elapsed();
    QVERIFY2(took >= 800 && took < 2000, qPrintable(QString::number(took)));
    QCOMPARE(s.rejectedConnections(), 1);
    const QStringList why = rejections(trace);
    QCOMPARE(why,
             QStringList{QStringLiteral("a connection said nothing for 1000 ms and was dropped")});
}

void tst_Security::tokenOffByOneByteIsRejected_data()
{
    QTest::addColumn<int>("index");
    QTest::newRow("first byte") << 0;
    QTest::newRow("middle byte") << 15;
    QTest::newRow("last byte") << 31;
}

// A token that differs from a waiting worker's in one byte is refused. The worker never
// connects (faulthelper noconnect), so it is still in its hello phase and only the token
// comparison stands between the intruder and the worker's place; the real token, sent
// afterwards, is taken, which proves the intruder reached that comparison.
void tst_Security::tokenOffByOneByteIsRejected()
{
    SKIP_WITHOUT_PROC();
    QFETCH(int, index);
    Trace trace;
    SessionOptions o;
    o.program = QStringLiteral(FAULT_HELPER_EXE);
    o.arguments = {QStringLiteral("noconnect")};
    Session s(&trace, o);
    const int w = s.fork();
    QVERIFY(s.pid(w) > 0);
    QByteArray hex;
    QTRY_VERIFY_WITH_TIMEOUT(!(hex = tokenOf(s.pid(w))).isEmpty(), 5000);
    const QByteArray token = QByteArray::fromHex(hex);
    QCOMPARE(token.size(), 32);
    QByteArray wrong = token;
    wrong[index] = char(uchar(wrong[index]) ^ 0x01);

    QLocalSocket intruder;
    intruder.connectToServer(s.serverName());
    QVERIFY(intruder.waitForConnected(5000));
    intruder.write(protocol::encode(Message::hello(4242, wrong)));
    intruder.flush();
    QTRY_COMPARE_WITH_TIMEOUT(intruder.state(), QLocalSocket::UnconnectedState, 1500);
    QCOMPARE(s.rejectedConnections(), 1);
    const QStringList why = rejections(trace);
    QCOMPARE(why.size(), 1);
    QVERIFY2(why.first().contains(QStringLiteral("wrong token")), qPrintable(why.first()));

    QLocalSocket holder;
    holder.connectToServer(s.serverName());
    QVERIFY(holder.waitForConnected(5000));
    holder.write(protocol::encode(Message::hello(4242, token)));
    holder.flush();
    QString error;
    QVERIFY2(s.waitReady(w, 5000, &error), qPrintable(error));
    QCOMPARE(s.rejectedConnections(), 1);
}

// A worker's token is good for one hello: someone who read it later cannot pose as it.
void tst_Security::usedTokenCannotBeReplayed()
{
    SKIP_WITHOUT_PROC();
    Trace trace;
    Session s(&trace, realWorkers());
    const int w = s.fork();
    QString error;
    QVERIFY2(s.waitReady(w, 10000, &error), qPrintable(error));
    const qint64 pid = s.pid(w);
    QVERIFY(pid > 0);
    const QByteArray token = QByteArray::fromHex(tokenOf(pid));
    QCOMPARE(token.size(), 32);

    QLocalSocket thief;
    thief.connectToServer(s.serverName());
    QVERIFY(thief.waitForConnected(5000));
    thief.write(protocol::encode(Message::hello(4242, token)));
    thief.flush();
    QTRY_COMPARE_WITH_TIMEOUT(thief.state(), QLocalSocket::UnconnectedState, 1500);
    QCOMPARE(s.rejectedConnections(), 1);
    QCOMPARE(s.pid(w), pid); // the worker keeps its identity
    s.callAsync(w, QStringLiteral("square"), {4});
    QCOMPARE(s.callAwait(w, 10000).value.toInteger(), 16);
}

void tst_Security::serverIsPrivateAndFresh()
{
    Session a(nullptr, realWorkers());
    Session b(nullptr, realWorkers());
    QVERIFY(a.listen());
    QVERIFY(b.listen());
    QVERIFY(a.serverName() != b.serverName());
#if defined(Q_OS_WIN)
    // A named pipe: no file, no directory; it is private by its owner-only DACL
    // (QLocalServer::UserAccessOption).
    for (const QString &name : {a.serverName(), b.serverName()})
        QVERIFY2(name.startsWith(QLatin1String("\\\\.\\pipe\\")), qPrintable(name));
    return;
#endif
    for (const QString &name : {a.serverName(), b.serverName()}) {
        QVERIFY2(name.toLocal8Bit().size() < 104, qPrintable(name)); // fits sun_path everywhere
        const QFileInfo socket(name);
        QVERIFY(socket.exists());
        QCOMPARE(socket.permissions() & (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther |
                                         QFile::WriteOther | QFile::ExeGroup | QFile::ExeOther),
                 QFile::Permissions());
        const QFileInfo dir(socket.absolutePath());
        QCOMPARE(dir.permissions() & (QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup |
                                      QFile::ReadOther | QFile::WriteOther | QFile::ExeOther),
                 QFile::Permissions());
    }
}

// argv is readable by every user: a worker's command line is exactly
// `procession --worker SERVER LANE`, with no token in it.
void tst_Security::tokenIsNotInArgv()
{
    SKIP_WITHOUT_PROC();
#if defined(Q_OS_LINUX)
    Session s(nullptr, realWorkers());
    QList<int> workers;
    for (int i = 0; i < 3; ++i)
        workers << s.fork();
    QString error;
    QVERIFY2(s.waitAllReady(10000, &error), qPrintable(error));
    for (int w : std::as_const(workers)) {
        const qint64 pid = s.pid(w);
        const QByteArrayList argv = commandLine(pid);
        const QByteArrayList expected = {PROCESSION_EXE, "--worker", s.serverName().toLocal8Bit(),
                                         QByteArray::number(w)};
        QCOMPARE(argv, expected);
        const QByteArray token = tokenOf(pid);
        QCOMPARE(token.size(), 64);
        const QByteArray joined = argv.join(' ');
        for (const QByteArray &spelling : spellings(token))
            QVERIFY(!joined.contains(spelling));
    }
#endif
}

// `procession run` with a trace file: whatever it prints or writes holds no token.
void tst_Security::tokenIsNotInTraceOrOutput()
{
    SKIP_WITHOUT_PROC();
    QTemporaryDir dir;
    const QString traceFile = dir.filePath(QStringLiteral("run.json"));
    for (const bool json : {false, true}) {
        QProcess run;
        QStringList args{QStringLiteral("run"), QStringLiteral("greet-square-pool"),
                         QStringLiteral("--trace"), traceFile};
        if (json)
            args << QStringLiteral("--json");
        run.start(QStringLiteral(PROCESSION_EXE), args);
        QVERIFY(run.waitForStarted(5000));
        QByteArrayList tokens;
        QTRY_COMPARE_WITH_TIMEOUT(workersOf(run.processId()).size(), 4, 10000);
        for (qint64 pid : workersOf(run.processId()))
            tokens << tokenOf(pid);
        QVERIFY(run.waitForFinished(30000));
        QCOMPARE(run.exitCode(), 0);
        QFile file(traceFile);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray everything =
            run.readAllStandardOutput() + run.readAllStandardError() + file.readAll();
        QVERIFY(everything.size() > 1000);
        QCOMPARE(tokens.size(), 4);
        for (const QByteArray &token : std::as_const(tokens)) {
            QCOMPARE(token.size(), 64);
            for (const QByteArray &spelling : spellings(token))
                QVERIFY2(!everything.contains(spelling), spelling.constData());
        }
    }
}

QTEST_GUILESS_MAIN(tst_Security)
#include "tst_security.moc"
