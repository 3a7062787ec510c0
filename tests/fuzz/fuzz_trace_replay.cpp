// Replays the trace reader's corpus (fuzz_trace.cpp) with any compiler: every file once;
// a crash or an abort fails the test.
#include <QCoreApplication>
#include <QDirIterator>
#include <QFile>

#include <cstdint>
#include <cstdio>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int files = 0;
    for (const QString &arg : app.arguments().mid(1)) {
        QDirIterator it(arg, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            if (!f.open(QIODevice::ReadOnly)) {
                std::fprintf(stderr, "fuzz_trace_replay: cannot read %s\n",
                             qPrintable(f.fileName()));
                return 1;
            }
            const QByteArray bytes = f.readAll();
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.constData()),
                                   size_t(bytes.size()));
            ++files;
        }
    }
    std::printf("fuzz_trace_replay: %d inputs read without a crash\n", files);
    return files > 0 ? 0 : 1;
}
