/**
 * The source-level half of the bundle budgets (docs/decisions.md "Suites as separate modules;
 * bundle budgets"); scripts/bundle-budget.mjs measures the built package.
 *
 * 1. On the runtime import graph of src/ (type-only imports and re-exports do not count: no
 *    bundler follows them): a suite module never reaches the other suite's code, the
 *    suite-agnostic group layer reaches neither, the client path reaches no suite at all (it takes
 *    the suite from its inputs), and the server path reaches no sealing code.
 * 2. The registry, in this test file's own module graph, which never imports a suite module
 *    statically: an id whose suite was not loaded is a DecodeError naming the subpath to import,
 *    and loading the suite module registers it.
 */
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { KIND, MAGIC, PROTOCOL_VERSION } from '../src/core/constants.js';
import { DecodeError, ParameterError } from '../src/core/errors.js';
import {
  DEFAULT_SUITE_ORDER,
  defaultSuite,
  isRegisteredSuite,
  registeredSuite,
  registeredSuites,
} from '../src/core/suite.js';
import { decodeHeader } from '../src/database/pdata.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/**
 * Runtime imports of a module: relative ones resolved to paths relative to src/ (`core/x.ts`),
 * packages as written (`@noble/curves/nist.js`). `import type`, `export type` and imports whose
 * every binding is a type are left out.
 */
function runtimeImportsOf(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(SRC + file, 'utf8'), ts.ScriptTarget.ES2022);
  const out: string[] = [];
  for (const st of sf.statements) {
    let spec: string | undefined;
    if (ts.isImportDeclaration(st)) {
      const c = st.importClause;
      const typeOnly =
        c !== undefined &&
        (c.isTypeOnly ||
          (c.name === undefined &&
            c.namedBindings !== undefined &&
            ts.isNamedImports(c.namedBindings) &&
            c.namedBindings.elements.length > 0 &&
            c.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) spec = (st.moduleSpecifier as ts.StringLiteral).text;
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier !== undefined) {
      const typeOnly =
        st.isTypeOnly ||
        (st.exportClause !== undefined &&
          ts.isNamedExports(st.exportClause) &&
          st.exportClause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) spec = (st.moduleSpecifier as ts.StringLiteral).text;
    }
    if (spec === undefined) continue;
    out.push(
      spec.startsWith('.')
        ? posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, '.ts')
        : spec,
    );
  }
  return out;
}

/** Every module a module reaches at runtime (itself included). */
function closure(...roots: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...roots];
  while (todo.length > 0) {
    const f = todo.pop() as string;
    if (seen.has(f)) continue;
    seen.add(f);
    if (f.endsWith('.ts')) todo.push(...runtimeImportsOf(f));
  }
  return seen;
}

const P256_CODE = ['core/p256.ts', 'core/msm-p256.ts', '@noble/curves/nist.js'];
const RISTRETTO_CODE = [
  'core/ristretto255.ts',
  'core/ristretto-codec.ts',
  'core/fe25519.ts',
  'core/msm25519.ts',
];
const BOTH_SUITES = ['core/group.ts', 'core/ristretto255.ts', 'core/p256.ts'];
const SEALING_CODE = ['core/seal.ts', 'core/hpke.ts'];

const reached = (roots: string[], forbidden: string[]) => {
  const c = closure(...roots);
  return forbidden.filter((f) => c.has(f));
};

describe('runtime import graph', () => {
  it('reads real imports (type-only ones left out)', () => {
    expect(runtimeImportsOf('core/ristretto255.ts')).toContain('@noble/curves/ed25519.js');
    expect(runtimeImportsOf('core/ristretto255.ts')).toContain('core/suite.ts');
    // client-database.ts imports only types from the group layer
    expect(runtimeImportsOf('database/client-database.ts')).not.toContain('core/group.ts');
    expect(closure('voucher/client.ts')).toContain('core/seal.ts');
    expect(reached(['core/group.ts'], [...P256_CODE, ...RISTRETTO_CODE])).toEqual([
      ...P256_CODE,
      ...RISTRETTO_CODE,
    ]);
  });

  it('ristretto255 never reaches P-256 code, nor P-256 ristretto255 code', () => {
    expect(reached(['core/ristretto255.ts'], P256_CODE)).toEqual([]);
    expect(reached(['core/p256.ts'], [...RISTRETTO_CODE, '@noble/curves/ed25519.js'])).toEqual([]);
  });

  it('the suite-agnostic group layer (suite.ts) reaches no curve', () => {
    expect(
      reached(
        ['core/suite.ts'],
        [...BOTH_SUITES, ...P256_CODE, ...RISTRETTO_CODE, '@noble/curves/ed25519.js'],
      ),
    ).toEqual([]);
  });

  it('the client path (accept a database, create an account and vouchers) reaches no suite: it takes the suite from its inputs', () => {
    const roots = ['database/manifest.ts', 'database/client-database.ts', 'voucher/client.ts'];
    expect(reached(roots, [...BOTH_SUITES, ...P256_CODE, ...RISTRETTO_CODE])).toEqual([]);
  });

  it('the server path reaches no suite and no sealing code', () => {
    expect(
      reached(['voucher/server.ts'], [...BOTH_SUITES, ...SEALING_CODE, '@noble/curves/ed25519.js']),
    ).toEqual([]);
  });

  it('every decoder resolves the suite byte through the registry, never through group.ts', () => {
    const decoders = ['core/encoding.ts', 'database/pdata.ts', 'voucher/voucher.ts'];
    for (const d of decoders) expect(runtimeImportsOf(d), d).not.toContain('core/group.ts');
  });
});

/** The shortest public-data prefix decodeHeader reads the suite byte of (no reviewer keys). */
function headerPrefix(suiteId: number): Uint8Array {
  const b = new Uint8Array(5 + 2 + 2 + 4 + 4 + 1 + 64);
  b.set(MAGIC, 0);
  b[2] = KIND.publicData;
  b[3] = PROTOCOL_VERSION;
  b[4] = suiteId;
  return b;
}

function decodeError(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return e as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

// One `it` for the whole sequence: the registry is this file's module state.
describe('suite registry (this file never imports a suite module statically)', () => {
  it('an unloaded suite is a DecodeError naming its subpath; loading it registers it', async () => {
    expect(registeredSuites()).toEqual([]);
    for (const [id, where] of [
      [0x01, 'ristretto255-SHA512: import ristretto255Sha512 from quorum-psi/group/ristretto255'],
      [0x02, 'P256-SHA256: import p256Sha256 from quorum-psi/group/p256'],
    ] as const) {
      const e = decodeError(() => registeredSuite(id));
      expect(e.code).toBe('decode.suite');
      expect(e.message).toBe(`unknown or unavailable suite 0x0${id} (${where})`);
      // What every decoder of an encoded object meets first.
      const h = decodeError(() => decodeHeader(headerPrefix(id)));
      expect(h.code).toBe('decode.suite');
      expect(h.message).toContain(where);
    }
    expect(decodeError(() => registeredSuite(0x07)).message).toBe(
      'unknown or unavailable suite 0x07',
    );
    expect(() => defaultSuite()).toThrow(ParameterError);
    expect(() => defaultSuite()).toThrow(
      /import ristretto255Sha512 from quorum-psi\/group\/ristretto255/,
    );

    const { p256Sha256 } = await import('../src/core/p256.js');
    expect(registeredSuites()).toEqual([p256Sha256]);
    expect(registeredSuite(0x02)).toBe(p256Sha256);
    expect(isRegisteredSuite(p256Sha256)).toBe(true);
    expect(isRegisteredSuite({ ...p256Sha256 })).toBe(false);
    expect(decodeError(() => decodeHeader(headerPrefix(0x01))).code).toBe('decode.suite');
    // The default suite is ristretto255: still not loaded.
    expect(() => defaultSuite()).toThrow(ParameterError);

    const { ristretto255Sha512 } = await import('../src/core/ristretto255.js');
    expect(registeredSuites()).toEqual([ristretto255Sha512, p256Sha256]);
    expect(defaultSuite()).toBe(ristretto255Sha512);
    expect(ristretto255Sha512.order).toBe(DEFAULT_SUITE_ORDER);
    // The header of a loaded suite gets past the suite byte (and fails later, on its zeros).
    expect(decodeError(() => decodeHeader(headerPrefix(0x01))).code).not.toBe('decode.suite');

    // quorum-psi/group (both suites, as before) sees the same suite objects.
    const group = await import('../src/core/group.js');
    expect(group.SUITES).toEqual([ristretto255Sha512, p256Sha256]);
    expect(group.DEFAULT_SUITE).toBe(ristretto255Sha512);
    expect(group.findSuite('p256')).toBe(p256Sha256);
    expect(group.suiteFromId(0x01)).toBe(ristretto255Sha512);
  });
});
