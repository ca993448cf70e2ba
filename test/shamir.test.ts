/**
 * Shamir secret sharing (src/threshold/shamir.ts) and the prime fields under it
 * (src/core/field.ts).
 *
 * - Exhaustive: every T-subset of small share sets reconstructs; every (T−1)-subset is
 *   consistent with every candidate secret (constructively over F_q, by brute-force counting of
 *   all polynomials over tiny fields).
 * - fast-check round trips over both suites' scalar fields, a small prime and 2^127 − 1.
 * - Field edge values, typed errors (class and code), seed derivation against an independent
 *   HKDF computation of the documented layout, share encoding strictness.
 * References are independent of the code under test: a Vandermonde solver and direct Horner
 * sums written here. `QPSI_SLOW=1` multiplies the number of runs by 20.
 */
import { mod } from '@noble/curves/abstract/modular.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, ParameterError } from '../src/core/errors.js';
import {
  F_ELL,
  fieldElementsFromSeed,
  type PrimeField,
  primeField,
  scalarField,
} from '../src/core/field.js';
import { p256Sha256, ristretto255Sha512 } from '../src/core/group.js';
import { concatBytes, i2osp } from '../src/core/utils.js';
import {
  combine,
  decodeShare,
  encodeShare,
  interpolateAt,
  polynomialFromCoefficients,
  polynomialFromSeed,
  type Share,
  shareXFromBytes,
  split,
} from '../src/threshold/shamir.js';
import { expectError, runs, thrown } from './helpers/assert.js';
import { xorshiftRng } from './helpers/rng.js';

const Fr = scalarField(ristretto255Sha512);
const Fp256 = scalarField(p256Sha256);
const F257 = primeField(257n);
const M127 = primeField((1n << 127n) - 1n);

/** All k-subsets of [0, n). */
function subsets(n: number, k: number): number[][] {
  const out: number[][] = [];
  const rec = (start: number, acc: number[]) => {
    if (acc.length === k) {
      out.push([...acc]);
      return;
    }
    for (let i = start; i < n; i++) rec(i + 1, [...acc, i]);
  };
  rec(0, []);
  return out;
}

/** Reference: Σ a_i x^i with explicit powers (not Horner). */
function evalRef(p: bigint, a: readonly bigint[], x: bigint): bigint {
  let s = 0n;
  let xi = 1n;
  for (const c of a) {
    s = mod(s + c * xi, p);
    xi = mod(xi * x, p);
  }
  return s;
}

/** Reference: the coefficients of the unique polynomial of degree < k through k points, by
 * Gauss–Jordan elimination on the Vandermonde system (independent of Lagrange in src). */
function solveVandermonde(p: bigint, pts: readonly { x: bigint; y: bigint }[]): bigint[] {
  const k = pts.length;
  const M = pts.map(({ x, y }) => {
    const row: bigint[] = [];
    let xi = 1n;
    for (let j = 0; j < k; j++) {
      row.push(xi);
      xi = mod(xi * x, p);
    }
    row.push(mod(y, p));
    return row;
  });
  const inv = (a: bigint) => {
    // Fermat, independent of noble's invert.
    let r = 1n;
    let b = mod(a, p);
    let e = p - 2n;
    while (e > 0n) {
      if (e & 1n) r = mod(r * b, p);
      b = mod(b * b, p);
      e >>= 1n;
    }
    return r;
  };
  for (let col = 0; col < k; col++) {
    const piv = M.findIndex((row, i) => i >= col && row[col] !== 0n);
    expect(piv).toBeGreaterThanOrEqual(0);
    [M[col], M[piv]] = [M[piv] as bigint[], M[col] as bigint[]];
    const rowC = M[col] as bigint[];
    const iv = inv(rowC[col] as bigint);
    for (let j = 0; j <= k; j++) rowC[j] = mod((rowC[j] as bigint) * iv, p);
    for (let i = 0; i < k; i++) {
      if (i === col) continue;
      const row = M[i] as bigint[];
      const f = row[col] as bigint;
      for (let j = 0; j <= k; j++) row[j] = mod((row[j] as bigint) - f * (rowC[j] as bigint), p);
    }
  }
  return M.map((row) => row[k] as bigint);
}

const seed32 = (b: number) => new Uint8Array(32).fill(b);

describe('field', () => {
  it('F_ELL is 2^64 − 59 with 8-byte big-endian encodings', () => {
    expect(F_ELL.p).toBe(18446744073709551557n);
    expect(F_ELL.bytes).toBe(8);
    expect(F_ELL.wideBytes).toBe(16);
    expect(F_ELL.toBytes(1n)).toEqual(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1));
  });

  it('scalarField encodes exactly like suite.encodeScalar (both suites)', () => {
    for (const [suite, F] of [
      [ristretto255Sha512, Fr],
      [p256Sha256, Fp256],
    ] as const) {
      expect(F.p).toBe(suite.order);
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: suite.order - 1n }), (a) => {
          expect(F.toBytes(a)).toEqual(suite.encodeScalar(a));
          expect(F.fromBytes(suite.encodeScalar(a))).toBe(a);
        }),
        runs(50),
      );
    }
  });

  it('arithmetic agrees with reference bigint formulas', () => {
    for (const F of [Fr, F_ELL, F257, M127]) {
      fc.assert(
        fc.property(
          fc.bigInt({ min: 0n, max: F.p - 1n }),
          fc.bigInt({ min: 0n, max: F.p - 1n }),
          (a, b) => {
            expect(F.add(a, b)).toBe((a + b) % F.p);
            expect(F.sub(a, b)).toBe((a - b + F.p) % F.p);
            expect(F.mul(a, b)).toBe((a * b) % F.p);
            expect(F.add(a, F.neg(a))).toBe(0n);
            if (b !== 0n) expect((F.inv(b) * b) % F.p).toBe(1n);
            expect(F.pow(a, 3n)).toBe((a * a * a) % F.p);
          },
        ),
        runs(50),
      );
      expect(thrown(() => F.inv(0n))).toBeInstanceOf(RangeError);
    }
  });

  it('fromBytesReduce is OS2IP mod p and needs len(p)+8 bytes', () => {
    for (const F of [Fr, Fp256, F_ELL, M127]) {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: F.wideBytes, maxLength: F.wideBytes + 8 }), (b) => {
          const v = BigInt(`0x${Buffer.from(b).toString('hex')}`);
          expect(F.fromBytesReduce(b)).toBe(v % F.p);
        }),
        runs(50),
      );
      expect(F.wideBytes).toBe(F.bytes + 8);
      expect(thrown(() => F.fromBytesReduce(new Uint8Array(F.wideBytes - 1)))).toBeInstanceOf(
        RangeError,
      );
    }
  });

  it('fromBytes is strict (length, range) and toBytes refuses out-of-range', () => {
    for (const F of [Fr, Fp256, F_ELL]) {
      expectError(
        () => F.fromBytes(new Uint8Array(F.bytes + 1)),
        DecodeError,
        'decode.field.length',
      );
      const pBytes = i2osp(F.p, F.bytes);
      const enc = F.isLE ? pBytes.slice().reverse() : pBytes;
      expectError(() => F.fromBytes(enc), DecodeError, 'decode.field.range');
      expect(F.fromBytes(F.toBytes(F.p - 1n))).toBe(F.p - 1n);
      expect(thrown(() => F.toBytes(F.p))).toBeInstanceOf(RangeError);
      expect(thrown(() => F.toBytes(-1n))).toBeInstanceOf(RangeError);
    }
  });

  it('primeField refuses composites', () => {
    for (const n of [1n, 4n, 561n, 3215031751n, (1n << 64n) - 1n]) {
      expect(thrown(() => primeField(n))).toBeInstanceOf(RangeError);
    }
  });

  it('fieldElementsFromSeed follows the documented HKDF layout (independent recomputation)', () => {
    const seed = seed32(9);
    const label = new TextEncoder().encode('lbl');
    const purpose = new TextEncoder().encode('shamir-polynomial');
    const count = 300; // crosses the 204-element block boundary of a 32-byte field
    const lp = (b: Uint8Array) => concatBytes(i2osp(b.length, 2), b);
    const prefix = concatBytes(lp(purpose), lp(label), lp(i2osp(Fr.p, 32)), i2osp(count, 4));
    const salt = new TextEncoder().encode('quorum-psi-v1-seed-derive');
    const okm0 = hkdf(sha256, seed, salt, concatBytes(prefix, i2osp(0, 4)), 204 * 40);
    const okm1 = hkdf(sha256, seed, salt, concatBytes(prefix, i2osp(1, 4)), 96 * 40);
    const expected = [0, 1, 203].map((i) => okm0.subarray(i * 40, i * 40 + 40));
    expected.push(okm1.subarray(0, 40), okm1.subarray(95 * 40, 96 * 40));
    const got = fieldElementsFromSeed(Fr, seed, 'shamir-polynomial', 'lbl', count);
    expect(got.length).toBe(count);
    const want = expected.map((b) => BigInt(`0x${Buffer.from(b).toString('hex')}`) % Fr.p);
    expect([got[0], got[1], got[203], got[204], got[299]]).toEqual(want);
    expect(thrown(() => fieldElementsFromSeed(Fr, new Uint8Array(31), 'x', '', 1))).toBeInstanceOf(
      RangeError,
    );
  });
});

describe('shamir: exhaustive small cases', () => {
  for (const [n, T] of [
    [5, 3],
    [6, 4],
  ] as const) {
    it(`n=${n}, T=${T}: every T-subset reconstructs, every superset too`, () => {
      const secret = Fr.fromBytesReduce(xorshiftRng(n * 10 + T)(40));
      const { shares, polynomial } = split(secret, { threshold: T, count: n }, xorshiftRng(T));
      expect(polynomial.coefficients[0]).toBe(secret);
      for (const sh of shares) expect(sh.y).toBe(evalRef(Fr.p, polynomial.coefficients, sh.x));
      let checked = 0;
      for (let k = T; k <= n; k++) {
        for (const sub of subsets(n, k)) {
          const picked = sub.map((i) => shares[i] as Share);
          expect(combine(picked, T, Fr)).toBe(secret);
          expect(combine([...picked].reverse(), T, Fr)).toBe(secret);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(0);
    });

    it(`n=${n}, T=${T}: every (T−1)-subset is consistent with every candidate secret`, () => {
      const secret = 123456789n;
      const { shares } = split(secret, { threshold: T, count: n }, xorshiftRng(99));
      const candidates = [0n, 1n, secret, Fr.p - 1n, Fr.fromBytesReduce(xorshiftRng(5)(40))];
      for (const sub of subsets(n, T - 1)) {
        const picked = sub.map((i) => shares[i] as Share);
        for (const s2 of candidates) {
          // The unique polynomial of degree ≤ T−1 through (0, s2) and the T−1 shares.
          const g = solveVandermonde(Fr.p, [{ x: 0n, y: s2 }, ...picked]);
          expect(g[0]).toBe(s2);
          const poly = polynomialFromCoefficients(Fr, g);
          for (const sh of picked) expect(poly.evaluate(sh.x)).toBe(sh.y);
          // Re-sharing s2 with g: the same T−1 shares plus any new one reconstruct s2.
          const xNew = [1n, 2n, 3n].find((x) => shares.every((s) => s.x !== x)) as bigint;
          const completed = [...picked, { x: xNew, y: poly.evaluate(xNew) }];
          expect(combine(completed, T, Fr)).toBe(s2);
        }
      }
    });
  }

  it('tiny fields, brute force over all polynomials: T−1 shares leave every secret equally likely', () => {
    for (const [p, T, n] of [
      [7n, 3, 5],
      [11n, 4, 6],
    ] as const) {
      const F = primeField(p);
      const { shares } = split(
        3n,
        { threshold: T, xs: [...Array(n).keys()].map((i) => BigInt(i + 1)), field: F },
        xorshiftRng(7),
      );
      const all: bigint[][] = [];
      const rec = (acc: bigint[]) => {
        if (acc.length === T) all.push(acc);
        else for (let c = 0n; c < p; c++) rec([...acc, c]);
      };
      rec([]);
      expect(all.length).toBe(Number(p) ** T);
      for (const k of [T - 1, T]) {
        for (const sub of subsets(n, k)) {
          const picked = sub.map((i) => shares[i] as Share);
          const counts = new Map<bigint, number>();
          for (const a of all) {
            if (picked.every((sh) => evalRef(p, a, sh.x) === sh.y)) {
              counts.set(a[0] as bigint, (counts.get(a[0] as bigint) ?? 0) + 1);
            }
          }
          if (k === T - 1) {
            // Exactly one polynomial per candidate secret: the shares say nothing about f(0).
            expect(counts.size).toBe(Number(p));
            for (const c of counts.values()) expect(c).toBe(1);
          } else {
            expect([...counts.entries()]).toEqual([[3n, 1]]);
          }
        }
      }
    }
  });
});

describe('shamir: round trips', () => {
  const fields: [string, PrimeField][] = [
    ['ristretto255 F_q', Fr],
    ['p256 F_q', Fp256],
    ['F_257', F257],
    ['F_(2^127−1)', M127],
  ];
  for (const [name, F] of fields) {
    it(`${name}: split/combine round trip for random T ≤ n and random share subsets`, () => {
      fc.assert(
        fc.property(
          fc.bigInt({ min: 0n, max: F.p - 1n }),
          fc.integer({ min: 1, max: 10 }),
          fc.integer({ min: 0, max: 6 }),
          fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          fc.boolean(),
          (secret, T, extra, rngSeed, permute) => {
            const n = T + extra;
            const { shares, polynomial } = split(
              secret,
              { threshold: T, count: n, field: F },
              xorshiftRng(rngSeed),
            );
            expect(shares.length).toBe(n);
            expect(new Set(shares.map((s) => s.x)).size).toBe(n);
            expect(polynomial.threshold).toBe(T);
            for (const sh of shares) {
              expect(sh.x).not.toBe(0n);
              expect(sh.y).toBe(evalRef(F.p, polynomial.coefficients, sh.x));
            }
            const order = [...shares];
            if (permute) order.reverse();
            const k = T + (rngSeed % (extra + 1));
            expect(combine(order.slice(0, k), T, F)).toBe(secret);
            // With T−1 shares the interpolated value at 0 is (generically) not the secret, and
            // combine refuses outright.
            expectError(
              () => combine(order.slice(0, T - 1), T, F),
              ParameterError,
              'shamir.too-few',
            );
          },
        ),
        runs(60),
      );
    });
  }

  it('field edge values: secret 0 and p−1, x = 1 and x = p−1', () => {
    for (const F of [Fr, Fp256, F257, M127]) {
      for (const secret of [0n, 1n, F.p - 1n]) {
        const xs = [1n, F.p - 1n, 2n, F.p - 2n];
        const { shares } = split(secret, { threshold: 3, xs, field: F }, xorshiftRng(3));
        expect(combine(shares.slice(0, 3), 3, F)).toBe(secret);
        expect(combine(shares.slice(1), 3, F)).toBe(secret);
        expect(shares[1]?.x).toBe(F.p - 1n);
      }
    }
  });

  it('threshold 1: every share is the secret', () => {
    const { shares } = split(42n, { threshold: 1, count: 3 }, xorshiftRng(1));
    for (const sh of shares) {
      expect(sh.y).toBe(42n);
      expect(combine([sh], 1)).toBe(42n);
    }
  });

  it('coefficients come from rng: wideBytes per coefficient, reduced mod p', () => {
    const draws: Uint8Array[] = [];
    const base = xorshiftRng(77);
    const rng = (n: number) => {
      const b = base(n);
      draws.push(b);
      return b;
    };
    const { polynomial } = split(5n, { threshold: 4, xs: [1n, 2n, 3n, 4n] }, rng);
    expect(draws.map((d) => d.length)).toEqual([40, 40, 40]);
    const want = draws.map((d) => BigInt(`0x${Buffer.from(d).toString('hex')}`) % Fr.p);
    expect(polynomial.coefficients).toEqual([5n, ...want]);
  });

  it('interpolateAt recovers f at any point', () => {
    const poly = polynomialFromCoefficients(Fr, [7n, 11n, 13n]);
    const pts = [3n, 5n, 9n].map((x) => ({ x, y: poly.evaluate(x) }));
    for (const at of [0n, 1n, 4n, Fr.p - 1n])
      expect(interpolateAt(Fr, pts, at)).toBe(poly.evaluate(at));
  });
});

describe('shamir: errors', () => {
  const { shares } = split(9n, { threshold: 3, xs: [1n, 2n, 3n, 4n] }, xorshiftRng(4));
  const [a, b, c] = shares as [Share, Share, Share];

  it('combine: duplicate x, zero x, values ≥ p, too few (class and code)', () => {
    expectError(() => combine([a, b, { x: a.x, y: a.y }], 3), ParameterError, 'shamir.duplicate-x');
    expectError(() => combine([a, b, { x: a.x, y: c.y }], 3), ParameterError, 'shamir.duplicate-x');
    expectError(() => combine([a, b, { x: 0n, y: c.y }], 3), ParameterError, 'shamir.zero-x');
    expectError(() => combine([a, b, { x: Fr.p, y: c.y }], 3), ParameterError, 'shamir.field');
    expectError(() => combine([a, b, { x: c.x, y: Fr.p }], 3), ParameterError, 'shamir.field');
    expectError(() => combine([a, b, { x: c.x, y: -1n }], 3), ParameterError, 'shamir.field');
    expectError(() => combine([a, b], 3), ParameterError, 'shamir.too-few');
    expectError(() => combine([], 1), ParameterError, 'shamir.too-few');
    // A share from a larger field is rejected by a smaller one.
    expectError(() => combine([{ x: 1n, y: 300n }], 1, F257), ParameterError, 'shamir.field');
    expectError(() => combine([a, b, c], 0), ParameterError, 'shamir.threshold');
    expect(thrown(() => combine([a, b, { x: 3, y: 1n } as unknown as Share], 3))).toBeInstanceOf(
      TypeError,
    );
  });

  it('split: bad parameters', () => {
    expectError(
      () => split(1n, { threshold: 3, xs: [1n, 2n] }),
      ParameterError,
      'shamir.threshold',
    );
    expectError(() => split(1n, { threshold: 0, count: 2 }), ParameterError, 'shamir.threshold');
    expectError(
      () => split(1n, { threshold: 2, xs: [1n, 1n] }),
      ParameterError,
      'shamir.duplicate-x',
    );
    expectError(() => split(1n, { threshold: 2, xs: [1n, 0n] }), ParameterError, 'shamir.zero-x');
    expectError(() => split(Fr.p, { threshold: 2, count: 2 }), ParameterError, 'shamir.field');
    expectError(
      () => split(1n, { threshold: 2, count: 257, field: F257 }),
      ParameterError,
      'shamir.count',
    );
    expect(thrown(() => split(1n, { threshold: 2, count: 2, xs: [1n, 2n] }))).toBeInstanceOf(
      TypeError,
    );
    expect(thrown(() => split(1n, { threshold: 2 }))).toBeInstanceOf(TypeError);
    // A constant rng cannot yield distinct x-coordinates.
    expectError(
      () => split(1n, { threshold: 2, count: 3 }, (n) => new Uint8Array(n).fill(1)),
      ParameterError,
      'shamir.count',
    );
  });

  it('split with count samples all non-zero x of a tiny field without repetition', () => {
    const { shares } = split(1n, { threshold: 2, count: 256, field: F257 }, xorshiftRng(5));
    expect(new Set(shares.map((s) => s.x)).size).toBe(256);
    expect(shares.some((s) => s.x === 0n)).toBe(false);
  });
});

describe('shamir: seed derivation', () => {
  it('polynomialFromSeed is deterministic; seed, label, T and field all change it', () => {
    const f1 = polynomialFromSeed(Fr, 5, seed32(1), 'adkey');
    const f2 = polynomialFromSeed(Fr, 5, seed32(1), 'adkey');
    expect(f2.coefficients).toEqual(f1.coefficients);
    expect(f1.threshold).toBe(5);
    const others = [
      polynomialFromSeed(Fr, 5, seed32(2), 'adkey'),
      polynomialFromSeed(Fr, 5, seed32(1), 'adkey2'),
      polynomialFromSeed(Fr, 6, seed32(1), 'adkey'),
      polynomialFromSeed(Fp256, 5, seed32(1), 'adkey'),
    ];
    for (const g of others) {
      for (let i = 0; i < 5; i++) expect(g.coefficients[i]).not.toBe(f1.coefficients[i]);
    }
    const h = polynomialFromSeed(Fr, 5, seed32(1), 'adkey', 77n);
    expect(h.coefficients[0]).toBe(77n);
    expect(h.coefficients.slice(1)).toEqual(f1.coefficients.slice(1));
    expect(thrown(() => polynomialFromSeed(Fr, 5, new Uint8Array(16), 'adkey'))).toBeInstanceOf(
      RangeError,
    );
  });

  it('split with a seed is deterministic in both coefficients and x-coordinates', () => {
    const opts = { threshold: 4, count: 7, seed: seed32(3), label: 'L' };
    const r1 = split(10n, opts);
    const r2 = split(10n, opts, () => {
      throw new Error('rng must not be used with a seed');
    });
    expect(r2.shares).toEqual(r1.shares);
    expect(split(10n, { ...opts, label: 'M' }).shares[0]).not.toEqual(r1.shares[0]);
    expect(combine(r1.shares, 4)).toBe(10n);
  });

  it('shareXFromBytes maps to [1, p−1] as (OS2IP mod (p−1)) + 1', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 40, maxLength: 48 }), (b) => {
        const v = BigInt(`0x${Buffer.from(b).toString('hex')}`);
        expect(shareXFromBytes(Fr, b)).toBe((v % (Fr.p - 1n)) + 1n);
      }),
      runs(50),
    );
    expect(shareXFromBytes(Fr, i2osp(Fr.p - 1n, 40))).toBe(1n);
    expect(thrown(() => shareXFromBytes(Fr, new Uint8Array(39)))).toBeInstanceOf(RangeError);
  });
});

describe('shamir: share encoding', () => {
  it('round trip; x ‖ y in the suite scalar encoding', () => {
    for (const [suite, F] of [
      [ristretto255Sha512, Fr],
      [p256Sha256, Fp256],
    ] as const) {
      fc.assert(
        fc.property(
          fc.bigInt({ min: 1n, max: F.p - 1n }),
          fc.bigInt({ min: 0n, max: F.p - 1n }),
          (x, y) => {
            const enc = encodeShare(F, { x, y });
            expect(enc).toEqual(concatBytes(suite.encodeScalar(x), suite.encodeScalar(y)));
            expect(decodeShare(F, enc)).toEqual({ x, y });
          },
        ),
        runs(50),
      );
    }
  });

  it('decodeShare is strict: length, range, zero x', () => {
    const enc = encodeShare(Fp256, { x: 5n, y: 6n });
    expectError(() => decodeShare(Fp256, enc.subarray(1)), DecodeError, 'decode.share.length');
    expectError(
      () => decodeShare(Fp256, concatBytes(enc, Uint8Array.of(0))),
      DecodeError,
      'decode.share.length',
    );
    const bad = enc.slice();
    bad.set(i2osp(Fp256.p, 32), 32);
    expectError(() => decodeShare(Fp256, bad), DecodeError, 'decode.field.range');
    const zero = enc.slice();
    zero.fill(0, 0, 32);
    expectError(() => decodeShare(Fp256, zero), DecodeError, 'decode.share.zero-x');
    expectError(() => encodeShare(Fp256, { x: 0n, y: 1n }), ParameterError, 'shamir.zero-x');
  });
});
