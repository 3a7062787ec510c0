#include "hellogate.h"

#include "serverdir.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>
#include <QRandomGenerator>
#include <QTimer>

namespace procession {

using protocol::FrameReader;
using protocol::Message;

struct HelloGate::Pending
{
    QLocalSocket *socket = nullptr;
    QTimer *timer = nullptr;
    FrameReader reader{4096};
};

HelloGate::HelloGate(int helloTimeoutMs, Claim claim, QObject *parent)
    : QObject(parent), m_helloTimeoutMs(helloTimeoutMs), m_claim(std::move(claim))
{}

HelloGate::~HelloGate()
{
    delete m_server; // before its directory goes
}

QByteArray HelloGate::newToken()
{
    QByteArray token(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(token.data()), 8);
    return token;
}

bool HelloGate::sameToken(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= uchar(a[i]) ^ uchar(b[i]);
    return diff == 0;
}

bool HelloGate::isListening() const
{
    return m_server && m_server->isListening();
}

QString HelloGate::serverName() const
{
    return m_server ? m_server->fullServerName() : QString();
}

bool HelloGate::listen(QString *error)
{
    if (isListening())
        return true;
#if defined(Q_OS_WIN)
    // A named pipe: no directory to hide it in. The owner-only DACL (UserAccessOption)
    // keeps other users out; the random name keeps runs apart.
    const QString name =
        QStringLiteral("procession-%1-%2")
            .arg(QCoreApplication::applicationPid())
            .arg(QRandomGenerator::system()->generate64(), 16, 16, QLatin1Char('0'));
#else
    if (!m_dir) {
        // Short, so the socket path fits in sun_path; private, so other users cannot even
        // see it; random, so a stale file from a crashed run never collides.
        auto dir = std::make_unique<ServerDir>();
        if (!dir->create(error))
            return false;
        m_dir = std::move(dir);
    }
    const QString name = m_dir->filePath(
        QStringLiteral("s%1").arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0')));
#endif
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    m_server->setMaxPendingConnections(256);
    if (!m_server->listen(name)) {
        if (error)
            *error = QStringLiteral("cannot listen on %1: %2").arg(name, m_server->errorString());
        delete m_server;
        m_server = nullptr;
        return false;
    }
    connect(m_server, &QLocalServer::newConnection, this, &HelloGate::onNewConnection);
    return true;
}

void HelloGate::onNewConnection()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        auto owned = std::make_unique<Pending>();
        Pending *p = owned.get();
        m_pending.push_back(std::move(owned));
        p->socket = socket;
        socket->setParent(this);
        p->timer = new QTimer(this);
        p->timer->setSingleShot(true);
        connect(p->timer, &QTimer::timeout, this, [this, p] {
            reject(p, QStringLiteral("a connection said nothing for %1 ms and was dropped")
                          .arg(m_helloTimeoutMs));
        });
        p->timer->start(m_helloTimeoutMs);
        connect(socket, &QLocalSocket::readyRead, this, [this, p] { onHelloData(p); });
        connect(socket, &QLocalSocket::disconnected, this, [this, p] {
            if (p->socket)
                reject(p, QStringLiteral("a connection closed before saying hello"));
        });
        if (socket->bytesAvailable() > 0)
            onHelloData(p);
    }
}

QLocalSocket *HelloGate::release(Pending *p)
{
    QLocalSocket *socket = p->socket;
    p->socket = nullptr;
    p->timer->stop();
    p->timer->deleteLater();
    socket->disconnect(this);
    for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
        if (it->get() == p) {
            m_pending.erase(it); // p is gone from here on
            break;
        }
    }
    return socket;
}

void HelloGate::reject(Pending *p, const QString &why)
{
    if (!p->socket)
        return;
    drop(release(p), why);
}

void HelloGate::drop(QLocalSocket *socket, const QString &why)
{
    ++m_rejected;
    emit rejected(why);
    socket->abort();
    socket->deleteLater();
}

void HelloGate::onHelloData(Pending *p)
{
    if (!p->socket)
        return;
    p->reader.feed(p->socket->readAll());
    Message m;
    const FrameReader::Status status = p->reader.next(&m);
    if (status == FrameReader::Status::NeedMore)
        return;
    if (status == FrameReader::Status::Error) {
        reject(p, QStringLiteral("a connection sent a malformed first frame (%1)")
                      .arg(p->reader.errorString()));
        return;
    }
    if (m.kind != Message::Kind::Hello) {
        reject(p, QStringLiteral("a connection's first message was \"%1\", not hello")
                      .arg(protocol::kindName(m.kind)));
        return;
    }
    if (m.protocolVersion != protocol::Version) {
        reject(p, QStringLiteral("a connection spoke protocol %1, not %2")
                      .arg(m.protocolVersion)
                      .arg(protocol::Version));
        return;
    }
    QLocalSocket *socket = release(p);
    if (!m_claim(socket, m))
        drop(socket, QStringLiteral("a connection presented a wrong token and was dropped"));
}

} // namespace procession
