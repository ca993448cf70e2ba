/**
 * The detectable hash function (src/threshold/dhf.ts; SPEC §6 step 2, §7 step 1, §9).
 *
 * - Evaluation: the Float64-limb fast path agrees with a plain bigint Horner reference (random
 *   and extreme coefficients and inputs, degrees on both sides of the 128-term chunk).
 * - Detection over many random trials: ≥ T real columns with up to s synthetic ones → exactly
 *   the real columns; T − 1 real with up to s synthetic → 'none'; more than s synthetic →
 *   'excess', 'none' (only below T) or the exact real set, never a wrong set. Outcome counts
 *   and failure rates are printed (SPEC §9 asks for ≥ 99.9% separation; expected failure rate
 *   ≈ m/2^64, i.e. 0 in practice).
 * - Encoding strictness and typed errors.
 * `QPSI_SLOW=1` multiplies the number of trials by 20.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DHF_MODULUS } from '../src/core/constants.js';
import { DecodeError, ParameterError } from '../src/core/errors.js';
import {
  type DhfKey,
  type DhfValue,
  decodeDhfValue,
  dhfDetect,
  dhfEvaluate,
  dhfKeyFromCoefficients,
  dhfKeyFromSeed,
  dhfRandomValue,
  dhfValueFromBytes,
  dhfXFromBytes,
  encodeDhfValue,
} from '../src/threshold/dhf.js';
import { expectError, runs, SLOW_FACTOR as SLOW, thrown } from './helpers/assert.js';
import { xorshiftRng } from './helpers/rng.js';

const L = DHF_MODULUS;

function seedBytes(b: number): Uint8Array {
  const out = new Uint8Array(32);
  new DataView(out.buffer).setUint32(0, b);
  return out;
}

/** Reference evaluation: bigint Horner, independent of the limb code. */
function hornerRef(coeffs: readonly bigint[], x: bigint): bigint {
  let acc = 0n;
  for (let k = coeffs.length - 1; k >= 0; k--) acc = (acc * x + (coeffs[k] as bigint)) % L;
  return acc;
}

function checkEval(key: DhfKey, x: bigint): void {
  const r = dhfEvaluate(key, x);
  expect(r.length).toBe(key.s + 1);
  expect(r[0]).toBe(x);
  for (let i = 0; i < key.s; i++) {
    expect(r[i + 1]).toBe(hornerRef(key.coefficients[i] as bigint[], x));
  }
}

const fieldElt = fc.oneof(
  fc.bigInt({ min: 0n, max: L - 1n }),
  fc.constantFrom(0n, 1n, 2n, L - 1n, L - 2n, (1n << 63n) - 1n, 1n << 63n, (1n << 32n) - 1n),
);

describe('dhf: evaluation', () => {
  it('agrees with bigint Horner for random keys and inputs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fieldElt,
        (T, s, seed, x) => {
          const rng = xorshiftRng(seed);
          const coeffs = Array.from({ length: s }, () =>
            Array.from({ length: T - 1 }, () => dhfXFromBytes(rng(16))),
          );
          checkEval(dhfKeyFromCoefficients(T, s, coeffs), x);
        },
      ),
      runs(200),
    );
  });

  it('extreme coefficients (all ℓ−1, all 2^63) and long polynomials across the 128-term chunk', () => {
    for (const T of [2, 3, 129, 130, 131, 300, 600, 1100]) {
      for (const c of [L - 1n, 1n << 63n, 0n]) {
        const key = dhfKeyFromCoefficients(T, 2, [
          new Array(T - 1).fill(c),
          Array.from({ length: T - 1 }, (_, k) => (k % 2 ? L - 1n : 1n)),
        ]);
        for (const x of [0n, 1n, L - 1n, L - 2n, 1n << 63n, 123456789n]) checkEval(key, x);
      }
    }
    const seeded = dhfKeyFromSeed(seedBytes(1), 300, 3);
    for (let i = 0; i < 20; i++) checkEval(seeded, dhfXFromBytes(xorshiftRng(i + 1)(16)));
  });

  it('dhfKeyFromSeed is deterministic; seed, label, T and s change it', () => {
    const k1 = dhfKeyFromSeed(seedBytes(7), 5, 3, 'a');
    const k2 = dhfKeyFromSeed(seedBytes(7), 5, 3, 'a');
    expect(k2.coefficients).toEqual(k1.coefficients);
    expect(k1.coefficients.length).toBe(3);
    expect(k1.coefficients.every((p) => p.length === 4)).toBe(true);
    const first = k1.coefficients[0]?.[0];
    for (const k of [
      dhfKeyFromSeed(seedBytes(8), 5, 3, 'a'),
      dhfKeyFromSeed(seedBytes(7), 5, 3, 'b'),
      dhfKeyFromSeed(seedBytes(7), 6, 3, 'a'),
      dhfKeyFromSeed(seedBytes(7), 5, 4, 'a'),
    ]) {
      expect(k.coefficients[0]?.[0]).not.toBe(first);
    }
  });

  it('parameter and input errors', () => {
    expectError(() => dhfKeyFromSeed(seedBytes(1), 1, 3), ParameterError, 'dhf.threshold');
    expectError(() => dhfKeyFromSeed(seedBytes(1), 5, -1), ParameterError, 'dhf.width');
    expectError(() => dhfKeyFromCoefficients(3, 1, [[1n, L]]), ParameterError, 'dhf.range');
    expectError(() => dhfKeyFromCoefficients(3, 1, [[1n]]), ParameterError, 'dhf.width');
    expectError(() => dhfKeyFromCoefficients(3, 2, [[1n, 2n]]), ParameterError, 'dhf.width');
    const key = dhfKeyFromSeed(seedBytes(1), 4, 2);
    expect(thrown(() => dhfEvaluate(key, L))).toBeInstanceOf(RangeError);
    expect(
      thrown(() => dhfEvaluate({ T: 4, s: 2, coefficients: key.coefficients }, 1n)),
    ).toBeInstanceOf(TypeError);
  });
});

describe('dhf: encoding', () => {
  it('round trip, fixed length (s+1)·8, big-endian', () => {
    const key = dhfKeyFromSeed(seedBytes(3), 6, 5);
    fc.assert(
      fc.property(fieldElt, (x) => {
        const r = dhfEvaluate(key, x);
        const enc = encodeDhfValue(r);
        expect(enc.length).toBe(48);
        const view = new DataView(enc.buffer);
        for (let i = 0; i < r.length; i++) expect(view.getBigUint64(8 * i, false)).toBe(r[i]);
        expect(decodeDhfValue(enc, 5)).toEqual(r);
      }),
      runs(100),
    );
  });

  it('decode is strict: length and every coordinate < ℓ', () => {
    const r = dhfRandomValue(3, xorshiftRng(5));
    const enc = encodeDhfValue(r);
    expectError(() => decodeDhfValue(enc.subarray(1), 3), DecodeError, 'decode.dhf.length');
    expectError(() => decodeDhfValue(enc, 4), DecodeError, 'decode.dhf.length');
    expectError(() => decodeDhfValue(new Uint8Array(0), 3), DecodeError, 'decode.dhf.length');
    for (const bad of [L, L + 1n, (1n << 64n) - 1n]) {
      for (let i = 0; i < 4; i++) {
        const b = enc.slice();
        new DataView(b.buffer).setBigUint64(8 * i, bad, false);
        expectError(() => decodeDhfValue(b, 3), DecodeError, 'decode.dhf.range');
      }
    }
    const edge = enc.slice();
    new DataView(edge.buffer).setBigUint64(8, L - 1n, false);
    expect(decodeDhfValue(edge, 3)[1]).toBe(L - 1n);
    const outOfRange = new BigUint64Array([1n, L]);
    expect(thrown(() => encodeDhfValue(outOfRange))).toBeInstanceOf(RangeError);
  });

  it('dhfValueFromBytes / dhfXFromBytes reduce 16-byte chunks mod ℓ', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 48, maxLength: 48 }), (b) => {
        const v = dhfValueFromBytes(2, b);
        for (let i = 0; i < 3; i++) {
          const chunk = b.subarray(16 * i, 16 * i + 16);
          const n = BigInt(`0x${Buffer.from(chunk).toString('hex')}`);
          expect(v[i]).toBe(n % L);
          expect(dhfXFromBytes(chunk)).toBe(n % L);
        }
      }),
      runs(50),
    );
    expect(thrown(() => dhfValueFromBytes(2, new Uint8Array(47)))).toBeInstanceOf(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
// Detection trials.
// ---------------------------------------------------------------------------------------------

interface Trial {
  values: DhfValue[];
  real: number[];
}

/** R real values under `key` at distinct pseudorandom x', S uniform synthetic values, shuffled. */
function makeTrial(key: DhfKey, R: number, S: number, seed: number): Trial {
  const rng = xorshiftRng(seed);
  const tagged: { v: DhfValue; real: boolean }[] = [];
  for (let i = 0; i < R; i++)
    tagged.push({ v: dhfEvaluate(key, dhfXFromBytes(rng(16))), real: true });
  for (let i = 0; i < S; i++) tagged.push({ v: dhfRandomValue(key.s, rng), real: false });
  // Fisher–Yates with the same stream.
  for (let i = tagged.length - 1; i > 0; i--) {
    const j = (new DataView(rng(4).buffer).getUint32(0) % (i + 1)) | 0;
    [tagged[i], tagged[j]] = [
      tagged[j] as (typeof tagged)[number],
      tagged[i] as (typeof tagged)[number],
    ];
  }
  const real: number[] = [];
  tagged.forEach((t, i) => {
    if (t.real) real.push(i);
  });
  return { values: tagged.map((t) => t.v), real };
}

function complement(m: number, real: number[]): number[] {
  const set = new Set(real);
  return [...Array(m).keys()].filter((i) => !set.has(i));
}

function report(label: string, counts: Record<string, number>, trials: number): void {
  const parts = Object.entries(counts).map(([k, v]) => `${k}=${v}`);
  console.log(`[dhf] ${label}: ${trials} trials, ${parts.join(', ')}`);
}

describe('dhf: detection', () => {
  it('T=5, s=6: ≥ T real + ≤ s synthetic → exactly the real columns (many trials)', () => {
    const T = 5;
    const s = 6;
    const trials = 2000 * SLOW;
    const keys = Array.from({ length: 10 }, (_, i) => dhfKeyFromSeed(seedBytes(1000 + i), T, s));
    let failures = 0;
    for (let t = 0; t < trials; t++) {
      const key = keys[t % 10] as DhfKey;
      const R = T + (t % 6);
      const S = t % (s + 1);
      const { values, real } = makeTrial(key, R, S, t + 1);
      const res = dhfDetect(values, T, s);
      const ok =
        res.kind === 'detected' &&
        res.real.join() === real.join() &&
        res.synthetic.join() === complement(values.length, real).join();
      if (!ok) failures++;
    }
    report('T=5 s=6 (R ≥ T, S ≤ s)', { failures, rate: failures / trials }, trials);
    expect(failures).toBe(0);
  });

  it('T=10, s=30: ≥ T real + ≤ s synthetic → exactly the real columns', () => {
    const T = 10;
    const s = 30;
    const key = dhfKeyFromSeed(seedBytes(42), T, s);
    const trials = 30 * SLOW;
    let failures = 0;
    for (let t = 0; t < trials; t++) {
      const R = T + (t % 4);
      const S = [0, 1, 15, 29, 30][t % 5] as number;
      const { values, real } = makeTrial(key, R, S, 5000 + t);
      const res = dhfDetect(values, T, s);
      if (!(res.kind === 'detected' && res.real.join() === real.join())) failures++;
    }
    report('T=10 s=30 (R ≥ T, S ≤ s)', { failures }, trials);
    expect(failures).toBe(0);
  });

  it('T − 1 real with any number of synthetics up to s → none', () => {
    const counts = { none: 0, other: 0 };
    let trials = 0;
    for (const [T, s, reps] of [
      [5, 6, 30],
      [10, 30, 2],
      [2, 4, 10],
    ] as const) {
      const key = dhfKeyFromSeed(seedBytes(T * 100 + s), T, s);
      for (let S = 0; S <= s; S++) {
        for (let rep = 0; rep < reps * SLOW; rep++) {
          const { values } = makeTrial(key, T - 1, S, 90000 + T * 1000 + S * 50 + rep);
          const res = dhfDetect(values, T, s);
          if (res.kind === 'none') counts.none++;
          else counts.other++;
          trials++;
        }
      }
    }
    report('R = T−1, S ≤ s', counts, trials);
    expect(counts.other).toBe(0);
  });

  it('more than s synthetics → excess or a correct answer, never a wrong set', () => {
    const T = 5;
    const s = 6;
    const n = T - 1 + s;
    const counts = { detectedCorrect: 0, none: 0, excess: 0, wrong: 0 };
    const trials = 2000 * SLOW;
    const keys = Array.from({ length: 10 }, (_, i) => dhfKeyFromSeed(seedBytes(2000 + i), T, s));
    for (let t = 0; t < trials; t++) {
      const key = keys[t % 10] as DhfKey;
      const R = t % (T + 4); // 0 .. T+3 real
      const S = s + 1 + (t % 9); // s+1 .. s+9 synthetic
      const { values, real } = makeTrial(key, R, S, 70000 + t);
      const res = dhfDetect(values, T, s);
      if (res.kind === 'detected') {
        if (R >= T && res.real.join() === real.join()) counts.detectedCorrect++;
        else counts.wrong++;
      } else if (res.kind === 'none') {
        // 'none' is only right below the threshold, and only when the columns can be independent.
        if (R < T && values.length <= n) counts.none++;
        else counts.wrong++;
      } else {
        counts.excess++;
        // Below the threshold with more columns than rows the kernel is non-trivial: 'excess' is
        // the only right answer there, and it must be reached.
      }
      if (R < T && values.length > n) expect(res.kind).toBe('excess');
    }
    report('S > s (R = 0..T+3)', counts, trials);
    expect(counts.wrong).toBe(0);
    expect(counts.excess).toBeGreaterThan(0);
  });

  it("real columns of another account's key count as synthetic", () => {
    const T = 5;
    const s = 6;
    const mine = dhfKeyFromSeed(seedBytes(1), T, s);
    const other = dhfKeyFromSeed(seedBytes(2), T, s);
    const rng = xorshiftRng(77);
    const a = Array.from({ length: 6 }, () => dhfEvaluate(mine, dhfXFromBytes(rng(16))));
    const b = Array.from({ length: 3 }, () => dhfEvaluate(other, dhfXFromBytes(rng(16))));
    const res = dhfDetect(
      [b[0], a[0], a[1], b[1], a[2], a[3], a[4], b[2], a[5]] as DhfValue[],
      T,
      s,
    );
    expect(res).toEqual({ kind: 'detected', real: [1, 2, 4, 5, 6, 8], synthetic: [0, 3, 7] });
    // With ≥ T of the other account's columns and fewer than T of mine, the other set is found.
    const c = Array.from({ length: 5 }, () => dhfEvaluate(other, dhfXFromBytes(rng(16))));
    const res2 = dhfDetect([...c, a[0], a[1]] as DhfValue[], T, s);
    expect(res2).toEqual({ kind: 'detected', real: [0, 1, 2, 3, 4], synthetic: [5, 6] });
  });

  it('fewer than T columns → none; s = 0 and T = 2 edge cases', () => {
    const key = dhfKeyFromSeed(seedBytes(3), 5, 2);
    const vals = [1n, 2n, 3n, 4n].map((x) => dhfEvaluate(key, x));
    expect(dhfDetect(vals, 5, 2)).toEqual({ kind: 'none' });
    expect(dhfDetect([...vals, dhfEvaluate(key, 5n)], 5, 2)).toEqual({
      kind: 'detected',
      real: [0, 1, 2, 3, 4],
      synthetic: [],
    });
    const k2 = dhfKeyFromSeed(seedBytes(4), 2, 3);
    const syn = dhfRandomValue(3, xorshiftRng(9));
    expect(dhfDetect([syn, dhfEvaluate(k2, 10n)], 2, 3)).toEqual({ kind: 'none' });
    expect(dhfDetect([dhfEvaluate(k2, 10n), syn, dhfEvaluate(k2, 11n)], 2, 3)).toEqual({
      kind: 'detected',
      real: [0, 2],
      synthetic: [1],
    });
    const k0 = dhfKeyFromSeed(seedBytes(5), 3, 0);
    expect(
      dhfDetect(
        [1n, 2n, 3n].map((x) => dhfEvaluate(k0, x)),
        3,
        0,
      ),
    ).toEqual({
      kind: 'detected',
      real: [0, 1, 2],
      synthetic: [],
    });
  });

  it('input errors: duplicate x, wrong width, out-of-range coordinate', () => {
    const key = dhfKeyFromSeed(seedBytes(6), 3, 2);
    const a = dhfEvaluate(key, 5n);
    const b = dhfEvaluate(key, 6n);
    const fake = new BigUint64Array([5n, 1n, 2n]); // same x' as a, different r
    expectError(() => dhfDetect([a, b, fake], 3, 2), ParameterError, 'dhf.duplicate');
    expectError(() => dhfDetect([a, b, a], 3, 2), ParameterError, 'dhf.duplicate');
    expectError(() => dhfDetect([a, new BigUint64Array(4)], 3, 2), ParameterError, 'dhf.width');
    expectError(
      () => dhfDetect([a, new BigUint64Array([7n, L, 0n])], 3, 2),
      ParameterError,
      'dhf.range',
    );
    expectError(() => dhfDetect([a], 1, 2), ParameterError, 'dhf.threshold');
    expect(thrown(() => dhfDetect([[1n, 2n, 3n]] as unknown as DhfValue[], 3, 2))).toBeInstanceOf(
      TypeError,
    );
  });
});
