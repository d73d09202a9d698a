#pragma once
// A client that writes exactly the bytes a test gives it (QNetworkAccessManager would fix a malformed
// request before sending it) and reads answers as they come, without blocking the event loop: the
// server under test may run on the same thread.

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QTcpSocket>
#include <QTest>

namespace cfl::test {

class RawHttpClient
{
public:
    // `from`: the local address to send from (127.0.0.2 is another client to the bank); any when null.
    // `to`: the server's address, 127.0.0.1 unless said (::1, the other loopback listener).
    explicit RawHttpClient(quint16 port, const QHostAddress &from = QHostAddress(),
        const QHostAddress &to = QHostAddress(QHostAddress::LocalHost))
    {
        QObject::connect(
            &m_socket, &QIODevice::readyRead, &m_socket, [this] { m_received += m_socket.readAll(); });
        QObject::connect(&m_socket, &QAbstractSocket::disconnected, &m_socket, [this] { m_closed = true; });
        QObject::connect(&m_socket, &QAbstractSocket::errorOccurred, &m_socket, [this] {
            if (m_socket.error() == QAbstractSocket::RemoteHostClosedError
                || m_socket.error() == QAbstractSocket::NetworkError)
                m_closed = true;
        });
        if (!from.isNull())
            m_socket.bind(from);
        m_socket.connectToHost(to, port);
    }

    bool waitConnected(int ms = 5000)
    {
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, ms);
    }
    void send(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.flush();
    }
    QTcpSocket &socket() { return m_socket; }

    // The answers received so far, each a whole HTTP/1.1 response (head and Content-Length body).
    QList<QByteArray> responses() const
    {
        QList<QByteArray> list;
        qsizetype at = 0;
        while (true) {
            const qsizetype headEnd = m_received.indexOf("\r\n\r\n", at);
            if (headEnd < 0)
                break;
            const QByteArray head = m_received.mid(at, headEnd - at);
            qsizetype length = 0;
            for (const QByteArray &line : head.split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            if (m_received.size() < headEnd + 4 + length)
                break;
            list.append(m_received.mid(at, headEnd + 4 + length - at));
            at = headEnd + 4 + length;
        }
        return list;
    }
    bool waitForResponses(int count, int ms = 5000)
    {
        return QTest::qWaitFor([this, count] { return responses().size() >= count; }, ms);
    }
    bool waitForClose(int ms = 5000)
    {
        return QTest::qWaitFor([this] { return m_closed; }, ms);
    }
    bool isClosed() const { return m_closed; }
    const QByteArray &received() const { return m_received; }

    static int statusOf(const QByteArray &response) { return response.mid(9, 3).toInt(); }
    static QByteArray bodyOf(const QByteArray &response)
    {
        return response.mid(response.indexOf("\r\n\r\n") + 4);
    }
    static QByteArray headerOf(const QByteArray &response, const QByteArray &name)
    {
        for (const QByteArray &line : response.left(response.indexOf("\r\n\r\n")).split('\n')) {
            if (line.toLower().startsWith(name.toLower() + ':'))
                return line.mid(name.size() + 1).trimmed();
        }
        return {};
    }

private:
    QTcpSocket m_socket;
    QByteArray m_received;
    bool m_closed = false;
};

} // namespace cfl::test
