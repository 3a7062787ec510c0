#include "scenario.h"

#include <QTest>

using namespace procession;

class tst_Scenario : public QObject
{
    Q_OBJECT

private slots:
    void bundledScenariosParse();
    void parsesSteps();
    void invalid_data();
    void invalid();
    void findUnknown();
};

void tst_Scenario::bundledScenariosParse()
{
    const QList<Scenario> all = bundledScenarios();
    QStringList ids;
    for (const Scenario &s : all) {
        ids << s.id;
        QVERIFY(!s.title.isEmpty());
        QVERIFY(!s.description.isEmpty());
        QCOMPARE(s.recipeLines().size(), s.steps.size());
    }
    // The lesson of these two is the ratio of two of their phases.
    QCOMPARE(all.at(3).compareTo, QStringLiteral("pre-forked pool of four"));
    QCOMPARE(all.at(4).compareFrom, QStringLiteral("eight spins on one worker"));
    // Eight calls on one chosen worker are eight calls (zip over a cycle, not over one
    // handle), and every call sent is one to await.
    const QString eight = all.at(4).recipeLines().at(3);
    QVERIFY2(eight.contains(QStringLiteral("zip(itertools.cycle([pool[0]]), [(250,)] * 8)")),
             qPrintable(eight));
    QVERIFY2(eight.startsWith(QStringLiteral("pending += ")), qPrintable(eight));
    QCOMPARE(ids, QStringList({QStringLiteral("greet-sequential"), QStringLiteral("greet-spawn"),
                               QStringLiteral("greet-square-pool"), QStringLiteral("spawn-vs-pool"),
                               QStringLiteral("cpu-bound"), QStringLiteral("worker-crash"),
                               QStringLiteral("task-error"), QStringLiteral("commands-pool")}));
}

void tst_Scenario::parsesSteps()
{
    const QByteArray json = R"({"id": "4t-x9-", "title": "T", "steps": [
        {"phase": "p"}, {"fork": 2},
        {"call_async": "square", "range": 3, "repeat": 2},
        {"call_async": "greet", "args": [[1, "x"]], "workers": [2], "expect": "error"},
        {"call_await": "all", "timeout_ms": 500},
        {"call_async": "square", "on": "new", "args": [[1.5]]},
        {"call": "square", "args": [[2]]}, {"join": "all"}, {"sleep": 10}]})";
    Scenario s;
    QString error;
    QVERIFY2(parseScenario(json, QStringLiteral("t.json"), &s, &error), qPrintable(error));
    QCOMPARE(s.id, QStringLiteral("4t-x9-"));
    QCOMPARE(s.steps.size(), 9);
    QCOMPARE(s.steps[1].kind, Step::Kind::Fork);
    QCOMPARE(s.steps[1].count, 2);
    QCOMPARE(s.steps[2].calls.size(), 6);
    QCOMPARE(s.steps[2].calls[4], QCborArray{1});
    QVERIFY(s.steps[2].calls[0].at(0).isInteger()); // JSON whole numbers become integers
    QCOMPARE(s.steps[3].workers, QList<int>{2});
    QVERIFY(s.steps[3].expectError);
    QCOMPARE(s.steps[4].timeoutMs, 500);
    QCOMPARE(s.steps[5].target, Step::Target::NewProcess);
    QVERIFY(s.steps[5].calls[0].at(0).isDouble());
    QCOMPARE(s.steps[6].kind, Step::Kind::Call);
    QCOMPARE(s.steps[8].ms, 10);
    QCOMPARE(s.totalCalls(), 9);
    QVERIFY(s.recipeLines().at(1).contains(QStringLiteral("fork()")));
}

void tst_Scenario::invalid_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");
    const QByteArray head = R"({"id": "t", "title": "T", "steps": )";
    QTest::newRow("not json") << QByteArray("{\"id\": ")
                              << QStringLiteral("bad.json: line 1, column 8: invalid JSON");
    QTest::newRow("not object") << QByteArray("[1]")
                                << QStringLiteral("bad.json: a scenario must be a JSON object");
    QTest::newRow("no id") << QByteArray(R"({"title": "T", "steps": [{"fork": 1}]})")
                           << QStringLiteral("bad.json: id: must be text, got nothing");
    QTest::newRow("bad id") << QByteArray(R"({"id": "A B", "title": "T", "steps": [{"fork": 1}]})")
                            << QStringLiteral("bad.json: id: must be lower-case");
    for (const char *id : {"-t", "a_b", "Ab", "\u00e9t\u00e9", "t.json"})
        QTest::newRow(qPrintable(QStringLiteral("bad id ") + QString::fromUtf8(id)))
            << QByteArray(R"({"id": ")") + id + R"(", "title": "T", "steps": [{"fork": 1}]})"
            << QStringLiteral("bad.json: id: must be lower-case");
    QTest::newRow("unknown field") << QByteArray(R"({"id": "t", "title": "T", "stepz": []})")
                                   << QStringLiteral("bad.json: stepz: is not a scenario field");
    // Another kind of JSON document: said to be neither, naming what it has.
    QTest::newRow("cloud trace spans")
        << QByteArray(R"({"spans": [{"spanId": "1"}], "traceId": "ab"})")
        << QStringLiteral("bad.json: JSON, but neither a scenario (no \"steps\") nor a trace (no "
                          "\"traceEvents\"): it has \"spans\", \"traceId\"");
    QTest::newRow("empty object")
        << QByteArray("{}")
        << QStringLiteral("bad.json: JSON, but neither a scenario nor a trace: an empty object");
    QTest::newRow("no steps") << head + "[]}"
                              << QStringLiteral("bad.json: steps: must be a non-empty list");
    QTest::newRow("step not object")
        << head + "[3]}" << QStringLiteral("bad.json: steps[0]: must be an object");
    QTest::newRow("unknown step") << head + R"([{"spawn": 1}])"
                                            "}"
                                  << QStringLiteral("bad.json: steps[0]: names no step");
    QTest::newRow("two verbs") << head + R"([{"fork": 1, "join": "all"}])"
                                         "}"
                               << QStringLiteral("bad.json: steps[0]: has both");
    QTest::newRow("negative fork")
        << head + R"([{"fork": -1}])"
                  "}"
        << QStringLiteral("bad.json: steps[0].fork: must be between 1 and 64, got -1");
    QTest::newRow("fractional fork")
        << head + R"([{"fork": 1.5}])"
                  "}"
        << QStringLiteral("bad.json: steps[0].fork: must be a whole number, got 1.5");
    QTest::newRow("fork as text")
        << head + R"([{"fork": "4"}])"
                  "}"
        << QStringLiteral("bad.json: steps[0].fork: must be a whole number, got text");
    QTest::newRow("absurd fork") << head + R"([{"fork": 100000}])"
                                           "}"
                                 << QStringLiteral("steps[0].fork: must be between 1 and 64");
    QTest::newRow("unknown function")
        << head + R"([{"call": "launch"}])"
                  "}"
        << QStringLiteral("bad.json: steps[0]: unknown function \"launch\"");
    QTest::newRow("wrong args")
        << head + R"([{"call": "greet", "args": [[1, "a"], [2]]}])"
                  "}"
        << QStringLiteral("bad.json: steps[0].args[1]: greet() is missing argument \"name\"");
    QTest::newRow("args not lists")
        << head + R"([{"call": "square", "args": [1, 2]}])"
                  "}"
        << QStringLiteral("bad.json: steps[0].args[0]: must be a list of arguments");
    QTest::newRow("pool without fork") << head + R"([{"call_async": "square", "args": [[1]]}])"
                                                 "}"
                                       << QStringLiteral("no worker is forked");
    QTest::newRow("worker out of range")
        << head + R"([{"fork": 2}, {"call_async": "square", "args": [[1]], "workers": [3]}])"
                  "}"
        << QStringLiteral("steps[1].workers[0]: must be between 1 and 2, got 3");
    QTest::newRow("absurd range") << head + R"([{"call": "square", "range": 100000000}])"
                                            "}"
                                  << QStringLiteral(
                                         "steps[0].range: must be between 1 and 1000000");
    QTest::newRow("absurd repeat")
        << head + R"([{"call": "square", "range": 1000, "repeat": 100000}])"
                  "}"
        << QStringLiteral("steps[0].repeat: makes 100000000 calls");
    QTest::newRow("too many processes")
        << head + R"([{"call_async": "square", "on": "new", "range": 5000}])"
                  "}"
        << QStringLiteral("would start 5000 processes");
    QTest::newRow("bad on") << head + R"([{"call_async": "square", "on": "cloud", "args": [[1]]}])"
                                      "}"
                            << QStringLiteral("steps[0].on: must be \"pool\"");
    QTest::newRow("unknown step field")
        << head + R"([{"fork": 1, "count": 2}])"
                  "}"
        << QStringLiteral("steps[0].count: is not a field of a fork step");
    QTest::newRow("bad expect") << head +
                                       R"([{"call": "square", "args": [[1]], "expect": "maybe"}])"
                                       "}"
                                << QStringLiteral("steps[0].expect: must be \"ok\" or \"error\"");
    QTest::newRow("compare not a pair")
        << head + R"([{"phase": "a"}], "compare": ["a"]})"
        << QStringLiteral("bad.json: compare: must name two phases");
    QTest::newRow("compare unknown phase")
        << head + R"([{"phase": "a"}, {"phase": "b"}], "compare": ["a", "c"]})"
        << QStringLiteral("compare[1]: \"c\" is not the name of a phase of this scenario");
    QTest::newRow("compare same phase")
        << head + R"([{"phase": "a"}, {"phase": "b"}], "compare": ["a", "a"]})"
        << QStringLiteral("compare: names the same phase twice");
    QTest::newRow("negative sleep")
        << head + R"([{"sleep": -5}])"
                  "}"
        << QStringLiteral("steps[0].sleep: must be between 0 and 60000, got -5");
}

void tst_Scenario::invalid()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    Scenario s;
    QString error;
    QVERIFY(!parseScenario(json, QStringLiteral("bad.json"), &s, &error));
    QVERIFY2(error.contains(expected), qPrintable(error));
}

void tst_Scenario::findUnknown()
{
    Scenario s;
    QString error;
    QVERIFY(findScenario(QStringLiteral("greet-spawn"), &s, &error));
    QCOMPARE(s.id, QStringLiteral("greet-spawn"));
    QVERIFY(!findScenario(QStringLiteral("no-such-thing"), &s, &error));
    QVERIFY(error.contains(QStringLiteral("no bundled scenario")));
    QVERIFY(error.contains(QStringLiteral("greet-square-pool")));
}

QTEST_GUILESS_MAIN(tst_Scenario)
#include "tst_scenario.moc"
