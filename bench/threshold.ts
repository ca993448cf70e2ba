/**
 * Threshold-layer benchmarks: Shamir (src/threshold/shamir.ts), Feldman
 * (src/threshold/feldman.ts) and the detectable hash function (src/threshold/dhf.ts), at `T ∈ {10, 30}` and `s ∈ {30, 90}`.
 *
 * | row | operation | floor |
 * | --- | --- | --- |
 * | `shamir.split.T{T}` | `split(secret, { threshold: T, count: T })` over ristretto255 `F_q` | — |
 * | `shamir.combine.T{T}` | `combine(T shares, T)` | — |
 * | `feldman.verify.T{T}` | `verifyShare` against `T` ristretto255 commitments | noble `mulAddUnsafe` over the same `T + 1` points and scalars |
 * | `dhf.eval.T{T}.s{s}` | `dhfEvaluate(key, x')` (client hot path, once per voucher) | one ristretto255 constant-time variable-base multiplication `P.multiply(k)` (`ristretto255.mul.var`), of which a voucher needs four |
 * | `dhf.detect.T{T}.s{s}` | `dhfDetect` on `T` real + `s` synthetic values (shuffled), the largest input with guaranteed detection | — |
 *
 * The `dhf.eval` ratio is the figure to keep small (target < 0.1).
 * @module
 */

import { mulAddUnsafe } from '@noble/curves/abstract/curve.js';
import { ristretto255 } from '@noble/curves/ed25519.js';
import { scalarField } from '../src/core/field.js';
import { ristretto255Sha512 } from '../src/core/group.js';
import { defaultRng } from '../src/core/utils.js';
import {
  type DhfValue,
  dhfDetect,
  dhfEvaluate,
  dhfKeyFromSeed,
  dhfRandomValue,
  dhfXFromBytes,
} from '../src/threshold/dhf.js';
import { commit, verifyShare } from '../src/threshold/feldman.js';
import { combine, polynomialFromSeed, type Share, split } from '../src/threshold/shamir.js';
import { type BenchContext, type BenchRow, compare, optsFor, wants } from './harness.js';

const POOL = 64;

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const suite = ristretto255Sha512;
  const F = scalarField(suite);
  const opts = optsFor(ctx);

  for (const T of [10, 30]) {
    const secrets = Array.from({ length: POOL }, () => suite.randomScalar());
    let i = 0;
    const splitName = `shamir.split.T${T}`;
    if (wants(ctx, splitName)) {
      rows.push(
        compare(
          splitName,
          () => split(secrets[i++ % POOL] as bigint, { threshold: T, count: T }),
          null,
          null,
          opts,
        ),
      );
    }
    const sets = Array.from(
      { length: 8 },
      (_, j) => split(secrets[j] as bigint, { threshold: T, count: T }).shares,
    );
    const combineName = `shamir.combine.T${T}`;
    if (wants(ctx, combineName)) {
      let j = 0;
      rows.push(
        compare(combineName, () => combine(sets[j++ % 8] as Share[], T, F), null, null, opts),
      );
    }
    const verifyName = `feldman.verify.T${T}`;
    if (wants(ctx, verifyName)) {
      const poly = polynomialFromSeed(F, T, defaultRng(32), 'bench');
      const C = commit(suite, poly);
      const shares = Array.from({ length: POOL }, (_, j) => {
        const x = BigInt(j + 1);
        return { x, y: poly.evaluate(x) };
      });
      // Floor: the same (T+1)-point MSM through noble directly.
      const floorInputs = shares.map(({ x, y }) => {
        const sc: bigint[] = [];
        let xi = 1n;
        for (let k = 0; k < T; k++) {
          sc.push(xi);
          xi = F.mul(xi, x);
        }
        sc.push(F.neg(y));
        return sc;
      });
      const pts = [...C, suite.G];
      let a = 0;
      let b = 0;
      rows.push(
        compare(
          verifyName,
          () => verifyShare(suite, C, shares[a++ % POOL] as Share),
          `noble.mulAddUnsafe.${T + 1}`,
          () => mulAddUnsafe(ristretto255.Point, pts, floorInputs[b++ % POOL] as bigint[]).is0(),
          opts,
        ),
      );
    }
  }

  // Floor for dhf.eval: ristretto255 constant-time variable-base multiplication.
  const P = ristretto255.Point.BASE.multiply(suite.randomScalar());
  const ks = Array.from({ length: POOL }, () => suite.randomScalar());
  for (const T of [10, 30]) {
    for (const s of [30, 90]) {
      const key = dhfKeyFromSeed(defaultRng(32), T, s, 'bench');
      const xs = Array.from({ length: POOL }, () => dhfXFromBytes(defaultRng(16)));
      const evalName = `dhf.eval.T${T}.s${s}`;
      if (wants(ctx, evalName)) {
        let a = 0;
        let b = 0;
        rows.push(
          compare(
            evalName,
            () => dhfEvaluate(key, xs[a++ % POOL] as bigint),
            'ristretto255.mul.var',
            () => P.multiply(ks[b++ % POOL] as bigint),
            opts,
          ),
        );
      }
      const detectName = `dhf.detect.T${T}.s${s}`;
      if (wants(ctx, detectName)) {
        const values: DhfValue[] = [
          ...xs.slice(0, T).map((x) => dhfEvaluate(key, x)),
          ...Array.from({ length: s }, () => dhfRandomValue(s)),
        ];
        // Deterministic interleaving: spread the real columns through the synthetic ones.
        values.sort((u, v) => ((u[1] as bigint) < (v[1] as bigint) ? -1 : 1));
        const res = dhfDetect(values, T, s);
        if (res.kind !== 'detected' || res.real.length !== T) {
          throw new Error(`bench ${detectName}: detection failed (${res.kind})`);
        }
        rows.push({
          ...compare(detectName, () => dhfDetect(values, T, s), null, null, {
            ...opts,
            samples: ctx.quick ? 3 : 5,
          }),
          note: `${T} real + ${s} synthetic columns`,
        });
      }
    }
  }
  return rows;
}
