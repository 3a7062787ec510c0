#include "exitdescription.h"

namespace procession {

QString endKindName(EndKind kind)
{
    switch (kind) {
    case EndKind::None:
        return QStringLiteral("gone");
    case EndKind::ExitedOnJoin:
    case EndKind::Exited:
        return QStringLiteral("exited");
    case EndKind::Crashed:
        return QStringLiteral("crashed");
    case EndKind::Disconnected:
        return QStringLiteral("disconnected");
    case EndKind::Protocol:
        return QStringLiteral("protocol");
    case EndKind::StartFailed:
        return QStringLiteral("start-failed");
    case EndKind::StartTimeout:
        return QStringLiteral("start-timeout");
    case EndKind::Interrupted:
        return QStringLiteral("interrupted");
    }
    return QStringLiteral("gone");
}

QString Escalation::sentence() const
{
    switch (step) {
    case Step::None:
        return {};
    case Step::TerminatedAfterJoin:
        return QStringLiteral("did not exit within %1 s of join and was terminated")
            .arg(afterMs / 1000.0, 0, 'f', 1);
    case Step::KilledAfterJoin:
        return QStringLiteral("ignored join and terminate and was killed");
    case Step::TerminatedAtStop:
        return QStringLiteral("was terminated when the session stopped");
    case Step::KilledAtStop:
        return QStringLiteral("was killed when the session stopped");
    }
    return {};
}

QString describeCrash(const QString &who, int code, const Escalation &escalation, bool dropped,
                      const QString &running)
{
    if (escalation.step != Escalation::Step::None)
        return QStringLiteral("%1 %2 (%3)%4")
            .arg(who, escalation.sentence(), crashName(code), running);
    if (dropped)
        return QStringLiteral("%1 was killed (%2) after it was dropped").arg(who, crashName(code));
    return QStringLiteral("%1 crashed with %2%3").arg(who, crashName(code), running);
}

QString describeUnexpectedExit(const QString &who, int status, const QString &running)
{
    if (status == 0)
        return QStringLiteral("%1 exited unexpectedly%2").arg(who, running);
    return QStringLiteral("%1 exited with status %2%3").arg(who).arg(status).arg(running);
}

} // namespace procession
