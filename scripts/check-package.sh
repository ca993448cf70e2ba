#!/usr/bin/env bash
# CI: lint the published shape of the package (issue 12) with the two dev dependencies made for it:
#   publint  package.json fields, "exports" targets and their formats (.js ESM, .cjs CJS) against
#            the files actually packed; --strict: warnings fail too (suggestions are printed only).
#   attw     @arethetypeswrong/cli: for every subpath, what TypeScript resolves under
#            node16 (from ESM), node16 (from CJS) and bundler, and whether the types describe the
#            JavaScript it finds (ESM types for ESM files, CJS types for CJS files).
#            --profile node16 ignores the node10 resolution only (moduleResolution "node", which
#            predates "exports": it can never see a subpath such as quorum-psi/client, and the
#            package requires Node >= 20.19 anyway). Every other problem fails.
# Usage: scripts/check-package.sh [tarball]
#   tarball: a packed quorum-psi-*.tgz (CI: the one from `npm pack`); without it both tools pack
#   this repository themselves (`npm run build` first).
set -euo pipefail

cd "$(dirname "$0")/.."
BIN="$PWD/node_modules/.bin"

if [[ $# -gt 0 ]]; then
  TARGET="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
  [[ -f "$TARGET" ]] || { echo "check-package: $1 is not a file" >&2; exit 2; }
  ATTW_ARGS=("$TARGET")
else
  TARGET="$PWD"
  [[ -d dist ]] || { echo "check-package: dist/ missing: npm run build" >&2; exit 2; }
  ATTW_ARGS=(--pack "$TARGET")
fi

status=0
echo "--- publint --strict $TARGET"
"$BIN/publint" run --strict "$TARGET" || status=1

echo "--- attw --profile node16 ${ATTW_ARGS[*]}"
"$BIN/attw" --profile node16 --format table-flipped --no-color "${ATTW_ARGS[@]}" || status=1

if [[ $status -ne 0 ]]; then
  echo "check-package: FAIL" >&2
else
  echo "check-package: ok (publint, attw)"
fi
exit "$status"
