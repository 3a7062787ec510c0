#include "traceevent.h"

#include <array>

namespace procession {

namespace {
constexpr std::array<const char *, 19> kNames = {
    "run-begin", "fork",   "ready",       "dispatch",  "begin",    "end",     "result",
    "error",     "await-begin", "await-end", "join",   "exit",     "crash",   "output",
    "phase",     "step",   "rejected",    "run-end",   "unsent"};
static_assert(kNames.size() == size_t(EventType::Unsent) + 1, "every event type has a name");
} // namespace

QString eventTypeName(EventType type)
{
    return QString::fromLatin1(kNames[size_t(type)]);
}

bool eventTypeFromName(const QString &name, EventType *type)
{
    for (size_t i = 0; i < kNames.size(); ++i) {
        if (name == QLatin1String(kNames[i])) {
            *type = EventType(i);
            return true;
        }
    }
    return false;
}

} // namespace procession
