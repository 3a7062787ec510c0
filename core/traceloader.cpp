#include "traceloader.h"

#include "chrometimelinebuilder.h"
#include "eventstore.h"

#include <QElapsedTimer>

namespace procession {

namespace {

// Builds the timeline and keeps an own trace's recorded run. In Replay mode, once the
// Procession section has been read the event list is not needed (it is the same run).
class LoadSink : public ChromeTimelineBuilder
{
public:
    explicit LoadSink(TraceLoadMode mode) : m_mode(mode) {}
    bool wantsChromeEvents() const override
    {
        return m_mode == TraceLoadMode::Timeline || !m_sawOwn;
    }
    void processionEvent(TraceEvent &&event) override
    {
        m_sawOwn = true;
        if (m_mode == TraceLoadMode::Replay) {
            // Clipped now, as a live run's are: a 10 MB printed line is not kept whole (nor
            // laid out whole by the window) for the 4,096 characters anything shows of it.
            clip(event.text);
            clip(event.detail);
            m_events.append(event);
        }
    }
    static void clip(QString &text)
    {
        if (text.size() > StringPool::TextLimit)
            text = text.left(StringPool::TextLimit - 1) + QChar(0x2026);
    }

    TraceLoadMode m_mode;
    bool m_sawOwn = false;
    EventStore m_events;
};

LoadedTrace finish(TraceReader &reader, TraceReadStatus status, LoadSink &sink, TraceLoadMode mode,
                   const QElapsedTimer &clock)
{
    LoadedTrace out;
    out.status = status;
    out.error = reader.errorString();
    out.read = reader.result();
    out.own = out.read.procession;
    if (status == TraceReadStatus::Ok) {
        if (out.own && mode == TraceLoadMode::Replay) {
            out.events = std::move(sink.m_events);
            if (out.events.isEmpty()) {
                out.status = TraceReadStatus::NothingToDraw;
                out.error = QStringLiteral("nothing to draw: the saved run has no events");
            }
        } else {
            out.timeline = sink.finish();
            if (!out.timeline.hasContent()) {
                out.status = TraceReadStatus::NothingToDraw;
                QStringList skipped;
                for (auto it = out.timeline.skipped().begin(); it != out.timeline.skipped().end();
                     ++it)
                    skipped << QStringLiteral("%1: %2").arg(it.key()).arg(it.value());
                out.error =
                    out.timeline.events() == 0
                        ? QStringLiteral("nothing to draw: the trace has no events")
                        : QStringLiteral("nothing to draw: %1, none of them a slice, "
                                         "instant, flow or counter (%2 metadata%3)")
                              .arg(out.timeline.events() == 1
                                       ? QStringLiteral("1 event")
                                       : QStringLiteral("%1 events").arg(out.timeline.events()))
                              .arg(out.timeline.metadata())
                              .arg(skipped.isEmpty() ? QString()
                                                     : QStringLiteral("; not drawn: ") +
                                                           skipped.join(QStringLiteral(", ")));
            }
        }
    }
    out.seconds = double(clock.nsecsElapsed()) / 1e9;
    return out;
}

} // namespace

LoadedTrace loadTrace(const QString &path, TraceLoadMode mode,
                      const TraceReader::Progress &progress, const std::atomic<bool> *cancel)
{
    QElapsedTimer clock;
    clock.start();
    TraceReader reader;
    reader.setProgress(progress);
    reader.setCancelFlag(cancel);
    LoadSink sink(mode);
    const TraceReadStatus status = reader.readFile(path, sink);
    return finish(reader, status, sink, mode, clock);
}

LoadedTrace loadTraceData(const QByteArray &bytes, TraceLoadMode mode)
{
    QElapsedTimer clock;
    clock.start();
    TraceReader reader;
    LoadSink sink(mode);
    const TraceReadStatus status = reader.readData(bytes, sink);
    return finish(reader, status, sink, mode, clock);
}

} // namespace procession
