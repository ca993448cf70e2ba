/**
 * The two rounds of chunks a parallel build and a parallel audit share (issue 15;
 * `buildDatabaseAsync`, `auditDatabaseAsync`): the cells' bases encoded (and, for the builder,
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
  elementCoords,
  newJobId,
  type ParallelOptions,
  type Progress,
} from '../core/parallel.js';
import type { Element, Suite } from '../core/suite.js';

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
