#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace procession {

struct Scenario;

// A scenario as a complete Python 3 program (standard library only: multiprocessing's
// Process and Pipe) that performs the same steps with the same functions, prints the same
// lines as the workers do in Procession, one line per call's result, and each phase's wall
// time. `procession python ID` prints it; the Recipe pane shows its scenario part.
struct PythonProgram
{
    QString text;              // the whole program
    QStringList scenarioPart;  // the body of main(): one line per scenario step
    int scenarioFirstLine = 0; // 0-based line of scenarioPart's first line in text
};

PythonProgram pythonProgram(const Scenario &scenario);

} // namespace procession
