/**
 * The cell hash `h_j` and the three cell positions of an item (SPEC §4 step 1; the exact rules
 * are in src/database/table.ts's module doc, which lays the table out with them). Here, below
 * the database layer, because the `positions` kernel of src/core/parallel.ts runs step 0 of a
 * layout in chunks on worker threads.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { CELL_HASH_LABEL, MAX_TABLE_CELLS, MIN_TABLE_CELLS } from './constants.js';
import { checkInt, copyBytes } from './utils.js';

const LABEL_BYTES = new TextEncoder().encode(CELL_HASH_LABEL);
const TWO_16 = 65_536;

/**
 * `h_j` for one nonce. The SHA-256 state after the fixed prefix `u8(len) ‖ label ‖ N_j` is kept
 * and cloned for each item, so a call allocates nothing; an item of up to 75 bytes costs two
 * SHA-256 compressions.
 */
export class CellHasher {
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

  /** `OS2IP(SHA-256(prefix ‖ u32(len(y)) ‖ y)[0..16]) mod m`. */
  hash(item: Uint8Array, m: number): number {
    const n = item.length;
    const len = this.len;
    len[0] = n >>> 24;
    len[1] = (n >>> 16) & 0xff;
    len[2] = (n >>> 8) & 0xff;
    len[3] = n & 0xff;
    const w = this.prefix._cloneInto(this.work);
    w.update(len).update(item).digestInto(this.out);
    const d = this.out;
    // OS2IP(d[0..16]) mod m, Horner's rule over eight 16-bit limbs. Every intermediate is below
    // m·2^16 + 2^16 ≤ 2^43 < 2^53, so double arithmetic is exact.
    let r = 0;
    for (let i = 0; i < 16; i += 2) {
      r = (r * TWO_16 + (d[i] as number) * 256 + (d[i + 1] as number)) % m;
    }
    return r;
  }
}

/** The hashers of the three nonces `N_1, N_2, N_3`. */
export type CellHashers = readonly [CellHasher, CellHasher, CellHasher];

/** Positions `(p1, p2, p3)` of `item` in a table of `nPrime` cells, written to `out[at..at+3)`. */
export function positionsInto(
  hs: CellHashers,
  item: Uint8Array,
  nPrime: number,
  out: Int32Array,
  at: number,
): void {
  const p1 = hs[0].hash(item, nPrime);
  const t2 = hs[1].hash(item, nPrime - 1);
  const p2 = t2 >= p1 ? t2 + 1 : t2;
  const lo = Math.min(p1, p2);
  const hi = Math.max(p1, p2);
  let p3 = hs[2].hash(item, nPrime - 2);
  if (p3 >= lo) p3++;
  if (p3 >= hi) p3++;
  out[at] = p1;
  out[at + 1] = p2;
  out[at + 2] = p3;
}

/**
 * Step 0 of a layout (src/database/table.ts `layoutTable`) for a run of items of `width` bytes
 * each, concatenated in `items`: their positions, three per item (the kernel a parallel layout
 * runs in chunks). The nonces are not checked here: the caller has (`checkLayoutInput`).
 */
export function itemPositions(
  nonces: readonly [Uint8Array, Uint8Array, Uint8Array],
  items: Uint8Array,
  width: number,
  nPrime: number,
): Int32Array {
  checkInt('nPrime', nPrime, MIN_TABLE_CELLS, MAX_TABLE_CELLS);
  if (!Number.isSafeInteger(width) || width < 1 || items.length % width !== 0)
    throw new RangeError('itemPositions: not a whole number of items');
  const hs: CellHashers = [
    new CellHasher(nonces[0]),
    new CellHasher(nonces[1]),
    new CellHasher(nonces[2]),
  ];
  const count = items.length / width;
  const out = new Int32Array(3 * count);
  for (let i = 0; i < count; i++)
    positionsInto(hs, items.subarray(i * width, (i + 1) * width), nPrime, out, 3 * i);
  return out;
}
