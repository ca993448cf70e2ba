/** Shared test helpers: property-run scaling and error assertions. */
import { expect } from 'vitest';
import { QuorumPsiError } from '../../src/core/errors.js';

/** Multiplier for fast-check runs: 1 in CI, 20 under `npm run test:slow` (QPSI_SLOW=1). */
export const SLOW_FACTOR = process.env.QPSI_SLOW ? 20 : 1;

/** fast-check options with `n` runs, scaled by {@link SLOW_FACTOR}. */
export const runs = (n: number) => ({ numRuns: n * SLOW_FACTOR });

/** The value `f` throws, or `undefined` if it returns. */
export function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** Error code of a call: a `QuorumPsiError`'s code, another error's name, or `'no error'`. */
export function codeOf(f: () => unknown): string {
  const e = thrown(f);
  if (e === undefined) return 'no error';
  return e instanceof QuorumPsiError ? e.code : (e as Error).name;
}

/** Assert `f` throws an instance of `cls` (and, if given, with `code`). */
export function expectError(
  f: () => unknown,
  cls: new (...a: never[]) => Error,
  code?: string,
): void {
  const e = thrown(f);
  expect(e).toBeInstanceOf(cls);
  if (code !== undefined) expect((e as { code?: string }).code).toBe(code);
}
