/**
 * Micro-benchmark of the edwards25519 bucket MSM (src/core/msm25519.ts, field arithmetic on
 * ct25519's limbs) against its previous bigint version (test/helpers/msm25519-bigint.ts, kept for
 * comparison only) and noble's `pippenger` (and `mulAddUnsafe` at the smallest size); run with
 * `npx tsx bench/msm25519.ts [rounds] [--scan]`.
 *
 * Inputs per size `n` (250, 1,000, 4,096, 8,192): decoded ristretto255 representatives (`Z = 1`,
 * as the NGO hop and the board checks see them) and 253-bit random scalars below `q` (as the
 * RFC 9497 composite weights are). Every implementation is cross-checked once per size before
 * timing. Rounds are interleaved (every row once per round, the order rotated from round to
 * round) so that machine noise hits all rows alike; a row's time is the median over rounds, its
 * ratio the median of the per-round ratios to the bigint version.
 * `--scan` also times the limb MSM at window widths around the chosen one (for retuning
 * `windowWidth`'s cost model).
 * A few tens of seconds in all on a 2-core VM.
 * @module
 */
import { availableParallelism, cpus } from 'node:os';
import { mulAddUnsafe, pippenger } from '@noble/curves/abstract/curve.js';
import { ed25519, ristretto255 } from '@noble/curves/ed25519.js';
import type { ExtendedCoords } from '../src/core/fe25519.js';
import { windowWidth } from '../src/core/msm-digits.js';
import { msmEd25519 } from '../src/core/msm25519.js';
import { msmEd25519Limbs } from '../src/core/msm25519-limbs.js';
import { scalarStream } from '../test/helpers/rng.js';

type EdPoint = InstanceType<typeof ed25519.Point>;
const Ed = ed25519.Point;
const q = Ed.Fn.ORDER;
const args = process.argv.slice(2);
const scan = args.includes('--scan');
const rounds = Number(args.find((a) => !a.startsWith('--')) ?? 5);
const SIZES = [250, 1000, 4096, 8192];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** `n` decoded ristretto255 representatives (Z = 1) and 253-bit scalars. */
function inputs(n: number): { pts: EdPoint[]; sc: bigint[] } {
  const next = scalarStream(0x9e3779b97f4a7c15n ^ BigInt(n), q);
  const base = ristretto255.Point.BASE.multiply(next() || 1n);
  const step = ristretto255.Point.BASE.multiply(next() || 1n);
  const pts: EdPoint[] = [];
  let P = base;
  for (let i = 0; i < n; i++) {
    pts.push(
      (ristretto255.Point.fromBytes(P.toBytes()) as unknown as { ep: EdPoint }).ep as EdPoint,
    );
    P = P.add(step);
  }
  const sc = Array.from({ length: n }, () => next());
  return { pts, sc };
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `msm25519 bench: ${cpu}, ${availableParallelism()} logical cores, Node ${process.version}, ${rounds} interleaved rounds`,
);
console.log('µs per point (median over rounds); ratio = median per-round (bigint ÷ row)\n');

for (const n of SIZES) {
  const { pts, sc } = inputs(n);
  const coords = pts as unknown as ExtendedCoords[];
  const want = pippenger(Ed, pts, sc);
  if (!msmEd25519Limbs(coords, sc).equals(want) || !msmEd25519(coords, sc).equals(want)) {
    throw new Error(`mismatch at n = ${n}`);
  }
  const c0 = windowWidth(n, 253, 7, 9);
  const rows: [string, () => unknown][] = [
    ['bigint (old)', () => msmEd25519(coords, sc)],
    [`limbs (new), c = ${c0}`, () => msmEd25519Limbs(coords, sc)],
    ['noble pippenger', () => pippenger(Ed, pts, sc)],
  ];
  if (n <= 250) rows.push(['noble mulAddUnsafe', () => mulAddUnsafe(Ed, pts, sc)]);
  if (scan) {
    for (const c of [c0 - 2, c0 - 1, c0 + 1, c0 + 2]) {
      if (c >= 2 && c <= 16)
        rows.push([`limbs (new), c = ${c}`, () => msmEd25519Limbs(coords, sc, c)]);
    }
  }
  // Warm-up: one run of each.
  for (const [, f] of rows) f();
  const times: number[][] = rows.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < rows.length; k++) {
      const j = (k + r) % rows.length;
      const t0 = performance.now();
      (rows[j] as [string, () => unknown])[1]();
      (times[j] as number[]).push(((performance.now() - t0) * 1000) / n);
    }
  }
  const base = times[0] as number[];
  console.log(`n = ${n}`);
  rows.forEach(([name], j) => {
    const t = times[j] as number[];
    const ratio = median(t.map((v, r) => (base[r] as number) / v));
    console.log(
      `  ${name.padEnd(26)} ${median(t).toFixed(1).padStart(8)} µs/point   ${ratio.toFixed(2)}×`,
    );
  });
}
