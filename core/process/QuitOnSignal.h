#pragma once

#include <QObject>

namespace cfl {

// Ends the event loop cleanly on SIGINT and SIGTERM (Ctrl+C in a terminal, `kill`, a service manager,
// the launch smoke test), so that destructors run: the bank stops its listener, WebEngine shuts its
// helper processes down, SQLite closes. A signal handler may only do async-signal-safe work, so it
// writes one byte to a pipe and a QSocketNotifier on the event loop's thread calls
// QCoreApplication::quit() (the "self-pipe" pattern). One instance per process; a no-op where there
// are no POSIX signals.
class QuitOnSignal : public QObject
{
    Q_OBJECT
public:
    explicit QuitOnSignal(QObject *parent = nullptr);
    ~QuitOnSignal() override;

    // The signal that ended the loop (SIGINT or SIGTERM), or 0 when none has arrived.
    int received() const { return m_received; }

private:
    int m_readFd = -1;
    int m_received = 0;
};

} // namespace cfl
