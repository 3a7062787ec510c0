#pragma once

#include "protocol.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <vector>

class QLocalServer;
class QLocalSocket;

namespace procession {

class ServerDir;

// The session's private server and the gate every connection passes: a connection must
// send a well-formed hello, in our protocol version, within a time limit, carrying the
// token of a worker the session is waiting for. Anything else is dropped and counted.
class HelloGate : public QObject
{
    Q_OBJECT

public:
    // Offered every well-formed hello. Returns true when the connection is a worker's: the
    // socket is then the caller's (reparent it); false drops the connection as a stranger.
    using Claim = std::function<bool(QLocalSocket *socket, const protocol::Message &hello)>;

    HelloGate(int helloTimeoutMs, Claim claim, QObject *parent = nullptr);
    ~HelloGate() override;

    // Opens the server in a private directory. True at once when it already listens.
    bool listen(QString *error = nullptr);
    bool isListening() const;
    QString serverName() const;
    int rejectedConnections() const { return m_rejected; }

    // A fresh random token for a worker to present; and a comparison in constant time.
    static QByteArray newToken();
    static bool sameToken(const QByteArray &a, const QByteArray &b);

signals:
    void rejected(const QString &why);

private:
    struct Pending;
    void onNewConnection();
    void onHelloData(Pending *pending);
    QLocalSocket *release(Pending *pending);
    void reject(Pending *pending, const QString &why);
    void drop(QLocalSocket *socket, const QString &why);

    int m_helloTimeoutMs;
    Claim m_claim;
    std::unique_ptr<ServerDir> m_dir;
    QLocalServer *m_server = nullptr;
    std::vector<std::unique_ptr<Pending>> m_pending;
    int m_rejected = 0;
};

} // namespace procession
