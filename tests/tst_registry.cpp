#include "registry.h"

#include <QTest>

using namespace procession;

class tst_Registry : public QObject
{
    Q_OBJECT

private slots:
    void bundledTasksExist();
    void calls_data();
    void calls();
    void errors_data();
    void errors();
    void greetPrints();
};

void tst_Registry::bundledTasksExist()
{
    for (const char *name : {"greet", "square", "sleep", "spin", "fail", "crash", "echo"})
        QVERIFY2(Registry::bundled().find(QLatin1String(name)), name);
}

void tst_Registry::calls_data()
{
    QTest::addColumn<QString>("fn");
    QTest::addColumn<QCborArray>("args");
    QTest::addColumn<QCborMap>("kwargs");
    QTest::addColumn<QCborValue>("expected");
    QTest::newRow("square int") << QStringLiteral("square") << QCborArray{7} << QCborMap{}
                                << QCborValue(49);
    QTest::newRow("square double")
        << QStringLiteral("square") << QCborArray{1.5} << QCborMap{} << QCborValue(2.25);
    QTest::newRow("square kwarg") << QStringLiteral("square") << QCborArray{}
                                  << QCborMap{{QStringLiteral("i"), 3}} << QCborValue(9);
    QTest::newRow("echo bytes") << QStringLiteral("echo") << QCborArray{QByteArray("abc")}
                                << QCborMap{} << QCborValue(QByteArray("abc"));
    QTest::newRow("add") << QStringLiteral("add") << QCborArray{2, 40} << QCborMap{}
                         << QCborValue(42);
    QTest::newRow("sleep 0") << QStringLiteral("sleep") << QCborArray{0} << QCborMap{}
                             << QCborValue(0);
}

void tst_Registry::calls()
{
    QFETCH(QString, fn);
    QFETCH(QCborArray, args);
    QFETCH(QCborMap, kwargs);
    QFETCH(QCborValue, expected);
    TaskContext ctx;
    const Registry::Outcome out = Registry::bundled().call(fn, args, kwargs, ctx);
    QVERIFY2(out.ok, qPrintable(out.errorMessage));
    QCOMPARE(out.value, expected);
}

void tst_Registry::errors_data()
{
    QTest::addColumn<QString>("fn");
    QTest::addColumn<QCborArray>("args");
    QTest::addColumn<QCborMap>("kwargs");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown") << QStringLiteral("launch") << QCborArray{} << QCborMap{}
                             << QStringLiteral("unknown-function")
                             << QStringLiteral("no function called \"launch\"");
    QTest::newRow("missing") << QStringLiteral("greet") << QCborArray{1} << QCborMap{}
                             << QStringLiteral("bad-arguments")
                             << QStringLiteral("greet() is missing argument \"name\"");
    QTest::newRow("too many") << QStringLiteral("square") << QCborArray{1, 2} << QCborMap{}
                              << QStringLiteral("bad-arguments")
                              << QStringLiteral("square() takes 1 argument, 2 given");
    QTest::newRow("wrong type") << QStringLiteral("square") << QCborArray{QStringLiteral("seven")}
                                << QCborMap{} << QStringLiteral("bad-arguments")
                                << QStringLiteral("argument \"i\" must be number, got text");
    QTest::newRow("unknown kwarg")
        << QStringLiteral("square") << QCborArray{} << QCborMap{{QStringLiteral("j"), 1}}
        << QStringLiteral("bad-arguments") << QStringLiteral("no parameter named \"j\"");
    QTest::newRow("twice") << QStringLiteral("square") << QCborArray{1}
                           << QCborMap{{QStringLiteral("i"), 1}} << QStringLiteral("bad-arguments")
                           << QStringLiteral("got argument \"i\" twice");
    QTest::newRow("fail throws") << QStringLiteral("fail")
                                 << QCborArray{QStringLiteral("bad input")} << QCborMap{}
                                 << QStringLiteral("task-error") << QStringLiteral("bad input");
    QTest::newRow("negative sleep")
        << QStringLiteral("sleep") << QCborArray{-5} << QCborMap{}
        << QStringLiteral("bad-arguments") << QStringLiteral("between 0 and");
    QTest::newRow("crash how") << QStringLiteral("crash") << QCborArray{QStringLiteral("gently")}
                               << QCborMap{} << QStringLiteral("bad-arguments")
                               << QStringLiteral("how must be");
}

void tst_Registry::errors()
{
    QFETCH(QString, fn);
    QFETCH(QCborArray, args);
    QFETCH(QCborMap, kwargs);
    QFETCH(QString, kind);
    QFETCH(QString, message);
    TaskContext ctx;
    const Registry::Outcome out = Registry::bundled().call(fn, args, kwargs, ctx);
    QVERIFY(!out.ok);
    QCOMPARE(out.errorKind, kind);
    QVERIFY2(out.errorMessage.contains(message), qPrintable(out.errorMessage));
}

void tst_Registry::greetPrints()
{
    QStringList printed;
    TaskContext ctx;
    ctx.print = [&](const QString &line) { printed << line; };
    QElapsedTimer timer;
    timer.start();
    const Registry::Outcome out =
        Registry::bundled().call(QStringLiteral("greet"), {1, QStringLiteral("Chess")}, {}, ctx);
    QVERIFY(out.ok);
    QCOMPARE(out.value.toInteger(), 1);
    QCOMPARE(printed, QStringList{QStringLiteral("1 Hello Chess!")});
    QVERIFY(timer.elapsed() >= 990);
}

QTEST_GUILESS_MAIN(tst_Registry)
#include "tst_registry.moc"
