#include "pythonprogram.h"

#include "scenario.h"

#include <QCborMap>
#include <QCborValue>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace procession {

namespace {

// The part of the program that is the same for every scenario: the functions, a worker's
// loop, and the recipe's vocabulary on the parent's side. Written for this project.
const char *const kLibrary = R"PY(import itertools
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time


# ---- The functions a worker runs, looked up by name, as Procession's workers do ----

def say(line):
    # One write per line, so lines from processes printing at once never run together.
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def greet(i, name):
    say(f"{i} Hello {name}!")
    time.sleep(1)
    return i


def square(i):
    return i * i


def sleep(ms):
    time.sleep(ms / 1000)
    return ms


def spin(ms):
    """Burn ms milliseconds of this process's CPU time; return how many rounds that took."""
    start = time.process_time()
    rounds, x = 0, 1.0
    while time.process_time() - start < ms / 1000:
        for k in range(2000):
            x = (x + k) ** 0.5
        rounds += 1
    return rounds


def fail(message):
    raise RuntimeError(message)


def crash(how, after_ms=0):
    time.sleep(after_ms / 1000)
    if how == "abort":
        os.abort()
    if how == "exit":
        os._exit(3)
    if how == "segfault":
        os.kill(os.getpid(), signal.SIGSEGV)
    raise ValueError('crash(): how must be "abort", "segfault" or "exit"')


def echo(value):
    return value


def add(a, b):
    return a + b


def noop():
    return None


def exec(program, *args):  # Procession's name for it; Python's own exec() is not used here
    """Run a command (a list, no shell) in a process group of its own; its output lines are
    this worker's prints; exit status 0 is the result."""
    child = subprocess.Popen([program, *args], stdout=subprocess.PIPE, text=True,
                             start_new_session=True)
    for line in child.stdout:
        say(line.rstrip("\n"))
    status = child.wait()
    if status != 0:
        raise RuntimeError(f"{program} exited with status {status}")
    return status


FUNCTIONS = {f.__name__: f for f in (greet, square, sleep, spin, fail, crash, echo, add, noop,
                                     exec)}


# ---- A worker: say hello, then answer calls one after another until asked to stop ----

def serve(conn):
    conn.send(("hello", os.getpid()))
    while True:
        try:
            request = conn.recv()
        except EOFError:  # the parent has gone: so does the worker
            return
        if request is None:  # join() asks the worker to exit
            return
        name, args = request
        if name not in FUNCTIONS:
            conn.send(("error", f'there is no function called "{name}"'))
            continue
        try:
            conn.send(("ok", FUNCTIONS[name](*args)))
        except Exception as e:  # the worker keeps serving after a failed call
            conn.send(("error", f"{type(e).__name__}: {e}"))


# ---- The parent's side: fork, call_async, call_await, join ----

class WorkerGone(Exception):
    """The worker process ended before it answered."""


class CallFailed(Exception):
    """The call raised an error in the worker."""


class Worker:
    def __init__(self):
        self.conn, theirs = multiprocessing.Pipe()
        self.process = multiprocessing.Process(target=serve, args=(theirs,), daemon=True)
        self.process.start()
        theirs.close()  # the worker holds its end now
        self.pid = self.process.pid
        self.said_hello = False

    def receive(self):
        try:
            message = self.conn.recv()
        except (EOFError, ConnectionError):
            self.process.join()
            code = self.process.exitcode
            how = (f"was killed by {signal.Signals(-code).name}" if code is not None and code < 0
                   else f"exited with status {code}")
            raise WorkerGone(f"the worker (pid {self.pid}) {how}") from None
        return message

    def wait_hello(self):
        if not self.said_hello:
            self.receive()
            self.said_hello = True


class Call:
    def __init__(self, worker, function, args):
        self.worker = worker
        self.label = f"{function.__name__}({', '.join(as_text(a) for a in args)})"
        self.one_shot = False  # a process of its own, joined once the call is awaited


def as_text(value):
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def fork():
    """Start one worker process."""
    return Worker()


def hello_from(workers):
    """Wait until each new worker said hello, so that start-up stays in its own phase."""
    for worker in workers:
        worker.wait_hello()
    return workers


def call_async(worker, function, *args):
    """Send a call to a worker and return at once; call_await() collects the answer."""
    call = Call(worker, function, args)
    try:
        worker.conn.send((function.__name__, args))
    except (BrokenPipeError, ConnectionError, OSError):
        pass  # the worker is gone: call_await() says how it ended
    return call


def spawn_call(function, *args):
    """One new process for one call."""
    call = call_async(fork(), function, *args)
    call.one_shot = True
    return call


def call_await(call):
    """Wait for a call's answer: its value, or the error it ended with."""
    try:
        call.worker.wait_hello()
        kind, value = call.worker.receive()
    finally:
        if call.one_shot:
            join(call.worker)
    if kind == "error":
        raise CallFailed(value)
    return value


def join(worker):
    """Ask a worker to exit and wait for it (stop it if it does not)."""
    try:
        worker.conn.send(None)
    except (BrokenPipeError, ConnectionError, OSError):
        pass
    worker.process.join(5)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join()


# ---- What the scenario's steps use to print and time ----

def report(label, run):
    try:
        say(f"result  {label} = {as_text(run())}")
    except (CallFailed, WorkerGone) as e:
        say(f"error   {label}: {e}")
    except Exception as e:
        say(f"error   {label}: {type(e).__name__}: {e}")


def await_all(pending):
    """call_await() every outstanding call, in the order they were made."""
    for call in pending:
        report(call.label, lambda: call_await(call))
    pending.clear()


def run_here(function, *args):
    """The sequential baseline: the call runs in this very process."""
    report(f"{function.__name__}({', '.join(as_text(a) for a in args)})",
           lambda: function(*args))


def join_all(pool):
    for worker in pool:
        join(worker)
    pool.clear()


current_phase = None


def phase(name):
    """A new phase starts; the one before it ends and prints its wall time."""
    global current_phase
    end_phase()
    current_phase = (name, time.perf_counter())


def end_phase():
    global current_phase
    if current_phase:
        name, start = current_phase
        say(f"phase   {name}: {time.perf_counter() - start:.3f} s")
        current_phase = None
)PY";

QString pythonText(const QString &s)
{
    // A JSON string is a valid Python string literal.
    const QByteArray json = QJsonDocument(QJsonArray{s}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.mid(1, json.size() - 2));
}

QString pythonLiteral(const QCborValue &v)
{
    switch (v.type()) {
    case QCborValue::Integer:
        return QString::number(v.toInteger());
    case QCborValue::Double: {
        const double d = v.toDouble();
        if (std::isnan(d))
            return QStringLiteral("float(\"nan\")");
        if (std::isinf(d))
            return d > 0 ? QStringLiteral("float(\"inf\")") : QStringLiteral("-float(\"inf\")");
        QString s = QString::number(d, 'g', 17);
        if (!s.contains(QLatin1Char('.')) && !s.contains(QLatin1Char('e')))
            s += QStringLiteral(".0");
        return s;
    }
    case QCborValue::String:
        return pythonText(v.toString());
    case QCborValue::True:
        return QStringLiteral("True");
    case QCborValue::False:
        return QStringLiteral("False");
    case QCborValue::ByteArray: {
        QString s = QStringLiteral("b\"");
        for (char c : v.toByteArray())
            s += QStringLiteral("\\x%1").arg(uchar(c), 2, 16, QLatin1Char('0'));
        return s + QLatin1Char('"');
    }
    case QCborValue::Array: {
        QStringList parts;
        for (const QCborValue &x : v.toArray())
            parts << pythonLiteral(x);
        return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
    }
    case QCborValue::Map: {
        QStringList parts;
        const QCborMap m = v.toMap();
        for (auto it = m.constBegin(); it != m.constEnd(); ++it)
            parts << pythonLiteral(it.key()) + QStringLiteral(": ") + pythonLiteral(it.value());
        return QLatin1Char('{') + parts.join(QStringLiteral(", ")) + QLatin1Char('}');
    }
    default:
        return QStringLiteral("None");
    }
}

QString argsTuple(const QCborArray &args)
{
    QStringList parts;
    for (const QCborValue &a : args)
        parts << pythonLiteral(a);
    return parts.size() == 1
               ? QStringLiteral("(%1,)").arg(parts.first())
               : QLatin1Char('(') + parts.join(QStringLiteral(", ")) + QLatin1Char(')');
}

// Every call's arguments as a Python list, as short as the pattern allows: a range, a
// repeated list, or each one written out.
QString argumentLists(const QList<QCborArray> &calls)
{
    const qsizetype n = calls.size();
    bool isRange = n > 1;
    for (qsizetype i = 0; i < n && isRange; ++i)
        isRange = calls.at(i).size() == 1 && calls.at(i).at(0).isInteger() &&
                  calls.at(i).at(0).toInteger() == i;
    if (isRange)
        return QStringLiteral("[(i,) for i in range(%1)]").arg(n);
    qsizetype period = n;
    for (qsizetype p = 1; p < n; ++p) {
        if (n % p != 0)
            continue;
        bool repeats = true;
        for (qsizetype i = p; i < n && repeats; ++i)
            repeats = calls.at(i) == calls.at(i % p);
        if (repeats) {
            period = p;
            break;
        }
    }
    QStringList parts;
    for (qsizetype i = 0; i < period; ++i)
        parts << argsTuple(calls.at(i));
    const QString list = QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
    return period < n ? QStringLiteral("%1 * %2").arg(list).arg(n / period) : list;
}

QString stepLine(const Step &s)
{
    switch (s.kind) {
    case Step::Kind::Phase:
        return QStringLiteral("phase(%1)").arg(pythonText(s.name));
    case Step::Kind::Fork:
        return QStringLiteral("pool += hello_from([fork() for _ in range(%1)])").arg(s.count);
    case Step::Kind::CallAsync: {
        QString line;
        if (s.target == Step::Target::NewProcess) {
            line = QStringLiteral("pending += [spawn_call(%1, *args) for args in %2]")
                       .arg(s.function, argumentLists(s.calls));
        } else {
            QString workers = QStringLiteral("pool");
            if (!s.workers.isEmpty()) {
                QStringList chosen;
                for (int w : s.workers)
                    chosen << QStringLiteral("pool[%1]").arg(w - 1);
                workers = QLatin1Char('[') + chosen.join(QStringLiteral(", ")) + QLatin1Char(']');
            }
            line = QStringLiteral("pending += [call_async(w, %1, *args) for w, args in "
                                  "zip(itertools.cycle(%2), %3)]")
                       .arg(s.function, workers, argumentLists(s.calls));
        }
        if (s.expectError)
            line += QStringLiteral("  # expected to fail");
        return line;
    }
    case Step::Kind::CallAwait:
        return QStringLiteral("await_all(pending)");
    case Step::Kind::Call:
        return QStringLiteral("for args in %1: run_here(%2, *args)")
            .arg(argumentLists(s.calls), s.function);
    case Step::Kind::Join:
        return QStringLiteral("join_all(pool)");
    case Step::Kind::Sleep:
        return QStringLiteral("time.sleep(%1)").arg(QString::number(s.ms / 1000.0, 'g', 10));
    }
    return {};
}

} // namespace

PythonProgram pythonProgram(const Scenario &scenario)
{
    PythonProgram program;
    for (const Step &s : scenario.steps)
        program.scenarioPart << stepLine(s);

    QStringList head;
    head << QStringLiteral("#!/usr/bin/env python3")
         << QStringLiteral("# %1: %2").arg(scenario.id, scenario.title.simplified())
         << QStringLiteral("#")
         << QStringLiteral("# Written by `procession python %1`: the same steps as Procession's "
                           "scenario, in plain")
                .arg(scenario.id)
         << QStringLiteral("# Python 3 with the standard library only. Each worker is a process "
                           "(multiprocessing.Process)")
         << QStringLiteral("# that the parent talks to over a multiprocessing.Pipe. Run it with "
                           "`python3 FILE.py` and")
         << QStringLiteral("# set its phase times beside Procession's timeline.") << QString();
    QString text = head.join(QLatin1Char('\n')) + QLatin1Char('\n');
    text += QString::fromUtf8(kLibrary);
    // Functions from a task library (--tasks) have no Python version: the program says so
    // when such a call is made, instead of not starting at all.
    static const QStringList known = {QStringLiteral("greet"), QStringLiteral("square"),
                                      QStringLiteral("sleep"), QStringLiteral("spin"),
                                      QStringLiteral("fail"),  QStringLiteral("crash"),
                                      QStringLiteral("echo"),  QStringLiteral("add"),
                                      QStringLiteral("noop"),  QStringLiteral("exec")};
    QStringList stubs;
    for (const Step &s : scenario.steps) {
        if (s.function.isEmpty() || known.contains(s.function) || stubs.contains(s.function))
            continue;
        stubs << s.function;
        text += QStringLiteral("\n\ndef %1(*args):\n    raise NotImplementedError(\"%1() comes "
                               "from a task library; it has no Python version here\")\n\n\n"
                               "FUNCTIONS[\"%1\"] = %1\n")
                    .arg(s.function);
    }
    text += QStringLiteral("\n\ndef main():\n    started = time.perf_counter()\n"
                           "    pool, pending = [], []\n");
    program.scenarioFirstLine = int(text.count(QLatin1Char('\n')));
    for (const QString &line : std::as_const(program.scenarioPart))
        text += QStringLiteral("    ") + line + QLatin1Char('\n');
    text += QStringLiteral("    await_all(pending)  # whatever the scenario left outstanding\n"
                           "    end_phase()\n"
                           "    say(f\"wall    {time.perf_counter() - started:.3f} s\")\n\n\n"
                           "if __name__ == \"__main__\":\n    main()\n");
    program.text = text;
    return program;
}

} // namespace procession
