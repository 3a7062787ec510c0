#pragma once

#include "protocol.h"

#include <QByteArray>
#include <QObject>

class QLocalSocket;
class QTimer;

namespace procession {

class SpinWait;

// The parent's end of one worker's connection: the socket, the frame reader every byte
// from the worker goes through, and the bytes not yet sent. On POSIX, sends and an
// await's blocking read go straight to the descriptor (channel_posix.cpp); elsewhere,
// QLocalSocket (a named pipe on Windows) does it all (channel_qt.cpp).
class Channel : public QObject
{
    Q_OBJECT

public:
    // What wait() saw.
    enum class Wait
    {
        Read,     // new bytes are in the reader: take the frames
        Progress, // bytes went out, or frames were already taken: wait again
        Idle,     // nothing within the time, or the peer closed: let the event loop run
    };

    // Takes the socket (reparented to this).
    Channel(QLocalSocket *socket, quint32 maxFrame, QObject *parent = nullptr);

    protocol::FrameReader &reader() { return m_reader; }
    // The direct path met the end of the stream: QLocalSocket reports it when the event
    // loop runs; until then, do not block on this channel.
    bool peerClosed() const { return m_peerClosed; }

    // Moves what the socket has received into the reader. False when it had nothing.
    bool readAvailable();
    // Sends bytes in order after everything sent before.
    void write(const QByteArray &bytes);
    // Hands the unsent rest of a large frame to QLocalSocket: the event loop is about to
    // run, and sends it as the worker takes it.
    void handOutboxToSocket();
    // Blocks up to timeoutMs for this worker's answer, sending what is left meanwhile.
    // With spin, a quick answer is read without sleeping first (see SpinWait).
    Wait wait(int timeoutMs, bool spin, SpinWait &spinner);
    // The reader keeps a large payload's buffer for the next one; a second without
    // another gives it back.
    void keepLargeBufferAWhile();
    // The peer has ended: moves every byte it sent that the socket has not taken yet into
    // the socket's buffer (without waiting for more).
    void takeWhatIsLeft();
    // Drops the connection now; no signal from it reaches anyone afterwards.
    void close();

signals:
    void readyRead();
    void disconnected();

private:
    qsizetype sendSome(const char *data, qsizetype size);
    // Once per process, what this platform's channel needs before its first use.
    static void preparePlatform();

    QLocalSocket *m_socket;
    protocol::FrameReader m_reader;
    QTimer *m_shrinkTimer = nullptr;
    QByteArray m_outbox; // the unsent rest of a large frame (direct path)
    qsizetype m_outboxSent = 0;
    bool m_peerClosed = false;
};

} // namespace procession
