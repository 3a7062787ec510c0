#include "tracereader.h"

#include "tracebuffer.h"
#include "tracelists.h"

#include <simdjson.h>

#include <cmath>
#include <cstring>

namespace procession {

namespace od = simdjson::ondemand;

namespace {

constexpr int kProcessionFormatVersion = 1;
constexpr qint64 kProgressEvery = 4096; // events between progress reports and cancel checks

bool isSpace(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && isSpace(s.back()))
        s.remove_suffix(1);
    return s;
}

QString errorText(simdjson::error_code code)
{
    return QString::fromLatin1(simdjson::error_message(code));
}

// Whether the walk has read the document's last byte (simdjson 3.0 has no at_end()).
bool atEnd(od::document &doc)
{
    const char *at = nullptr;
    return doc.current_location().get(at) == simdjson::OUT_OF_BOUNDS;
}

// Microseconds as written (integer or fraction, epoch values included) to nanoseconds.
bool toNs(od::value value, qint64 *ns)
{
    od::number n;
    if (value.get_number().get(n))
        return false;
    if (n.is_int64()) {
        const qint64 us = n.get_int64();
        if (us > std::numeric_limits<qint64>::max() / 1000 ||
            us < std::numeric_limits<qint64>::min() / 1000)
            return false;
        *ns = us * 1000;
        return true;
    }
    const double us = n.is_uint64() ? double(n.get_uint64()) : n.get_double();
    if (!std::isfinite(us) || std::fabs(us) > 9.0e15)
        return false;
    // Whole and fractional microseconds apart, so an epoch value keeps its nanoseconds.
    const double whole = std::floor(us);
    *ns = qint64(whole) * 1000 + qint64(std::llround((us - whole) * 1000.0));
    return true;
}

// A string member, or an empty view when it is not a string.
void takeString(od::value v, std::string_view *out)
{
    if (v.get_string().get(*out))
        *out = {};
}

// A pid, tid or id as text: a string's characters or a number's digits.
bool idText(od::value value, std::string_view *text)
{
    od::json_type type;
    if (value.type().get(type))
        return false;
    switch (type) {
    case od::json_type::string:
        return !value.get_string().get(*text);
    case od::json_type::number:
    case od::json_type::boolean:
        *text = trimmed(value.raw_json_token());
        return true;
    case od::json_type::object: { // id2: {"local": x} or {"global": x}
        od::object o;
        if (value.get_object().get(o))
            return false;
        for (auto field : o) {
            od::value inner;
            if (field.value().get(inner))
                return false;
            return idText(inner, text);
        }
        return false;
    }
    default:
        return false;
    }
}

bool rawJson(od::value value, std::string_view *text)
{
    od::json_type type;
    if (value.type().get(type))
        return false;
    if (type == od::json_type::object) {
        od::object o;
        return !value.get_object().get(o) && !o.raw_json().get(*text);
    }
    if (type == od::json_type::array) {
        od::array a;
        return !value.get_array().get(a) && !a.raw_json().get(*text);
    }
    *text = trimmed(value.raw_json_token());
    return true;
}

// The walk over one buffer. Parsing errors travel as simdjson error codes; the reader
// turns them into sentences.
class Walk
{
public:
    Walk(TraceBuffer &buffer, TraceReaderSink &sink, TraceReadResult &result,
         const TraceReader::Progress &progress, const std::atomic<bool> *cancel,
         std::size_t runBytes)
        : m_buffer(buffer), m_sink(sink), m_result(result), m_progress(progress),
          m_cancel(cancel), m_runBytes(runBytes)
    {}

    TraceReadStatus run(QString *why);

private:
    // An element of the event list; false stops the walk with m_error set.
    bool event(od::value value);
    bool eventList(od::array list);
    bool processionSection(od::object section, QString *why);
    bool processionEvent(od::array raw, qint64 index, QString *why);
    bool processionElement(od::value value, qint64 index, QString *why);
    // Parses a list found by TraceLists a run at a time, giving each element to
    // element(value, index); false stops the walk with m_error (and m_errorOffset) set.
    template <typename Element>
    bool streamList(TraceLists::Span span, Element element);
    void metaArgs(ChromeEvent &e);
    void counterArgs(ChromeEvent &e);
    bool cancelled() const { return m_cancel && m_cancel->load(std::memory_order_relaxed); }
    void report();

    TraceBuffer &m_buffer;
    TraceReaderSink &m_sink;
    TraceReadResult &m_result;
    const TraceReader::Progress &m_progress;
    const std::atomic<bool> *m_cancel;
    std::size_t m_runBytes;
    od::parser m_parser;
    od::parser m_argsParser; // M and C events' args, read once more for their members
    od::parser m_runParser;  // the runs of a streamed list
    od::document m_doc;
    bool m_haveDoc = false;
    TraceLists m_lists;            // lists streamed instead of parsed with the document
    bool m_eventsPending = false;  // m_lists.events is yet to be read
    bool m_processionPending = false;
    bool m_skeleton = false;                      // m_doc is the skeleton, not the file
    std::size_t m_errorOffset = TraceLists::npos; // where a streamed run failed, in the file
    QList<QPair<std::string_view, double>> m_counterValues;
    simdjson::error_code m_error = simdjson::SUCCESS;
    bool m_cancelled = false;
    qint64 m_nonObjects = 0;
};

void Walk::report()
{
    if (!m_haveDoc)
        return;
    const char *at = nullptr;
    if (m_doc.current_location().get(at) || !at)
        return;
    const std::size_t done = std::size_t(at - m_buffer.data());
    // Strings already read were copied by the sink; a little slack for the current event.
    if (done > (std::size_t(1) << 20))
        m_buffer.dropBefore(done - (std::size_t(1) << 20));
    if (m_progress)
        m_progress(qint64(done), qint64(m_buffer.size()));
}

bool Walk::event(od::value value)
{
    // A value that is not even a JSON value (a ':' where an element should be) is an error;
    // any other non-object is counted.
    od::json_type type;
    if ((m_error = value.type().get(type)))
        return false;
    od::object o;
    if (value.get_object().get(o)) {
        ++m_nonObjects;
        return true; // counted; the list may still hold events
    }
    ChromeEvent e;
    for (auto field : o) {
        od::raw_json_string key;
        od::value v;
        if ((m_error = field.key().get(key)) || (m_error = field.value().get(v)))
            return false;
        const char *k = key.raw();
        switch (k[0]) {
        case 'p':
            if (key.unsafe_is_equal("ph")) {
                std::string_view ph;
                if (!v.get_string().get(ph))
                    e.ph = ph.size() == 1 ? ph[0] : 0;
            } else if (key.unsafe_is_equal("pid")) {
                idText(v, &e.pid);
            }
            break;
        case 't':
            if (key.unsafe_is_equal("ts"))
                e.hasTs = toNs(v, &e.ts);
            else if (key.unsafe_is_equal("tid"))
                idText(v, &e.tid);
            break;
        case 'n':
            if (key.unsafe_is_equal("name"))
                takeString(v, &e.name);
            break;
        case 'c':
            if (key.unsafe_is_equal("cat"))
                takeString(v, &e.cat);
            break;
        case 'd':
            if (key.unsafe_is_equal("dur") && !toNs(v, &e.dur))
                e.dur = -1;
            break;
        case 'i':
            if (key.unsafe_is_equal("id") || key.unsafe_is_equal("id2"))
                idText(v, &e.id);
            break;
        case 'a':
            if (key.unsafe_is_equal("args"))
                rawJson(v, &e.args);
            break;
        case 'b':
            if (key.unsafe_is_equal("bind_id")) {
                idText(v, &e.bindId);
            } else if (key.unsafe_is_equal("bp")) {
                std::string_view bp;
                e.bindToEnclosing = !v.get_string().get(bp) && bp == "e";
            }
            break;
        case 'f': {
            bool flag = false;
            if (key.unsafe_is_equal("flow_in"))
                e.flowIn = !v.get_bool().get(flag) && flag;
            else if (key.unsafe_is_equal("flow_out"))
                e.flowOut = !v.get_bool().get(flag) && flag;
            break;
        }
        case 's':
            if (key.unsafe_is_equal("s"))
                takeString(v, &e.scope);
            break;
        default:
            break;
        }
    }
    if (e.ph == 'M' && !e.args.empty())
        metaArgs(e);
    else if (e.ph == 'C' && !e.args.empty())
        counterArgs(e);
    m_sink.chromeEvent(e);
    ++m_result.events;
    return true;
}

// The args text lies inside the padded buffer, so the bytes after it are readable.
void Walk::metaArgs(ChromeEvent &e)
{
    od::document doc;
    if (m_argsParser.iterate(e.args.data(), e.args.size(), e.args.size() + TraceBuffer::Padding)
            .get(doc))
        return;
    od::object o;
    if (doc.get_object().get(o))
        return;
    for (auto field : o) {
        od::raw_json_string key;
        od::value v;
        if (field.key().get(key) || field.value().get(v))
            return;
        if (key.unsafe_is_equal("name")) {
            takeString(v, &e.metaName);
        } else if (key.unsafe_is_equal("sort_index")) {
            od::number n;
            if (!v.get_number().get(n)) {
                e.hasSortIndex = true;
                e.sortIndex = n.is_double() ? qint64(n.get_double()) : n.get_int64();
            }
        }
    }
}

void Walk::counterArgs(ChromeEvent &e)
{
    m_counterValues.clear();
    e.counterValues = &m_counterValues;
    od::document doc;
    if (m_argsParser.iterate(e.args.data(), e.args.size(), e.args.size() + TraceBuffer::Padding)
            .get(doc))
        return;
    od::object o;
    if (doc.get_object().get(o))
        return;
    for (auto field : o) {
        std::string_view key;
        od::value v;
        double d = 0;
        if (field.unescaped_key().get(key) || field.value().get(v))
            return;
        if (!v.get_double().get(d) && std::isfinite(d))
            m_counterValues.append({key, d});
    }
}

bool Walk::eventList(od::array list)
{
    if (!m_sink.wantsChromeEvents())
        return true; // skipped: the walk moves past it when the next key is read
    qint64 n = 0;
    for (auto element : list) {
        od::value v;
        if ((m_error = element.get(v)))
            return false;
        if (!event(v))
            return false;
        if (++n % kProgressEvery == 0) {
            if (cancelled()) {
                m_cancelled = true;
                return false;
            }
            report();
        }
    }
    return true;
}

template <typename Element>
bool Walk::streamList(TraceLists::Span span, Element element)
{
    char *data = m_buffer.data();
    const std::size_t writable = m_buffer.size() + m_buffer.capacity();
    ListChunker chunker(data, span, m_runBytes);
    std::size_t from = 0;
    std::size_t to = 0;
    qint64 index = 0;
    while (chunker.next(&from, &to)) {
        // The run's separators become its brackets for as long as it is parsed.
        const char before = data[from];
        const char after = data[to];
        data[from] = '[';
        data[to] = ']';
        od::document doc;
        od::array list;
        bool parsed = !(m_error = m_runParser.iterate(data + from, to - from + 1, writable - from)
                                      .get(doc));
        bool ok = parsed && !(m_error = doc.get_array().get(list));
        if (ok) {
            for (auto item : list) {
                od::value v;
                if ((m_error = item.get(v)) || !element(v, index)) {
                    ok = false;
                    break;
                }
                if (++index % kProgressEvery == 0) {
                    if (cancelled()) {
                        m_cancelled = true;
                        ok = false;
                        break;
                    }
                    const char *at = nullptr;
                    if (m_progress && !doc.current_location().get(at) && at)
                        m_progress(qint64(at - data), qint64(m_buffer.size()));
                }
            }
        }
        if (!ok && !m_cancelled) {
            const char *at = nullptr;
            m_errorOffset = parsed && !doc.current_location().get(at) && at
                                ? std::size_t(at - data)
                                : from;
        }
        data[from] = before;
        data[to] = after;
        if (!ok)
            return false;
        // Strings already read were copied by the sink; a little slack for the last event.
        if (to > (std::size_t(1) << 20))
            m_buffer.dropBefore(to - (std::size_t(1) << 20));
        if (m_progress)
            m_progress(qint64(to), qint64(m_buffer.size()));
    }
    if (chunker.failed()) {
        m_error = simdjson::TAPE_ERROR;
        m_errorOffset = chunker.failedAt();
        return false;
    }
    return true;
}

bool Walk::processionElement(od::value value, qint64 index, QString *why)
{
    od::array raw;
    if ((m_error = value.get_array().get(raw))) {
        if (m_error == simdjson::INCORRECT_TYPE) {
            m_error = simdjson::SUCCESS;
            *why = QStringLiteral("event %1 of the trace is malformed").arg(index);
        }
        return false;
    }
    return processionEvent(raw, index, why);
}

bool Walk::processionEvent(od::array raw, qint64 index, QString *why)
{
    TraceEvent e;
    int at = 0;
    bool ok = true;
    auto number = [&ok](od::value v, qint64 *out) {
        std::string_view s;
        if (v.get_string().get(s)) {
            ok = false;
            return;
        }
        bool good = false;
        *out = QByteArray::fromRawData(s.data(), qsizetype(s.size())).toLongLong(&good);
        ok = ok && good;
    };
    for (auto element : raw) {
        od::value v;
        if ((m_error = element.get(v)))
            return false;
        std::string_view s;
        switch (at++) {
        case 0:
            number(v, &e.t);
            break;
        case 1:
            ok = ok && !v.get_string().get(s) &&
                 eventTypeFromName(QString::fromUtf8(s.data(), qsizetype(s.size())), &e.type);
            break;
        case 2: {
            int64_t lane = -1;
            ok = ok && !v.get_int64().get(lane) && lane >= 0 && lane <= 100000;
            e.lane = int(lane);
            break;
        }
        case 3:
            number(v, &e.pid);
            break;
        case 4:
            number(v, &e.call);
            break;
        case 5:
            number(v, &e.code);
            break;
        case 6:
            ok = ok && !v.get_string().get(s);
            e.text = QString::fromUtf8(s.data(), qsizetype(s.size()));
            break;
        case 7:
            ok = ok && !v.get_string().get(s);
            e.detail = QString::fromUtf8(s.data(), qsizetype(s.size()));
            break;
        default:
            break;
        }
    }
    if (!ok || at < 7) {
        *why = QStringLiteral("event %1 of the trace is malformed").arg(index);
        return false;
    }
    m_sink.processionEvent(std::move(e));
    ++m_result.processionEvents;
    return true;
}

bool Walk::processionSection(od::object section, QString *why)
{
    m_result.procession = true;
    qint64 version = -1;
    for (auto field : section) {
        od::raw_json_string key;
        od::value v;
        if ((m_error = field.key().get(key)) || (m_error = field.value().get(v)))
            return false;
        if (key.unsafe_is_equal("version")) {
            int64_t n = -1;
            version = v.get_int64().get(n) ? -1 : n;
        } else if (key.unsafe_is_equal("scenario")) {
            std::string_view s;
            if (!v.get_string().get(s))
                m_result.processionScenario = QString::fromUtf8(s.data(), qsizetype(s.size()));
        } else if (key.unsafe_is_equal("scenario_source")) {
            std::string_view s;
            if (!v.get_string().get(s))
                m_result.processionScenarioSource = QByteArray(s.data(), qsizetype(s.size()));
        } else if (key.unsafe_is_equal("events")) {
            od::array list;
            if (v.get_array().get(list)) {
                *why = QStringLiteral("the \"procession\" section's events are not a list");
                return false;
            }
            if (m_processionPending) {
                m_processionPending = false;
                if (!streamList(m_lists.processionEvents, [this, why](od::value e, qint64 i) {
                        return processionElement(e, i, why);
                    }))
                    return false;
                continue;
            }
            qint64 index = 0;
            for (auto element : list) {
                od::value raw;
                if ((m_error = element.get(raw)) || !processionElement(raw, index, why))
                    return false;
                if (++index % kProgressEvery == 0) {
                    if (cancelled()) {
                        m_cancelled = true;
                        return false;
                    }
                    report();
                }
            }
        }
    }
    if (version != kProcessionFormatVersion) {
        *why = QStringLiteral("trace format version %1 is not supported (expected %2)")
                   .arg(version)
                   .arg(kProcessionFormatVersion);
        return false;
    }
    return true;
}

TraceReadStatus Walk::run(QString *why)
{
    char *data = m_buffer.data();
    std::size_t size = m_buffer.size();
    std::size_t begin = 0;
    if (size >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        begin = 3; // a UTF-8 byte order mark
    while (begin < size && isSpace(data[begin]))
        ++begin;
    if (begin == size) {
        *why = QStringLiteral("the file is empty");
        return TraceReadStatus::NotJson;
    }
    std::size_t last = size;
    while (last > begin && isSpace(data[last - 1]))
        --last;
    const char first = data[begin];
    m_result.form =
        first == '[' ? TraceForm::Array : (first == '{' ? TraceForm::Object : TraceForm::Unknown);
    // The format allows an event list without its closing ]: cut after the last complete
    // object and close the list (the padding after the bytes is ours to write).
    if (m_result.form == TraceForm::Array && data[last - 1] != ']') {
        std::size_t cut = last;
        while (cut > begin && data[cut - 1] != '}')
            --cut;
        if (cut == begin) {
            *why = QStringLiteral("not valid JSON (a list without its closing ] and without one "
                                  "complete event)");
            return TraceReadStatus::NotJson;
        }
        data[cut] = ']';
        size = cut + 1;
        m_result.truncated = true;
    }
    m_result.bytes = size - begin;

    // The big lists are parsed a run at a time (tracelists.h); the document around them, a
    // small skeleton, in one go. Bytes the scan cannot follow are parsed whole, as before.
    if (m_runBytes > 0)
        m_lists = TraceLists::scan(data, begin, size);
    std::size_t after = m_lists.events.found() ? m_lists.events.close + 1 : size;
    while (after < size && isSpace(data[after]))
        ++after;
    if (m_result.form == TraceForm::Array && after != size)
        m_lists = TraceLists(); // something after the list: the whole parse says what
    m_eventsPending = m_lists.events.found();
    m_processionPending = m_lists.processionEvents.found();
    QByteArray skeleton;
    const char *parseData = data + begin;
    std::size_t parseSize = size - begin;
    std::size_t capacity = m_buffer.size() + m_buffer.capacity() - begin;
    if (m_result.form == TraceForm::Object && (m_eventsPending || m_processionPending)) {
        skeleton = m_lists.skeleton(data, begin, size, TraceBuffer::Padding);
        m_skeleton = true;
        parseData = skeleton.constData();
        capacity = std::size_t(skeleton.size());
        parseSize = capacity - TraceBuffer::Padding;
    }
    const bool streamedArray = m_result.form == TraceForm::Array && m_eventsPending;
    if (!streamedArray) {
        if ((m_error = m_parser.iterate(parseData, parseSize, capacity).get(m_doc))) {
            *why = QStringLiteral("not valid JSON (%1)").arg(errorText(m_error));
            return TraceReadStatus::NotJson;
        }
        m_haveDoc = true;
    }
    od::document &doc = m_doc;

    auto parseError = [&](const QString &where) {
        const char *at = nullptr;
        std::size_t offset = m_errorOffset;
        if (offset == TraceLists::npos && m_haveDoc && !doc.current_location().get(at) && at) {
            offset = std::size_t(at - parseData);
            offset = m_skeleton ? m_lists.skeletonToFile(offset, begin) : offset + begin;
        }
        *why = QStringLiteral("not valid JSON (%1%2%3)")
                   .arg(errorText(m_error), where,
                        offset != TraceLists::npos ? QStringLiteral(" near byte %1").arg(offset)
                                                   : QString());
        return TraceReadStatus::NotJson;
    };

    if (m_result.form == TraceForm::Array) {
        bool ok = false;
        if (streamedArray) {
            ok = !m_sink.wantsChromeEvents() ||
                 streamList(m_lists.events, [this](od::value v, qint64) { return event(v); });
        } else {
            od::array list;
            if ((m_error = doc.get_array().get(list)))
                return parseError(QString());
            ok = eventList(list);
        }
        if (m_cancelled)
            return TraceReadStatus::Cancelled;
        if (!ok) {
            // A list cut off mid-event keeps the events before the cut.
            if (m_result.truncated && m_result.events > 0) {
                m_error = simdjson::SUCCESS;
            } else {
                return parseError(QString());
            }
        }
        if (m_result.events == 0 && m_nonObjects > 0) {
            *why = QStringLiteral("a JSON list of %1 values that are not trace events")
                       .arg(m_nonObjects);
            return TraceReadStatus::NotATrace;
        }
        return TraceReadStatus::Ok;
    }

    if (m_result.form == TraceForm::Unknown) {
        od::json_type type;
        if ((m_error = doc.type().get(type)))
            return parseError(QString());
        // A lone scalar: valid JSON only if it is the whole document.
        std::string_view token;
        if ((m_error = doc.raw_json_token().get(token)))
            return parseError(QString());
        *why = QStringLiteral("JSON, but a single value, not a trace event list");
        return TraceReadStatus::NotATrace;
    }

    od::object root;
    if ((m_error = doc.get_object().get(root)))
        return parseError(QString());
    bool sawEvents = false;
    QStringList keys;
    for (auto field : root) {
        std::string_view key;
        od::value v;
        if ((m_error = field.unescaped_key().get(key)) || (m_error = field.value().get(v)))
            return parseError(QString());
        if (key == "traceEvents") {
            od::array list;
            if ((m_error = v.get_array().get(list))) {
                if (m_error != simdjson::INCORRECT_TYPE)
                    return parseError(QString());
                *why = QStringLiteral("\"traceEvents\" is not a list");
                return TraceReadStatus::NotATrace;
            }
            sawEvents = true;
            bool ok = false;
            if (m_eventsPending) {
                m_eventsPending = false;
                ok = !m_sink.wantsChromeEvents() ||
                     streamList(m_lists.events, [this](od::value e, qint64) { return event(e); });
            } else {
                ok = eventList(list);
            }
            if (!ok) {
                if (m_cancelled)
                    return TraceReadStatus::Cancelled;
                return parseError(QStringLiteral(" in \"traceEvents\""));
            }
        } else if (key == "procession") {
            od::object section;
            if ((m_error = v.get_object().get(section))) {
                if (m_error != simdjson::INCORRECT_TYPE)
                    return parseError(QString());
                *why = QStringLiteral("the \"procession\" section is not an object");
                return TraceReadStatus::BadProcessionSection;
            }
            if (!processionSection(section, why)) {
                if (m_cancelled)
                    return TraceReadStatus::Cancelled;
                if (m_error)
                    return parseError(QStringLiteral(" in the \"procession\" section"));
                return TraceReadStatus::BadProcessionSection;
            }
        } else if (key == "displayTimeUnit") {
            std::string_view unit;
            if (!v.get_string().get(unit))
                m_result.displayTimeUnit = QString::fromUtf8(unit.data(), qsizetype(unit.size()));
        } else if (keys.size() < 4) {
            keys.append(QString::fromUtf8(key.data(), qsizetype(key.size())));
        }
    }
    // Bytes after the object (on-demand parsing stops at its end): not one JSON document.
    if (!atEnd(doc)) {
        m_error = simdjson::TRAILING_CONTENT;
        return parseError(QStringLiteral(" after the object's end"));
    }
    if (!sawEvents && !m_result.procession) {
        *why = keys.isEmpty()
                   ? QStringLiteral("JSON, but an empty object, not a trace")
                   : QStringLiteral("JSON, but not a trace: an object without \"traceEvents\" "
                                    "(it has \"%1\")")
                         .arg(keys.join(QStringLiteral("\", \"")));
        return TraceReadStatus::NotATrace;
    }
    if (sawEvents && m_result.events == 0 && m_nonObjects > 0) {
        *why = QStringLiteral("\"traceEvents\" holds %1 values that are not trace events")
                   .arg(m_nonObjects);
        return TraceReadStatus::NotATrace;
    }
    return TraceReadStatus::Ok;
}

} // namespace

QString traceReadStatusName(TraceReadStatus status)
{
    switch (status) {
    case TraceReadStatus::Ok:
        return QStringLiteral("ok");
    case TraceReadStatus::CannotOpen:
        return QStringLiteral("cannot-open");
    case TraceReadStatus::NotJson:
        return QStringLiteral("not-json");
    case TraceReadStatus::NotATrace:
        return QStringLiteral("not-a-trace");
    case TraceReadStatus::BadProcessionSection:
        return QStringLiteral("bad-procession-section");
    case TraceReadStatus::Cancelled:
        return QStringLiteral("cancelled");
    case TraceReadStatus::NothingToDraw:
        return QStringLiteral("nothing-to-draw");
    }
    return QString();
}

TraceReader::TraceReader() = default;
TraceReader::~TraceReader() = default;

TraceReadStatus TraceReader::fail(TraceReadStatus status, const QString &why)
{
    m_error = why;
    return status;
}

TraceReadStatus TraceReader::readFile(const QString &path, TraceReaderSink &sink)
{
    m_result = TraceReadResult();
    m_error.clear();
    TraceBuffer buffer;
    QString why;
    if (!buffer.open(path, &why))
        return fail(TraceReadStatus::CannotOpen, why);
    return read(buffer, sink);
}

TraceReadStatus TraceReader::readData(const QByteArray &bytes, TraceReaderSink &sink)
{
    m_result = TraceReadResult();
    m_error.clear();
    TraceBuffer buffer;
    QString why;
    if (!buffer.setData(bytes.constData(), std::size_t(bytes.size()), &why))
        return fail(TraceReadStatus::CannotOpen, why);
    return read(buffer, sink);
}

TraceReadStatus TraceReader::read(TraceBuffer &buffer, TraceReaderSink &sink)
{
    m_result.compressed = buffer.wasCompressed();
    Walk walk(buffer, sink, m_result, m_progress, m_cancel, m_runBytes);
    QString why;
    const TraceReadStatus status = walk.run(&why);
    if (status == TraceReadStatus::Cancelled)
        why = QStringLiteral("reading the trace was cancelled");
    if (status != TraceReadStatus::Ok)
        return fail(status, why);
    if (m_progress)
        m_progress(qint64(buffer.size()), qint64(buffer.size()));
    return status;
}

} // namespace procession
