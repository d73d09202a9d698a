#include "BankCommands.h"
#include "http/LogEscaping.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // Qt's and the bank's own log messages quote request values: one message, one line (CWE-117).
    cfl::installLogEscaping();
    QCoreApplication::setOrganizationName(QStringLiteral("CodeFlowLab"));
    QCoreApplication::setApplicationName(QStringLiteral("codeflow-bank"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CFL_VERSION));
    return cfl::cli::run(QCoreApplication::arguments());
}
