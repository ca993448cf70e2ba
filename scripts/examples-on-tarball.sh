#!/usr/bin/env bash
# CI: run every examples/*.ts against the INSTALLED package (the packed tarball in a scratch
# project), never against src/. In this repository tsconfig.json "paths" map quorum-psi/* to
# src/, so `npx tsx examples/x.ts` here never touches dist/; this script instead
#   1. copies examples/*.ts and examples/data/ into <scratchDir>/examples/ (the scratch project is
#      "type": "module": the examples run as ESM, `import` resolves with the "import" condition
#      to dist/*.js) and into <scratchDir>/examples-cjs/ ("type": "commonjs": tsx compiles the
#      same files to CommonJS, every import becomes require(), which resolves with the "require"
#      condition to dist/*.cjs);
#   2. type-checks both copies with this repository's tsc against the installed declarations
#      (.d.ts for the ESM copy, .d.cts for the CJS copy), with a tsconfig that has no "paths";
#   3. runs each example both ways with this repository's tsx, --tsconfig pointing to that
#      tsconfig, and a preload guard that records every module the example loaded (ESM resolve
#      hook + require.cache): it fails unless quorum-psi came from <scratchDir>/node_modules/
#      quorum-psi/dist/ in the expected format only (.js under ESM, .cjs under CJS), and nothing
#      at all was loaded from this repository outside its node_modules/ (so not src/, not dist/).
# Exits non-zero if any step or example fails.
# Usage: scripts/examples-on-tarball.sh <scratchDir>
#   scratchDir: a project with the packed quorum-psi tarball installed (see .ci/run).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
PKG=quorum-psi
[[ $# -eq 1 ]] || { echo "usage: $0 <scratchDir>" >&2; exit 2; }
SCRATCH="$(cd "$1" && pwd -P)"
DIST="$SCRATCH/node_modules/$PKG/dist"
TSX="$ROOT/node_modules/.bin/tsx"
TSC="$ROOT/node_modules/.bin/tsc"
[[ -f "$SCRATCH/node_modules/$PKG/package.json" ]] || {
  echo "examples: $SCRATCH/node_modules/$PKG missing: npm install the packed tarball there" >&2
  exit 2
}
[[ -x "$TSX" && -x "$TSC" ]] || { echo "examples: $TSX or $TSC missing (npm ci)" >&2; exit 2; }
if [[ "$SCRATCH/" == "$ROOT/"* ]]; then
  echo "examples: $SCRATCH is inside $ROOT; use a directory outside the repository" >&2
  exit 2
fi

shopt -s nullglob
examples=(examples/*.ts)
if ((${#examples[@]} == 0)); then
  echo "examples: no examples/*.ts; nothing to run"
  exit 0
fi

# Where quorum-psi resolves from the scratch project (a quick guard before running). Run it from
# the scratch dir: from inside this repository, Node's package self-reference would resolve
# quorum-psi/* to this repository's own dist/ whatever `paths` says.
(cd "$SCRATCH" && node -e '
  const [scratch, dist] = process.argv.slice(1);
  const { pathToFileURL, fileURLToPath } = require("node:url");
  const { realpathSync } = require("node:fs");
  const cjs = realpathSync(require.resolve("quorum-psi/client", { paths: [scratch] }));
  if (!cjs.startsWith(dist + "/") || !cjs.endsWith(".cjs")) throw new Error(`require resolves to ${cjs}`);
  console.log(`examples: from ${scratch}: require("quorum-psi/client") -> ${cjs}`);
' "$SCRATCH" "$DIST")

# 1. Copies.
GUARD="$SCRATCH/.examples-guard"
rm -rf "$SCRATCH/examples" "$SCRATCH/examples-cjs" "$GUARD"
mkdir -p "$SCRATCH/examples" "$SCRATCH/examples-cjs" "$GUARD"
cp "${examples[@]}" "$SCRATCH/examples/"
cp "${examples[@]}" "$SCRATCH/examples-cjs/"
if [[ -d examples/data ]]; then
  cp -R examples/data "$SCRATCH/examples/data"
  cp -R examples/data "$SCRATCH/examples-cjs/data"
fi
printf '{ "type": "module" }\n' >"$SCRATCH/examples/package.json"
printf '{ "type": "commonjs" }\n' >"$SCRATCH/examples-cjs/package.json"

# A tsconfig without "paths": quorum-psi/* resolves from the scratch node_modules.
TSCONFIG="$SCRATCH/tsconfig.examples.json"
cat >"$TSCONFIG" <<EOF
{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2022", "DOM"],
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "isolatedModules": true,
    "noEmit": true,
    "types": ["node"],
    "typeRoots": ["$ROOT/node_modules/@types"]
  },
  "include": ["examples/*.ts", "examples-cjs/*.ts"]
}
EOF

# The guard, preloaded with --require into the process tsx runs the example in.
cat >"$GUARD/guard.cjs" <<'EOF'
const { appendFileSync } = require('node:fs');
const { register } = require('node:module');
const { pathToFileURL } = require('node:url');
const log = process.env.QPSI_EXAMPLES_LOG;
if (log) {
  register(pathToFileURL(`${__dirname}/hooks.mjs`), { data: { log } });
  process.on('exit', () => {
    appendFileSync(log, Object.keys(require.cache).map((f) => `require ${f}\n`).join(''));
  });
}
EOF
cat >"$GUARD/hooks.mjs" <<'EOF'
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) {
  log = data.log;
}
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(log, `import ${r.url}\n`);
  return r;
}
EOF
cat >"$GUARD/check.cjs" <<'EOF'
// node check.cjs <log> <esm|cjs> <dist> <root>: what the example loaded.
const { readFileSync, realpathSync } = require('node:fs');
const { fileURLToPath } = require('node:url');
const [log, format, dist, root] = process.argv.slice(2);
const files = new Set();
for (const line of readFileSync(log, 'utf8').split('\n')) {
  const [kind, where] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
  if (kind === 'import' && where.startsWith('file:')) files.add(fileURLToPath(where));
  else if (kind === 'require') files.add(where);
}
const real = [...files].map((f) => {
  try { return realpathSync(f); } catch { return f; }
});
const ours = real.filter((f) => f.startsWith(`${dist}/`));
const want = format === 'esm' ? /\.js$/ : /\.cjs$/;
const wrong = ours.filter((f) => !want.test(f));
const fromRepo = real.filter((f) => f.startsWith(`${root}/`) && !f.startsWith(`${root}/node_modules/`));
const problems = [];
if (ours.length === 0) problems.push(`nothing loaded from ${dist}`);
if (wrong.length > 0) problems.push(`wrong format from dist: ${wrong.join(', ')}`);
if (fromRepo.length > 0) problems.push(`loaded from the repository: ${fromRepo.join(', ')}`);
if (problems.length > 0) {
  console.error(`examples: FAIL guard (${format}): ${problems.join('; ')}`);
  process.exit(1);
}
const entries = ours.filter((f) => !/\/chunk-[^/]*$/.test(f)).map((f) => f.slice(dist.length + 1));
console.log(`examples: guard ok (${format}): ${ours.length} files from the installed dist/ (${entries.join(', ')}), none from the repository`);
EOF

failed=0
# 2. Types of the installed package, from ESM and from CJS.
echo "--- tsc -p $TSCONFIG (examples against the installed .d.ts and .d.cts)"
if ! (cd "$SCRATCH" && "$TSC" -p "$TSCONFIG"); then
  echo "examples: FAIL type-check against the installed package" >&2
  failed=$((failed + 1))
fi

# 3. Run each example, as ESM then as CJS.
ran=0
for ex in "${examples[@]}"; do
  name="$(basename "$ex")"
  for format in esm cjs; do
    dir="examples"
    [[ $format == cjs ]] && dir="examples-cjs"
    echo "--- $format $dir/$name"
    logf="$GUARD/$format-$name.log"
    : >"$logf"
    ran=$((ran + 1))
    if ! (cd "$SCRATCH" && QPSI_EXAMPLES_LOG="$logf" "$TSX" --tsconfig "$TSCONFIG" \
      --require "$GUARD/guard.cjs" "$dir/$name"); then
      echo "examples: FAIL $format $dir/$name" >&2
      failed=$((failed + 1))
      continue
    fi
    node "$GUARD/check.cjs" "$logf" "$format" "$DIST" "$ROOT" || failed=$((failed + 1))
  done
done

if ((failed > 0)); then
  echo "examples: $failed failure(s) ($ran runs of ${#examples[@]} examples)" >&2
  exit 1
fi
echo "examples: all ${#examples[@]} examples pass on the installed package, as ESM and as CJS ($ran runs)"
