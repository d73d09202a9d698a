#pragma once
// cfl-bench --side-by-side: the bank (`codeflow-bank serve`) and node-oidc-provider (tests/benchmarks/peer)
// on loopback, driven by the same client with the same settings, one table of figures and ratios
// (docs/benchmarks.md, issue 13).

#include <QStringList>

namespace cfl::bench {

// `arguments` as QCoreApplication::arguments() gives them; returns the exit code.
int runSideBySide(const QStringList &arguments);

} // namespace cfl::bench
