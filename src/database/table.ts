/**
 * Deterministic layout of the single-point table (SPEC v2 §4 "single-point table", Apple PSI
 * Remark 7): a three-hash table solved by peeling, a weight-3 oblivious key-value store.
 *
 * Guarantees: given the same canonical item list, nonces and table size `n'`, every
 * implementation that follows the rules below produces the same peeling order, the same cell
 * for each placed item and the same list of dropped items. The builder lays the table out; an
 * auditing NGO repeats it from `X_int` and the published nonces (SPEC §5 step 2); a client
 * computes only the three cell positions of each of its items (SPEC v2 §6 "single slot").
 * scripts/table-reference.py is an independent implementation of the same rules, and
 * test/vectors/quorum-psi-table-kat.json its known answers.
 *
 * **Cell hash** `h_j(y)` for nonce `N_j` (16 bytes, `j = 1, 2, 3`) and modulus `M`:
 *
 * ```
 * msg         = u8(len(CELL_HASH_LABEL)) ‖ CELL_HASH_LABEL ‖ N_j ‖ u32(len(y)) ‖ y
 * h_j(y, M)   = OS2IP(SHA-256(msg)[0..16]) mod M
 * ```
 *
 * Integers are big-endian. A 128-bit value reduced modulo `M ≤ 2^26` has statistical distance
 * below `2^26 / 2^128 < 2^-100` from uniform (SPEC §2: bias ≤ 2^-64).
 *
 * **Positions** (three distinct cells, uniform over ordered triples of distinct cells):
 *
 * ```
 * p1 = h_1(y, n')
 * t2 = h_2(y, n' − 1);  p2 = t2 + (t2 ≥ p1 ? 1 : 0)
 * t3 = h_3(y, n' − 2);  lo = min(p1, p2), hi = max(p1, p2)
 *                       p3 = t3;  if p3 ≥ lo: p3 += 1;  if p3 ≥ hi: p3 += 1
 * ```
 *
 * so `p2` skips `p1` and `p3` skips both (hence `n' ≥ 3`).
 *
 * **Peeling** (cells are vertices, items are edges of a 3-uniform hypergraph; items are indexed
 * `0 … n−1` in canonical order, byte-wise lexicographic and strictly increasing):
 *
 * 1. For every cell `c`: `deg[c]` = number of items with a position at `c`, `acc[c]` = XOR of
 *    their indices.
 * 2. The queue starts with every cell of degree 1, in increasing cell order.
 * 3. Take the next cell `c` from the front of the queue. If `deg[c] ≠ 1` (it dropped to 0 since
 *    it was queued) skip it. Otherwise the item `i = acc[c]` is peeled with **free cell** `c`:
 *    append `i` to the peeling order; then for each of its positions `q` in the order `p1, p2,
 *    p3`: `deg[q] −= 1`, `acc[q] ^= i`, and if `deg[q]` is now 1, append `q` to the queue.
 * 4. Repeat step 3 until the queue is exhausted. Items never peeled (the 2-core) are
 *    **dropped** and reported, in increasing index order.
 *
 * A cell enters the queue at most once (degrees only fall, and only a fall to 1 queues a cell).
 *
 * **Assignment** (SPEC v2 §4): cells that are no placed item's free cell are fillers,
 * `B_j = H_F(seed, j)`; then, in **reverse** peeling order, the free cell `c` of item `x` gets
 * `B_c = H(x) − B_a − B_b` where `a, b` are its other two positions. When item `i` is assigned,
 * its other two cells are final: each is a filler or the free cell of an item peeled after `i`
 * (assigned before it); and no later assignment touches `c`, which had degree 1 when `i` was
 * peeled. Hence `B_{p1} + B_{p2} + B_{p3} = H(x)` for every placed item, and after blinding
 * `P_{p1} + P_{p2} + P_{p3} = α·H(x)`. The cells of a dropped item are all fillers.
 *
 * docs/decisions.md ("Single-point table") records the measured drop rates and the default
 * ratio chosen from them.
 * @module table
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { CellHasher, type CellHashers, itemPositions, positionsInto } from '../core/cell-hash.js';
import {
  CELL_NONCE_LABEL,
  MAX_TABLE_CELLS,
  MAX_TABLE_RATIO,
  MIN_TABLE_CELLS,
  MIN_TABLE_RATIO,
  NONCE_LENGTH,
  RUN_ID_LENGTH,
  SMALL_TABLE_SLACK,
  TABLE_SQRT_SLACK,
} from '../core/constants.js';
import { ParameterError } from '../core/errors.js';
import { checkBytes, checkInt, compareBytes, equalBytes } from '../core/utils.js';

export { itemPositions };

/** The three cell-hash nonces `(N_1, N_2, N_3)` of a database (SPEC §4 step 1). */
export type CellNonces = readonly [Uint8Array, Uint8Array, Uint8Array];

/** Result of {@link layoutTable}. */
export interface TableLayout {
  /** `n'`: number of cells. */
  readonly size: number;
  /** The three positions of item `i` are `positions[3i], positions[3i+1], positions[3i+2]`. */
  readonly positions: Int32Array;
  /** Indices of the placed items, in peeling order (assign in reverse). */
  readonly order: Int32Array;
  /** `free[i]` is the free cell of item `i`, or `-1` if it was dropped. */
  readonly free: Int32Array;
  /** Indices of the dropped items (the 2-core), increasing. */
  readonly dropped: number[];
}

function checkNPrime(nPrime: unknown): number {
  return checkInt('nPrime', nPrime, MIN_TABLE_CELLS, MAX_TABLE_CELLS);
}

// Per-call entry points (one voucher: three positions) reuse the hashers of the last nonces seen.
const recent: CellHasher[] = [];
function hasherFor(nonce: Uint8Array): CellHasher {
  for (const h of recent) if (equalBytes(h.nonce, nonce)) return h;
  const h = new CellHasher(nonce);
  recent.unshift(h);
  if (recent.length > 6) recent.pop();
  return h;
}

/**
 * The cell hash `h_j(y, M)`: a value in `[0, M)` determined by the nonce `N_j` and the item (SPEC
 * §4 step 1). See the module header for the exact construction.
 * @param nonce - `N_j`, {@link NONCE_LENGTH} bytes.
 * @param item - the item `y` (any length below 2^32).
 * @param modulus - `M`, in `[1, MAX_TABLE_CELLS]`.
 */
export function cellHash(nonce: Uint8Array, item: Uint8Array, modulus: number): number {
  checkBytes('nonce', nonce, NONCE_LENGTH);
  checkBytes('item', item);
  checkInt('modulus', modulus, 1, MAX_TABLE_CELLS);
  return hasherFor(nonce).hash(item, modulus);
}

function checkNonces(nonces: unknown): CellNonces {
  if (!Array.isArray(nonces) || nonces.length !== 3) {
    throw new TypeError('"nonces" expected an array of three Uint8Array');
  }
  const n1 = checkBytes('nonces[0]', nonces[0], NONCE_LENGTH);
  const n2 = checkBytes('nonces[1]', nonces[1], NONCE_LENGTH);
  const n3 = checkBytes('nonces[2]', nonces[2], NONCE_LENGTH);
  if (equalBytes(n1, n2) || equalBytes(n1, n3) || equalBytes(n2, n3)) {
    // Independent 128-bit nonces collide with probability 2^-128; equal nonces make one cell
    // hash a function of another.
    throw new ParameterError('table.nonces-equal', 'the three cell-hash nonces must differ');
  }
  return [n1, n2, n3];
}

/**
 * The three distinct cell positions `(p1, p2, p3)` of an item (see the module header).
 * @throws ParameterError `table.nonces-equal` if two nonces are equal.
 */
export function cellPositions(
  nonces: CellNonces,
  item: Uint8Array,
  nPrime: number,
): [number, number, number] {
  const [n1, n2, n3] = checkNonces(nonces);
  checkBytes('item', item);
  checkNPrime(nPrime);
  const out = new Int32Array(3);
  positionsInto([hasherFor(n1), hasherFor(n2), hasherFor(n3)], item, nPrime, out, 0);
  return [out[0] as number, out[1] as number, out[2] as number];
}

const NONCE_LABEL_BYTES = new TextEncoder().encode(CELL_NONCE_LABEL);

/**
 * The cell-hash nonces a quorum run fixes (SPEC §4 step 1, made checkable): `N_j =
 * SHA-256(u8(len(CELL_NONCE_LABEL)) ‖ CELL_NONCE_LABEL ‖ run id ‖ u8(j))[0..16]` for `j = 1, 2,
 * 3`. The run id is fixed by the NGOs' signed run nonces before `X_int` exists, so nonces derived
 * from it are chosen before looking at `X_int` and cannot be ground by the builder to make chosen
 * items collide and drop; every auditing NGO recomputes them from the run it took part in.
 * @param runId - the quorum run id, {@link RUN_ID_LENGTH} bytes.
 */
export function cellNoncesForRun(runId: Uint8Array): [Uint8Array, Uint8Array, Uint8Array] {
  checkBytes('runId', runId, RUN_ID_LENGTH);
  const nonce = (j: number) =>
    sha256
      .create()
      .update(Uint8Array.of(NONCE_LABEL_BYTES.length))
      .update(NONCE_LABEL_BYTES)
      .update(runId)
      .update(Uint8Array.of(j))
      .digest()
      .slice(0, NONCE_LENGTH);
  return [nonce(1), nonce(2), nonce(3)];
}

/** Parse the shortest round-trip decimal form of `ratio` into `num / 10^scale`, exactly. */
function ratioAsDecimal(ratio: number): { num: bigint; den: bigint } {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(String(ratio));
  if (m === null) throw new ParameterError('table.ratio', `ratio ${ratio} is not a plain decimal`);
  const frac = m[2] ?? '';
  return { num: BigInt((m[1] as string) + frac), den: 10n ** BigInt(frac.length) };
}

/** `⌊√n⌋` exactly, for `0 ≤ n ≤ 2^26` (a double's square root, corrected to the integer). */
function isqrt(n: number): number {
  let r = Math.floor(Math.sqrt(n));
  while (r * r > n) r--;
  while ((r + 1) * (r + 1) <= n) r++;
  return r;
}

/**
 * Table size `n' = ⌈ratio · count⌉ + TABLE_SQRT_SLACK · ⌊√count⌋ + SMALL_TABLE_SLACK` (SPEC v2
 * §4), and at least `MIN_TABLE_CELLS`.
 *
 * `ratio` is read as the decimal number it prints as (JavaScript's shortest round-trip form, so
 * `1.23` means exactly 123/100), and the ceiling and square root are exact integer arithmetic:
 * binary rounding never adds a cell, so implementations in other languages agree on `n'`. The
 * two slack terms are the finite-size margin peeling needs above its asymptotic threshold
 * (docs/decisions.md "Single-point table"); they add 0.4% at 10^6 items and 39% at 100.
 * @param count - number of items `|X_int|`, a non-negative integer.
 * @param ratio - in `[MIN_TABLE_RATIO, MAX_TABLE_RATIO]`.
 * @throws ParameterError `table.ratio` for a ratio out of range; `table.size` if `n'` would
 *   exceed `MAX_TABLE_CELLS`.
 */
export function tableSize(count: number, ratio: number): number {
  checkInt('count', count, 0, MAX_TABLE_CELLS);
  if (typeof ratio !== 'number')
    throw new TypeError(`"ratio" expected number, got ${typeof ratio}`);
  if (!(ratio >= MIN_TABLE_RATIO && ratio <= MAX_TABLE_RATIO)) {
    throw new ParameterError(
      'table.ratio',
      `ratio must lie in [${MIN_TABLE_RATIO}, ${MAX_TABLE_RATIO}], got ${ratio}`,
    );
  }
  const { num, den } = ratioAsDecimal(ratio);
  const scaled = (num * BigInt(count) + den - 1n) / den;
  const cells = scaled + BigInt(TABLE_SQRT_SLACK * isqrt(count) + SMALL_TABLE_SLACK);
  if (cells > BigInt(MAX_TABLE_CELLS)) {
    throw new ParameterError(
      'table.size',
      `table of ${cells} cells exceeds the maximum ${MAX_TABLE_CELLS}`,
    );
  }
  return Math.max(MIN_TABLE_CELLS, Number(cells));
}

/**
 * Lay `items` out in a single-point table of `nPrime` cells (SPEC v2 §4), deterministically; see
 * the module header for the exact rule. Items left in the 2-core are dropped and reported
 * (SPEC: "dropped and reported"), never silently lost.
 * @param items - `X_int`, canonical: strictly increasing in byte-wise lexicographic order.
 * @param nonces - `(N_1, N_2, N_3)`, {@link NONCE_LENGTH} bytes each, pairwise distinct.
 * @param nPrime - table size `n'` (see {@link tableSize}).
 * @throws ParameterError `table.items-not-canonical` (unsorted or duplicate items),
 *   `table.nonces-equal`.
 */
export function layoutTable(
  items: readonly Uint8Array[],
  nonces: CellNonces,
  nPrime: number,
): TableLayout {
  const [n1, n2, n3] = checkLayoutInput(items, nonces, nPrime);
  const hs: CellHashers = [new CellHasher(n1), new CellHasher(n2), new CellHasher(n3)];
  // Step 0: the three positions of every item, computed once.
  const count = items.length;
  const positions = new Int32Array(3 * count);
  for (let i = 0; i < count; i++)
    positionsInto(hs, items[i] as Uint8Array, nPrime, positions, 3 * i);
  return peelTable(positions, nPrime);
}

/**
 * {@link layoutTable}'s checks of its arguments (the same errors, in the same order); returns
 * the nonces checked.
 */
export function checkLayoutInput(
  items: readonly Uint8Array[],
  nonces: CellNonces,
  nPrime: number,
): CellNonces {
  if (!Array.isArray(items)) throw new TypeError('"items" expected an array of Uint8Array');
  const [n1, n2, n3] = checkNonces(nonces);
  checkNPrime(nPrime);
  const count = items.length;
  checkInt('items.length', count, 0, MAX_TABLE_CELLS);
  for (let i = 0; i < count; i++) {
    const it = checkBytes(`items[${i}]`, items[i]);
    if (i > 0 && compareBytes(items[i - 1] as Uint8Array, it) >= 0) {
      throw new ParameterError(
        'table.items-not-canonical',
        `items must be sorted and deduplicated (items[${i - 1}] >= items[${i}])`,
      );
    }
  }
  return [n1, n2, n3];
}

/**
 * Steps 1-4 of {@link layoutTable} from the positions of step 0 (three per item, each in
 * `[0, nPrime)`, the three of an item distinct, as {@link itemPositions} gives them).
 */
export function peelTable(positions: Int32Array, nPrime: number): TableLayout {
  if (positions.length % 3 !== 0) throw new RangeError('peelTable: three positions per item');
  const count = positions.length / 3;
  for (let k = 0; k < positions.length; k++) {
    const p = positions[k] as number;
    if (!(p >= 0 && p < nPrime)) throw new RangeError('peelTable: a position out of the table');
  }
  // Step 1: degrees and XOR accumulators.
  const deg = new Int32Array(nPrime);
  const acc = new Int32Array(nPrime);
  for (let i = 0; i < count; i++) {
    for (let k = 3 * i; k < 3 * i + 3; k++) {
      const c = positions[k] as number;
      deg[c] = (deg[c] as number) + 1;
      acc[c] = (acc[c] as number) ^ i;
    }
  }
  // Step 2: the queue (each cell enters at most once, so n' entries suffice).
  const queue = new Int32Array(nPrime);
  let tail = 0;
  for (let c = 0; c < nPrime; c++) if (deg[c] === 1) queue[tail++] = c;
  // Steps 3-4: peel.
  const order = new Int32Array(count);
  const free = new Int32Array(count).fill(-1);
  let peeled = 0;
  for (let head = 0; head < tail; head++) {
    const c = queue[head] as number;
    if (deg[c] !== 1) continue;
    const i = acc[c] as number;
    order[peeled++] = i;
    free[i] = c;
    for (let k = 3 * i; k < 3 * i + 3; k++) {
      const q = positions[k] as number;
      const d = (deg[q] as number) - 1;
      deg[q] = d;
      acc[q] = (acc[q] as number) ^ i;
      if (d === 1) queue[tail++] = q;
    }
  }
  const dropped: number[] = [];
  if (peeled < count) for (let i = 0; i < count; i++) if (free[i] === -1) dropped.push(i);
  return { size: nPrime, positions, order: order.subarray(0, peeled), free, dropped };
}
