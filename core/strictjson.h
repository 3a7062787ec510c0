#pragma once

#include <QByteArray>
#include <QString>

namespace procession {

// What QJsonDocument lets through and a scenario must not: a raw control character (a NUL
// byte, say) inside the text, and a key that appears twice in one object (Qt keeps the
// last one silently). Run on text QJsonDocument has already accepted.
class StrictJson
{
public:
    // True when the text is clean. Otherwise `field` names where (e.g. "steps[2]", empty
    // for the top level) and `what` says what, e.g. "has the key \"fork\" twice".
    static bool check(const QByteArray &json, QString *field, QString *what);
};

} // namespace procession
