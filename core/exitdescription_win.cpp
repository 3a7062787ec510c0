#include "exitdescription.h"

namespace procession {

// On Windows a crash is an exception whose NTSTATUS code becomes the exit status.
QString crashName(int code)
{
    switch (quint32(code)) {
    case 0xC0000005u:
        return QStringLiteral("an access violation (0xC0000005)");
    case 0xC00000FDu:
        return QStringLiteral("a stack overflow (0xC00000FD)");
    case 0xC0000409u:
        return QStringLiteral("a stack buffer overrun or abort (0xC0000409)");
    case 0xC000001Du:
        return QStringLiteral("an illegal instruction (0xC000001D)");
    case 0xC0000094u:
        return QStringLiteral("an integer division by zero (0xC0000094)");
    case 0xC0000096u:
        return QStringLiteral("a privileged instruction (0xC0000096)");
    case 0x80000003u:
        return QStringLiteral("a breakpoint (0x80000003)");
    case 0xC000013Au:
        // A worker ends with it on terminate() (its terminate event or Ctrl-Break).
        return QStringLiteral("Ctrl-Break (0xC000013A)");
    case 0xF291u: // QProcess::kill(): TerminateProcess with this status
        return QStringLiteral("TerminateProcess");
    default:
        return QStringLiteral("exception 0x%1").arg(quint32(code), 8, 16, QLatin1Char('0'));
    }
}

} // namespace procession
