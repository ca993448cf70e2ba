/**
 * SPEC §8 threshold helper (src/threshold/params.ts): the Poisson tail and the smallest
 * threshold `T`.
 *
 * Reference values: `P[Poisson(λ) ≥ T]` = the regularized lower incomplete gamma `P(T, λ)`,
 * computed with mpmath 1.x at 40 significant digits (`gammainc(T, 0, λ, regularized=True)`) and
 * rounded to the nearest double.
 *
 * The published case. Apple, "Security Threat Model Review of Apple's Child Safety Features"
 * (August 2021), states an assumed false-positive rate of one in a million per image, a target
 * below one in one trillion (1e-12) that an account is incorrectly flagged per year, and an
 * initial match threshold of 30, chosen with a safety margin (assuming every library is larger
 * than the largest one). SPEC §8 summarises this as "30 for about five million images a year".
 * The exact Poisson computation gives:
 * - λ = 5 (exactly five million images): T = 28, because P[X ≥ 28] = 9.934e-13 is just under
 *   1e-12 (T = 28 holds for λ up to 5.0014);
 * - T = 30 exactly for λ in [5.3827, 5.7730), i.e. 5.4 to 5.8 million images a year;
 * - at λ = 5, T = 30 leaves a margin of 35×: P[X ≥ 30] = 2.8e-14.
 * So 30 is Apple's figure with its stated margin, and the helper reproduces it for a library
 * of about 5.5 million images.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logPoissonTail, poissonTail, smallestThreshold } from '../src/threshold/params.js';
import { codeOf } from './helpers/assert.js';

// [λ, T, P[Poisson(λ) ≥ T], ln P] from mpmath (40 digits, rounded to doubles).
const REFERENCE: [number, number, number, number][] = [
  [0.001, 1, 0.0009995001666250085, -6.908255237315471],
  [0.001, 3, 1.6654171665278076e-10, -22.515775287423423],
  [0.5, 1, 0.3934693402873666, -0.9327521295671886],
  [0.5, 4, 0.0017516225562908237, -6.34721274558465],
  [5, 1, 0.9932620530009145, -0.006760749449488557],
  [5, 5, 0.5595067149347875, -0.5806997496314213],
  [5, 10, 0.03182805730620481, -3.4474070729719],
  [5, 28, 9.933985021970625e-13, -27.637644499992685],
  [5, 30, 2.8175176155779225e-14, -31.20033508280282],
  [5, 60, 7.649610081149393e-43, -96.97650432198891],
  [5, 200, 5.452283195135144e-238, -546.3192176767493],
  [30, 10, 0.9999928782491372, -7.121776222603657e-6],
  [30, 30, 0.52428301389368, -0.6457236376136083],
  [30, 31, 0.4516484874220886, -0.7948510843964567],
  [30, 60, 9.251868804915057e-7, -13.893270086876107],
  [100, 50, 0.9999999882154993, -1.1784500790416652e-8],
  [100, 100, 0.5132987982791487, -0.6668971505852894],
  [100, 200, 9.34315007298839e-19, -41.51447330459257],
  [1000, 900, 0.9993774022157249, -0.0006227916787585667],
  [1000, 1000, 0.5042052441802155, -0.6847718632903101],
  [1000, 1200, 4.684203855872281e-10, -21.481654963403038],
  [100000, 100000, 0.5004205221103651, -0.6923064898187249],
  [100000, 101000, 0.000799801041554541, -7.131147559283661],
];

describe('poissonTail', () => {
  it('matches 40-digit reference values to ~1e-12 relative, in linear and log space', () => {
    for (const [lambda, T, p, lnP] of REFERENCE) {
      expect(Math.abs(poissonTail(lambda, T) / p - 1), `λ=${lambda} T=${T}`).toBeLessThan(1e-12);
      expect(Math.abs(logPoissonTail(lambda, T) - lnP), `λ=${lambda} T=${T}`).toBeLessThan(
        1e-12 * Math.max(1, Math.abs(lnP)),
      );
    }
  });

  it('does not underflow in log space far into the tail', () => {
    const l = logPoissonTail(5, 100_000);
    expect(Number.isFinite(l)).toBe(true);
    expect(l).toBeLessThan(-700_000); // far below the smallest double; poissonTail gives 0
    expect(poissonTail(5, 100_000)).toBe(0);
    // Large λ stays sensible: about one half at the mean, and a ~3.16σ tail.
    expect(poissonTail(1e9, 1e9)).toBeCloseTo(0.5, 3);
    expect(poissonTail(1e9, 1e9 + 100_000)).toBeCloseTo(7.8e-4, 5);
  });

  it('edge cases: T = 0, λ = 0', () => {
    expect(poissonTail(5, 0)).toBe(1);
    expect(poissonTail(0, 0)).toBe(1);
    expect(poissonTail(0, 1)).toBe(0);
    expect(logPoissonTail(0, 3)).toBe(Number.NEGATIVE_INFINITY);
    expect(poissonTail(2, 1)).toBeCloseTo(1 - Math.exp(-2), 15);
  });

  it('is non-increasing in T and in [0, 1] (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 5000, noNaN: true }),
        fc.integer({ min: 0, max: 6000 }),
        (lambda, T) => {
          const a = logPoissonTail(lambda, T);
          const b = logPoissonTail(lambda, T + 1);
          expect(a).toBeLessThanOrEqual(0);
          expect(b).toBeLessThanOrEqual(a + 1e-12);
        },
      ),
      { numRuns: process.env.QPSI_SLOW ? 2000 : 200 },
    );
  });

  it('rejects bad arguments', () => {
    expect(codeOf(() => poissonTail(-1, 3))).toBe('params.lambda');
    expect(codeOf(() => poissonTail(Number.NaN, 3))).toBe('params.lambda');
    expect(codeOf(() => poissonTail(2e9, 3))).toBe('params.lambda');
    expect(codeOf(() => poissonTail(5, -1))).toBe('params.threshold');
    expect(codeOf(() => poissonTail(5, 2.5))).toBe('TypeError');
    expect(codeOf(() => poissonTail('5' as unknown as number, 2))).toBe('TypeError');
  });
});

describe('smallestThreshold (SPEC §8)', () => {
  const apple = (itemsPerPeriod: number) =>
    smallestThreshold({ falsePositiveRate: 1e-6, itemsPerPeriod, targetAccountFalseFlag: 1e-12 });

  it("reproduces Apple's published threshold of 30 (1e-6 per image, 1e-12 per account-year)", () => {
    // See the file header: exactly 5 million gives 28; about 5.4–5.8 million gives 30.
    expect(apple(5_000_000)).toBe(28);
    expect(apple(5_500_000)).toBe(30);
    expect(apple(5_383_000)).toBe(30);
    expect(apple(5_382_000)).toBe(29);
    expect(apple(5_772_000)).toBe(30);
    expect(apple(5_774_000)).toBe(31);
    // Threshold 30 meets the target with a margin at five million images.
    expect(poissonTail(5, 30)).toBeLessThan(1e-12 / 30);
    expect(poissonTail(5, 28)).toBeLessThan(1e-12);
    expect(poissonTail(5, 27)).toBeGreaterThanOrEqual(1e-12);
  });

  it('returns the smallest T with P[X ≥ T] < target (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        fc.double({ min: 1e-300, max: 0.999, noNaN: true }),
        (rate, items, target) => {
          const lambda = rate * items;
          fc.pre(lambda <= 1e6);
          const T = smallestThreshold({
            falsePositiveRate: rate,
            itemsPerPeriod: items,
            targetAccountFalseFlag: target,
          });
          expect(T).toBeGreaterThanOrEqual(1);
          expect(logPoissonTail(lambda, T)).toBeLessThan(Math.log(target));
          if (T > 1) expect(logPoissonTail(lambda, T - 1)).toBeGreaterThanOrEqual(Math.log(target));
        },
      ),
      { numRuns: process.env.QPSI_SLOW ? 1000 : 100 },
    );
  });

  it('handles λ = 0 and very small targets', () => {
    expect(
      smallestThreshold({
        falsePositiveRate: 0,
        itemsPerPeriod: 1e6,
        targetAccountFalseFlag: 1e-12,
      }),
    ).toBe(1);
    const t = smallestThreshold({
      falsePositiveRate: 1e-6,
      itemsPerPeriod: 5e6,
      targetAccountFalseFlag: 1e-300,
    });
    expect(logPoissonTail(5, t)).toBeLessThan(Math.log(1e-300));
    expect(logPoissonTail(5, t - 1)).toBeGreaterThanOrEqual(Math.log(1e-300));
  });

  it('rejects out-of-range inputs with ParameterError codes', () => {
    const ok = { falsePositiveRate: 1e-6, itemsPerPeriod: 5e6, targetAccountFalseFlag: 1e-12 };
    expect(codeOf(() => smallestThreshold({ ...ok, falsePositiveRate: -0.1 }))).toBe(
      'params.false-positive-rate',
    );
    expect(codeOf(() => smallestThreshold({ ...ok, falsePositiveRate: 1.5 }))).toBe(
      'params.false-positive-rate',
    );
    expect(codeOf(() => smallestThreshold({ ...ok, itemsPerPeriod: -1 }))).toBe('params.items');
    expect(
      codeOf(() => smallestThreshold({ ...ok, itemsPerPeriod: Number.POSITIVE_INFINITY })),
    ).toBe('params.items');
    expect(codeOf(() => smallestThreshold({ ...ok, targetAccountFalseFlag: 0 }))).toBe(
      'params.target',
    );
    expect(codeOf(() => smallestThreshold({ ...ok, targetAccountFalseFlag: 1 }))).toBe(
      'params.target',
    );
    expect(codeOf(() => smallestThreshold({ ...ok, targetAccountFalseFlag: Number.NaN }))).toBe(
      'params.target',
    );
    expect(
      codeOf(() => smallestThreshold({ ...ok, falsePositiveRate: 1, itemsPerPeriod: 2e9 })),
    ).toBe('params.lambda');
    expect(
      codeOf(() => smallestThreshold({ ...ok, itemsPerPeriod: '5e6' as unknown as number })),
    ).toBe('TypeError');
    expect(codeOf(() => smallestThreshold(null as unknown as typeof ok))).toBe('TypeError');
  });
});
