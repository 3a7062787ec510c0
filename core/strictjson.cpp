#include "strictjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace procession {

namespace {

// Walks text that is already known to be valid JSON, keeping the path to where it is.
class Walker
{
public:
    Walker(const QByteArray &json) : m_p(json.constData()), m_end(json.constData() + json.size()) {}

    bool value(const QString &path)
    {
        skipSpace();
        if (m_p >= m_end)
            return true;
        if (*m_p == '{')
            return object(path);
        if (*m_p == '[')
            return array(path);
        if (*m_p == '"') {
            string();
            return true;
        }
        while (m_p < m_end && !strchr(",]} \t\r\n", *m_p))
            ++m_p; // a number, true, false, null
        return true;
    }

    QString field;
    QString what;

private:
    void skipSpace()
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\t' || *m_p == '\r' || *m_p == '\n'))
            ++m_p;
    }

    // Returns the string's text, escapes decoded.
    QString string()
    {
        const char *start = m_p++;
        bool escaped = false;
        while (m_p < m_end && *m_p != '"') {
            if (*m_p == '\\') {
                escaped = true;
                ++m_p;
            }
            ++m_p;
        }
        ++m_p; // the closing quote
        const QByteArray raw(start, qsizetype(m_p - start));
        if (!escaped)
            return QString::fromUtf8(raw.constData() + 1, raw.size() - 2);
        return QJsonDocument::fromJson('[' + raw + ']').array().at(0).toString();
    }

    bool object(const QString &path)
    {
        ++m_p;
        QSet<QString> keys;
        for (;;) {
            skipSpace();
            if (m_p >= m_end || *m_p == '}') {
                ++m_p;
                return true;
            }
            if (*m_p == ',') {
                ++m_p;
                continue;
            }
            const QString key = string();
            if (keys.contains(key)) {
                field = path;
                what = QStringLiteral("has the key \"%1\" twice; each key may appear once")
                           .arg(key.left(40));
                return false;
            }
            keys.insert(key);
            skipSpace();
            ++m_p; // ':'
            const QString inner =
                path.isEmpty() ? key.left(40) : path + QLatin1Char('.') + key.left(40);
            if (!value(inner))
                return false;
        }
    }

    bool array(const QString &path)
    {
        ++m_p;
        for (int index = 0;; ++index) {
            skipSpace();
            if (m_p >= m_end || *m_p == ']') {
                ++m_p;
                return true;
            }
            if (*m_p == ',')
                ++m_p;
            if (!value(QStringLiteral("%1[%2]").arg(path).arg(index)))
                return false;
        }
    }

    const char *m_p;
    const char *m_end;
};

} // namespace

bool StrictJson::check(const QByteArray &json, QString *field, QString *what)
{
    // JSON text never holds a raw control character: inside a string it must be escaped
    // (\u0000), outside one it is not JSON at all.
    int line = 1;
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const uchar c = uchar(json.at(i));
        if (c == '\n') {
            ++line;
            lineStart = i + 1;
        } else if (c < 0x20 && c != '\t' && c != '\r') {
            field->clear();
            *what = QStringLiteral("line %1, column %2: a raw control character (0x%3); JSON "
                                   "text must write it escaped, e.g. \\u%4")
                        .arg(line)
                        .arg(i - lineStart + 1)
                        .arg(c, 2, 16, QLatin1Char('0'))
                        .arg(c, 4, 16, QLatin1Char('0'));
            return false;
        }
    }
    Walker walker(json);
    if (walker.value(QString()))
        return true;
    *field = walker.field;
    *what = walker.what;
    return false;
}

} // namespace procession
