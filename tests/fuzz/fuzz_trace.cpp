// libFuzzer target for the trace reader: whatever bytes a person opens as a trace (any
// tool's Chrome trace, our own, gzip, or garbage) go through the one reader and the
// timeline builder in both modes. Built with clang's -fsanitize=fuzzer when PROCESSION_FUZZ
// is on; fuzz_trace_replay runs it over tests/fuzz/trace-corpus with any compiler.
#include "traceloader.h"
#include "tracereader.h"
#include "tracesummary.h"

#include <QByteArray>

#include <cstdint>
#include <cstdlib>

using namespace procession;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    for (TraceLoadMode mode : {TraceLoadMode::Timeline, TraceLoadMode::Replay}) {
        const LoadedTrace t = loadTraceData(bytes, mode);
        if (t.status != TraceReadStatus::Ok) {
            if (t.error.isEmpty())
                std::abort(); // a refusal always says why
            continue;
        }
        const ChromeTimeline &tl = t.timeline;
        // What the window and the summary rely on: every index in range, rows in order.
        for (const TraceSlice &s : tl.slices()) {
            if (s.lane < 0 || s.lane >= tl.lanes().size() || s.end < s.begin)
                std::abort();
            (void)tl.string(s.name);
            (void)tl.args(s.args);
        }
        for (const TraceLane &l : tl.lanes()) {
            if (l.rowFirst.size() != l.rows + 1 ||
                l.first + l.count > qsizetype(tl.slices().size()))
                std::abort();
            for (int r = 0; r < l.rows; ++r)
                for (qsizetype i = l.rowFirst.at(r); i + 1 < l.rowFirst.at(r + 1); ++i)
                    if (tl.slices()[std::size_t(i)].begin > tl.slices()[std::size_t(i + 1)].begin)
                        std::abort();
        }
        for (const TraceFlow &f : tl.flows())
            if (f.fromSlice >= qint32(tl.slices().size()) ||
                f.toSlice >= qint32(tl.slices().size()))
                std::abort();
        (void)TraceSummary::of(t, QStringLiteral("fuzz")).toText();
    }
    // The big lists in tiny runs (tracelists.h), so the fuzzer reaches the run boundaries.
    struct Sink : TraceReaderSink
    {
    } sink;
    TraceReader reader;
    reader.setRunBytes(1 + (size ? data[size - 1] % 97 : 0));
    if (reader.readData(bytes, sink) != TraceReadStatus::Ok && reader.errorString().isEmpty())
        std::abort();
    return 0;
}
