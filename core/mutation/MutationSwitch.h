#pragma once
// The mutation run's switch (issue 15 §3, ./dev mutate, tests/mutation/run.sh): it switches named checks
// off one at a time — the bank's (bank/Check.h) and CoolLoan's — through the attack lab's own switch, and
// runs the tests to see which of them notice. It needs the switch from outside the tests, so only in a
// build configured with -DCFL_MUTATION=ON (build-mutate) the environment variable CFL_MUTATE_CHECKS,
// comma-separated check ids, switches those checks off in every bank and every CoolLoan of the process,
// on top of whatever the attack lab switched off. Every other build has no such back door: without
// CFL_MUTATION this header declares nothing, and tst_mutationswitch and mutation_compiled_out
// (tests/mutation) prove it.
//
// The ids are consulted where a check decides whether it is switched off (BankContext::isSwitchedOff),
// not copied into BankConfig::disabledChecks: what the attack lab shows as switched off, and what tests
// assert about a fresh bank's switches, stay as they are, so no test "kills" every mutant just by
// reading the configuration.

#ifdef CFL_MUTATION

#include <QByteArray>
#include <QSet>
#include <QString>
#include <QStringList>

namespace cfl::mutation {

// CFL_MUTATE_CHECKS, read once per process (a mutation run starts a process per test).
inline const QSet<QString> &checksSwitchedOff()
{
    static const QSet<QString> ids = [] {
        QSet<QString> result;
        const QStringList names
            = QString::fromUtf8(qgetenv("CFL_MUTATE_CHECKS")).split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (const QString &name : names)
            result.insert(name.trimmed());
        return result;
    }();
    return ids;
}

inline bool isSwitchedOff(const QString &checkId)
{
    return checksSwitchedOff().contains(checkId);
}

} // namespace cfl::mutation

#endif // CFL_MUTATION
