#pragma once

#include "traceevent.h"

#include <QList>
#include <QString>

#include <atomic>
#include <functional>
#include <string_view>

namespace procession {

class TraceBuffer;

// One element of a Chrome trace's event list as the reader saw it. The views point into
// the reader's buffers and are valid only during TraceReaderSink::chromeEvent().
struct ChromeEvent
{
    char ph = 0;        // the phase letter; 0 when missing or not one letter
    bool hasTs = false; // ts was a number
    bool flowIn = false;
    bool flowOut = false;
    bool bindToEnclosing = false; // "bp": "e"
    bool hasSortIndex = false;
    qint64 ts = 0;        // ns (the file's microseconds x 1000)
    qint64 dur = -1;      // ns, -1 when missing
    qint64 sortIndex = 0; // M events: args.sort_index
    std::string_view name;
    std::string_view cat;
    std::string_view pid; // the pid as written: a number's digits or a string's text
    std::string_view tid;
    std::string_view id;       // id, or id2's local/global value
    std::string_view bindId;   // bind_id (flow events v2)
    std::string_view scope;    // "s" of an instant: "g", "p" or "t"
    std::string_view args;     // the args object's JSON text, empty when none
    std::string_view metaName; // M events: args.name
    // C events: the numeric members of args.
    const QList<QPair<std::string_view, double>> *counterValues = nullptr;
};

enum class TraceForm : quint8
{
    Unknown,
    Object, // {"traceEvents": [...], ...}
    Array,  // [...], the closing ] possibly missing
};

// What reading a file found, besides what the sink was given.
struct TraceReadResult
{
    TraceForm form = TraceForm::Unknown;
    bool procession = false; // the file has Procession's own section
    qint64 events = 0;       // elements of the event list given to the sink
    qint64 processionEvents = 0;
    bool truncated = false;  // the list was cut off (missing ], or a last event cut short)
    QString displayTimeUnit; // "ms" or "ns" when the file says
    QString processionScenario;
    QByteArray processionScenarioSource; // the scenario's JSON, when the trace keeps it
    std::size_t bytes = 0;               // JSON bytes read (after inflating)
    bool compressed = false;
};

class TraceReaderSink
{
public:
    virtual ~TraceReaderSink() = default;
    // Asked when the reader reaches the event list: false skips it (an own trace whose
    // Procession section came first needs no second reading of the same run).
    virtual bool wantsChromeEvents() const { return true; }
    virtual void chromeEvent(const ChromeEvent &event) { Q_UNUSED(event); }
    // Each raw event of Procession's own section, in order.
    virtual void processionEvent(TraceEvent &&event) { Q_UNUSED(event); }
};

enum class TraceReadStatus : quint8
{
    Ok,
    CannotOpen, // the file cannot be read, or is corrupt gzip
    NotJson,
    NotATrace, // JSON, but neither a trace event list nor an object holding one
    BadProcessionSection,
    Cancelled,
    NothingToDraw, // read, but no slice, instant, flow or counter (set by loadTrace())
};

// The one streaming reader for every trace Procession opens: its own (recognised by the
// "procession" section) and other tools' Chrome Trace Event files (Ray, VizTracer, Chrome,
// Perfetto JSON). simdjson's on-demand parser walks the memory-mapped (or inflated) bytes
// once, building no document tree; the sink gets each event as it passes.
class TraceReader
{
public:
    using Progress = std::function<void(qint64 done, qint64 total)>;

    TraceReader();
    ~TraceReader();

    // Called every few thousand events with bytes read so far and the total.
    void setProgress(Progress progress) { m_progress = std::move(progress); }
    // Set from any thread to stop reading; read() then returns Cancelled.
    void setCancelFlag(const std::atomic<bool> *cancel) { m_cancel = cancel; }
    // The size of the runs a big list is parsed in (tracelists.h); 0 parses the whole
    // document at once (tests compare the two).
    void setRunBytes(std::size_t bytes) { m_runBytes = bytes; }

    TraceReadStatus readFile(const QString &path, TraceReaderSink &sink);
    TraceReadStatus readData(const QByteArray &bytes, TraceReaderSink &sink);

    const TraceReadResult &result() const { return m_result; }
    // One sentence for anything but Ok.
    QString errorString() const { return m_error; }

private:
    TraceReadStatus read(TraceBuffer &buffer, TraceReaderSink &sink);
    TraceReadStatus fail(TraceReadStatus status, const QString &why);

    Progress m_progress;
    const std::atomic<bool> *m_cancel = nullptr;
    std::size_t m_runBytes = std::size_t(4) << 20;
    TraceReadResult m_result;
    QString m_error;
};

QString traceReadStatusName(TraceReadStatus status);

} // namespace procession
