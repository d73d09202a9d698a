#include "BankCommands.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("CodeFlowLab"));
    QCoreApplication::setApplicationName(QStringLiteral("codeflow-bank"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CFL_VERSION));
    return cfl::cli::run(QCoreApplication::arguments());
}
