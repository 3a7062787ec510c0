#include "chrometrace.h"

#include "eventstore.h"
#include "tracemodel.h"
#include "tracereader.h"

#include <QBuffer>
#include <QIODevice>
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <vector>

namespace procession {

namespace {

constexpr int kFormatVersion = 1;      // tracereader.cpp reads this version
constexpr qsizetype FlushAt = 1 << 20; // bytes buffered before they go to the device

// JSON written straight to a device through a buffer of about a megabyte: a run of any
// length is written without building it as a document in memory.
class JsonStream
{
public:
    explicit JsonStream(QIODevice *out) : m_out(out) { m_buf.reserve(FlushAt + 4096); }

    bool ok() const { return m_ok; }
    bool flush()
    {
        if (m_ok && !m_buf.isEmpty() && m_out->write(m_buf) != m_buf.size())
            m_ok = false;
        m_buf.clear();
        return m_ok;
    }
    JsonStream &raw(const char *s)
    {
        m_buf.append(s);
        return maybeFlush();
    }
    JsonStream &raw(char c)
    {
        m_buf.append(c);
        return *this;
    }
    JsonStream &number(qint64 v)
    {
        m_buf.append(QByteArray::number(v));
        return *this;
    }
    JsonStream &number(double v)
    {
        if (!std::isfinite(v))
            v = 0;
        m_buf.append(QByteArray::number(v, 'g', QLocale::FloatingPointShortest));
        return *this;
    }
    JsonStream &boolean(bool v) { return raw(v ? "true" : "false"); }
    JsonStream &string(const QString &s) { return string(QByteArrayView(s.toUtf8())); }
    JsonStream &string(QByteArrayView utf8)
    {
        m_buf.append('"');
        for (char ch : utf8) {
            const auto c = static_cast<unsigned char>(ch);
            if (c == '"' || c == '\\') {
                m_buf.append('\\');
                m_buf.append(ch);
            } else if (c < 0x20) {
                static const char hex[] = "0123456789abcdef";
                switch (c) {
                case '\n':
                    m_buf.append("\\n");
                    break;
                case '\t':
                    m_buf.append("\\t");
                    break;
                case '\r':
                    m_buf.append("\\r");
                    break;
                default:
                    m_buf.append("\\u00");
                    m_buf.append(hex[c >> 4]);
                    m_buf.append(hex[c & 15]);
                }
            } else {
                m_buf.append(ch);
            }
        }
        m_buf.append('"');
        return maybeFlush();
    }
    JsonStream &key(const char *k)
    {
        m_buf.append('"');
        m_buf.append(k);
        m_buf.append("\":");
        return *this;
    }

private:
    JsonStream &maybeFlush()
    {
        if (m_buf.size() >= FlushAt)
            flush();
        return *this;
    }

    QIODevice *m_out;
    QByteArray m_buf;
    bool m_ok = true;
};

// One object of "traceEvents" at a time; args are written by the caller between
// begin() and end().
struct Writer
{
    JsonStream &js;
    qint64 t0 = 0;
    bool first = true;

    double us(qint64 t) const { return double(t - t0) / 1000.0; }

    void begin(const char *ph, const QString &name, qint64 pid, qint64 t)
    {
        js.raw(first ? "\n{" : ",\n{");
        first = false;
        js.key("ph").string(QByteArrayView(ph)).raw(',');
        js.key("name").string(name).raw(',');
        js.key("pid").number(pid).raw(',');
        js.key("tid").number(pid).raw(',');
        js.key("ts").number(us(t));
    }
    void end() { js.raw('}'); }
    void meta(const char *what, qint64 pid, const QString &name)
    {
        js.raw(first ? "\n{" : ",\n{");
        first = false;
        js.key("ph").raw("\"M\",");
        js.key("name").string(QByteArrayView(what)).raw(',');
        js.key("pid").number(pid).raw(',');
        js.key("tid").number(pid).raw(',');
        js.key("args").raw('{').key("name").string(name).raw("}}");
    }
    void sortIndex(const char *what, qint64 pid, qint64 index)
    {
        js.raw(first ? "\n{" : ",\n{");
        first = false;
        js.key("ph").raw("\"M\",");
        js.key("name").string(QByteArrayView(what)).raw(',');
        js.key("pid").number(pid).raw(',');
        js.key("tid").number(pid).raw(',');
        js.key("args").raw('{').key("sort_index").number(index).raw("}}");
    }
    void slice(const QString &name, const char *cat, qint64 pid, qint64 begin, qint64 end)
    {
        this->begin("X", name, pid, begin);
        js.raw(',').key("cat").string(QByteArrayView(cat));
        js.raw(',').key("dur").number(std::max(0.001, double(end - begin) / 1000.0));
    }
    void instant(const QString &name, qint64 pid, qint64 t)
    {
        begin("i", name, pid, t);
        js.raw(',').key("s").raw("\"t\"");
    }
    void flow(const char *ph, const char *name, qint64 id, qint64 pid, qint64 t)
    {
        begin(ph, QString::fromLatin1(name), pid, t);
        js.raw(',').key("cat").raw("\"flow\"");
        js.raw(',').key("id").number(id);
        if (ph[0] == 'f')
            js.raw(',').key("bp").raw("\"e\"");
        end();
    }
};

void writeRawEvent(JsonStream &js, const EventStore &store, qsizetype i)
{
    const StoredEvent &e = store.raw(i);
    js.raw(i == 0 ? "\n[" : ",\n[");
    // 64-bit values as strings: a JSON reader may keep numbers as doubles.
    js.raw('"').number(e.t).raw("\",");
    js.string(eventTypeName(e.type)).raw(',');
    js.number(qint64(e.lane)).raw(",\"");
    js.number(qint64(e.pid)).raw("\",\"");
    js.number(qint64(e.call)).raw("\",\"");
    js.number(e.code).raw("\",");
    js.string(store.strings().utf8(e.text));
    if (e.detail != 0)
        js.raw(',').string(store.strings().utf8(e.detail));
    js.raw(']');
}

} // namespace

bool writeChromeTrace(QIODevice *out, const EventStore &store, const TraceModel &model,
                      QString *error, const QByteArray &scenarioText)
{
    JsonStream js(out);
    Writer w{js};
    w.t0 = model.t0() < 0 ? 0 : model.t0();
    const qint64 mainPid = [&] {
        const LaneRecord *m = model.lane(0);
        return m && m->pid ? m->pid : qint64(1);
    }();
    // A lane without a known pid (never started) still needs a process of its own.
    auto pidOf = [&](int lane) -> qint64 {
        if (lane == 0)
            return mainPid;
        const LaneRecord *l = model.lane(lane);
        return l && l->pid ? l->pid : qint64(1000000 + lane);
    };

    js.raw("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[");
    for (const LaneRecord &l : model.lanes()) {
        const qint64 pid = pidOf(l.lane);
        const QString name = l.lane == 0 ? QStringLiteral("main (pid %1)").arg(pid)
                                         : QStringLiteral("%1 (pid %2)").arg(l.name).arg(l.pid);
        w.meta("process_name", pid, name);
        w.sortIndex("process_sort_index", pid, l.lane);
        w.meta("thread_name", pid, l.lane == 0 ? QStringLiteral("main") : l.name);
    }
    for (const LaneRecord &l : model.lanes()) {
        if (l.lane == 0)
            continue;
        const qint64 pid = pidOf(l.lane);
        if (l.fork >= 0) {
            w.instant(QStringLiteral("fork"), mainPid, l.fork);
            js.raw(',').key("args").raw('{').key("worker").string(l.name).raw('}');
            w.end();
        }
        if (l.fork >= 0 && l.ready >= 0) {
            w.slice(QStringLiteral("start-up"), "startup", pid, l.fork, l.ready);
            w.end();
        }
        if (l.join >= 0) {
            w.instant(QStringLiteral("join"), pid, l.join);
            w.end();
        }
        if (l.exit >= 0) {
            w.instant(l.crashed ? QStringLiteral("crash") : QStringLiteral("exit"), pid, l.exit);
            js.raw(',').key("args").raw('{').key("reason").string(l.reason);
            js.raw(',').key("status").number(qint64(l.exitCode)).raw('}');
            w.end();
        }
    }

    // Main-lane slices marking where a dispatch leaves and a result lands, so flows have
    // a slice to bind to. Kept from overlapping each other (overlap -> overflow track).
    struct Mark
    {
        qint64 t;
        qsizetype call; // index into model.calls()
        bool dispatch;
    };
    const QList<CallRecord> &calls = model.calls();
    std::vector<Mark> marks;
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const CallRecord &c = calls.at(i);
        if (c.lane == 0)
            continue;
        if (c.dispatch >= 0)
            marks.push_back({c.dispatch, i, true});
        if (c.result >= 0)
            marks.push_back({c.result, i, false});
    }
    std::stable_sort(marks.begin(), marks.end(),
                     [](const Mark &a, const Mark &b) { return a.t < b.t; });

    // In-process calls on the main lane are slices too; marks must not overlap them.
    std::vector<qsizetype> ordered(size_t(calls.size()));
    for (qsizetype i = 0; i < calls.size(); ++i)
        ordered[size_t(i)] = i;
    std::stable_sort(ordered.begin(), ordered.end(), [&calls](qsizetype a, qsizetype b) {
        return calls.at(a).begin < calls.at(b).begin;
    });

    for (qsizetype i : ordered) {
        const CallRecord *c = &calls.at(i);
        if (c->begin < 0)
            continue;
        const qint64 end = c->end >= 0 ? c->end : (c->result >= 0 ? c->result : c->begin);
        w.slice(c->label(), c->ok ? "call" : "call,error", pidOf(c->lane), c->begin, end);
        js.raw(',').key("args").raw('{');
        js.key("args").string(c->args).raw(',');
        js.key("call").number(c->id);
        if (c->dispatch >= 0)
            js.raw(',').key("dispatch_to_begin_us").number(double(c->begin - c->dispatch) / 1000.0);
        if (c->result >= 0 && c->end >= 0)
            js.raw(',').key("end_to_result_us").number(double(c->result - c->end) / 1000.0);
        if (c->ok)
            js.raw(',').key("ok").boolean(true).raw(',').key("result").string(c->value);
        else
            js.raw(',').key("error").string(c->error).raw(',').key("ok").boolean(false);
        js.raw('}');
        w.end();
    }

    for (size_t i = 0; i < marks.size(); ++i) {
        const Mark &m = marks[i];
        const CallRecord &c = calls.at(m.call);
        qint64 end = m.t + 1000; // 1 µs, or less if the next mark is closer
        if (i + 1 < marks.size())
            end = std::min(end, std::max(m.t + 1, marks[i + 1].t - 1));
        w.slice(m.dispatch ? QStringLiteral("dispatch ") + c.function
                           : QStringLiteral("result ") + c.function,
                "ipc", mainPid, m.t, end);
        js.raw(',').key("args").raw('{').key("call").number(c.id).raw('}');
        w.end();
        // Each flow event is written after the slice it binds to.
        const qint64 flowId = c.id * 2 + (m.dispatch ? 0 : 1);
        if (m.dispatch && c.begin >= 0)
            w.flow("s", "dispatch", flowId, mainPid, m.t);
        else if (!m.dispatch && c.end >= 0)
            w.flow("f", "return", flowId, mainPid, m.t);
    }
    marks = {};
    ordered = {};
    // The other ends of the flows, after their call slices (already written above).
    for (const CallRecord &c : calls) {
        if (c.lane == 0 || c.begin < 0)
            continue;
        if (c.dispatch >= 0)
            w.flow("f", "dispatch", c.id * 2, pidOf(c.lane), c.begin);
        if (c.end >= 0 && c.result >= 0)
            w.flow("s", "return", c.id * 2 + 1, pidOf(c.lane), std::max(c.begin, c.end - 1));
    }

    // Awaits overlap one another on the main lane: async slices keep them apart.
    for (const AwaitSpan &a : model.awaits()) {
        if (a.begin < 0)
            continue;
        const CallRecord *c = model.call(a.call);
        const QString name = QStringLiteral("await ") + (c ? c->label() : QString::number(a.call));
        for (const char *ph : {"b", "e"}) {
            const qint64 t = ph[0] == 'b' ? a.begin : (a.end >= 0 ? a.end : model.lastT());
            w.begin(ph, name, mainPid, t);
            js.raw(',').key("cat").raw("\"await\"");
            js.raw(',').key("id").number(a.call);
            w.end();
        }
    }
    for (const PhaseRecord &p : model.phases()) {
        w.instant(QStringLiteral("phase: ") + p.name, mainPid, p.begin);
        w.end();
    }
    for (const OutputLine &o : model.outputs()) {
        w.instant(QStringLiteral("print"), pidOf(o.lane), o.t);
        js.raw(',').key("args").raw('{').key("line").string(o.text).raw('}');
        w.end();
    }

    js.raw("\n],\"procession\":{");
    js.key("events").raw('[');
    for (qsizetype i = 0; i < store.size(); ++i)
        writeRawEvent(js, store, i);
    js.raw("\n],");
    js.key("scenario").string(model.scenarioId()).raw(',');
    if (!scenarioText.isEmpty())
        js.key("scenario_source").string(QByteArrayView(scenarioText)).raw(',');
    js.key("version").number(qint64(kFormatVersion));
    js.raw("}}\n");
    if (!js.flush()) {
        if (error)
            *error = out->errorString().isEmpty() ? QStringLiteral("the trace could not be written")
                                                  : out->errorString();
        return false;
    }
    return true;
}

bool writeChromeTrace(QIODevice *out, const EventStore &store, QString *error)
{
    TraceModel model;
    for (qsizetype i = 0; i < store.size(); ++i)
        model.apply(store.at(i));
    return writeChromeTrace(out, store, model, error);
}

QByteArray toChromeTrace(const QList<TraceEvent> &events)
{
    EventStore store;
    store.append(events);
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    writeChromeTrace(&buffer, store, nullptr);
    return buffer.data();
}

namespace {
// Only the recorded run; the event list beside it is the same run drawn for other tools.
class OwnEventsSink : public TraceReaderSink
{
public:
    bool wantsChromeEvents() const override { return false; }
    void processionEvent(TraceEvent &&event) override { events.append(std::move(event)); }
    QList<TraceEvent> events;
};
} // namespace

bool fromChromeTrace(const QByteArray &json, QList<TraceEvent> *events, QString *error)
{
    TraceReader reader;
    OwnEventsSink sink;
    if (reader.readData(json, sink) != TraceReadStatus::Ok) {
        *error = reader.errorString();
        return false;
    }
    if (!reader.result().procession) {
        *error = QStringLiteral("not a trace saved by Procession (no \"procession\" section)");
        return false;
    }
    *events = std::move(sink.events);
    return true;
}

} // namespace procession
