/**
 * Micro-benchmark of the constant-time limb scalar multiplication (src/core/ct25519.ts) against
 * noble's `RistrettoPoint.multiply`, and of the limb codec and hash-to-group
 * (src/core/ristretto-limbs.ts) against the bigint ones; run with
 * `npx tsx bench/ct25519.ts [rounds]`.
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
 *   item after decoding, so the inversion noble's `multiply` includes is accounted for;
 *   `mulRistrettoCt + encLimbs` is the same with the limb encoder (src/core/ristretto-limbs.ts).
 * - the element codec and hash-to-group on limbs (src/core/ristretto-limbs.ts) against the bigint
 *   ones: `decodeRistretto` vs `decodeRistrettoLimbs` (valid encodings), `encodeRistretto` vs
 *   `encodeRistrettoLimbs` (projective points: the sums `P_i + P_(i+1)`), the suite's
 *   `hashToGroup` (noble's `ristretto255_hasher.hashToCurve`) vs `hashToRistrettoLimbs` (32-byte
 *   messages, one DST, as for an NGO's list items).
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
import { ristretto255Sha512 as suite } from '../src/core/group.js';
import { decodeRistretto, encodeRistretto } from '../src/core/ristretto-codec.js';
import {
  decodeRistrettoLimbs,
  encodeRistrettoLimbs,
  hashToRistrettoLimbs,
} from '../src/core/ristretto-limbs.js';
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
const encodings = points.map((p) => p.toBytes());
/** Projective points (`Z ≠ 1`): what a hop encodes. */
const sums = points.map(
  (p, i) => (p.add(points[(i + 1) % N] as RistrettoPoint) as unknown as { ep: ExtendedCoords }).ep,
);
const dst = new TextEncoder().encode('HashToGroup-bench-ristretto255');
const messages = Array.from({ length: N }, (_, i) => encodings[(i + 3) % N] as Uint8Array);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
// Cross-check the codec and the hash once before timing.
for (let i = 0; i < N; i++) {
  const e = encodings[i] as Uint8Array;
  const a = decodeRistretto(e);
  const b = decodeRistrettoLimbs(e);
  if (a === null || b === null || a.X !== b.X || a.Y !== b.Y || a.T !== b.T) {
    throw new Error(`decode mismatch at ${i}`);
  }
  const s = sums[i] as ExtendedCoords;
  if (hex(encodeRistretto(s)) !== hex(encodeRistrettoLimbs(s))) {
    throw new Error(`encode mismatch at ${i}`);
  }
  const m = messages[i] as Uint8Array;
  if (
    hex(suite.encode(suite.hashToGroup(m, dst))) !==
    hex(encodeRistrettoLimbs(hashToRistrettoLimbs(m, dst)))
  ) {
    throw new Error(`hash mismatch at ${i}`);
  }
}

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
  [
    'mulRistrettoCt + encLimbs',
    () => {
      for (let i = 0; i < N; i++) {
        const k = digits[i] as ReturnType<typeof recodeScalar>;
        encodeRistrettoLimbs(mulEdwardsCt(edwards[i] as ExtendedCoords, k));
      }
    },
    3,
  ],
  [
    'decodeRistretto (bigint)',
    () => {
      for (let i = 0; i < N; i++) decodeRistretto(encodings[i] as Uint8Array);
    },
    6,
  ],
  [
    'decodeRistrettoLimbs',
    () => {
      for (let i = 0; i < N; i++) decodeRistrettoLimbs(encodings[i] as Uint8Array);
    },
    6,
  ],
  [
    'encodeRistretto (bigint)',
    () => {
      for (let i = 0; i < N; i++) encodeRistretto(sums[i] as ExtendedCoords);
    },
    8,
  ],
  [
    'encodeRistrettoLimbs',
    () => {
      for (let i = 0; i < N; i++) encodeRistrettoLimbs(sums[i] as ExtendedCoords);
    },
    8,
  ],
  [
    'suite.hashToGroup (noble)',
    () => {
      for (let i = 0; i < N; i++) suite.hashToGroup(messages[i] as Uint8Array, dst);
    },
    10,
  ],
  [
    'hashToRistrettoLimbs',
    () => {
      for (let i = 0; i < N; i++) hashToRistrettoLimbs(messages[i] as Uint8Array, dst);
    },
    10,
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

// Warm-up (JIT): each op for at least 20 passes or 100 ms. Two passes were too few for the
// limb codec and hash (hundreds of calls before V8's optimising tier), which then timed 2× slow.
for (const [, op] of ops) {
  const t0 = performance.now();
  for (let pass = 0; pass < 20 && performance.now() - t0 < 100; pass++) op();
}

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
  const name = opName.padEnd(27);
  console.log(`${name} ${median(t).toFixed(1).padStart(8)} µs${ratio}`);
}
