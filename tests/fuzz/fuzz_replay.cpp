// Replays a fuzzing corpus through the frame decoder (fuzz_frame.cpp) with any compiler:
//   fuzz_replay DIR|FILE...          every file once; a crash fails the test
//   fuzz_replay --write-seeds DIR    writes the seed corpus kept in tests/fuzz/corpus
#include "protocol.h"

#include <QCoreApplication>
#include <QDirIterator>
#include <QFile>
#include <QtEndian>

#include <cstdint>
#include <cstdio>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

using namespace procession::protocol;

static int writeSeeds(const QString &dir)
{
    QCborMap nested;
    nested.insert(QStringLiteral("list"),
                  QCborArray{1, -2, 2.5, QStringLiteral("x"), QByteArray("\0\1", 2), true,
                             QCborValue(nullptr)});
    const QList<QPair<const char *, Message>> messages = {
        {"hello", Message::hello(4812, QByteArray(32, '\x5a'))},
        {"call", Message::call(1, QStringLiteral("greet"), {0, QStringLiteral("Dan")})},
        {"call-kwargs", Message::call(2, QStringLiteral("crash"), {QStringLiteral("abort")},
                                      {{QStringLiteral("after_ms"), 10}})},
        {"result", Message::result(3, nested, 100, 200, 50)},
        {"result-bytes", Message::result(4, QByteArray(300, 'b'), 1, 2, 3)},
        {"error", Message::error(5, QStringLiteral("task-error"), QStringLiteral("boom"), 1, 2, 3)},
        {"exit", Message::exit()},
    };
    auto write = [&dir](const QString &name, const QByteArray &bytes) {
        QFile f(dir + QLatin1Char('/') + name);
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
    };
    QByteArray stream;
    for (const auto &[name, m] : messages) {
        const QByteArray frame = encode(m);
        stream += frame;
        if (!write(QStringLiteral("frame-%1").arg(QLatin1String(name)), frame) ||
            !write(QStringLiteral("payload-%1").arg(QLatin1String(name)), frame.mid(HeaderSize)))
            return 1;
    }
    const QByteArray nestedDeep = QByteArray("\x81").repeated(2000) + '\0';
    QByteArray trailing = encode(Message::exit()); // announces one byte more than its value
    trailing[3] = char(trailing[3] + 1);
    trailing += 'x';
    const QList<QPair<const char *, QByteArray>> bad = {
        {"stream-all", stream},
        {"frame-past-limit", QByteArray("\xff\xff\xff\xf0\xa1\x61\x61\x01", 8)},
        {"frame-empty", QByteArray(4, '\0')},
        {"frame-not-map", QByteArray("\0\0\0\1\x18", 5)},
        {"frame-trailing", trailing},
        {"payload-deep", nestedDeep},
        {"payload-huge-array", QByteArray("\x9b\xff\xff\xff\xff\xff\xff\xff\xff", 9)},
        {"text", QByteArray("GET / HTTP/1.1\r\n\r\n")},
    };
    for (const auto &[name, bytes] : bad)
        if (!write(QLatin1String(name), bytes))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    if (args.size() == 2 && args.first() == QLatin1String("--write-seeds"))
        return writeSeeds(args.at(1));
    int files = 0;
    for (const QString &arg : args) {
        QStringList paths;
        if (QFileInfo(arg).isDir()) {
            QDirIterator it(arg, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext())
                paths << it.next();
        } else {
            paths << arg;
        }
        for (const QString &path : std::as_const(paths)) {
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly)) {
                std::fprintf(stderr, "fuzz_replay: cannot read %s\n", qPrintable(path));
                return 1;
            }
            const QByteArray bytes = f.readAll();
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.constData()),
                                   size_t(bytes.size()));
            ++files;
        }
    }
    std::printf("fuzz_replay: %d inputs decoded without a crash\n", files);
    return files > 0 ? 0 : 1;
}
