#include "chrometrace.h"

#include "tracemodel.h"
#include "tracereader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace procession {

namespace {

constexpr int kFormatVersion = 1; // tracereader.cpp reads this version

struct Writer
{
    QJsonArray events;
    qint64 t0 = 0;

    double us(qint64 t) const { return (t - t0) / 1000.0; }

    QJsonObject base(const char *ph, const QString &name, qint64 pid, qint64 tid, qint64 t)
    {
        QJsonObject o;
        o.insert(QStringLiteral("ph"), QLatin1String(ph));
        o.insert(QStringLiteral("name"), name);
        o.insert(QStringLiteral("pid"), pid);
        o.insert(QStringLiteral("tid"), tid);
        o.insert(QStringLiteral("ts"), us(t));
        return o;
    }
    void meta(const char *what, qint64 pid, qint64 tid, const QString &name)
    {
        QJsonObject o;
        o.insert(QStringLiteral("ph"), QStringLiteral("M"));
        o.insert(QStringLiteral("name"), QLatin1String(what));
        o.insert(QStringLiteral("pid"), pid);
        o.insert(QStringLiteral("tid"), tid);
        o.insert(QStringLiteral("args"), QJsonObject{{QStringLiteral("name"), name}});
        events.append(o);
    }
    void slice(const QString &name, const QString &cat, qint64 pid, qint64 begin, qint64 end,
               const QJsonObject &args = {})
    {
        QJsonObject o = base("X", name, pid, pid, begin);
        o.insert(QStringLiteral("cat"), cat);
        o.insert(QStringLiteral("dur"), std::max(0.001, (end - begin) / 1000.0));
        if (!args.isEmpty())
            o.insert(QStringLiteral("args"), args);
        events.append(o);
    }
    void instant(const QString &name, qint64 pid, qint64 t, const QJsonObject &args = {})
    {
        QJsonObject o = base("i", name, pid, pid, t);
        o.insert(QStringLiteral("s"), QStringLiteral("t"));
        if (!args.isEmpty())
            o.insert(QStringLiteral("args"), args);
        events.append(o);
    }
    void flow(const char *ph, const QString &name, qint64 id, qint64 pid, qint64 t)
    {
        QJsonObject o = base(ph, name, pid, pid, t);
        o.insert(QStringLiteral("cat"), QStringLiteral("flow"));
        o.insert(QStringLiteral("id"), id);
        if (ph[0] == 'f')
            o.insert(QStringLiteral("bp"), QStringLiteral("e"));
        events.append(o);
    }
};

QJsonArray rawEvent(const TraceEvent &e)
{
    QJsonArray a{QString::number(e.t),    eventTypeName(e.type),   e.lane, QString::number(e.pid),
                 QString::number(e.call), QString::number(e.code), e.text};
    if (!e.detail.isEmpty())
        a.append(e.detail);
    return a;
}

} // namespace

QByteArray toChromeTrace(const QList<TraceEvent> &events)
{
    TraceModel model;
    model.applyAll(events);
    Writer w;
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

    for (const LaneRecord &l : model.lanes()) {
        const qint64 pid = pidOf(l.lane);
        const QString name = l.lane == 0 ? QStringLiteral("main (pid %1)").arg(pid)
                                         : QStringLiteral("%1 (pid %2)").arg(l.name).arg(l.pid);
        w.meta("process_name", pid, pid, name);
        w.meta("process_sort_index", pid, pid, QString::number(l.lane));
        w.meta("thread_name", pid, pid, l.lane == 0 ? QStringLiteral("main") : l.name);
    }
    for (const LaneRecord &l : model.lanes()) {
        if (l.lane == 0)
            continue;
        const qint64 pid = pidOf(l.lane);
        if (l.fork >= 0)
            w.instant(QStringLiteral("fork"), mainPid, l.fork,
                      {{QStringLiteral("worker"), l.name}});
        if (l.fork >= 0 && l.ready >= 0)
            w.slice(QStringLiteral("start-up"), QStringLiteral("startup"), pid, l.fork, l.ready);
        if (l.join >= 0)
            w.instant(QStringLiteral("join"), pid, l.join);
        if (l.exit >= 0)
            w.instant(
                l.crashed ? QStringLiteral("crash") : QStringLiteral("exit"), pid, l.exit,
                {{QStringLiteral("status"), l.exitCode}, {QStringLiteral("reason"), l.reason}});
    }

    // Main-lane slices marking where a dispatch leaves and a result lands, so flows have
    // a slice to bind to. Kept from overlapping each other (overlap -> overflow track).
    struct Mark
    {
        qint64 t;
        qint64 call;
        bool dispatch;
    };
    QList<Mark> marks;
    for (const CallRecord &c : model.calls()) {
        if (c.lane == 0)
            continue;
        if (c.dispatch >= 0)
            marks.append({c.dispatch, c.id, true});
        if (c.result >= 0)
            marks.append({c.result, c.id, false});
    }
    std::sort(marks.begin(), marks.end(), [](const Mark &a, const Mark &b) { return a.t < b.t; });

    // In-process calls on the main lane are slices too; marks must not overlap them.
    QList<const CallRecord *> ordered;
    for (const CallRecord &c : model.calls())
        ordered.append(&c);
    std::sort(ordered.begin(), ordered.end(),
              [](const CallRecord *a, const CallRecord *b) { return a->begin < b->begin; });

    for (const CallRecord *c : std::as_const(ordered)) {
        if (c->begin < 0)
            continue;
        const qint64 end = c->end >= 0 ? c->end : (c->result >= 0 ? c->result : c->begin);
        QJsonObject args{{QStringLiteral("call"), c->id},
                         {QStringLiteral("args"), c->args},
                         {QStringLiteral("ok"), c->ok}};
        if (c->ok)
            args.insert(QStringLiteral("result"), c->value);
        else
            args.insert(QStringLiteral("error"), c->error);
        if (c->dispatch >= 0)
            args.insert(QStringLiteral("dispatch_to_begin_us"), (c->begin - c->dispatch) / 1000.0);
        if (c->result >= 0 && c->end >= 0)
            args.insert(QStringLiteral("end_to_result_us"), (c->result - c->end) / 1000.0);
        w.slice(c->label(), c->ok ? QStringLiteral("call") : QStringLiteral("call,error"),
                pidOf(c->lane), c->begin, end, args);
    }

    for (qsizetype i = 0; i < marks.size(); ++i) {
        const Mark &m = marks.at(i);
        const CallRecord *c = model.call(m.call);
        qint64 end = m.t + 1000; // 1 µs, or less if the next mark is closer
        if (i + 1 < marks.size())
            end = std::min(end, std::max(m.t + 1, marks.at(i + 1).t - 1));
        w.slice(m.dispatch ? QStringLiteral("dispatch ") + c->function
                           : QStringLiteral("result ") + c->function,
                QStringLiteral("ipc"), mainPid, m.t, end);
        // Each flow event is written after the slice it binds to.
        const qint64 flowId = m.call * 2 + (m.dispatch ? 0 : 1);
        if (m.dispatch && c->begin >= 0) {
            w.flow("s", QStringLiteral("dispatch"), flowId, mainPid, m.t);
        } else if (!m.dispatch && c->end >= 0) {
            w.flow("f", QStringLiteral("return"), flowId, mainPid, m.t);
        }
    }
    // The other ends of the flows, after their call slices (already written above).
    for (const CallRecord &c : model.calls()) {
        if (c.lane == 0 || c.begin < 0)
            continue;
        if (c.dispatch >= 0)
            w.flow("f", QStringLiteral("dispatch"), c.id * 2, pidOf(c.lane), c.begin);
        if (c.end >= 0 && c.result >= 0)
            w.flow("s", QStringLiteral("return"), c.id * 2 + 1, pidOf(c.lane),
                   std::max(c.begin, c.end - 1));
    }

    // Awaits overlap one another on the main lane: async slices keep them apart.
    for (const AwaitSpan &a : model.awaits()) {
        if (a.begin < 0)
            continue;
        const CallRecord *c = model.call(a.call);
        const QString name = QStringLiteral("await ") + (c ? c->label() : QString::number(a.call));
        QJsonObject b = w.base("b", name, mainPid, mainPid, a.begin);
        b.insert(QStringLiteral("cat"), QStringLiteral("await"));
        b.insert(QStringLiteral("id"), a.call);
        w.events.append(b);
        QJsonObject e = w.base("e", name, mainPid, mainPid, a.end >= 0 ? a.end : model.lastT());
        e.insert(QStringLiteral("cat"), QStringLiteral("await"));
        e.insert(QStringLiteral("id"), a.call);
        w.events.append(e);
    }
    for (const PhaseRecord &p : model.phases())
        w.instant(QStringLiteral("phase: ") + p.name, mainPid, p.begin);
    for (const OutputLine &o : model.outputs())
        w.instant(QStringLiteral("print"), pidOf(o.lane), o.t, {{QStringLiteral("line"), o.text}});

    QJsonArray raw;
    for (const TraceEvent &e : events)
        raw.append(rawEvent(e));
    QJsonObject root;
    root.insert(QStringLiteral("traceEvents"), w.events);
    root.insert(QStringLiteral("displayTimeUnit"), QStringLiteral("ms"));
    root.insert(QStringLiteral("procession"),
                QJsonObject{{QStringLiteral("version"), kFormatVersion},
                            {QStringLiteral("scenario"), model.scenarioId()},
                            {QStringLiteral("events"), raw}});
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
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
