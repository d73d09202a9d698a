#include "process/QuitOnSignal.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#ifdef Q_OS_UNIX
#include <csignal>
#include <fcntl.h>
#include <unistd.h>
#endif

namespace cfl {

#ifdef Q_OS_UNIX
namespace {
volatile std::sig_atomic_t g_writeFd = -1;

void onSignal(int signal)
{
    const char byte = static_cast<char>(signal);
    if (g_writeFd >= 0) [[maybe_unused]]
        auto written = ::write(g_writeFd, &byte, 1);
}
} // namespace
#endif

QuitOnSignal::QuitOnSignal(QObject *parent)
    : QObject(parent)
{
#ifdef Q_OS_UNIX
    int fds[2];
    if (::pipe(fds) != 0)
        return;
    for (int fd : fds)
        ::fcntl(fd, F_SETFD, FD_CLOEXEC); // not inherited by QtWebEngineProcess or other children
    m_readFd = fds[0];
    g_writeFd = fds[1];
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
    auto *notifier = new QSocketNotifier(m_readFd, QSocketNotifier::Read, this);
    connect(notifier, &QSocketNotifier::activated, this, [this] {
        char byte = 0;
        if (::read(m_readFd, &byte, 1) == 1 && m_received == 0)
            m_received = byte;
        QCoreApplication::quit();
    });
#endif
}

QuitOnSignal::~QuitOnSignal()
{
#ifdef Q_OS_UNIX
    // Back to the default action: a signal after the loop has ended terminates as usual.
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    if (g_writeFd >= 0)
        ::close(g_writeFd);
    g_writeFd = -1;
    if (m_readFd >= 0)
        ::close(m_readFd);
#endif
}

} // namespace cfl
