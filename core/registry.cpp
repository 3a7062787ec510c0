#include "registry.h"

#include "clock.h"
#include "exectask.h"

#include <QThread>

#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <exception>

#if defined(Q_OS_UNIX)
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace procession {

QString typeName(Registry::Type type)
{
    switch (type) {
    case Registry::Type::Integer:
        return QStringLiteral("integer");
    case Registry::Type::Number:
        return QStringLiteral("number");
    case Registry::Type::String:
        return QStringLiteral("text");
    case Registry::Type::Bytes:
        return QStringLiteral("bytes");
    case Registry::Type::Any:
        return QStringLiteral("any value");
    }
    return {};
}

static QString valueTypeName(const QCborValue &v)
{
    switch (v.type()) {
    case QCborValue::Integer:
        return QStringLiteral("an integer");
    case QCborValue::Double:
        return QStringLiteral("a number");
    case QCborValue::String:
        return QStringLiteral("text");
    case QCborValue::ByteArray:
        return QStringLiteral("bytes");
    case QCborValue::Array:
        return QStringLiteral("a list");
    case QCborValue::Map:
        return QStringLiteral("a map");
    case QCborValue::True:
    case QCborValue::False:
        return QStringLiteral("a boolean");
    case QCborValue::Null:
        return QStringLiteral("null");
    default:
        return QStringLiteral("another kind of value");
    }
}

static bool matches(Registry::Type type, const QCborValue &v)
{
    switch (type) {
    case Registry::Type::Integer:
        return v.isInteger();
    case Registry::Type::Number:
        return v.isInteger() || v.isDouble();
    case Registry::Type::String:
        return v.isString();
    case Registry::Type::Bytes:
        return v.isByteArray();
    case Registry::Type::Any:
        return true;
    }
    return false;
}

static QString rangeText(const Registry::Param &p)
{
    const bool lo = !p.minimum.isUndefined();
    const bool hi = !p.maximum.isUndefined();
    if (lo && hi)
        return QStringLiteral("between %1 and %2")
            .arg(p.minimum.toDiagnosticNotation(), p.maximum.toDiagnosticNotation());
    if (lo)
        return QStringLiteral("at least %1").arg(p.minimum.toDiagnosticNotation());
    if (hi)
        return QStringLiteral("at most %1").arg(p.maximum.toDiagnosticNotation());
    return {};
}

// Compares a number with a bound without losing precision for large integers.
static int compareNumber(const QCborValue &v, const QCborValue &bound)
{
    if (v.isInteger() && bound.isInteger())
        return v.toInteger() < bound.toInteger() ? -1 : v.toInteger() > bound.toInteger() ? 1 : 0;
    const double a = v.toDouble();
    const double b = bound.toDouble();
    return a < b ? -1 : a > b ? 1 : 0;
}

static bool inRange(const Registry::Param &p, const QCborValue &v)
{
    if (!v.isInteger() && !v.isDouble())
        return true;
    if (v.isDouble() && std::isnan(v.toDouble()))
        return p.minimum.isUndefined() && p.maximum.isUndefined();
    return (p.minimum.isUndefined() || compareNumber(v, p.minimum) >= 0) &&
           (p.maximum.isUndefined() || compareNumber(v, p.maximum) <= 0);
}

QString Registry::signature(const Task &task)
{
    QStringList parts;
    for (const Param &p : task.params) {
        QString part = p.name + QStringLiteral(": ") + typeName(p.type);
        if (p.variadic)
            part += QChar(0x2026);
        const QString range = rangeText(p);
        if (!range.isEmpty())
            part += QLatin1Char(' ') + range;
        if (!p.defaultValue.isUndefined())
            part += QStringLiteral(" = ") + p.defaultValue.toDiagnosticNotation();
        parts << part;
    }
    return task.name + QLatin1Char('(') + parts.join(QStringLiteral(", ")) + QLatin1Char(')');
}

void Registry::add(Task task)
{
    m_tasks.append(std::move(task));
}

const Registry::Task *Registry::find(const QString &name) const
{
    for (const Task &t : m_tasks)
        if (t.name == name)
            return &t;
    return nullptr;
}

bool Registry::bind(const Task &task, const QCborArray &args, const QCborMap &kwargs,
                    QList<QCborValue> *bound, QString *error) const
{
    const qsizetype n = task.params.size();
    const bool variadic = n > 0 && task.params.last().variadic;
    if (args.size() > n && !variadic) {
        *error = QStringLiteral("%1() takes %2 argument%3, %4 given; expected %5")
                     .arg(task.name)
                     .arg(n)
                     .arg(n == 1 ? QString() : QStringLiteral("s"))
                     .arg(args.size())
                     .arg(signature(task));
        return false;
    }
    for (auto it = kwargs.constBegin(); it != kwargs.constEnd(); ++it) {
        const QString key = it.key().toString();
        bool known = false;
        for (qsizetype i = 0; i < n; ++i)
            known = known || task.params.at(i).name == key;
        if (!known) {
            *error = QStringLiteral("%1() has no parameter named \"%2\"; expected %3")
                         .arg(task.name, key.left(40), signature(task));
            return false;
        }
    }
    bound->clear();
    bound->reserve(n);
    for (qsizetype i = 0; i < n; ++i) {
        const Param &p = task.params.at(i);
        QCborValue v(QCborValue::Undefined);
        const bool inKw = kwargs.contains(p.name);
        if (p.variadic && i == n - 1) {
            // The rest of the positional arguments (or a list given by name).
            QCborArray rest;
            if (inKw && i < args.size()) {
                *error = QStringLiteral("%1() got argument \"%2\" twice").arg(task.name, p.name);
                return false;
            }
            if (inKw && !kwargs.value(p.name).isArray()) {
                *error = QStringLiteral("%1(): argument \"%2\" must be a list of %3")
                             .arg(task.name, p.name, typeName(p.type));
                return false;
            }
            if (inKw)
                rest = kwargs.value(p.name).toArray();
            for (qsizetype k = i; k < args.size(); ++k)
                rest.append(args.at(k));
            for (qsizetype k = 0; k < rest.size(); ++k) {
                if (!matches(p.type, rest.at(k)) || !inRange(p, rest.at(k))) {
                    *error = QStringLiteral("%1(): argument %2 (in \"%3\") must be %4, got %5")
                                 .arg(task.name)
                                 .arg(i + k + 1)
                                 .arg(p.name, typeName(p.type), valueTypeName(rest.at(k)));
                    return false;
                }
            }
            bound->append(rest);
            continue;
        }
        if (i < args.size()) {
            if (inKw) {
                *error = QStringLiteral("%1() got argument \"%2\" twice").arg(task.name, p.name);
                return false;
            }
            v = args.at(i);
        } else if (inKw) {
            v = kwargs.value(p.name);
        } else if (!p.defaultValue.isUndefined()) {
            v = p.defaultValue;
        } else {
            *error = QStringLiteral("%1() is missing argument \"%2\"; expected %3")
                         .arg(task.name, p.name, signature(task));
            return false;
        }
        if (!matches(p.type, v)) {
            *error = QStringLiteral("%1(): argument \"%2\" must be %3, got %4")
                         .arg(task.name, p.name, typeName(p.type), valueTypeName(v));
            return false;
        }
        if (!inRange(p, v)) {
            *error = QStringLiteral("%1(): argument \"%2\" must be %3, got %4")
                         .arg(task.name, p.name, rangeText(p), v.toDiagnosticNotation());
            return false;
        }
        bound->append(v);
    }
    return true;
}

Registry::Outcome Registry::call(const QString &name, const QCborArray &args,
                                 const QCborMap &kwargs, TaskContext &ctx) const
{
    Outcome out;
    const Task *task = find(name);
    if (!task) {
        out.errorKind = QStringLiteral("unknown-function");
        out.errorMessage = QStringLiteral("there is no function called \"%1\"").arg(name.left(60));
        return out;
    }
    QList<QCborValue> bound;
    if (!bind(*task, args, kwargs, &bound, &out.errorMessage)) {
        out.errorKind = QStringLiteral("bad-arguments");
        return out;
    }
    try {
        out.value = task->function(bound, ctx);
        out.ok = true;
    } catch (const TaskError &e) {
        out.errorKind = e.kind;
        out.errorMessage = e.message;
    } catch (const std::exception &e) {
        out.errorKind = QStringLiteral("exception");
        out.errorMessage = QString::fromLocal8Bit(e.what());
    } catch (...) {
        out.errorKind = QStringLiteral("exception");
        out.errorMessage = QStringLiteral("%1() threw an unknown exception").arg(name);
    }
    return out;
}

namespace {

constexpr qint64 kMaxMs = 24 * 3600 * 1000;

// A duration in milliseconds: 0 to one day, checked before the call is made.
Registry::Param msParam(const QString &name, QCborValue defaultValue = {})
{
    return {name, Registry::Type::Integer, defaultValue, QCborValue(0), QCborValue(kMaxMs)};
}

Registry makeBundled()
{
    using T = Registry::Type;
    Registry r;
    r.add({QStringLiteral("greet"),
           QStringLiteral("Prints \"i Hello name!\", sleeps one second, returns i."),
           {{QStringLiteral("i"), T::Integer}, {QStringLiteral("name"), T::String}},
           [](const QList<QCborValue> &a, TaskContext &ctx) {
               if (ctx.print)
                   ctx.print(
                       QStringLiteral("%1 Hello %2!").arg(a[0].toInteger()).arg(a[1].toString()));
               QThread::msleep(1000);
               return a[0];
           }});
    r.add({QStringLiteral("square"),
           QStringLiteral("Returns i * i."),
           {{QStringLiteral("i"), T::Number}},
           [](const QList<QCborValue> &a, TaskContext &) {
               if (a[0].isInteger()) {
                   const qint64 i = a[0].toInteger();
                   qint64 r = 0;
                   if (!__builtin_mul_overflow(i, i, &r))
                       return QCborValue(r);
               }
               const double d = a[0].toDouble();
               return QCborValue(d * d);
           }});
    r.add({QStringLiteral("sleep"),
           QStringLiteral("Sleeps ms milliseconds, returns ms."),
           {msParam(QStringLiteral("ms"))},
           [](const QList<QCborValue> &a, TaskContext &) {
               const qint64 ms = a[0].toInteger();
               QThread::msleep(ulong(ms));
               return QCborValue(ms);
           }});
    r.add({QStringLiteral("spin"),
           QStringLiteral("Burns ms milliseconds of CPU time, returns the loop count."),
           {msParam(QStringLiteral("ms"))},
           [](const QList<QCborValue> &a, TaskContext &) {
               const qint64 budget = a[0].toInteger() * 1000000;
               const qint64 start = threadCpuNs();
               volatile double x = 1.0;
               qint64 loops = 0;
               while (threadCpuNs() - start < budget) {
                   for (int k = 0; k < 2000; ++k)
                       x = std::sqrt(x + k);
                   ++loops;
               }
               return QCborValue(loops);
           }});
    r.add({QStringLiteral("fail"),
           QStringLiteral("Throws an error carrying message."),
           {{QStringLiteral("message"), T::String}},
           [](const QList<QCborValue> &a, TaskContext &) -> QCborValue {
               throw TaskError{QStringLiteral("task-error"), a[0].toString()};
           }});
    r.add({QStringLiteral("crash"),
           QStringLiteral("Kills its own process: how = \"abort\", \"segfault\" or \"exit\" "
                          "(status 3), after after_ms milliseconds."),
           {{QStringLiteral("how"), T::String}, msParam(QStringLiteral("after_ms"), QCborValue(0))},
           [](const QList<QCborValue> &a, TaskContext &) -> QCborValue {
               const QString how = a[0].toString();
               if (how != QLatin1String("abort") && how != QLatin1String("segfault") &&
                   how != QLatin1String("exit"))
                   throw TaskError{QStringLiteral("bad-arguments"),
                                   QStringLiteral("crash(): how must be \"abort\", \"segfault\" "
                                                  "or \"exit\", got \"%1\"")
                                       .arg(how.left(40))};
               QThread::msleep(ulong(a[1].toInteger()));
#if defined(Q_OS_UNIX)
               // A deliberate crash should not spend a second writing a core file.
               rlimit none{0, 0};
               setrlimit(RLIMIT_CORE, &none);
#endif
               if (how == QLatin1String("abort"))
                   std::abort();
               if (how == QLatin1String("exit"))
                   std::_Exit(3);
#if defined(Q_OS_WIN)
               // A real fault: raise(SIGSEGV) only ends the process with status 3 here.
               volatile std::uintptr_t address = 0;
               *reinterpret_cast<volatile int *>(address) = 1;
#else
               std::signal(SIGSEGV, SIG_DFL);
               std::raise(SIGSEGV);
#endif
               std::_Exit(139); // not reached
           }});
    r.add({QStringLiteral("echo"),
           QStringLiteral("Returns value unchanged (payload tests)."),
           {{QStringLiteral("value"), T::Any}},
           [](const QList<QCborValue> &a, TaskContext &) { return a[0]; }});
    r.add({QStringLiteral("add"),
           QStringLiteral("Returns a + b."),
           {{QStringLiteral("a"), T::Integer}, {QStringLiteral("b"), T::Integer}},
           [](const QList<QCborValue> &a, TaskContext &) {
               return QCborValue(a[0].toInteger() + a[1].toInteger());
           }});
    r.add({QStringLiteral("noop"),
           QStringLiteral("Does nothing; the cheapest possible call."),
           {},
           [](const QList<QCborValue> &, TaskContext &) { return QCborValue(QCborValue::Null); }});
    r.add(execTask());
    return r;
}

} // namespace

const Registry &Registry::bundled()
{
    static const Registry registry = makeBundled();
    return registry;
}

Registry &Registry::loaded()
{
    static Registry registry = makeBundled();
    return registry;
}

const Registry &Registry::available()
{
    return loaded();
}

} // namespace procession
