/**
 * Items in the group (SPEC §2, §4 steps 2-3): the canonical form of `X_int`, `H(x)` for an item,
 * `H_F(seed, j)` for a filler, and the base element `B_j` of every cell of a layout.
 *
 * The builder blinds these bases, the auditor recomputes them from the audit bundle, and a
 * client hashes its own item with the same `H`: all three take them from here.
 * @module
 */
import { DST_PURPOSE, dst, MAX_ITEM_LENGTH } from '../core/constants.js';
import { ParameterError } from '../core/errors.js';
import type { Element, Suite } from '../core/suite.js';
import { compareBytes, concatBytes, i2osp } from '../core/utils.js';
import type { TableLayout } from './table.js';

// DSTs per suite, computed on first use (a table built up front would name every suite, and so
// bundle every suite's code: docs/decisions.md "Suites as separate modules; bundle budgets").
const itemDsts = new Map<Suite, Uint8Array>();
const fillerDsts = new Map<Suite, Uint8Array>();

function cachedDst(cache: Map<Suite, Uint8Array>, suite: Suite, purpose: string): Uint8Array {
  let d = cache.get(suite);
  if (d === undefined) {
    d = dst(suite.shortName, purpose);
    cache.set(suite, d);
  }
  return d;
}

/** The DST of `H` for a suite. */
export function itemDst(suite: Suite): Uint8Array {
  return cachedDst(itemDsts, suite, DST_PURPOSE.item);
}

/** `H(x)`: an item to the group (SPEC §2). */
export function hashItem(suite: Suite, item: Uint8Array): Element {
  return suite.hashToGroup(item, itemDst(suite));
}

/** The DST of `H_F` for a suite. */
export function fillerDst(suite: Suite): Uint8Array {
  return cachedDst(fillerDsts, suite, DST_PURPOSE.filler);
}

/** The message `seed ‖ I2OSP(j, 4)` that `H_F(seed, j)` hashes. */
export function fillerMessage(seed: Uint8Array, j: number): Uint8Array {
  return concatBytes(seed, i2osp(j, 4));
}

/** `H_F(seed, j) = HashToGroup(seed ‖ I2OSP(j, 4))` with the filler DST (SPEC §2, §4 step 3). */
export function hashFiller(suite: Suite, seed: Uint8Array, j: number): Element {
  return suite.hashToGroup(fillerMessage(seed, j), fillerDst(suite));
}

/** Sort and deduplicate items bytewise (the canonical form of `X_int`). */
export function canonicalItems(items: readonly Uint8Array[]): Uint8Array[] {
  for (const x of items) {
    if (!(x instanceof Uint8Array) || x.length === 0 || x.length > MAX_ITEM_LENGTH) {
      throw new ParameterError('items.length', `items must be 1..${MAX_ITEM_LENGTH} bytes`);
    }
  }
  // Owned copies: the caller's arrays (possibly views onto a shared Buffer pool) are never kept.
  const sorted = items.map((x) => Uint8Array.from(x)).sort(compareBytes);
  return sorted.filter((x, i) => i === 0 || compareBytes(sorted[i - 1] as Uint8Array, x) !== 0);
}

/**
 * The filler cells of a layout, increasing: the cells that are no placed item's free cell
 * (`B_j = H_F(seed, j)` there).
 */
export function fillerCells(layout: TableLayout): Int32Array {
  const { size, order, free } = layout;
  const isFree = new Uint8Array(size);
  for (const i of order) isFree[free[i] as number] = 1;
  const out = new Int32Array(size - order.length);
  let f = 0;
  for (let j = 0; j < size; j++) if (isFree[j] === 0) out[f++] = j;
  return out;
}

/**
 * The second half of {@link cellBases}, given the hashes: `B` holds the fillers (at
 * {@link fillerCells}); `peeledHash(k)` is `H(x)` of the `k`-th item in peeling order
 * (`layout.order[k]`). Fills in, in reverse peeling order, `B_c = H(x) − B_a − B_b` in each placed
 * item's free cell `c` (group additions only) and returns `B`. The builder and the auditor that
 * hash in chunks (possibly in other threads) finish here, in order.
 */
export function subtractPeeled(
  layout: TableLayout,
  B: Element[],
  peeledHash: (k: number) => Element,
): Element[] {
  const { positions, order, free } = layout;
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k] as number;
    const c = free[i] as number;
    let b = peeledHash(k);
    for (let t = 3 * i; t < 3 * i + 3; t++) {
      const q = positions[t] as number;
      if (q !== c) b = b.subtract(B[q] as Element);
    }
    B[c] = b;
  }
  return B;
}

/**
 * The base elements `B_j` of every cell of a single-point table (SPEC v2 §4): fillers
 * `H_F(seed, j)` in the cells that are no placed item's free cell, then, in reverse peeling
 * order, `B_c = H(x) − B_a − B_b` in the free cell `c` of each placed item `x` (other positions
 * `a`, `b`). Afterwards `B_{p1} + B_{p2} + B_{p3} = H(x)` for every placed item. Shared by the
 * builder and the audit (which recomputes them from the bundle); src/database/table.ts explains
 * why every item's other two cells are final when it is assigned.
 */
export function cellBases(
  suite: Suite,
  items: readonly Uint8Array[],
  layout: TableLayout,
  fillerSeed: Uint8Array,
): Element[] {
  const B: Element[] = new Array(layout.size);
  for (const j of fillerCells(layout)) B[j] = hashFiller(suite, fillerSeed, j);
  return subtractPeeled(layout, B, (k) =>
    hashItem(suite, items[layout.order[k] as number] as Uint8Array),
  );
}
