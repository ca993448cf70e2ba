#!/usr/bin/env bash
# React Native / Hermes check of the client role (docs/react-native.md): builds the package only
# when dist/ is missing (or lacks a file that package.json "exports" names, i.e. is stale after a
# layout change), then runs scripts/hermes-check.mjs (which exits non-zero on any failure).
set -euo pipefail

cd "$(dirname "$0")/.."

dist_complete() {
  node -e '
    const fs = require("node:fs");
    const { exports: ex } = require("./package.json");
    const flat = (t) => (typeof t === "string" ? [t] : t && typeof t === "object" ? Object.values(t).flatMap(flat) : []);
    const targets = Object.values(ex).flatMap(flat);
    const missing = targets.filter((t) => t.startsWith("./dist/") && !fs.existsSync(t));
    if (missing.length) { console.log(`dist/ lacks ${missing.join(", ")}`); process.exit(1); }
  '
}

if [[ ! -d dist ]]; then
  echo "ci-hermes: dist/ missing: npm run build"
  npm run build
elif ! dist_complete; then
  echo "ci-hermes: dist/ is stale: npm run build"
  npm run build
fi

node scripts/hermes-check.mjs
