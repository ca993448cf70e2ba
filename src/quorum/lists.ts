/**
 * Item lists of the quorum: a jurisdiction's merged list ({@link mergeJurisdiction}), the
 * canonical form of a list, and map keys for fixed-width byte strings.
 * @module
 */
import { checkBytes, compareBytes } from '../core/utils.js';

/**
 * Merge the lists of several NGOs of one jurisdiction into the single deduplicated list that
 * jurisdiction's party uses (SPEC §3: "NGOs of the same jurisdiction merge their lists first").
 * Returns the sorted union.
 */
export function mergeJurisdiction(
  lists: readonly (readonly Uint8Array[])[],
  itemWidth?: number,
): Uint8Array[] {
  if (!Array.isArray(lists)) throw new TypeError('"lists" expected an array of lists');
  const all: Uint8Array[] = [];
  lists.forEach((l, i) => {
    if (!Array.isArray(l)) throw new TypeError(`"lists[${i}]" expected an array`);
    for (const x of l) all.push(checkBytes(`lists[${i}] item`, x, itemWidth));
  });
  return canonicalList(all);
}

/**
 * Sorted, deduplicated copy. The copies are views of one buffer the function allocates (never
 * the caller's): 10^6 items of 16 bytes are 16 MB and 10^6 views, where one small buffer per
 * item cost about three times as much in buffer bookkeeping (docs/decisions.md "Memory at
 * scale").
 */
export function canonicalList(items: readonly Uint8Array[]): Uint8Array[] {
  const sorted = [...items].sort(compareBytes);
  const kept: Uint8Array[] = [];
  let total = 0;
  for (const x of sorted)
    if (kept.length === 0 || compareBytes(kept[kept.length - 1] as Uint8Array, x) !== 0) {
      kept.push(x);
      total += x.length;
    }
  const buf = new Uint8Array(total);
  const out: Uint8Array[] = new Array(kept.length);
  let off = 0;
  for (let i = 0; i < kept.length; i++) {
    const x = kept[i] as Uint8Array;
    buf.set(x, off);
    out[i] = buf.subarray(off, off + x.length);
    off += x.length;
  }
  return out;
}

/** A map key for an element encoding (two bytes per UTF-16 code unit; injective for fixed Ne). */
export function keyOf(b: Uint8Array, off: number, len: number): string {
  let s = '';
  let i = 0;
  for (; i + 1 < len; i += 2)
    s += String.fromCharCode(((b[off + i] as number) << 8) | (b[off + i + 1] as number));
  if (i < len) s += String.fromCharCode(b[off + i] as number);
  return s;
}

/**
 * The positions of the `width`-byte elements of one list, looked up by value: open addressing
 * in one `Int32Array` of at least twice as many slots as elements (linear probing, keys compared
 * in the list itself). Qualification matches every other list against the own final list; with
 * 10^6 elements a `Map` keyed by strings held about 150 MB of strings, this holds 8 MB.
 * Elements are group encodings of secret multiples, so their bytes are uniform enough to index
 * by four of them; a list with repeated values keeps the last position, as a `Map` would.
 */
export class ElementIndex {
  readonly #list: Uint8Array;
  readonly #width: number;
  readonly #slots: Int32Array;
  readonly #mask: number;

  /** Index `list` (`n·width` bytes; held, not copied: the caller keeps it unchanged). */
  constructor(list: Uint8Array, width: number) {
    if (!Number.isSafeInteger(width) || width < 1 || list.length % width !== 0)
      throw new RangeError('ElementIndex: not a whole number of elements');
    const n = list.length / width;
    let cap = 4;
    while (cap < 2 * n) cap *= 2;
    this.#list = list;
    this.#width = width;
    this.#slots = new Int32Array(cap).fill(-1);
    this.#mask = cap - 1;
    for (let p = 0; p < n; p++) {
      let s = this.#hash(list, p * width);
      for (;;) {
        const q = this.#slots[s] as number;
        if (q < 0 || this.#equal(list, p * width, q)) break;
        s = (s + 1) & this.#mask;
      }
      this.#slots[s] = p;
    }
  }

  /** The position of the element `b[off..off+width)` in the list, or `-1`. */
  get(b: Uint8Array, off: number): number {
    let s = this.#hash(b, off);
    for (;;) {
      const q = this.#slots[s] as number;
      if (q < 0 || this.#equal(b, off, q)) return q;
      s = (s + 1) & this.#mask;
    }
  }

  /** Four bytes from offset 4 (past a P-256 prefix byte and ristretto255's sign bit), mixed. */
  #hash(b: Uint8Array, off: number): number {
    let h = 0;
    const end = Math.min(this.#width, 8);
    for (let i = Math.max(0, end - 4); i < end; i++) h = (h << 8) | (b[off + i] as number);
    return (Math.imul(h, 0x9e3779b1) >>> 0) & this.#mask;
  }

  #equal(b: Uint8Array, off: number, p: number): boolean {
    const L = this.#list;
    const w = this.#width;
    const o = p * w;
    for (let i = 0; i < w; i++) if (b[off + i] !== L[o + i]) return false;
    return true;
  }
}
