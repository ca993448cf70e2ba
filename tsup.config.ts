import { existsSync, readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One entry per subpath of package.json "exports" and per "bin", so the build stays in lock-step
// with the public API without globbing src/, plus the INTERNAL_ENTRIES below. Every subpath names four files of one entry X
// (X keeps its layer folder, so dist mirrors src/: ./dist/core/group.* <- src/core/group.ts):
//   { "import":  { "types": "./dist/X.d.ts",  "default": "./dist/X.js"  },
//     "require": { "types": "./dist/X.d.cts", "default": "./dist/X.cjs" },
//     "default": "./dist/X.js" }
// tsup writes all four for every entry (the package is "type": "module": ESM is .js, CJS .cjs).
// The CJS files require() @noble/* (ESM-only), which Node ≥ 20.19 / ≥ 22.12 does natively
// (require(esm)); noble is not bundled. See README "Package".
type ExportTarget = string | null | { [condition: string]: ExportTarget } | ExportTarget[];

// What a ./dist/ target may end with; each is one output of the entry it names.
const OUTPUT = /\.(d\.ts|d\.cts|js|cjs)$/;

function collectDist(target: ExportTarget, out: Set<string>): void {
  if (typeof target === 'string') {
    if (target.startsWith('./dist/')) out.add(target);
  } else if (Array.isArray(target)) {
    for (const t of target) collectDist(t, out);
  } else if (target !== null && typeof target === 'object') {
    for (const t of Object.values(target)) collectDist(t, out);
  }
}

/**
 * Entries that are no subpath: files the package loads by path at run time. The worker pool
 * (quorum-psi/workers, src/node/worker-pool.ts) starts its threads on dist/node/worker.js,
 * found beside itself; nothing imports it, so the build keeps it a file of its own.
 */
export const INTERNAL_ENTRIES: Readonly<Record<string, string>> = Object.freeze({
  'node/worker': 'src/node/worker.ts',
});

function entriesFromExports(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
    exports?: Record<string, ExportTarget>;
    bin?: string | Record<string, string>;
  };
  const distFiles = new Set<string>();
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (subpath !== './package.json') collectDist(target, distFiles);
  }
  // CLI binary: a leading #! in its source is kept and the output made executable.
  collectDist(typeof pkg.bin === 'string' ? pkg.bin : Object.values(pkg.bin ?? {}), distFiles);
  const entry: Record<string, string> = {};
  for (const file of distFiles) {
    const ext = OUTPUT.exec(file);
    if (!ext) throw new Error(`package.json names ${file}, which this build does not emit`);
    const name = file.slice('./dist/'.length, -ext[0].length);
    const src = `src/${name}.ts`;
    if (!existsSync(src)) throw new Error(`package.json names ${file} but ${src} does not exist`);
    entry[name] = src;
  }
  if (Object.keys(entry).length === 0) {
    throw new Error('no build entries found in package.json exports');
  }
  for (const [name, src] of Object.entries(INTERNAL_ENTRIES)) {
    if (entry[name] !== undefined) throw new Error(`${name} is both a subpath and internal`);
    entry[name] = src;
  }
  return entry;
}

export default defineConfig({
  entry: entriesFromExports(),
  format: ['esm', 'cjs'],
  target: 'es2022',
  dts: true,
  sourcemap: true,
  clean: true,
  // ESM: esbuild's code splitting. CJS: tsup's splitting (ESM chunks rewritten to CJS), so the
  // subpaths share one copy of each module (one QuorumPsiError class, one suite registry), as in ESM.
  splitting: true,
  treeshake: true,
  outDir: 'dist',
});
