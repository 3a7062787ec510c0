// Reading a command's arguments with its definition (commandoptions.h), and the
// parser's errors in the command line's style; the window's parser shares the latter.
#include "commandoptions.h"

#include <QCommandLineParser>
#include <qplatformdefs.h>

namespace procession {

namespace {

// Put before an argument that is a file although it starts with '-': the parser sees a
// positional argument. Never made by decodeArgument (its escapes are U+DC80..U+DCFF).
constexpr char16_t kFileMark = 0xDC00;

bool isFile(const QByteArray &name)
{
    QT_STATBUF st;
    return QT_STAT(name.constData(), &st) == 0;
}

QCommandLineOption helpOption()
{
    return QCommandLineOption(QStringList{QStringLiteral("h"), QStringLiteral("help")});
}

// `--name` (or `-name`, `--name=value`) as the person typed it, from `args`.
QString asTyped(const QStringList &args, const QString &name)
{
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--"))
            break;
        QString bare = a;
        while (bare.startsWith(QLatin1Char('-')))
            bare.remove(0, 1);
        if (a.startsWith(QLatin1Char('-')) && bare.section(QLatin1Char('='), 0, 0) == name)
            return a;
    }
    return QStringLiteral("--") + name;
}

} // namespace

QString needsValue(const QCommandLineOption &option)
{
    static const QHash<QString, QString> what = {
        {QStringLiteral("FILE"), QStringLiteral("a file name")},
        {QStringLiteral("FILE.png"), QStringLiteral("a file name")},
        {QStringLiteral("LIB"), QStringLiteral("a task library file (LIB.so)")},
    };
    return QStringLiteral("--%1 needs %2")
        .arg(
            option.names().constLast(),
            what.value(option.valueName(), QStringLiteral("a value (%1)").arg(option.valueName())));
}

QString optionError(const QCommandLineParser &parser, const QStringList &args,
                    const QList<QCommandLineOption> &options)
{
    const QStringList unknown = parser.unknownOptionNames();
    if (!unknown.isEmpty())
        return QStringLiteral("unknown option %1").arg(asTyped(args, unknown.constFirst()));
    // A value-taking option last, with nothing after it.
    const QString last = args.size() > 1 ? args.constLast() : QString();
    for (const QCommandLineOption &o : options)
        for (const QString &name : o.names())
            if (!o.valueName().isEmpty() &&
                (last == QStringLiteral("--") + name || last == QStringLiteral("-") + name))
                return needsValue(o);
    // Anything else ("Unexpected value after '--json'."), in lower case without the stop.
    QString text = parser.errorText();
    if (text.endsWith(QLatin1Char('.')))
        text.chop(1);
    if (!text.isEmpty())
        text[0] = text[0].toLower();
    return text;
}

bool CommandLine::parse(const Command &command, const QList<QByteArray> &raw, QString *error)
{
    QStringList args{QStringLiteral("procession ") + command.name};
    bool options = true;
    for (const QByteArray &a : raw) {
        QString text = decodeArgument(a);
        if (a == "--")
            options = false;
        else if (options && command.takesFiles && a.size() > 1 && a.startsWith('-') &&
                 a.endsWith(".json") && isFile(a))
            text.prepend(QChar(kFileMark));
        args << text;
    }
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addOptions(command.options); // the one definition --help shows
    const QCommandLineOption help = helpOption();
    parser.addOption(help);
    if (!parser.parse(args)) {
        *error = optionError(parser, args, command.options);
        if (!parser.unknownOptionNames().isEmpty()) {
            const QString typed = asTyped(args, parser.unknownOptionNames().constFirst());
            *error = command.name + QStringLiteral(": ") + *error;
            if (command.takesFiles)
                *error += QStringLiteral(" (a file whose name starts with '-': ./%1 or -- %1)")
                              .arg(typed);
        }
        return false;
    }
    m_help = parser.isSet(help);
    for (const QCommandLineOption &o : command.options) {
        const QString name = o.names().constFirst();
        if (!parser.isSet(name))
            continue;
        QStringList values = parser.values(name);
        for (QString &v : values)
            if (v.startsWith(QChar(kFileMark)))
                v.remove(0, 1); // --trace -x.json
        if (!o.valueName().isEmpty() && values.contains(QString())) {
            *error = needsValue(o); // --trace= or --trace ""
            return false;
        }
        m_values.insert(name, values);
    }
    for (QString p : parser.positionalArguments()) {
        if (p.startsWith(QChar(kFileMark)))
            p.remove(0, 1);
        m_positional << encodeArgument(p);
    }
    return true;
}

bool CommandLine::parse(int argc, char **argv, QString *error)
{
    const Command *command = argc > 1 ? findCommand(decodeArgument(argv[1])) : nullptr;
    if (!command) {
        *error = QStringLiteral("no such command");
        return false;
    }
    QList<QByteArray> raw;
    for (int i = 2; i < argc; ++i)
        raw << QByteArray(argv[i]);
    return parse(*command, raw, error);
}

QString CommandLine::value(const QString &name) const
{
    const QStringList v = m_values.value(name);
    return v.isEmpty() ? QString() : v.constLast();
}

QString decodeArgument(const QByteArray &bytes)
{
#if defined(Q_OS_WIN)
    return QString::fromLocal8Bit(bytes);
#else
    QString text = QString::fromUtf8(bytes);
    if (text.toUtf8() == bytes)
        return text; // valid UTF-8: nearly always
    text.clear();
    for (qsizetype i = 0; i < bytes.size();) {
        const uchar lead = uchar(bytes.at(i));
        const qsizetype n = lead < 0x80                   ? 1
                            : lead >= 0xC2 && lead < 0xE0 ? 2
                            : lead >= 0xE0 && lead < 0xF0 ? 3
                            : lead >= 0xF0 && lead < 0xF5 ? 4
                                                          : 0;
        if (n > 0 && i + n <= bytes.size()) {
            const QByteArray sequence = bytes.mid(i, n);
            const QString one = QString::fromUtf8(sequence);
            if (one.toUtf8() == sequence) { // a whole, valid character
                text += one;
                i += n;
                continue;
            }
        }
        text += QChar(char16_t(0xDC00 + lead)); // a byte that is not UTF-8
        ++i;
    }
    return text;
#endif
}

QByteArray encodeArgument(const QString &text)
{
#if defined(Q_OS_WIN)
    return text.toLocal8Bit();
#else
    QByteArray out;
    qsizetype from = 0; // start of the text not yet encoded
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        const bool escape =
            c >= 0xDC80 && c <= 0xDCFF && (i == 0 || !text.at(i - 1).isHighSurrogate());
        if (!escape)
            continue;
        out += QStringView(text).mid(from, i - from).toUtf8();
        out += char(c - 0xDC00);
        from = i + 1;
    }
    return out + QStringView(text).mid(from).toUtf8();
#endif
}

} // namespace procession
