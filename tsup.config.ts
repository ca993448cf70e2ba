import { existsSync, readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One entry per subpath of package.json "exports" and per "bin": ./dist/X.js -> src/X.ts, where X
// keeps its layer folder (./dist/core/group.js -> src/core/group.ts), so dist mirrors src/.
// Keeps the build in lock-step with the public API without globbing src/.
type ExportTarget = string | null | { [condition: string]: ExportTarget } | ExportTarget[];

function collectDistJs(target: ExportTarget, out: Set<string>): void {
  if (typeof target === 'string') {
    if (target.startsWith('./dist/') && target.endsWith('.js')) out.add(target);
  } else if (Array.isArray(target)) {
    for (const t of target) collectDistJs(t, out);
  } else if (target !== null && typeof target === 'object') {
    for (const t of Object.values(target)) collectDistJs(t, out);
  }
}

function entriesFromExports(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
    exports?: Record<string, ExportTarget>;
    bin?: string | Record<string, string>;
  };
  const distFiles = new Set<string>();
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (subpath !== './package.json') collectDistJs(target, distFiles);
  }
  // CLI binary: a leading #! in its source is kept and the output made executable.
  collectDistJs(typeof pkg.bin === 'string' ? pkg.bin : Object.values(pkg.bin ?? {}), distFiles);
  const entry: Record<string, string> = {};
  for (const file of distFiles) {
    const name = file.slice('./dist/'.length, -'.js'.length);
    const src = `src/${name}.ts`;
    if (!existsSync(src)) throw new Error(`package.json names ${file} but ${src} does not exist`);
    entry[name] = src;
  }
  if (Object.keys(entry).length === 0) {
    throw new Error('no build entries found in package.json exports');
  }
  return entry;
}

export default defineConfig({
  entry: entriesFromExports(),
  format: ['esm'],
  target: 'es2022',
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  outDir: 'dist',
});
