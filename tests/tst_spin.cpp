// SpinWait on its own (socketpairs, a second thread) and in a real session whose worker
// is the real executable, with spinning on, off and long.

#include "clock.h"
#include "realworkers.h"
#include "session.h"
#include "spin.h"
#include "trace.h"

#include <QtTest>

#include <atomic>
#include <cerrno>
#include <sched.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace procession;

namespace {

struct Pair
{
    int fd[2] = {-1, -1};
    Pair() { ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd); }
    ~Pair()
    {
        for (int f : fd)
            if (f >= 0)
                ::close(f);
    }
};

// Restores the calling thread's CPU affinity and PROCESSION_SPIN_US when it goes.
struct Restore
{
    cpu_set_t affinity;
    QByteArray spinUs = qgetenv("PROCESSION_SPIN_US");
    bool hadSpinUs = qEnvironmentVariableIsSet("PROCESSION_SPIN_US");
    Restore() { ::sched_getaffinity(0, sizeof affinity, &affinity); }
    ~Restore()
    {
        ::sched_setaffinity(0, sizeof affinity, &affinity);
        if (hadSpinUs)
            qputenv("PROCESSION_SPIN_US", spinUs);
        else
            qunsetenv("PROCESSION_SPIN_US");
    }
};

int usableCpus()
{
    cpu_set_t set;
    ::sched_getaffinity(0, sizeof set, &set);
    return CPU_COUNT(&set);
}

} // namespace

class TestSpin : public QObject
{
    Q_OBJECT

private slots:
    void noBudgetDoesNotSpin()
    {
        Pair p;
        SpinWait spin(0);
        char buf[16];
        errno = 0;
        QCOMPARE(spin.recv(p.fd[0], buf, sizeof buf), -1);
        QCOMPARE(errno, EAGAIN);
        QCOMPARE(spin.lastSpinNs(), 0);
    }

    void readsWhatIsAlreadyThere()
    {
        Pair p;
        QCOMPARE(::write(p.fd[1], "hello", 5), 5);
        SpinWait spin(50'000);
        char buf[16] = {};
        QCOMPARE(spin.recv(p.fd[0], buf, sizeof buf), 5);
        QCOMPARE(QByteArray(buf, 5), QByteArray("hello"));
        QVERIFY(spin.lastSpinNs() > 0);
    }

    void catchesBytesThatArriveWhileSpinning()
    {
        Pair p;
        SpinWait spin(SpinWait::kMaxBudgetNs); // 1 ms
        std::thread writer([&] {
            const qint64 until = nowNs() + 200'000; // 0.2 ms, without sleeping
            while (nowNs() < until) {
            }
            (void)::write(p.fd[1], "late", 4);
        });
        char buf[16] = {};
        const qint64 n = spin.recv(p.fd[0], buf, sizeof buf);
        writer.join();
        // On a loaded machine the writer may not run within the budget: then nothing was
        // read and the caller would block; either way no bytes may be lost or invented.
        if (n > 0) {
            QCOMPARE(n, 4);
            QCOMPARE(QByteArray(buf, 4), QByteArray("late"));
        } else {
            QCOMPARE(n, -1);
            QCOMPARE(::read(p.fd[0], buf, sizeof buf), 4);
        }
    }

    void givesUpAfterItsBudgetAndBacksOff()
    {
        Pair p;
        SpinWait spin(100'000); // 0.1 ms
        char buf[16];
        auto spinsThisTime = [&] {
            errno = 0;
            const qint64 n = spin.recv(p.fd[0], buf, sizeof buf);
            if (n != -1 || errno != EAGAIN)
                qFatal("recv() on an empty socket returned %lld (errno %d)", n, errno);
            return spin.lastSpinNs() > 0;
        };
        // A spin that finds nothing takes at least its budget (or stops early when another
        // task ran on this CPU, which counts as "shared", not as a failure).
        QVERIFY(spinsThisTime());
        if (spin.sharedCount() == 0)
            QVERIFY2(spin.lastSpinNs() >= 100'000, qPrintable(QString::number(spin.lastSpinNs())));
        // Failures in a row: the k-th is followed by 2^k - 1 waits that do not spin.
        QList<bool> pattern;
        for (int i = 0; i < 1 + 2 + 1 + 4 + 1; ++i)
            pattern << spinsThisTime();
        if (spin.sharedCount() == 0)
            QCOMPARE(pattern,
                     (QList<bool>{false, true, false, false, false, true, false, false, false}));
        // A success resets the back-off.
        QCOMPARE(::write(p.fd[1], "x", 1), 1);
        while (!spinsThisTimeOrRead(spin, p.fd[0])) {
        }
        QCOMPARE(spin.recv(p.fd[0], buf, sizeof buf), -1); // fails again: skip one after it
        QVERIFY(!spinsThisTime());
        QVERIFY(spinsThisTime());
    }

    // The worker subtracts lastSpinNs() from the next call's CPU time, so it may never
    // count time in which another task held the CPU: a spinner sharing one CPU with a busy
    // thread yields to it for milliseconds, and counting that wall time made a 200 ms
    // spin() call read under 190 ms of CPU on a loaded machine.
    void spinTimeNeverCountsOtherTasks()
    {
#if defined(Q_OS_LINUX)
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(0, &one);
        cpu_set_t saved;
        QCOMPARE(::sched_getaffinity(0, sizeof saved, &saved), 0);
        QCOMPARE(::sched_setaffinity(0, sizeof one, &one), 0); // this thread, on CPU 0
        std::atomic<bool> stop{false};
        std::thread busy([&] {
            ::sched_setaffinity(0, sizeof one, &one); // and a busy thread beside it
            while (!stop.load(std::memory_order_relaxed)) {
            }
        });
        Pair p;
        char buf[16];
        qint64 longest = 0;
        int shared = 0;
        for (int i = 0; i < 200 && shared < 5; ++i) {
            SpinWait spin(SpinWait::kMaxBudgetNs); // a fresh one: no back-off between tries
            spin.recv(p.fd[0], buf, sizeof buf);
            longest = std::max(longest, spin.lastSpinNs());
            shared += spin.sharedCount();
        }
        QVERIFY2(shared > 0, "the busy thread never ran during a spin: nothing was tested");
        stop = true;
        busy.join();
        ::sched_setaffinity(0, sizeof saved, &saved);
        QVERIFY2(longest <= SpinWait::kMaxBudgetNs + SpinWait::kOtherTaskRanNs,
                 qPrintable(QStringLiteral("a spin counted %1 ns").arg(longest)));
#else
        QSKIP("needs sched_setaffinity (Linux)");
#endif
    }

    void endOfFileEndsTheSpin()
    {
        Pair p;
        ::close(p.fd[1]);
        p.fd[1] = -1;
        SpinWait spin(SpinWait::kMaxBudgetNs);
        char buf[16];
        const qint64 t0 = nowNs();
        QCOMPARE(spin.recv(p.fd[0], buf, sizeof buf), 0);
        QVERIFY(nowNs() - t0 < SpinWait::kMaxBudgetNs);
    }

    void budgetFromEnvironmentAndAffinity()
    {
        if (usableCpus() < 2)
            QSKIP("this machine lets the test use one CPU only: spinning is always off here");
        Restore restore;
        qunsetenv("PROCESSION_SPIN_US");
        QCOMPARE(SpinWait::defaultBudgetNs(), SpinWait::kDefaultBudgetNs);
        qputenv("PROCESSION_SPIN_US", "7");
        QCOMPARE(SpinWait::defaultBudgetNs(), 7'000);
        qputenv("PROCESSION_SPIN_US", "0");
        QCOMPARE(SpinWait::defaultBudgetNs(), 0);
        qputenv("PROCESSION_SPIN_US", "999999");
        QCOMPARE(SpinWait::defaultBudgetNs(), SpinWait::kMaxBudgetNs);
        qputenv("PROCESSION_SPIN_US", "fast");
        QCOMPARE(SpinWait::defaultBudgetNs(), SpinWait::kDefaultBudgetNs);
        qputenv("PROCESSION_SPIN_US", "-3");
        QCOMPARE(SpinWait::defaultBudgetNs(), SpinWait::kDefaultBudgetNs);

        // Allowed one CPU only, a spinner would keep its peer from running: no spinning.
        qunsetenv("PROCESSION_SPIN_US");
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(sched_getcpu(), &one);
        QCOMPARE(::sched_setaffinity(0, sizeof one, &one), 0);
        QCOMPARE(SpinWait::defaultBudgetNs(), 0);
        QCOMPARE(SpinWait().budgetNs(), 0);
    }

    // Real worker processes, with spinning off, on, and at its longest, and pinned to one
    // CPU: every result arrives, in order, and the round trips stay far from a timeout.
    void realRoundTrips_data()
    {
        QTest::addColumn<QByteArray>("spinUs");
        QTest::addColumn<bool>("oneCpu");
        QTest::newRow("off") << QByteArray("0") << false;
        QTest::newRow("default") << QByteArray() << false;
        QTest::newRow("1 ms") << QByteArray("1000") << false;
        QTest::newRow("one CPU") << QByteArray() << true;
    }
    void realRoundTrips()
    {
        QFETCH(QByteArray, spinUs);
        QFETCH(bool, oneCpu);
        Restore restore;
        if (spinUs.isEmpty())
            qunsetenv("PROCESSION_SPIN_US");
        else
            qputenv("PROCESSION_SPIN_US", spinUs);
        if (oneCpu) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(sched_getcpu(), &one);
            QCOMPARE(::sched_setaffinity(0, sizeof one, &one), 0); // the worker inherits it
        }
        Trace trace;
        Session session(&trace, realWorkers());
        QString error;
        QVERIFY2(session.listen(&error), qPrintable(error));
        const int w = session.fork();
        QVERIFY2(session.waitAllReady(10000, &error), qPrintable(error));
        const qint64 t0 = nowNs();
        for (int i = 0; i < 2000; ++i) {
            const CallOutcome r =
                session.awaitCall(session.callAsync(w, QStringLiteral("square"), {i}));
            QVERIFY2(r.ok, qPrintable(r.error));
            QCOMPARE(r.value.toInteger(), qint64(i) * i);
        }
        // 2,000 round trips take ~10-100 ms; a spinner holding off its peer on one CPU
        // would take ~0.2-2 s (each round trip waiting out a budget or a time slice).
        const double seconds = double(nowNs() - t0) / 1e9;
        QVERIFY2(seconds < 2.0, qPrintable(QString::number(seconds)));
    }

private:
    static bool spinsThisTimeOrRead(SpinWait &spin, int fd)
    {
        char buf[16];
        return spin.recv(fd, buf, sizeof buf) == 1;
    }
};

QTEST_GUILESS_MAIN(TestSpin)
#include "tst_spin.moc"
