/**
 * Deterministic cuckoo layout of the blinded table: implements SPEC §4 steps 1–2.
 *
 * Guarantees: given the same canonical item list, nonces, table size `n'` and kick bound, every
 * implementation that follows the rules below produces the same table, cell for cell, and the
 * same list of dropped items. The builder lays the table out; an auditing NGO re-lays it out
 * from `X_int` and the published nonces (SPEC §5 step 2); a client recomputes only the two
 * cell positions of each of its items (SPEC §6 step 4).
 *
 * **Cell hash** `h_j(y)` for nonce `N_j` (16 bytes, `j = 1, 2`):
 *
 * ```
 * msg    = u8(len(CELL_HASH_LABEL)) ‖ CELL_HASH_LABEL ‖ N_j ‖ u32(len(y)) ‖ y
 * h_j(y) = OS2IP(SHA-256(msg)[0..16]) mod n'
 * ```
 *
 * Integers are big-endian. A 128-bit value reduced modulo `n' ≤ 2^26` has statistical distance
 * below `n' / 2^128 < 2^-100` from uniform (SPEC §2: bias ≤ 2^-64). The label is
 * {@link CELL_HASH_LABEL}; the nonce is what separates `h1` from `h2` and one database from the
 * next. The layout is suite-independent, so the label carries no suite name.
 *
 * **Positions** (SPEC §4 step 1): `p1 = h1(y)`, `p2 = h2(y)`; if `p1 = p2` then
 * `p2 = (p1 + 1) mod n'`. Hence `n' ≥ 2` and the two positions always differ.
 *
 * **Insertion** (SPEC §4 step 2; the classic deterministic walk of Pagh and Rodler, "Cuckoo
 * hashing", 2004). Cells start empty. Items are inserted one by one in the given canonical order
 * (byte-wise lexicographic, strictly increasing). To insert item `i`:
 *
 * 1. if cell `p1(i)` is empty, put `i` there; else if cell `p2(i)` is empty, put `i` there;
 * 2. otherwise set `cur = i`, `pos = p1(i)`, and repeat at most `maxKicks` times:
 *    put `cur` into cell `pos` and take out its occupant `e`; let `alt` be `e`'s other position
 *    (`p2(e)` if `pos = p1(e)`, else `p1(e)`); if cell `alt` is empty, put `e` there and stop;
 *    otherwise `cur = e`, `pos = alt`;
 * 3. if the kicks run out, the item left homeless (`cur`, which need not be `i`) is dropped and
 *    reported. Items already placed stay where the walk left them.
 *
 * A "kick" is one eviction (one iteration of step 2). The default bound is
 * {@link CUCKOO_MAX_KICKS}; it is part of the protocol, because a different bound can give a
 * different layout. docs/decisions.md ("Cuckoo layout") records the measured drop rates.
 * @module cuckoo
 */
import { sha256 } from '@noble/hashes/sha2.js';
import {
  CELL_HASH_LABEL,
  CUCKOO_MAX_KICKS,
  MAX_TABLE_CELLS,
  MAX_TABLE_RATIO,
  MIN_TABLE_CELLS,
  MIN_TABLE_RATIO,
  NONCE_LENGTH,
} from '../core/constants.js';
import { ParameterError } from '../core/errors.js';
import { checkBytes, checkInt, compareBytes, copyBytes, equalBytes } from '../core/utils.js';

/** The two cell-hash nonces `(N_1, N_2)` of a database (SPEC §4 step 1). */
export type CellNonces = readonly [Uint8Array, Uint8Array];

/** Result of {@link layoutCuckoo}. */
export interface CuckooLayout {
  /** `cells[j]` is the index (into the item list) of the item in cell `j`, or `-1` for a filler. */
  readonly cells: Int32Array;
  /** Indices of the items that could not be placed, in the order they were dropped. */
  readonly dropped: number[];
}

const LABEL_BYTES = new TextEncoder().encode(CELL_HASH_LABEL);
const TWO_16 = 65_536;

function checkNPrime(nPrime: unknown): number {
  return checkInt('nPrime', nPrime, MIN_TABLE_CELLS, MAX_TABLE_CELLS);
}

/**
 * `h_j` for one nonce. The SHA-256 state after the fixed prefix `u8(len) ‖ label ‖ N_j` is kept
 * and cloned for each item, so a call allocates nothing; an item of up to 75 bytes costs two
 * SHA-256 compressions.
 */
class CellHasher {
  readonly nonce: Uint8Array;
  private readonly prefix = sha256.create();
  private readonly work = sha256.create();
  private readonly len = new Uint8Array(4);
  private readonly out = new Uint8Array(32);

  constructor(nonce: Uint8Array) {
    // Owned: the hasher outlives the call in the cache, keyed by these bytes.
    this.nonce = copyBytes(nonce);
    this.prefix.update(Uint8Array.of(LABEL_BYTES.length)).update(LABEL_BYTES).update(this.nonce);
  }

  /** `OS2IP(SHA-256(prefix ‖ u32(len(y)) ‖ y)[0..16]) mod n'`. */
  hash(item: Uint8Array, nPrime: number): number {
    const n = item.length;
    const len = this.len;
    len[0] = n >>> 24;
    len[1] = (n >>> 16) & 0xff;
    len[2] = (n >>> 8) & 0xff;
    len[3] = n & 0xff;
    const w = this.prefix._cloneInto(this.work);
    w.update(len).update(item).digestInto(this.out);
    const d = this.out;
    // OS2IP(d[0..16]) mod n', Horner's rule over eight 16-bit limbs. Every intermediate is below
    // n'·2^16 + 2^16 ≤ 2^43 < 2^53, so double arithmetic is exact.
    let r = 0;
    for (let i = 0; i < 16; i += 2) {
      r = (r * TWO_16 + (d[i] as number) * 256 + (d[i + 1] as number)) % nPrime;
    }
    return r;
  }
}

// Per-call entry points (one voucher: h1 and h2) reuse the hashers of the last two nonces seen.
const recent: CellHasher[] = [];
function hasherFor(nonce: Uint8Array): CellHasher {
  for (const h of recent) if (equalBytes(h.nonce, nonce)) return h;
  const h = new CellHasher(nonce);
  recent.unshift(h);
  if (recent.length > 2) recent.pop();
  return h;
}

/**
 * The cell hash `h_j(y)`: a value in `[0, n')` determined by the nonce `N_j` and the item
 * (SPEC §4 step 1). See the module header for the exact construction.
 * @param nonce - `N_j`, {@link NONCE_LENGTH} bytes.
 * @param item - the item `y` (any length below 2^32).
 * @param nPrime - table size `n'`, in `[MIN_TABLE_CELLS, MAX_TABLE_CELLS]`.
 */
export function cellHash(nonce: Uint8Array, item: Uint8Array, nPrime: number): number {
  checkBytes('nonce', nonce, NONCE_LENGTH);
  checkBytes('item', item);
  checkNPrime(nPrime);
  return hasherFor(nonce).hash(item, nPrime);
}

function checkNonces(nonces: unknown): CellNonces {
  if (!Array.isArray(nonces) || nonces.length !== 2) {
    throw new TypeError('"nonces" expected an array of two Uint8Array');
  }
  const n1 = checkBytes('nonces[0]', nonces[0], NONCE_LENGTH);
  const n2 = checkBytes('nonces[1]', nonces[1], NONCE_LENGTH);
  if (equalBytes(n1, n2)) {
    // Independent 128-bit nonces collide with probability 2^-128; equal nonces make h2 a
    // function of h1 and the table degenerate.
    throw new ParameterError('cuckoo.nonces-equal', 'the two cell-hash nonces must differ');
  }
  return [n1, n2];
}

/**
 * The two cell positions `(h1(y), h2(y))` of an item, with the SPEC §4 step 1 rule: if
 * `h1(y) = h2(y)` then `h2(y) = (h1(y) + 1) mod n'`. The two positions always differ.
 * @throws ParameterError `cuckoo.nonces-equal` if the nonces are equal.
 */
export function cellPositions(
  nonces: CellNonces,
  item: Uint8Array,
  nPrime: number,
): [number, number] {
  const [n1, n2] = checkNonces(nonces);
  checkBytes('item', item);
  checkNPrime(nPrime);
  return positionsUnchecked(hasherFor(n1), hasherFor(n2), item, nPrime);
}

function positionsUnchecked(
  h1: CellHasher,
  h2: CellHasher,
  item: Uint8Array,
  nPrime: number,
): [number, number] {
  const p1 = h1.hash(item, nPrime);
  let p2 = h2.hash(item, nPrime);
  if (p2 === p1) p2 = (p1 + 1) % nPrime;
  return [p1, p2];
}

/** Parse the shortest round-trip decimal form of `ratio` into `num / 10^scale`, exactly. */
function ratioAsDecimal(ratio: number): { num: bigint; den: bigint } {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(String(ratio));
  if (m === null) throw new ParameterError('cuckoo.ratio', `ratio ${ratio} is not a plain decimal`);
  const frac = m[2] ?? '';
  return { num: BigInt((m[1] as string) + frac), den: 10n ** BigInt(frac.length) };
}

/**
 * Table size `n' = max(MIN_TABLE_CELLS, ⌈ratio · count⌉)` (SPEC §4 step 2).
 *
 * `ratio` is read as the decimal number it prints as (JavaScript's shortest round-trip form, so
 * `2.1` means exactly 21/10), and the ceiling is taken in exact integer arithmetic: binary
 * rounding never adds a cell (`2.1 · 10` is 21, not 22). An empty list still gets
 * `MIN_TABLE_CELLS` (2) filler cells, so the two positions of every item are defined.
 * @param count - number of items `|X_int|`, a non-negative integer.
 * @param ratio - in `[MIN_TABLE_RATIO, MAX_TABLE_RATIO]`.
 * @throws ParameterError `cuckoo.ratio` for a ratio out of range; `cuckoo.table-size` if
 *   `n'` would exceed `MAX_TABLE_CELLS`.
 */
export function tableSize(count: number, ratio: number): number {
  checkInt('count', count, 0, MAX_TABLE_CELLS);
  if (typeof ratio !== 'number')
    throw new TypeError(`"ratio" expected number, got ${typeof ratio}`);
  if (!(ratio >= MIN_TABLE_RATIO && ratio <= MAX_TABLE_RATIO)) {
    throw new ParameterError(
      'cuckoo.ratio',
      `ratio must lie in [${MIN_TABLE_RATIO}, ${MAX_TABLE_RATIO}], got ${ratio}`,
    );
  }
  const { num, den } = ratioAsDecimal(ratio);
  const cells = (num * BigInt(count) + den - 1n) / den;
  if (cells > BigInt(MAX_TABLE_CELLS)) {
    throw new ParameterError(
      'cuckoo.table-size',
      `table of ${cells} cells exceeds the maximum ${MAX_TABLE_CELLS}`,
    );
  }
  return Math.max(MIN_TABLE_CELLS, Number(cells));
}

/**
 * Lay `items` out in a cuckoo table of `nPrime` cells (SPEC §4 step 2), deterministically; see
 * the module header for the exact rule. Items that cannot be placed within `maxKicks` evictions
 * are dropped and reported (SPEC: "dropped and reported"), never silently lost.
 * @param items - `X_int`, canonical: strictly increasing in byte-wise lexicographic order.
 * @param nonces - `(N_1, N_2)`, {@link NONCE_LENGTH} bytes each, distinct.
 * @param nPrime - table size `n'` (see {@link tableSize}).
 * @param maxKicks - eviction bound; protocol use MUST keep the default {@link CUCKOO_MAX_KICKS}.
 * @throws ParameterError `cuckoo.items-not-canonical` (unsorted or duplicate items),
 *   `cuckoo.nonces-equal`.
 */
export function layoutCuckoo(
  items: readonly Uint8Array[],
  nonces: CellNonces,
  nPrime: number,
  maxKicks: number = CUCKOO_MAX_KICKS,
): CuckooLayout {
  if (!Array.isArray(items)) throw new TypeError('"items" expected an array of Uint8Array');
  const [n1, n2] = checkNonces(nonces);
  checkNPrime(nPrime);
  checkInt('maxKicks', maxKicks, 0, Number.MAX_SAFE_INTEGER);
  const count = items.length;
  checkInt('items.length', count, 0, MAX_TABLE_CELLS);
  for (let i = 0; i < count; i++) {
    const it = checkBytes(`items[${i}]`, items[i]);
    if (i > 0 && compareBytes(items[i - 1] as Uint8Array, it) >= 0) {
      throw new ParameterError(
        'cuckoo.items-not-canonical',
        `items must be sorted and deduplicated (items[${i - 1}] >= items[${i}])`,
      );
    }
  }
  // Both positions of every item, computed once.
  const pos1 = new Int32Array(count);
  const pos2 = new Int32Array(count);
  const h1 = new CellHasher(n1);
  const h2 = new CellHasher(n2);
  for (let i = 0; i < count; i++) {
    const [a, b] = positionsUnchecked(h1, h2, items[i] as Uint8Array, nPrime);
    pos1[i] = a;
    pos2[i] = b;
  }
  const cells = new Int32Array(nPrime).fill(-1);
  const dropped: number[] = [];
  for (let i = 0; i < count; i++) {
    const a = pos1[i] as number;
    if (cells[a] === -1) {
      cells[a] = i;
      continue;
    }
    const b = pos2[i] as number;
    if (cells[b] === -1) {
      cells[b] = i;
      continue;
    }
    let cur = i;
    let pos = a;
    let homeless = true;
    for (let kick = 0; kick < maxKicks; kick++) {
      const e = cells[pos] as number;
      cells[pos] = cur;
      const alt = (pos1[e] === pos ? pos2[e] : pos1[e]) as number;
      cur = e;
      if (cells[alt] === -1) {
        cells[alt] = e;
        homeless = false;
        break;
      }
      pos = alt;
    }
    if (homeless) dropped.push(cur);
  }
  return { cells, dropped };
}
