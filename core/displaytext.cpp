// How calls and values read in reports, traces and the window: displayText, displayArgs.

#include "protocol.h"
#include "protocolfast.h"

#include <QCborArray>
#include <QCborMap>

namespace procession::protocol {

static void appendDisplay(const QCborValue &v, QString &out, int depth)
{
    if (depth > 8) {
        out += QStringLiteral("…");
        return;
    }
    switch (v.type()) {
    case QCborValue::Integer:
        out += QString::number(v.toInteger());
        break;
    case QCborValue::Double:
        out += QString::number(v.toDouble(), 'g', 12);
        break;
    case QCborValue::True:
        out += QStringLiteral("true");
        break;
    case QCborValue::False:
        out += QStringLiteral("false");
        break;
    case QCborValue::Null:
        out += QStringLiteral("null");
        break;
    case QCborValue::Undefined:
        out += QStringLiteral("undefined");
        break;
    case QCborValue::String: {
        const QString s = v.toString();
        out += QLatin1Char('"');
        out += s.size() > 80 ? s.left(77) + QStringLiteral("…") : s;
        out += QLatin1Char('"');
        break;
    }
    case QCborValue::ByteArray: {
        const qsizetype n = byteStringSize(v);
        out += n >= 1024 * 1024
                   ? QStringLiteral("bytes(%1 MiB)").arg(n / (1024.0 * 1024.0), 0, 'f', 1)
                   : QStringLiteral("bytes(%1)").arg(n);
        break;
    }
    case QCborValue::Array: {
        const QCborArray a = v.toArray();
        out += QLatin1Char('[');
        for (qsizetype i = 0; i < a.size(); ++i) {
            if (i)
                out += QStringLiteral(", ");
            if (out.size() > 400) {
                out += QStringLiteral("…");
                break;
            }
            appendDisplay(a.at(i), out, depth + 1);
        }
        out += QLatin1Char(']');
        break;
    }
    case QCborValue::Map: {
        const QCborMap m = v.toMap();
        out += QLatin1Char('{');
        bool first = true;
        for (auto it = m.constBegin(); it != m.constEnd(); ++it) {
            if (!first)
                out += QStringLiteral(", ");
            first = false;
            if (out.size() > 400) {
                out += QStringLiteral("…");
                break;
            }
            appendDisplay(it.key(), out, depth + 1);
            out += QStringLiteral(": ");
            appendDisplay(it.value(), out, depth + 1);
        }
        out += QLatin1Char('}');
        break;
    }
    default:
        out += QStringLiteral("<%1>").arg(int(v.type()));
        break;
    }
}

static QString clip(QString s, int maxLength)
{
    if (maxLength > 1 && s.size() > maxLength)
        s = s.left(maxLength - 1) + QStringLiteral("…");
    return s;
}

QString displayText(const QCborValue &value, int maxLength)
{
    // The common answers of tiny calls, without building and clipping a string.
    if (value.isInteger())
        return QString::number(value.toInteger());
    if (value.isNull()) {
        static const QString null = QStringLiteral("null");
        return null;
    }
    QString out;
    appendDisplay(value, out, 0);
    return clip(out, maxLength);
}

QString displayArgs(const QCborArray &args, const QCborMap &kwargs, int maxLength)
{
    QString out;
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (i)
            out += QStringLiteral(", ");
        appendDisplay(args.at(i), out, 1);
    }
    for (auto it = kwargs.constBegin(); it != kwargs.constEnd(); ++it) {
        if (!out.isEmpty())
            out += QStringLiteral(", ");
        out += it.key().toString() + QLatin1Char('=');
        appendDisplay(it.value(), out, 1);
    }
    return clip(out, maxLength);
}

} // namespace procession::protocol
