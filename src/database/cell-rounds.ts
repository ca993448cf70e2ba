/**
 * The rounds of chunks a parallel build and a parallel audit share (issue 15;
 * `buildDatabaseAsync`, `auditDatabaseAsync`): the cells' bases hashed ({@link cellBasesAsync};
 * kept out of items.ts, which a client imports, so that no client reaches the executor and its
 * kernels), the bases encoded (and, for the builder,
 * blinded by `α`), then the audit proof's partial composites over bases and cells. The rounds run
 * on an executor; each chunk's thread keeps its decoded bases between them (job `job`), and
 * {@link releaseHeld} drops them after a failure in between.
 * @module
 */
import type { DleqConfig } from '../core/dleq.js';
import {
  type BasesResult,
  type CompositesResult,
  chunkSizeFor,
  type Executor,
  type HashResult,
  inThreadExecutor,
  newJobId,
  type ParallelOptions,
  type PositionsResult,
  type Progress,
  pointsToRaw,
  rawOnLimbs,
  rawPointBytes,
  rawToPoints,
} from '../core/parallel.js';
import { loadRawPoint, newRawScratch, storeRawPoint, subPoints } from '../core/ristretto-limbs.js';
import type { Element, Suite } from '../core/suite.js';
import { fillerCells, fillerDst, fillerMessage, itemDst } from './items.js';
import {
  type CellNonces,
  checkLayoutInput,
  layoutTable,
  peelTable,
  type TableLayout,
} from './table.js';

/** How the `n` cells are cut into chunks, and the job that holds their points. */
export interface CellChunks {
  readonly ex: Executor;
  readonly n: number;
  readonly count: number;
  readonly range: (i: number) => [number, number];
  readonly job: string;
  readonly onProgress?: ParallelOptions['onProgress'];
}

/** Chunks over `n` cells on `opts.executor` (sizes as `chunkSizeFor` gives). */
export function cellChunks(ex: Executor, n: number, opts: ParallelOptions): CellChunks {
  const size = chunkSizeFor(n, ex.workers, opts.chunkSize);
  return {
    ex,
    n,
    count: Math.ceil(n / size),
    range: (i) => [i * size, Math.min(n, (i + 1) * size)],
    job: newJobId(),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  };
}

/** `map` with progress reported in elements, in `phase`. */
function track(c: CellChunks, phase: Progress['phase']) {
  let done = 0;
  return {
    onResult: (i: number) => {
      const [lo, hi] = c.range(i);
      done += hi - lo;
      c.onProgress?.({ phase, done, total: c.n });
    },
  };
}

/**
 * Round `bases`: every `B_j` (raw points, {@link cellBasesAsync}) encoded and, with `k`,
 * multiplied by `k` (constant time) and encoded as a cell; each thread keeps its chunk's points
 * for {@link cellComposites}. Returns the results in chunk order.
 */
export function encodeBases(
  c: CellChunks,
  suite: Suite,
  B: Uint8Array,
  k: bigint | null,
  phase: Progress['phase'],
): Promise<BasesResult[]> {
  const w = rawPointBytes(suite);
  return c.ex.map(
    'bases',
    c.count,
    (i) => {
      const [lo, hi] = c.range(i);
      return {
        suite: suite.id,
        k,
        from: lo,
        points: B.slice(lo * w, hi * w),
        hold: { job: c.job, chunk: i },
      };
    },
    track(c, phase),
  );
}

/**
 * Round `composites`: the audit proof's partial composites `Σ d_j·B_j` (and `Σ d_j·P_j` with
 * `withZ`) at the global indices, from the points each thread kept and the cells' bytes.
 */
export function cellComposites(
  c: CellChunks,
  suite: Suite,
  basesBytes: Uint8Array,
  cellBytes: Uint8Array,
  proof: { cfg: DleqConfig; seed: Uint8Array; withZ: boolean },
  phase: Progress['phase'],
): Promise<CompositesResult[]> {
  const Ne = suite.elementLength;
  return c.ex.map(
    'composites',
    c.count,
    (i) => {
      const [lo, hi] = c.range(i);
      return {
        suite: suite.id,
        from: lo,
        total: c.n,
        stages: [basesBytes.slice(lo * Ne, hi * Ne), cellBytes.slice(lo * Ne, hi * Ne)],
        held: { key: { job: c.job, chunk: i }, stage: 0 },
        proofs: [{ C: 0, D: 1, cfg: proof.cfg, seed: proof.seed, withZ: proof.withZ }],
      };
    },
    track(c, phase),
  );
}

/** After a failure between the rounds: every thread drops the points it held for the job. */
export async function releaseHeld(c: CellChunks): Promise<void> {
  await c.ex.map('release', c.ex.workers, () => ({ job: c.job })).catch(() => undefined);
}

/**
 * `layoutTable` (table.ts) with its step 0, the items' cell positions (three SHA-256 per item),
 * cut into chunks and run on `opts.executor` (progress phase `layout`); the peeling follows here.
 * The same layout and the same errors, checked first and in the same order. Items of different
 * widths, or empty ones (which the database never has), are laid out in this thread.
 */
export async function layoutTableAsync(
  items: readonly Uint8Array[],
  nonces: CellNonces,
  nPrime: number,
  opts: ParallelOptions = {},
): Promise<TableLayout> {
  const checked = checkLayoutInput(items, nonces, nPrime);
  const n = items.length;
  const width = n > 0 ? (items[0] as Uint8Array).length : 0;
  if (n === 0 || width === 0 || items.some((x) => x.length !== width))
    return layoutTable(items, nonces, nPrime);
  const ex = opts.executor ?? inThreadExecutor();
  const size = chunkSizeFor(n, ex.workers, opts.chunkSize);
  const positions = new Int32Array(3 * n);
  let done = 0;
  await ex.map(
    'positions',
    Math.ceil(n / size),
    (c) => {
      const lo = c * size;
      const hi = Math.min(n, lo + size);
      const chunk = new Uint8Array((hi - lo) * width);
      for (let i = lo; i < hi; i++) chunk.set(items[i] as Uint8Array, (i - lo) * width);
      return { nonces: checked, nPrime, width, items: chunk };
    },
    {
      onResult: (c, r: PositionsResult) => {
        positions.set(r.positions, 3 * c * size);
        done += r.positions.length / 3;
        opts.onProgress?.({ phase: 'layout', done, total: n });
      },
    },
  );
  return peelTable(positions, nPrime);
}

/**
 * `cellBases` (items.ts) with the hash-to-group of every filler and every placed item cut into
 * chunks and run on `opts.executor` (progress phase `hash`), and the subtractions, group
 * additions only, done here in reverse peeling order ({@link subtractPeeledRaw}) as the hashes
 * arrive: the fillers' chunks are sent first, then the items' from the last peeled, and an
 * item chunk's subtractions run once every filler chunk and every item chunk sent before it are
 * in (then its items' other two cells are final). With chunks completing about in the order
 * sent, the subtractions overlap the hashing and only the last chunk's are left at the end; in
 * any completion order the result is the same. The same elements as `cellBases`, as raw points
 * (src/core/parallel.ts `pointsToRaw`: `layout.size` of them, in cell order; 128 bytes each on
 * ristretto255, 96 on P-256). The builder's and the auditor's asynchronous versions start here.
 */
export async function cellBasesAsync(
  suite: Suite,
  items: readonly Uint8Array[],
  layout: TableLayout,
  fillerSeed: Uint8Array,
  opts: ParallelOptions = {},
): Promise<Uint8Array> {
  const ex = opts.executor ?? inThreadExecutor();
  const fillers = fillerCells(layout);
  const { order, free } = layout;
  const F = fillers.length;
  const I = order.length;
  const total = F + I;
  const size = chunkSizeFor(total, ex.workers, opts.chunkSize);
  const countF = Math.ceil(F / size);
  const countI = Math.ceil(I / size);
  // Item chunk `j` (map index `countF + j`) holds peeling positions `[lo, hi)`, from the end.
  const itemRange = (j: number): [number, number] => {
    const hi = I - j * size;
    return [Math.max(0, hi - size), hi];
  };
  const fw = fillerSeed.length + 4;
  const iw = I > 0 ? (items[order[0] as number] as Uint8Array).length : 1;
  const fdst = fillerDst(suite);
  const idst = itemDst(suite);
  const w = rawPointBytes(suite);
  // Every cell's point: the fillers' `H_F`, and `H(x)` in each placed item's free cell, which
  // the subtractions then turn into `B_c` in place.
  const B = new Uint8Array(layout.size * w);
  const arrived = new Uint8Array(countI);
  let fillersLeft = countF;
  let nextItems = 0; // the next item chunk to subtract
  const subtract = subtractor(suite, layout, B);
  const advance = () => {
    if (fillersLeft > 0) return;
    while (nextItems < countI && arrived[nextItems] === 1) {
      const [lo, hi] = itemRange(nextItems);
      subtract(lo, hi);
      nextItems++;
    }
  };
  let done = 0;
  await ex.map(
    'hash',
    countF + countI,
    (c) => {
      if (c < countF) {
        const lo = c * size;
        const hi = Math.min(F, lo + size);
        const msgs = new Uint8Array((hi - lo) * fw);
        for (let p = lo; p < hi; p++)
          msgs.set(fillerMessage(fillerSeed, fillers[p] as number), (p - lo) * fw);
        return { suite: suite.id, dst: fdst, width: fw, msgs };
      }
      const [lo, hi] = itemRange(c - countF);
      const msgs = new Uint8Array((hi - lo) * iw);
      for (let k = lo; k < hi; k++) {
        const x = items[order[k] as number] as Uint8Array;
        if (x.length !== iw) throw new RangeError('cellBasesAsync: items of different widths');
        msgs.set(x, (k - lo) * iw);
      }
      return { suite: suite.id, dst: idst, width: iw, msgs };
    },
    {
      onResult: (c, r: HashResult) => {
        const pts = r.points;
        const m = pts.length / w;
        if (c < countF) {
          for (let p = 0; p < m; p++) {
            const j = fillers[c * size + p] as number;
            B.set(pts.subarray(p * w, (p + 1) * w), j * w);
          }
          fillersLeft--;
        } else {
          const [lo] = itemRange(c - countF);
          for (let p = 0; p < m; p++) {
            const j = free[order[lo + p] as number] as number;
            B.set(pts.subarray(p * w, (p + 1) * w), j * w);
          }
          arrived[c - countF] = 1;
        }
        advance();
        done += m;
        opts.onProgress?.({ phase: 'hash', done, total });
      },
      discardResults: true, // copied into B above: not held twice
    },
  );
  advance(); // no chunk at all (an empty table), or only fillers
  if (nextItems !== countI) throw new Error('cellBasesAsync: a chunk of items never arrived');
  return B;
}

/**
 * `subtractPeeled` (items.ts) on raw points, in place: `B` holds every filler and, in each placed
 * item's free cell `c`, `H(x)`; in reverse peeling order, `B_c ← B_c − B_a − B_b`.
 */
export function subtractPeeledRaw(suite: Suite, layout: TableLayout, B: Uint8Array): void {
  subtractor(suite, layout, B)(0, layout.order.length);
}

/**
 * The subtractions of {@link subtractPeeledRaw} for peeling positions `[lo, hi)`, from `hi − 1`
 * down (ranges taken from the end). On ristretto255 on limbs (src/core/ristretto-limbs.ts
 * `subPoints`, with no bigint: branch-free limb arithmetic); on P-256 with the suite's points
 * (noble's additions). The bases are not public (the audit bundle goes to the NGOs only, and
 * `B_{p1} + B_{p2} + B_{p3} = H(x)` ties them to `X_int`): which cells are read and written
 * follows the layout, which depends on `X_int`, as in the synchronous build (docs/security.md
 * "Limb arithmetic", not claimed).
 */
function subtractor(
  suite: Suite,
  layout: TableLayout,
  B: Uint8Array,
): (lo: number, hi: number) => void {
  const { positions, order, free } = layout;
  const w = rawPointBytes(suite);
  if (B.length !== layout.size * w) throw new RangeError('subtractPeeledRaw: one point per cell');
  if (rawOnLimbs(suite)) {
    const acc = newRawScratch();
    const q = newRawScratch();
    return (lo, hi) => {
      for (let k = hi - 1; k >= lo; k--) {
        const i = order[k] as number;
        const c = free[i] as number;
        loadRawPoint(acc, B, c * w);
        for (let t = 3 * i; t < 3 * i + 3; t++) {
          const p = positions[t] as number;
          if (p === c) continue;
          loadRawPoint(q, B, p * w);
          subPoints(acc, acc, q);
        }
        storeRawPoint(B, c * w, acc);
      }
    };
  }
  const at = (j: number): Element =>
    rawToPoints(suite, B.subarray(j * w, (j + 1) * w))[0] as Element;
  return (lo, hi) => {
    for (let k = hi - 1; k >= lo; k--) {
      const i = order[k] as number;
      const c = free[i] as number;
      let b = at(c);
      for (let t = 3 * i; t < 3 * i + 3; t++) {
        const p = positions[t] as number;
        if (p !== c) b = b.subtract(at(p));
      }
      B.set(pointsToRaw(suite, [b]), c * w);
    }
  };
}
