#!/usr/bin/env bash
# Relying-party conformance test: panva's openid-client (pinned in package-lock.json) against the bank.
#   tests/conformance/run.sh <path-to-codeflow-bank> [work-dir]
# Installs the pinned packages with `npm ci` into work-dir (default: a directory next to the bank
# binary, never the source tree), then runs oidc-rp.test.js there. CTest calls it as oidc_rp_conformance.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { printf 'oidc_rp_conformance: %s\n' "$*" >&2; exit 1; }

(($# >= 1)) || die "usage: $0 <path-to-codeflow-bank> [work-dir]"
bank=$(realpath -- "$1") || die "no codeflow-bank at '$1'"
[[ -x $bank ]] || die "'$bank' is not an executable codeflow-bank; build it first (cmake --build <build> --target codeflow-bank)"
work=${2:-$(dirname "$bank")/oidc-rp-conformance}

# Node.js and npm are test dependencies (./dev test installs the Debian packages nodejs and npm).
# Missing tools are a failure, not a skip: this test is the issue's proof of standards conformance.
command -v node >/dev/null || die "node is not on PATH: install Node.js 18 or newer (./dev test installs the Debian packages nodejs and npm)"
command -v npm >/dev/null || die "npm is not on PATH: install npm (./dev test installs the Debian packages nodejs and npm)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
((node_major >= 18)) || die "node $(node --version) is too old: the test needs Node.js 18 or newer (global fetch, node:test)"

mkdir -p "$work"
cp "$here/package.json" "$here/package-lock.json" "$here/oidc-rp.test.js" "$work/"
cd "$work"

# npm ci only when the lockfile changed since the last install (it wipes node_modules and refetches).
stamp=node_modules/.cfl-package-lock.sha256
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$lock_sum" ]]; then
    printf 'oidc_rp_conformance: npm ci in %s\n' "$work" >&2
    npm ci --no-audit --no-fund --ignore-scripts --loglevel=error \
        || die "npm ci failed in $work (is the npm registry reachable?)"
    printf '%s\n' "$lock_sum" >"$stamp"
fi

exec node oidc-rp.test.js "$bank"
