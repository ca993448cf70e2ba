/**
 * Item lists of the quorum: a jurisdiction's merged list ({@link mergeJurisdiction}), the
 * canonical form of a list, and map keys for fixed-width byte strings.
 * @module
 */
import { checkBytes, compareBytes, copyBytes } from '../core/utils.js';

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

/** Sorted, deduplicated copy (owned copies of the items: a Buffer's slice() is a view). */
export function canonicalList(items: readonly Uint8Array[]): Uint8Array[] {
  const sorted = items.map((x) => copyBytes(x)).sort(compareBytes);
  const out: Uint8Array[] = [];
  for (const x of sorted)
    if (out.length === 0 || compareBytes(out[out.length - 1] as Uint8Array, x) !== 0) out.push(x);
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
