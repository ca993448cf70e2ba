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
  coordsPerElement,
  type Executor,
  elementCoords,
  elementsFromCoords,
  type HashResult,
  inThreadExecutor,
  newJobId,
  type ParallelOptions,
  type Progress,
} from '../core/parallel.js';
import type { Element, Suite } from '../core/suite.js';
import { fillerCells, fillerDst, fillerMessage, itemDst, subtractPeeled } from './items.js';
import type { TableLayout } from './table.js';

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
 * Round `bases`: every `B_j` encoded and, with `k`, multiplied by `k` (constant time) and encoded
 * as a cell; each thread keeps its chunk's points for {@link cellComposites}. Returns the
 * results in chunk order.
 */
export function encodeBases(
  c: CellChunks,
  suite: Suite,
  B: readonly Element[],
  k: bigint | null,
  phase: Progress['phase'],
): Promise<BasesResult[]> {
  return c.ex.map(
    'bases',
    c.count,
    (i) => {
      const [lo, hi] = c.range(i);
      return {
        suite: suite.id,
        k,
        from: lo,
        coords: elementCoords(suite, B.slice(lo, hi)),
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
 * `cellBases` (items.ts) with the hash-to-group of every filler and every placed item cut into chunks
 * and run on `opts.executor` (progress phase `hash`); the subtractions, group additions only,
 * follow here in reverse peeling order ({@link subtractPeeled}). The same elements as
 * `cellBases` (items.ts). The builder's and the auditor's asynchronous versions start here.
 */
export async function cellBasesAsync(
  suite: Suite,
  items: readonly Uint8Array[],
  layout: TableLayout,
  fillerSeed: Uint8Array,
  opts: ParallelOptions = {},
): Promise<Element[]> {
  const ex = opts.executor ?? inThreadExecutor();
  const fillers = fillerCells(layout);
  const { order } = layout;
  const F = fillers.length;
  const I = order.length;
  const total = F + I;
  const size = chunkSizeFor(total, ex.workers, opts.chunkSize);
  const countF = Math.ceil(F / size);
  const countI = Math.ceil(I / size);
  const fw = fillerSeed.length + 4;
  const iw = I > 0 ? (items[order[0] as number] as Uint8Array).length : 1;
  const fdst = fillerDst(suite);
  const idst = itemDst(suite);
  const w = coordsPerElement(suite);
  let done = 0;
  const results = await ex.map(
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
      const lo = (c - countF) * size;
      const hi = Math.min(I, lo + size);
      const msgs = new Uint8Array((hi - lo) * iw);
      for (let k = lo; k < hi; k++) {
        const x = items[order[k] as number] as Uint8Array;
        if (x.length !== iw) throw new RangeError('cellBasesAsync: items of different widths');
        msgs.set(x, (k - lo) * iw);
      }
      return { suite: suite.id, dst: idst, width: iw, msgs };
    },
    {
      onResult: (_c, r) => {
        done += r.coords.length / w;
        opts.onProgress?.({ phase: 'hash', done, total });
      },
    },
  );
  const B: Element[] = new Array(layout.size);
  for (let c = 0; c < countF; c++) {
    const pts = elementsFromCoords(suite, (results[c] as HashResult).coords);
    for (let p = 0; p < pts.length; p++) B[fillers[c * size + p] as number] = pts[p] as Element;
  }
  const H: Element[] = new Array(I);
  for (let c = 0; c < countI; c++) {
    const pts = elementsFromCoords(suite, (results[countF + c] as HashResult).coords);
    for (let p = 0; p < pts.length; p++) H[c * size + p] = pts[p] as Element;
  }
  return subtractPeeled(layout, B, (k) => H[k] as Element);
}
