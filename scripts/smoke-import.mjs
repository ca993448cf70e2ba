#!/usr/bin/env node
// Smoke test for the packed package: import every subpath in the installed package's
// "exports" map and assert each module exposes at least one export.
// Usage: node scripts/smoke-import.mjs [scratchDir]   (scratchDir defaults to cwd; it must
// have quorum-psi installed in its node_modules).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const PKG = 'quorum-psi';
const dir = resolve(process.argv[2] ?? process.cwd());
const pkgDir = join(dir, 'node_modules', PKG);
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const subpaths = Object.keys(pkg.exports ?? {}).filter((s) => s !== './package.json');
if (subpaths.length === 0) {
  console.error(`smoke: ${PKG} has no exports to check`);
  process.exit(1);
}

// Bare specifiers must resolve (with the "import" condition) from the scratch project, not from
// this script's location, so do the dynamic import() from a tiny module placed in the scratch dir.
const loaderPath = join(dir, '.smoke-loader.mjs');
writeFileSync(loaderPath, 'export default (spec) => import(spec);\n');
const { default: load } = await import(pathToFileURL(loaderPath).href);
let failed = 0;
for (const sub of subpaths) {
  const spec = sub === '.' ? PKG : `${PKG}/${sub.slice(2)}`;
  try {
    const mod = await load(spec);
    const names = Object.keys(mod);
    if (names.length === 0) throw new Error('module has no exports');
    console.log(`smoke: ok   ${spec} (${names.length} exports)`);
  } catch (err) {
    failed++;
    console.error(`smoke: FAIL ${spec}: ${err instanceof Error ? err.stack : err}`);
  }
}
rmSync(loaderPath, { force: true });
if (failed > 0) {
  console.error(`smoke: ${failed}/${subpaths.length} subpaths failed`);
  process.exit(1);
}
console.log(`smoke: all ${subpaths.length} subpaths import cleanly`);
