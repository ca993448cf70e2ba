/**
 * The published shape of the package (issue 12): every subpath of package.json "exports" is
 * importable as ESM and requirable as CommonJS, each with its own declarations, and the build
 * (tsup.config.ts) derives its entries from exactly these subpaths.
 *
 * These are static checks of package.json, tsup.config.ts and tsconfig.json. That every subpath
 * really loads with import() and require() is checked on the packed tarball after the build
 * (`scripts/smoke-import.mjs` in .ci/run), since `npm test` runs before the build.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import tsupConfig, { INTERNAL_ENTRIES } from '../tsup.config.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  type: string;
  main: string;
  module: string;
  types: string;
  engines: { node: string };
  bin: Record<string, string>;
  exports: Record<string, unknown>;
  files: string[];
};
const subpaths = Object.keys(pkg.exports).filter((s) => s !== './package.json');

/** The entry name X of a subpath whose targets all are ./dist/X.{js,cjs,d.ts,d.cts}. */
function entryOf(sub: string): string {
  const t = pkg.exports[sub] as { import: { default: string } };
  return t.import.default.slice('./dist/'.length, -'.js'.length);
}

describe('package.json exports', () => {
  it('has the dual ESM/CJS shape for every subpath, types first, default last', () => {
    expect(pkg.type).toBe('module');
    expect(pkg.exports['./package.json']).toBe('./package.json');
    for (const sub of subpaths) {
      const x = entryOf(sub);
      expect(JSON.stringify(pkg.exports[sub]), sub).toBe(
        JSON.stringify({
          import: { types: `./dist/${x}.d.ts`, default: `./dist/${x}.js` },
          require: { types: `./dist/${x}.d.cts`, default: `./dist/${x}.cjs` },
          default: `./dist/${x}.js`,
        }),
      );
      expect(existsSync(join(ROOT, 'src', `${x}.ts`)), `src/${x}.ts`).toBe(true);
    }
  });

  it('main, module and types describe the root entry', () => {
    const root = entryOf('.');
    expect(pkg.main).toBe(`./dist/${root}.cjs`);
    expect(pkg.module).toBe(`./dist/${root}.js`);
    expect(pkg.types).toBe(`./dist/${root}.d.cts`);
    expect(pkg.files).toContain('dist');
  });

  it('requires a Node with require(esm) on by default (the CJS build requires ESM-only noble)', () => {
    expect(pkg.engines.node).toBe('^20.19.0 || >=22.12.0');
  });

  it('tsup builds exactly one entry per subpath, per bin and per internal entry, in both formats', () => {
    const config = tsupConfig as { entry: Record<string, string>; format: string[] };
    const expected = new Set(subpaths.map(entryOf));
    for (const bin of Object.values(pkg.bin))
      expected.add(bin.slice('./dist/'.length, -'.js'.length));
    // The worker pool's thread script only (loaded by path, src/node/worker-pool.ts).
    expect(INTERNAL_ENTRIES).toEqual({ 'node/worker': 'src/node/worker.ts' });
    for (const name of Object.keys(INTERNAL_ENTRIES)) {
      expect(expected.has(name), name).toBe(false);
      expected.add(name);
    }
    expect(Object.keys(config.entry).sort()).toEqual([...expected].sort());
    for (const [name, src] of Object.entries(config.entry)) expect(src).toBe(`src/${name}.ts`);
    expect([...config.format].sort()).toEqual(['cjs', 'esm']);
  });

  it('tsconfig "paths" map the same subpaths to the same sources', () => {
    // Comments-free JSON (tsconfig.json has none).
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: { paths: Record<string, string[]> };
    };
    const fromExports = Object.fromEntries(
      subpaths.map((sub) => [
        sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`,
        [`./src/${entryOf(sub)}.ts`],
      ]),
    );
    expect(tsconfig.compilerOptions.paths).toEqual(fromExports);
  });
});
