/**
 * The single-point table (SPEC v2 §4, src/database/table.ts): three cell positions per item, a
 * deterministic peeling order, a free cell per placed item, the 2-core dropped and reported.
 *
 * - Known answers from an independent Python implementation written from the prose rules of
 *   the module header (scripts/table-reference.py → test/vectors/quorum-psi-table-kat.json):
 *   cell hashes, positions, peeling order, free cells, drops, and the assignment schedule
 *   (reverse peeling order, the two other cells of each step, the filler cells).
 * - Structural properties with fast-check: three distinct positions, free cells among the
 *   positions and pairwise distinct, the assignment solves every placed item (an integer
 *   stand-in for the group), the dropped items are exactly the 2-core.
 * - The skip rule and its uniformity (n′ = 3: permutations of {0, 1, 2}; n′ = 5: all 60
 *   ordered triples), canonical-input checks, table sizing, aliasing of the caller's inputs.
 *
 * `QPSI_SLOW=1` adds more fast-check runs and a 100k-item layout at the default ratio.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CELL_HASH_LABEL,
  DEFAULT_TABLE_RATIO,
  MAX_TABLE_CELLS,
  MAX_TABLE_RATIO,
  MIN_TABLE_CELLS,
  MIN_TABLE_RATIO,
  NONCE_LENGTH,
  SMALL_TABLE_SLACK,
  TABLE_SQRT_SLACK,
} from '../src/core/constants.js';
import { bytesToHex, compareBytes, hexToBytes } from '../src/core/utils.js';
import {
  type CellNonces,
  cellHash,
  cellPositions,
  layoutTable,
  type TableLayout,
  tableSize,
} from '../src/database/table.js';
import { codeOf } from './helpers/assert.js';
import kat from './vectors/quorum-psi-table-kat.json' with { type: 'json' };

const SLOW = !!process.env.QPSI_SLOW;
const RUNS = SLOW ? 500 : 60;
/** The prime of the integer stand-in for the group. */
const P = 2_147_483_647n;

/** Deterministic test bytes. */
function detBytes(tag: string, i: number, n = 32): Uint8Array {
  return sha256(new TextEncoder().encode(`${tag}/${i}`)).slice(0, n);
}
function canonical(list: Uint8Array[]): Uint8Array[] {
  const sorted = [...list].sort(compareBytes);
  return sorted.filter((x, i) => i === 0 || compareBytes(sorted[i - 1] as Uint8Array, x) !== 0);
}
function itemsOf(tag: string, n: number): Uint8Array[] {
  return canonical(Array.from({ length: n }, (_, i) => detBytes(tag, i)));
}
const NONCES: CellNonces = [detBytes('n1', 0, 16), detBytes('n2', 0, 16), detBytes('n3', 0, 16)];

/** A third, straightforward cell hash (BigInt reduction of the whole 128-bit prefix). */
function refCellHash(nonce: Uint8Array, item: Uint8Array, modulus: number): number {
  const label = new TextEncoder().encode(CELL_HASH_LABEL);
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, item.length);
  const d = sha256
    .create()
    .update(Uint8Array.of(label.length))
    .update(label)
    .update(nonce)
    .update(len)
    .update(item)
    .digest();
  return Number(BigInt(`0x${bytesToHex(d.subarray(0, 16))}`) % BigInt(modulus));
}

/** The three positions of item `i` of a layout. */
function posOf(l: TableLayout, i: number): [number, number, number] {
  const p = l.positions;
  return [p[3 * i] as number, p[3 * i + 1] as number, p[3 * i + 2] as number];
}

/** Assignment schedule of a layout (same shape as the Python reference's). */
function scheduleOf(l: TableLayout, nPrime: number): { steps: unknown[]; fillers: number[] } {
  const steps: unknown[] = [];
  for (let k = l.order.length - 1; k >= 0; k--) {
    const i = l.order[k] as number;
    const c = l.free[i] as number;
    steps.push([i, c, posOf(l, i).filter((q) => q !== c)]);
  }
  const taken = new Set<number>();
  for (const i of l.order) taken.add(l.free[i] as number);
  const fillers: number[] = [];
  for (let c = 0; c < nPrime; c++) if (!taken.has(c)) fillers.push(c);
  return { steps, fillers };
}

/**
 * Check every structural invariant of a layout: positions, peeling order, free cells, drops,
 * the assignment rule (integer stand-in: `B_p1 + B_p2 + B_p3 ≡ H[i] mod P` for every placed
 * item, with random item values `H` and filler values `F`) and the 2-core property of the
 * dropped items. Returns the number of placed items.
 */
function checkLayout(
  items: Uint8Array[],
  nonces: CellNonces,
  nPrime: number,
  l: TableLayout,
  H: readonly bigint[] = items.map((_, i) => BigInt(i) * 2_654_435_761n + 12_345n),
  F: (cell: number) => bigint = (c) => BigInt(c) * 40_503n + 7n,
): number {
  const n = items.length;
  expect(l.positions.length).toBe(3 * n);
  expect(l.free.length).toBe(n);
  for (let i = 0; i < n; i++) {
    const ps = posOf(l, i);
    expect(ps).toEqual(cellPositions(nonces, items[i] as Uint8Array, nPrime));
    expect(new Set(ps).size).toBe(3);
    for (const q of ps) expect(q >= 0 && q < nPrime).toBe(true);
  }
  // The order lists each placed item once; free cells are among the positions and distinct.
  const placed = new Set<number>();
  const freeCells = new Set<number>();
  for (const i of l.order) {
    expect(i >= 0 && i < n).toBe(true);
    expect(placed.has(i)).toBe(false);
    placed.add(i);
    const c = l.free[i] as number;
    expect(posOf(l, i)).toContain(c);
    expect(freeCells.has(c)).toBe(false);
    freeCells.add(c);
  }
  // Dropped ∪ placed = all items, disjoint; dropped increasing; free = -1 exactly for them.
  const dropped = new Set(l.dropped);
  expect(dropped.size).toBe(l.dropped.length);
  expect([...l.dropped].sort((a, b) => a - b)).toEqual(l.dropped);
  for (let i = 0; i < n; i++) {
    expect(placed.has(i) !== dropped.has(i)).toBe(true);
    expect((l.free[i] as number) === -1).toBe(dropped.has(i));
  }
  // Assignment in reverse peeling order: the two other cells are final when a cell is set.
  const B: (bigint | undefined)[] = new Array(nPrime);
  for (let c = 0; c < nPrime; c++) if (!freeCells.has(c)) B[c] = F(c) % P;
  for (let k = l.order.length - 1; k >= 0; k--) {
    const i = l.order[k] as number;
    const c = l.free[i] as number;
    const [a, b] = posOf(l, i).filter((q) => q !== c) as [number, number];
    expect(B[c]).toBeUndefined();
    const ba = B[a];
    const bb = B[b];
    if (ba === undefined || bb === undefined) throw new Error(`cell of item ${i} not final`);
    B[c] = ((((H[i] as bigint) - ba - bb) % P) + P) % P;
  }
  for (const i of l.order) {
    const [p1, p2, p3] = posOf(l, i);
    expect(((B[p1] as bigint) + (B[p2] as bigint) + (B[p3] as bigint)) % P).toBe(
      (H[i] as bigint) % P,
    );
  }
  // The dropped items are the 2-core: among them, every touched cell has degree ≥ 2, and all
  // their cells are fillers.
  const deg = new Map<number, number>();
  for (const i of l.dropped) for (const q of posOf(l, i)) deg.set(q, (deg.get(q) ?? 0) + 1);
  for (const [q, d] of deg) {
    expect(d).toBeGreaterThanOrEqual(2);
    expect(freeCells.has(q)).toBe(false);
  }
  return placed.size;
}

describe('cellHash / cellPositions', () => {
  it('match the independent Python implementation (known answers)', () => {
    expect(kat.source).toMatch(/table-reference\.py/);
    const moduli = new Set<number>();
    for (const v of kat.cellHash) {
      const nonce = hexToBytes(v.nonce);
      const item = hexToBytes(v.item);
      expect(cellHash(nonce, item, v.modulus)).toBe(v.h);
      expect(refCellHash(nonce, item, v.modulus)).toBe(v.h);
      moduli.add(v.modulus);
    }
    for (const m of [1, 2, 3, 1000, 2 ** 26, 2 ** 26 - 5]) expect(moduli.has(m)).toBe(true);
    for (const v of kat.positions) {
      const nonces = v.nonces.map(hexToBytes) as unknown as CellNonces;
      expect(cellPositions(nonces, hexToBytes(v.item), v.nPrime)).toEqual(v.positions);
    }
  });

  it('are deterministic, land in [0, M) and agree with a BigInt reduction (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ maxLength: 80 }),
        fc.integer({ min: 1, max: MAX_TABLE_CELLS }),
        (nonce, item, m) => {
          const h = cellHash(nonce, item, m);
          expect(Number.isInteger(h) && h >= 0 && h < m).toBe(true);
          expect(cellHash(nonce, item, m)).toBe(h);
          expect(refCellHash(nonce, item, m)).toBe(h);
        },
      ),
      { numRuns: RUNS * 5 },
    );
  });

  it('give three distinct cells in [0, n′) by the skip rule (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 70 }),
        fc.oneof(
          fc.integer({ min: MIN_TABLE_CELLS, max: 12 }),
          fc.integer({ min: MIN_TABLE_CELLS, max: MAX_TABLE_CELLS }),
        ),
        (item, nPrime) => {
          const ps = cellPositions(NONCES, item, nPrime);
          expect(new Set(ps).size).toBe(3);
          for (const q of ps) expect(Number.isInteger(q) && q >= 0 && q < nPrime).toBe(true);
          // The prose rule, from the cell hashes.
          const p1 = cellHash(NONCES[0], item, nPrime);
          const t2 = cellHash(NONCES[1], item, nPrime - 1);
          const p2 = t2 >= p1 ? t2 + 1 : t2;
          const [lo, hi] = p1 < p2 ? [p1, p2] : [p2, p1];
          let p3 = cellHash(NONCES[2], item, nPrime - 2);
          if (p3 >= lo) p3++;
          if (p3 >= hi) p3++;
          expect(ps).toEqual([p1, p2, p3]);
        },
      ),
      { numRuns: RUNS * 5 },
    );
  });

  it('with n′ = 3 are a permutation of {0, 1, 2}, and all six permutations occur', () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < 600; i++) {
      const ps = cellPositions(NONCES, detBytes('perm3', i), 3);
      expect([...ps].sort()).toEqual([0, 1, 2]);
      seen.set(ps.join(), (seen.get(ps.join()) ?? 0) + 1);
    }
    expect(seen.size).toBe(6);
    for (const c of seen.values()) expect(c).toBeGreaterThan(50); // expected 100 each
  });

  it('with n′ = 5 cover all 60 ordered triples about equally often', () => {
    // 6,000 items, expected 100 per triple (standard deviation ≈ 10). A skip rule that is not
    // a bijection misses triples or doubles some; the bounds are five standard deviations.
    const N = 6000;
    const counts = new Map<string, number>();
    for (let i = 0; i < N; i++) {
      const key = cellPositions(NONCES, detBytes('perm5', i, 8), 5).join();
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(60);
    for (const c of counts.values()) {
      expect(c).toBeGreaterThan(50);
      expect(c).toBeLessThan(150);
    }
    const e = N / 60;
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(59 + 5 * Math.sqrt(2 * 59));
  });

  it('depend on the nonce (h1, h2, h3 are different functions)', () => {
    let same = 0;
    for (let i = 0; i < 200; i++) {
      const y = detBytes('dep', i);
      const [a, b, c] = NONCES.map((n) => cellHash(n, y, 1 << 20));
      if (a === b || a === c || b === c) same++;
    }
    expect(same).toBeLessThan(3);
  });

  it('look uniform (chi-square over 6,000 items, several moduli)', () => {
    // For k buckets the statistic has mean k-1 and standard deviation √(2(k-1)); we accept
    // anything within 5 standard deviations, which a broken reduction (bias towards low cells,
    // a constant, a skipped limb) fails by orders of magnitude.
    const N = 6000;
    for (const m of [2, 3, 37, 60, 101]) {
      const counts = new Array<number>(m).fill(0);
      for (let i = 0; i < N; i++) {
        const c = cellHash(NONCES[2], detBytes('chi', i), m);
        counts[c] = (counts[c] as number) + 1;
      }
      const e = N / m;
      const chi2 = counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
      const df = m - 1;
      expect(chi2).toBeLessThan(df + 5 * Math.sqrt(2 * df) + 5);
    }
    // Large modulus: the top of the range is reached as often as the bottom (the 128-bit
    // reduction is not truncated to 32 or 53 bits). Ten equal ranges of [0, M).
    const big = MAX_TABLE_CELLS - 5;
    const deciles = new Array<number>(10).fill(0);
    for (let i = 0; i < N; i++) {
      const d = Math.floor((cellHash(NONCES[1], detBytes('big', i), big) / big) * 10);
      deciles[d] = (deciles[d] as number) + 1;
    }
    const chi2 = deciles.reduce((s, c) => s + (c - N / 10) ** 2 / (N / 10), 0);
    expect(chi2).toBeLessThan(9 + 5 * Math.sqrt(18));
  });

  it('do not alias the caller’s nonce (cached hashers are keyed by copies)', () => {
    const y = detBytes('alias', 0);
    const m = 1 << 24;
    const nonce = detBytes('alias-nonce', 0, 16);
    const before = cellHash(nonce, y, m);
    nonce[0] = (nonce[0] as number) ^ 0x01;
    // The mutated nonce is a different nonce: its hash, not the cached one of the old bytes.
    expect(cellHash(nonce, y, m)).toBe(refCellHash(nonce, y, m));
    nonce[0] = (nonce[0] as number) ^ 0x01;
    expect(cellHash(nonce, y, m)).toBe(before);
    // The same for cellPositions' three nonces.
    const nonces: CellNonces = [NONCES[0].slice(), NONCES[1].slice(), NONCES[2].slice()];
    const ps = cellPositions(nonces, y, m);
    for (const n of nonces) n[5] = (n[5] as number) ^ 0x80;
    const fresh: CellNonces = [nonces[0].slice(), nonces[1].slice(), nonces[2].slice()];
    const moved = cellPositions(nonces, y, m);
    expect(moved[0]).toBe(refCellHash(fresh[0], y, m));
    expect(moved).toEqual(cellPositions(fresh, y, m));
    expect(cellPositions(NONCES, y, m)).toEqual(ps);
  });

  it('reject malformed arguments', () => {
    const y = new Uint8Array(32);
    expect(codeOf(() => cellHash(new Uint8Array(15), y, 10))).toBe('RangeError');
    expect(codeOf(() => cellHash('nonce' as unknown as Uint8Array, y, 10))).toBe('TypeError');
    expect(codeOf(() => cellHash(NONCES[0], [1, 2] as unknown as Uint8Array, 10))).toBe(
      'TypeError',
    );
    expect(codeOf(() => cellHash(NONCES[0], y, 0))).toBe('RangeError');
    expect(codeOf(() => cellHash(NONCES[0], y, 1))).toBe('no error');
    expect(codeOf(() => cellHash(NONCES[0], y, MAX_TABLE_CELLS))).toBe('no error');
    expect(codeOf(() => cellHash(NONCES[0], y, MAX_TABLE_CELLS + 1))).toBe('RangeError');
    expect(codeOf(() => cellHash(NONCES[0], y, 2.5))).toBe('TypeError');
    const two = [NONCES[0], NONCES[1]] as unknown as CellNonces;
    expect(codeOf(() => cellPositions(two, y, 10))).toBe('TypeError');
    const four = [...NONCES, NONCES[0]] as unknown as CellNonces;
    expect(codeOf(() => cellPositions(four, y, 10))).toBe('TypeError');
    expect(codeOf(() => cellPositions('abc' as unknown as CellNonces, y, 10))).toBe('TypeError');
    const [a, b, c] = NONCES;
    for (const bad of [
      [a, a.slice(), c],
      [a, b, a.slice()],
      [a, b, b.slice()],
    ] as CellNonces[]) {
      expect(codeOf(() => cellPositions(bad, y, 10))).toBe('table.nonces-equal');
    }
    expect(codeOf(() => cellPositions([a, b, new Uint8Array(17)], y, 10))).toBe('RangeError');
    expect(codeOf(() => cellPositions(NONCES, y, MIN_TABLE_CELLS - 1))).toBe('RangeError');
    expect(codeOf(() => cellPositions(NONCES, y, MAX_TABLE_CELLS + 1))).toBe('RangeError');
    expect(codeOf(() => cellPositions(NONCES, y, 3.5))).toBe('TypeError');
    expect(codeOf(() => cellPositions(NONCES, 'y' as unknown as Uint8Array, 10))).toBe('TypeError');
  });
});

describe('tableSize', () => {
  /** ⌊√n⌋ in BigInt (Newton), independent of the implementation's double-based root. */
  const isqrtBig = (n: bigint): bigint => {
    if (n < 2n) return n;
    let x = n;
    let y = (x + 1n) / 2n;
    while (y < x) {
      x = y;
      y = (x + n / x) / 2n;
    }
    return x;
  };
  /** The rule, in BigInt: max(⌈num/den · count⌉ + SQRT·⌊√count⌋ + SLACK, MIN_TABLE_CELLS). */
  const want = (count: number, num: bigint, den: bigint) => {
    const c = BigInt(count);
    const cells =
      (c * num + den - 1n) / den +
      BigInt(TABLE_SQRT_SLACK) * isqrtBig(c) +
      BigInt(SMALL_TABLE_SLACK);
    return Math.max(Number(cells), MIN_TABLE_CELLS);
  };
  const margin = (count: number) =>
    TABLE_SQRT_SLACK * Math.floor(Math.sqrt(count)) + SMALL_TABLE_SLACK;

  it('is ⌈ratio · count⌉ + TABLE_SQRT_SLACK·⌊√count⌋ + SMALL_TABLE_SLACK in exact decimal arithmetic', () => {
    expect(tableSize(1000, 1.25)).toBe(1250 + margin(1000));
    expect(tableSize(10_000, 1.25)).toBe(12_500 + TABLE_SQRT_SLACK * 100 + SMALL_TABLE_SLACK);
    expect(tableSize(100, 1.25)).toBe(125 + TABLE_SQRT_SLACK * 10 + SMALL_TABLE_SLACK);
    expect(tableSize(0, 1.25)).toBe(Math.max(MIN_TABLE_CELLS, SMALL_TABLE_SLACK));
    expect(tableSize(1, 1)).toBe(
      Math.max(MIN_TABLE_CELLS, 1 + TABLE_SQRT_SLACK + SMALL_TABLE_SLACK),
    );
    // ⌊√n⌋ exactly at and around perfect squares.
    expect(tableSize(99, 1)).toBe(99 + TABLE_SQRT_SLACK * 9 + SMALL_TABLE_SLACK);
    expect(tableSize(4_000_000, 1)).toBe(4_000_000 + TABLE_SQRT_SLACK * 2000 + SMALL_TABLE_SLACK);
    expect(tableSize(3_999_999, 1)).toBe(3_999_999 + TABLE_SQRT_SLACK * 1999 + SMALL_TABLE_SLACK);
    // Binary floating point would add a cell: 1.1 · 330 = 363.00000000000006 and
    // 1.35 · 180 = 243.00000000000003.
    expect(1.1 * 330).toBeGreaterThan(363);
    expect(tableSize(330, 1.1)).toBe(363 + margin(330));
    expect(1.35 * 180).toBeGreaterThan(243);
    expect(tableSize(180, 1.35)).toBe(243 + margin(180));
    expect(tableSize(100_000, 1.15)).toBe(115_000 + margin(100_000)); // binary: 114999.99999999999
    expect(tableSize(1_000_000, 1.222)).toBe(1_222_000 + margin(1_000_000));
    expect(tableSize(1_000_001, 1.25)).toBe(1_250_002 + margin(1_000_001)); // 1250001.25 → 1250002
    expect(tableSize(1000, DEFAULT_TABLE_RATIO)).toBe(want(1000, 123n, 100n));
    // The size bound: at most 1.25 cells per item from 10^5 items on, at the default.
    for (const n of [100_000, 300_000, 1_000_000, 10_000_000]) {
      expect(tableSize(n, DEFAULT_TABLE_RATIO) / n).toBeLessThanOrEqual(1.25);
    }
  });

  it('agrees with a BigInt reference for random counts and decimal ratios (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.integer({ min: MIN_TABLE_RATIO * 1000, max: MAX_TABLE_RATIO * 1000 }),
        (count, thousandths) => {
          fc.pre(want(count, BigInt(thousandths), 1000n) <= MAX_TABLE_CELLS);
          expect(tableSize(count, thousandths / 1000)).toBe(
            want(count, BigInt(thousandths), 1000n),
          );
        },
      ),
      { numRuns: RUNS * 5 },
    );
  });

  it('rejects out-of-range input with typed errors', () => {
    expect(codeOf(() => tableSize(10, 0.9))).toBe('table.ratio');
    expect(codeOf(() => tableSize(10, MAX_TABLE_RATIO + 1))).toBe('table.ratio');
    expect(codeOf(() => tableSize(10, Number.NaN))).toBe('table.ratio');
    expect(codeOf(() => tableSize(10, Number.POSITIVE_INFINITY))).toBe('table.ratio');
    expect(codeOf(() => tableSize(10, MAX_TABLE_RATIO))).toBe('no error');
    expect(codeOf(() => tableSize(MAX_TABLE_CELLS, 1.25))).toBe('table.size');
    // The margin alone can push the size over the limit: the largest count with ratio 1 that
    // fits, and the next one.
    let fits = MAX_TABLE_CELLS;
    while (fits + margin(fits) > MAX_TABLE_CELLS) fits--;
    expect(codeOf(() => tableSize(fits, 1))).toBe('no error');
    expect(codeOf(() => tableSize(fits + 1, 1))).toBe('table.size');
    expect(codeOf(() => tableSize(-1, 1.25))).toBe('RangeError');
    expect(codeOf(() => tableSize(MAX_TABLE_CELLS + 1, 1.25))).toBe('RangeError');
    expect(codeOf(() => tableSize(1.5, 1.25))).toBe('TypeError');
    expect(codeOf(() => tableSize(10, '1.25' as unknown as number))).toBe('TypeError');
  });
});

describe('layoutTable', () => {
  it('matches the independent Python implementation exactly (known answers)', () => {
    let allDropped = 0;
    let mixed = 0;
    let complete = 0;
    for (const v of kat.layouts) {
      const items = v.items.map(hexToBytes);
      const nonces = v.nonces.map(hexToBytes) as unknown as CellNonces;
      const l = layoutTable(items, nonces, v.nPrime);
      expect(Array.from(l.positions), v.name).toEqual(v.positions.flat());
      expect(Array.from(l.order), v.name).toEqual(v.order);
      expect(Array.from(l.free), v.name).toEqual(v.free);
      expect(l.dropped, v.name).toEqual(v.dropped);
      const { steps, fillers } = scheduleOf(l, v.nPrime);
      expect(steps, v.name).toEqual(v.schedule);
      expect(fillers, v.name).toEqual(v.fillers);
      checkLayout(items, nonces, v.nPrime, l);
      if (items.length > 0 && l.order.length === 0) allDropped++;
      if (l.order.length > 0 && l.dropped.length > 0) mixed++;
      if (items.length > 100 && l.dropped.length === 0) complete++;
    }
    // The vectors exercise total drops, a 2-core next to peeled items, and complete peeling.
    expect(allDropped).toBeGreaterThanOrEqual(2);
    expect(mixed).toBeGreaterThanOrEqual(3);
    expect(complete).toBeGreaterThanOrEqual(1);
  });

  it('is deterministic: same inputs, same layout; other nonces, another layout', () => {
    const items = itemsOf('det', 2000);
    const nPrime = 2300; // 1.15 cells per item, below the threshold: a large 2-core
    const a = layoutTable(items, NONCES, nPrime);
    const b = layoutTable(
      items.map((x) => x.slice()),
      [NONCES[0].slice(), NONCES[1].slice(), NONCES[2].slice()],
      nPrime,
    );
    expect(Array.from(b.positions)).toEqual(Array.from(a.positions));
    expect(Array.from(b.order)).toEqual(Array.from(a.order));
    expect(Array.from(b.free)).toEqual(Array.from(a.free));
    expect(b.dropped).toEqual(a.dropped);
    expect(a.dropped.length).toBeGreaterThan(0);
    expect(a.order.length).toBeGreaterThan(0);
    checkLayout(items, NONCES, nPrime, a);
    const c = layoutTable(items, [NONCES[1], NONCES[2], NONCES[0]], nPrime);
    expect(Array.from(c.positions)).not.toEqual(Array.from(a.positions));
  });

  it('does not alias the caller’s inputs', () => {
    const items = itemsOf('nalias', 300);
    const nPrime = tableSize(items.length, 1.25);
    const nonces: CellNonces = [NONCES[0].slice(), NONCES[1].slice(), NONCES[2].slice()];
    const a = layoutTable(items, nonces, nPrime);
    const snapshot = {
      positions: Array.from(a.positions),
      order: Array.from(a.order),
      free: Array.from(a.free),
      dropped: [...a.dropped],
    };
    // Mutating the nonces and items after the call changes neither this result nor, through
    // a cache, the next one.
    for (const n of nonces) n[0] = (n[0] as number) ^ 0xff;
    (items[7] as Uint8Array).fill(0);
    expect(Array.from(a.positions)).toEqual(snapshot.positions);
    expect(Array.from(a.order)).toEqual(snapshot.order);
    expect(Array.from(a.free)).toEqual(snapshot.free);
    expect(a.dropped).toEqual(snapshot.dropped);
    const again = layoutTable(itemsOf('nalias', 300), NONCES, nPrime);
    expect(Array.from(again.positions)).toEqual(snapshot.positions);
    expect(Array.from(again.order)).toEqual(snapshot.order);
    // The mutated nonces are new nonces: their layout is that of fresh copies.
    const fresh: CellNonces = [nonces[0].slice(), nonces[1].slice(), nonces[2].slice()];
    const items2 = itemsOf('nalias', 300);
    const m = layoutTable(items2, nonces, nPrime);
    expect(Array.from(m.positions)).toEqual(
      Array.from(layoutTable(items2, fresh, nPrime).positions),
    );
    expect(posOf(m, 0)[0]).toBe(refCellHash(fresh[0], items2[0] as Uint8Array, nPrime));
  });

  it('satisfies the structural and assignment invariants for random inputs (fast-check)', () => {
    const p = Number(P);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.uint8Array({ minLength: 0, maxLength: 12 }), {
          maxLength: 60,
          selector: (x) => bytesToHex(x),
        }),
        fc.uniqueArray(fc.uint8Array({ minLength: 16, maxLength: 16 }), {
          minLength: 3,
          maxLength: 3,
          selector: (x) => bytesToHex(x),
        }),
        fc.integer({ min: 0, max: 90 }),
        fc.array(fc.integer({ min: 0, max: p - 1 }), { minLength: 60, maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: p - 1 }), { minLength: 93, maxLength: 93 }),
        (raw, ns, extra, hs, fs) => {
          const items = canonical(raw);
          const nonces = ns as unknown as CellNonces;
          const nPrime = MIN_TABLE_CELLS + extra;
          const l = layoutTable(items, nonces, nPrime);
          const H = items.map((_, i) => BigInt(hs[i] as number));
          const placed = checkLayout(items, nonces, nPrime, l, H, (c) => BigInt(fs[c] as number));
          expect(placed).toBeLessThanOrEqual(nPrime);
          // With nothing dropped, peeling removed every item (no 2-core is left).
          if (l.dropped.length === 0) expect(placed).toBe(items.length);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('drops exactly the 2-core: peeling what remains removes nothing more', () => {
    // A slow, obviously-correct 2-core: repeatedly remove any item with a cell of degree 1.
    const items = itemsOf('core', 400);
    for (const nPrime of [440, 480, 500, 560]) {
      const l = layoutTable(items, NONCES, nPrime);
      const alive = new Set(items.map((_, i) => i));
      for (let changed = true; changed; ) {
        changed = false;
        const deg = new Map<number, number>();
        for (const i of alive) for (const q of posOf(l, i)) deg.set(q, (deg.get(q) ?? 0) + 1);
        for (const i of [...alive]) {
          if (posOf(l, i).some((q) => deg.get(q) === 1)) {
            alive.delete(i);
            changed = true;
          }
        }
      }
      expect([...alive].sort((a, b) => a - b)).toEqual(l.dropped);
      checkLayout(items, NONCES, nPrime, l);
    }
  });

  it('handles an empty item list (all fillers)', () => {
    const nPrime = tableSize(0, DEFAULT_TABLE_RATIO);
    for (const n of [MIN_TABLE_CELLS, nPrime]) {
      const l = layoutTable([], NONCES, n);
      expect(l.positions.length).toBe(0);
      expect(l.order.length).toBe(0);
      expect(l.free.length).toBe(0);
      expect(l.dropped).toEqual([]);
      expect(scheduleOf(l, n).fillers).toEqual(Array.from({ length: n }, (_, c) => c));
    }
  });

  it('with n′ = 3 places a single item and drops every larger list', () => {
    // Every item has the cells {0, 1, 2}: with k ≥ 2 items every cell has degree k.
    const one = itemsOf('three', 1);
    const l1 = layoutTable(one, NONCES, 3);
    expect(Array.from(l1.order)).toEqual([0]);
    expect(l1.free[0]).toBe(0); // the queue starts at cell 0
    for (const k of [2, 3, 5]) {
      const items = itemsOf('three', k);
      const l = layoutTable(items, NONCES, 3);
      expect(l.order.length).toBe(0);
      expect(l.dropped).toEqual(items.map((_, i) => i));
      checkLayout(items, NONCES, 3, l);
    }
  });

  it('places everything at the default ratio for these fixed inputs', () => {
    const n = SLOW ? 100_000 : 10_000;
    const items = itemsOf('ratio', n);
    const nPrime = tableSize(n, DEFAULT_TABLE_RATIO);
    const l = layoutTable(items, NONCES, nPrime);
    expect(l.dropped).toEqual([]);
    expect(l.order.length).toBe(n);
    const { fillers } = scheduleOf(l, nPrime);
    expect(fillers.length).toBe(nPrime - n);
  });

  it('rejects non-canonical item lists and bad arguments with typed errors', () => {
    const items = itemsOf('canon', 10);
    const swapped = [...items];
    [swapped[3], swapped[4]] = [swapped[4] as Uint8Array, swapped[3] as Uint8Array];
    expect(codeOf(() => layoutTable(swapped, NONCES, 30))).toBe('table.items-not-canonical');
    const dup = [...items.slice(0, 5), (items[4] as Uint8Array).slice(), ...items.slice(5)];
    expect(codeOf(() => layoutTable(dup, NONCES, 30))).toBe('table.items-not-canonical');
    // A proper prefix sorts first: [ab, a] is not canonical, [a, ab] is; so is the empty item.
    const e = new Uint8Array(0);
    const a = Uint8Array.of(1);
    const ab = Uint8Array.of(1, 2);
    expect(codeOf(() => layoutTable([ab, a], NONCES, 30))).toBe('table.items-not-canonical');
    expect(codeOf(() => layoutTable([a, e], NONCES, 30))).toBe('table.items-not-canonical');
    expect(codeOf(() => layoutTable([e, e], NONCES, 30))).toBe('table.items-not-canonical');
    expect(codeOf(() => layoutTable([e, a, ab], NONCES, 30))).toBe('no error');
    const [n1, n2, n3] = NONCES;
    expect(codeOf(() => layoutTable(items, [n1, n2, n1.slice()], 30))).toBe('table.nonces-equal');
    expect(codeOf(() => layoutTable(items, [n1, n3.slice(), n3], 30))).toBe('table.nonces-equal');
    expect(codeOf(() => layoutTable(items, [n1, n2] as unknown as CellNonces, 30))).toBe(
      'TypeError',
    );
    expect(codeOf(() => layoutTable(items, [n1, n2, new Uint8Array(NONCE_LENGTH + 1)], 30))).toBe(
      'RangeError',
    );
    expect(codeOf(() => layoutTable(items, NONCES, MIN_TABLE_CELLS - 1))).toBe('RangeError');
    expect(codeOf(() => layoutTable(items, NONCES, MAX_TABLE_CELLS + 1))).toBe('RangeError');
    expect(codeOf(() => layoutTable(items, NONCES, 30.5))).toBe('TypeError');
    expect(codeOf(() => layoutTable('x' as unknown as Uint8Array[], NONCES, 30))).toBe('TypeError');
    expect(codeOf(() => layoutTable([a, 'b' as unknown as Uint8Array], NONCES, 30))).toBe(
      'TypeError',
    );
  });
});
