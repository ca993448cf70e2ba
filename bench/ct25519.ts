/**
 * Micro-benchmark of the constant-time limb scalar multiplication (src/core/ct25519.ts) against
 * noble's `RistrettoPoint.multiply`, run with `npx tsx bench/ct25519.ts [rounds]`.
 *
 * Rows, over the same 32 random points and scalars, interleaved round by round (noble, ct,
 * ct with recoding, then the next round with the order rotated) so that machine noise hits all
 * alike; the ratio is the median of the per-round ratios:
 * - `noble multiply`: `P.multiply(k)` (returns a normalised point: one inversion included);
 * - `mulRistrettoCt`: digits recoded once per scalar beforehand, as a hop kernel does (one `k`
 *   for the whole list): projective result, no inversion;
 * - `recode + mulRistrettoCt`: a fresh `recodeScalar(k)` per call;
 * - `noble multiply + toBytes` and `mulRistrettoCt + encode` (the project's codec,
 *   src/core/ristretto-codec.ts, which takes the projective result as is): what a hop does per
 *   item after decoding, so the inversion noble's `multiply` includes is accounted for.
 * A few seconds in all on a 2-core VM.
 * @module
 */
import { availableParallelism, cpus } from 'node:os';
import { ristretto255 } from '@noble/curves/ed25519.js';
import {
  mulEdwardsCt,
  mulRistrettoCt,
  type RistrettoPoint,
  recodeScalar,
} from '../src/core/ct25519.js';
import type { ExtendedCoords } from '../src/core/fe25519.js';
import { encodeRistretto } from '../src/core/ristretto-codec.js';
import { scalarStream } from '../test/helpers/rng.js';

const R = ristretto255.Point;
const q = R.Fn.ORDER;
const N = 32;
const rounds = Number(process.argv[2] ?? 7);

const next = scalarStream(0x0123456789abcdefn, q);
const points: RistrettoPoint[] = Array.from({ length: N }, () => R.BASE.multiply(next() || 1n));
const scalars = Array.from({ length: N }, () => next() || 1n);
const digits = scalars.map((k) => recodeScalar(k));

// Cross-check once before timing.
for (let i = 0; i < N; i++) {
  const p = points[i] as RistrettoPoint;
  const k = scalars[i] as bigint;
  if (!mulRistrettoCt(p, digits[i] as ReturnType<typeof recodeScalar>).equals(p.multiply(k))) {
    throw new Error(`mismatch at ${i}`);
  }
}

const edwards = points.map((p) => (p as unknown as { ep: ExtendedCoords }).ep);

type Op = () => void;
/** `[name, op, index of the row it is compared with]`. */
const ops: [name: string, op: Op, base: number][] = [
  [
    'noble multiply',
    () => {
      for (let i = 0; i < N; i++) (points[i] as RistrettoPoint).multiply(scalars[i] as bigint);
    },
    0,
  ],
  [
    'mulRistrettoCt',
    () => {
      for (let i = 0; i < N; i++) {
        mulRistrettoCt(points[i] as RistrettoPoint, digits[i] as ReturnType<typeof recodeScalar>);
      }
    },
    0,
  ],
  [
    'recode + mulRistrettoCt',
    () => {
      for (let i = 0; i < N; i++) {
        mulRistrettoCt(points[i] as RistrettoPoint, recodeScalar(scalars[i] as bigint));
      }
    },
    0,
  ],
  [
    'noble multiply + toBytes',
    () => {
      for (let i = 0; i < N; i++) {
        (points[i] as RistrettoPoint).multiply(scalars[i] as bigint).toBytes();
      }
    },
    3,
  ],
  [
    'mulRistrettoCt + encode',
    () => {
      for (let i = 0; i < N; i++) {
        const k = digits[i] as ReturnType<typeof recodeScalar>;
        encodeRistretto(mulEdwardsCt(edwards[i] as ExtendedCoords, k));
      }
    },
    3,
  ],
];

/** Microseconds per call of `op` (one pass over the N inputs). */
function time(op: Op): number {
  const t0 = performance.now();
  op();
  return ((performance.now() - t0) * 1000) / N;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

for (const [, op] of ops) op(); // warm-up (JIT)
for (const [, op] of ops) op();

const us: number[][] = ops.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (let j = 0; j < ops.length; j++) {
    const idx = (j + r) % ops.length;
    (us[idx] as number[]).push(time((ops[idx] as [string, Op, number])[1]));
  }
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`${cpu}, ${availableParallelism()} cores, Node ${process.version}`);
console.log(`${rounds} interleaved rounds × ${N} points; µs per call (median of rounds)\n`);
for (let j = 0; j < ops.length; j++) {
  const [opName, , base] = ops[j] as [string, Op, number];
  const t = us[j] as number[];
  const ref = us[base] as number[];
  const ratios = t.map((v, r) => (ref[r] as number) / v);
  const ratio = j === base ? '' : `  ${ops[base]?.[0]} ÷ this: ${median(ratios).toFixed(2)}×`;
  const name = opName.padEnd(26);
  console.log(`${name} ${median(t).toFixed(1).padStart(8)} µs${ratio}`);
}
