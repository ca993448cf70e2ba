#!/usr/bin/env bash
# CI: the protocol in a real browser. Installs Debian's chromium when it is missing (the only
# browser used; nothing downloads one), then runs scripts/browser-check.mjs, which drives it
# headless through puppeteer-core.
# Usage: scripts/ci-browser.sh [scratchDir] [--verbose]
#   scratchDir: a project with the packed quorum-psi tarball installed (see .ci/run); without it
#   the check uses this repository's dist/ (run `npm run build` first).
set -euo pipefail

cd "$(dirname "$0")/.."
CHROMIUM="${QPSI_CHROMIUM:-/usr/bin/chromium}"

if [[ ! -x "$CHROMIUM" ]]; then
  echo "ci-browser: $CHROMIUM missing; installing Debian's chromium"
  SUDO=()
  if [[ "$(id -u)" != 0 ]]; then SUDO=(sudo -n); fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" apt-get install -y -q chromium
  [[ -x "$CHROMIUM" ]] || { echo "ci-browser: $CHROMIUM still missing after apt-get" >&2; exit 1; }
fi

export QPSI_CHROMIUM="$CHROMIUM"
exec node scripts/browser-check.mjs "$@"
