// Every named check the mutation run can switch off, one "id<TAB>rule<TAB>section" per line: the bank's
// (bank/Check.h, allChecks) in catalogue order, then CoolLoan's (client/ClientChecks.h) where the build
// has the client. tests/mutation/run.sh reads it.

#include "bank/Check.h"
#if defined(CFL_MUTATION_CLIENT) && __has_include("client/ClientChecks.h")
#include "client/ClientChecks.h"
#define CFL_MUTATION_CLIENT_CHECKS
#endif

#include <QTextStream>

int main()
{
    QTextStream out(stdout);
    for (const cfl::CheckSpec &check : cfl::allChecks())
        out << check.id << '\t' << check.rule << '\t' << check.section << '\n';
#ifdef CFL_MUTATION_CLIENT_CHECKS
    for (const cfl::ClientCheck &check : cfl::clientChecks())
        out << check.id << '\t' << check.rule << '\t' << check.section << '\n';
#endif
    return 0;
}
