/**
 * Threshold helper: implements the SPEC §8 rule "derive the smallest `T` from a per-item
 * false-positive rate, items per account per period and a target account-level false-flag
 * probability (Poisson tail)".
 *
 * Model: an account's innocent items each match the database independently with probability
 * `falsePositiveRate`, so the number of false matches in a period is approximately
 * `Poisson(λ)` with `λ = falsePositiveRate · itemsPerPeriod`. The account is falsely flagged
 * when at least `T` items match, so the helper returns the smallest `T ≥ 1` with
 * `P[Poisson(λ) ≥ T] < targetAccountFalseFlag`.
 *
 * The tail is computed in log space with Loader's saddle-point form of the Poisson
 * probability (C. Loader, "Fast and accurate computation of binomial probabilities", 2000,
 * as in R's `dpois`): `log p_k = -stirlerr(k) - bd0(k, λ) - ½·log(2πk)`, which loses no
 * precision to cancellation when `k ≈ λ` is large. The tail sums terms away from the mode,
 * starting at whichever of `P[X ≥ T]` (for `T > λ`) or `P[X ≤ T-1]` (for `T ≤ λ`) is the
 * smaller side, so it never subtracts nearly equal numbers and never underflows: λ = 5,
 * T = 30 is about 2.8e-14, and the log form stays finite far beyond double range.
 * @module params
 */
import { MAX_POISSON_LAMBDA } from '../core/constants.js';
import { ParameterError } from '../core/errors.js';

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
/** Relative size at which a series term no longer changes a double sum. */
const SERIES_EPS = 2 ** -60;

/** `log(k!) - ((k + ½)·log k - k + ½·log 2π)`, the error of Stirling's formula. */
function stirlerr(k: number): number {
  if (k <= 15) {
    let lf = 0;
    for (let i = 2; i <= k; i++) lf += Math.log(i);
    return lf - ((k + 0.5) * Math.log(k) - k + LN_SQRT_2PI);
  }
  const kk = k * k;
  return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / 1188 / kk) / kk) / kk) / kk) / k;
}

/** `x·log(x/m) + m - x`, accurate when `x ≈ m` (Loader's `bd0`). */
function bd0(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    let v = (x - m) / (x + m);
    let s = (x - m) * v;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
    return s;
  }
  return x * Math.log(x / m) + m - x;
}

/** `log P[Poisson(λ) = k]` for integer `k ≥ 0` and `λ > 0`. */
function logPoissonPmf(k: number, lambda: number): number {
  if (k === 0) return -lambda;
  return -stirlerr(k) - bd0(k, lambda) - LN_SQRT_2PI - 0.5 * Math.log(k);
}

function checkLambda(lambda: unknown): number {
  if (typeof lambda !== 'number') {
    throw new TypeError(`"lambda" expected number, got ${typeof lambda}`);
  }
  if (!(lambda >= 0 && lambda <= MAX_POISSON_LAMBDA)) {
    throw new ParameterError(
      'params.lambda',
      `Poisson mean must lie in [0, ${MAX_POISSON_LAMBDA}], got ${lambda}`,
    );
  }
  return lambda;
}

function checkT(T: unknown): number {
  if (typeof T !== 'number' || !Number.isSafeInteger(T)) {
    throw new TypeError(`"T" expected an integer, got ${typeof T}`);
  }
  if (T < 0) throw new ParameterError('params.threshold', `T must be non-negative, got ${T}`);
  return T;
}

/**
 * Natural log of `P[Poisson(λ) ≥ T]`. Finite for every valid input with a non-zero tail
 * (`-Infinity` only when `λ = 0` and `T ≥ 1`).
 * @param lambda - the mean, in `[0, MAX_POISSON_LAMBDA]`.
 * @param T - a non-negative integer.
 * @throws ParameterError `params.lambda`, `params.threshold`.
 */
export function logPoissonTail(lambda: number, T: number): number {
  checkLambda(lambda);
  checkT(T);
  if (T === 0) return 0;
  if (lambda === 0) return Number.NEGATIVE_INFINITY;
  if (T > lambda) {
    // Upper tail: p_T · (1 + λ/(T+1) + λ²/((T+1)(T+2)) + …), every ratio below 1.
    let term = 1;
    let sum = 1;
    for (let k = T + 1; ; k++) {
      term *= lambda / k;
      sum += term;
      if (term < sum * SERIES_EPS) break;
    }
    return logPoissonPmf(T, lambda) + Math.log(sum);
  }
  // Lower side: P[X ≤ T-1] = p_{T-1} · (1 + (T-1)/λ + (T-1)(T-2)/λ² + …), then complement.
  // Here T ≤ λ, so P[X ≤ T-1] ≤ P[X < λ], which stays comfortably below 1.
  let term = 1;
  let sum = 1;
  for (let k = T - 1; k > 0; k--) {
    term *= k / lambda;
    sum += term;
    if (term < sum * SERIES_EPS) break;
  }
  const lower = Math.exp(logPoissonPmf(T - 1, lambda)) * sum;
  return Math.log1p(-lower);
}

/**
 * `P[Poisson(λ) ≥ T]` (may underflow to 0 for astronomically small tails; use
 * {@link logPoissonTail} to compare against tiny targets).
 */
export function poissonTail(lambda: number, T: number): number {
  return Math.exp(logPoissonTail(lambda, T));
}

/** Inputs of {@link smallestThreshold} (SPEC §8). */
export interface ThresholdInputs {
  /** Probability that one innocent item matches the database, in `[0, 1]`. */
  readonly falsePositiveRate: number;
  /** Items an account contributes per period (e.g. per year); non-negative, may be fractional. */
  readonly itemsPerPeriod: number;
  /** Acceptable probability that an innocent account is flagged per period, in `(0, 1)`. */
  readonly targetAccountFalseFlag: number;
}

function checkReal(code: string, name: string, v: unknown, ok: (x: number) => boolean): number {
  if (typeof v !== 'number') throw new TypeError(`"${name}" expected number, got ${typeof v}`);
  if (!ok(v)) throw new ParameterError(code, `"${name}" out of range: ${v}`);
  return v;
}

/**
 * The smallest `T ≥ 1` with `P[Poisson(λ) ≥ T] < targetAccountFalseFlag`, where
 * `λ = falsePositiveRate · itemsPerPeriod` (SPEC §8).
 * @throws ParameterError `params.false-positive-rate`, `params.items`, `params.target`,
 *   `params.lambda` (λ above `MAX_POISSON_LAMBDA`).
 */
export function smallestThreshold(inputs: ThresholdInputs): number {
  if (typeof inputs !== 'object' || inputs === null) {
    throw new TypeError('"inputs" expected an object');
  }
  const rate = checkReal(
    'params.false-positive-rate',
    'falsePositiveRate',
    inputs.falsePositiveRate,
    (x) => x >= 0 && x <= 1,
  );
  const items = checkReal(
    'params.items',
    'itemsPerPeriod',
    inputs.itemsPerPeriod,
    (x) => x >= 0 && Number.isFinite(x),
  );
  const target = checkReal(
    'params.target',
    'targetAccountFalseFlag',
    inputs.targetAccountFalseFlag,
    (x) => x > 0 && x < 1,
  );
  const lambda = checkLambda(rate * items);
  const logTarget = Math.log(target);
  const below = (T: number) => logPoissonTail(lambda, T) < logTarget;
  // The tail is non-increasing in T: find a T that satisfies the bound by doubling, then
  // binary-search the smallest one. T = 1 already works when λ is tiny.
  if (below(1)) return 1;
  let lo = 1; // fails
  let hi = Math.max(2, Math.ceil(lambda) + 1);
  while (!below(hi)) {
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (below(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
