/**
 * Shared pieces of the bucket-MSM tests (test/msm25519.test.ts, test/msm-p256.test.ts): scalars
 * that stress signed-digit recoding, and the known-discrete-log check over every window width.
 */
import fc from 'fast-check';
import { expect } from 'vitest';

/**
 * Scalars for a group of order `q` that stress signed-digit recoding: all-ones windows, carries,
 * the extremes, alternating bit patterns.
 */
export function edgeScalars(q: bigint): bigint[] {
  const top = BigInt(q.toString(2).length - 1); // 252 (edwards25519), 255 (P-256)
  const ones = (1n << top) - 1n;
  return [
    0n,
    1n,
    2n,
    q - 1n,
    q - 2n,
    ones,
    1n << top,
    (q - 1n) >> 1n,
    0xffffn,
    0x8000n,
    0x7fffn,
    ones / 3n, // 0101… pattern
    ((ones / 3n) << 1n) % q, // 1010… pattern
  ];
}

/** Random, edge and small scalars in `[0, q)`. */
export function scalarArb(q: bigint): fc.Arbitrary<bigint> {
  return fc.oneof(
    fc.bigInt({ min: 0n, max: q - 1n }),
    fc.constantFrom(...edgeScalars(q)),
    fc.integer({ min: 0, max: 1 << 16 }).map(BigInt),
  );
}

interface Pt {
  equals(other: Pt): boolean;
}

/**
 * For points `pts[i] = logs[i]·G`: `msm(pts, scalars, c)` equals `(Σ sᵢ·logsᵢ)·G` (computed by
 * `mulG` from scalar arithmetic) for window widths 2..12 and 16, with rotations of the edge
 * scalars so that every edge scalar meets every kind of point. Widths 13–15 differ from 12 and
 * 16 only in the bucket count; 16 is what a million-element batch uses (slow: 2^15 buckets).
 */
export function expectKnownLogsOverWidths<P extends Pt>(
  q: bigint,
  pts: readonly P[],
  logs: readonly bigint[],
  msm: (pts: readonly P[], scalars: bigint[], c: number) => P,
  mulG: (e: bigint) => P,
): void {
  const edges = edgeScalars(q);
  for (const c of [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 16]) {
    for (let k = 0; k < edges.length; k += c === 16 ? edges.length : 3) {
      const sc = logs.map((_, i) => edges[(i + k) % edges.length] as bigint);
      let e = 0n;
      logs.forEach((p, i) => {
        e = (e + p * (sc[i] as bigint)) % q;
      });
      expect(msm(pts, sc, c).equals(mulG(e)), `c = ${c}, rotation ${k}`).toBe(true);
    }
  }
}
