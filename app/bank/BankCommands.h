#pragma once
// The subcommands of `codeflow-bank`. Each returns the process exit code: 0 success, 1 failure,
// 2 bad arguments (with a message on stderr).

#include <QStringList>

namespace cfl::cli {

int run(const QStringList &arguments);

} // namespace cfl::cli
