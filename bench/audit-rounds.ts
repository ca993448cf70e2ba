/**
 * Where a pooled audit spends its time (issue 15): `auditDatabaseAsync` of one database of N
 * items in this thread (the in-thread executor: what `--workers 1` runs), on a worker pool of
 * 1 thread and on one of 2, interleaved for R rounds (the order rotating), with each round's
 * phase timestamps (first and last progress event of `layout`, `hash`, `encode`, `verify`, in ms
 * from the call) and two speed-ups: from `--workers 1` to `--workers 2` (this thread ÷ pool of
 * 2), and from a pool of 1 thread to a pool of 2 (stricter: with a pool of 1, what runs in the
 * calling thread overlaps the pool's thread on the second core), with the machine's ceiling for
 * a speed-up measured after each round (bench/ceiling.ts). Not part of `npm run bench`:
 *
 *   npx tsx bench/audit-rounds.ts [N=10000] [R=6] [chunkSize]
 *
 * The database is built once on the 2-thread pool (ristretto255, a small real quorum run binds
 * the table's nonces); every verdict is checked ok. `node --single-threaded-gc --import tsx
 * bench/audit-rounds.ts` runs the same with V8's collector on the calling thread only.
 * @module
 */
import { availableParallelism, cpus } from 'node:os';
import { inThreadExecutor, type Progress } from '../src/core/parallel.js';
import { ristretto255Sha512 as suite } from '../src/core/ristretto255.js';
import { generateReviewerKeyPair } from '../src/core/seal.js';
import { auditDatabaseAsync, encodeAuditBundle } from '../src/database/audit.js';
import { buildDatabaseAsync } from '../src/database/builder.js';
import { createWorkerPool } from '../src/node/worker-pool.js';
import { parallelCeiling } from './ceiling.js';
import { benchItem, benchParams, benchPolicy, quorumRun } from './db-world.js';

const N = Number(process.argv[2] ?? 10_000);
const R = Number(process.argv[3] ?? 6);
const chunkSize = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
if (!Number.isSafeInteger(N) || N < 1 || !Number.isSafeInteger(R) || R < 1)
  throw new Error('usage: [N] [rounds] [chunkSize]');

const item = benchItem;
console.log(
  `# ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}; ${suite.shortName}, ${N} items, ${R} rounds${chunkSize ? `, chunks of ${chunkSize}` : ''}${process.execArgv.includes('--single-threaded-gc') ? ', --single-threaded-gc' : ''}`,
);
const run = quorumRun(
  suite,
  'audit-rounds',
  Array.from({ length: 8 }, (_, i) => item(9e6 + i)),
);
const { contributions, runId } = run;
const reviewer = generateReviewerKeyPair();
const pools = [createWorkerPool({ workers: 1 }), createWorkerPool({ workers: 2 })] as const;
/** What `--workers 1` runs (this thread), then the two pools. */
const executors = [inThreadExecutor(), ...pools] as const;
try {
  const built = await buildDatabaseAsync(
    Array.from({ length: N }, (_, i) => item(i)),
    {
      suite,
      params: benchParams(reviewer.publicKey),
      contributions,
      runId,
      executor: pools[1],
    },
  );
  const bundle = encodeAuditBundle(built, { version: 1 });
  const policy = benchPolicy(run, reviewer.publicKey);

  const audit = async (which: 0 | 1 | 2) => {
    const phases = new Map<Progress['phase'], [number, number]>();
    const t0 = performance.now();
    const verdict = await auditDatabaseAsync(built.publicData, bundle, {
      claimedRoot: built.root,
      qualifiedItems: () => built.items,
      policy,
      executor: executors[which],
      ...(chunkSize ? { chunkSize } : {}),
      onProgress: (p) => {
        const t = performance.now() - t0;
        const e = phases.get(p.phase) ?? [t, t];
        e[1] = t;
        phases.set(p.phase, e);
      },
    });
    const ms = performance.now() - t0;
    if (!verdict.ok) throw new Error(`audit failed: ${JSON.stringify(verdict)}`);
    const line = [...phases].map(([k, [a, b]]) => `${k} ${a.toFixed(0)}–${b.toFixed(0)}`);
    return { ms, line: `${line.join('  ')}  end ${ms.toFixed(0)}` };
  };
  type Timed = Awaited<ReturnType<typeof audit>>;
  // Warm-up: the threads load their modules and JIT the kernels.
  for (let r = 0; r < 3; r++) for (const w of [0, 1, 2] as const) await audit(w);
  const workerRatios: number[] = [];
  const poolRatios: number[] = [];
  const ceilings: number[] = [];
  for (let r = 0; r < R; r++) {
    // The order rotates every round, so that none of the three always runs first.
    const got: Timed[] = [];
    for (let t = 0; t < 3; t++) {
      const w = ((r + t) % 3) as 0 | 1 | 2;
      got[w] = await audit(w);
    }
    const [here, one, two] = got as [Timed, Timed, Timed];
    workerRatios.push(here.ms / two.ms);
    poolRatios.push(one.ms / two.ms);
    const ceiling = await parallelCeiling(pools[0], pools[1]);
    ceilings.push(ceiling);
    const s = (x: number) => `${(x / 1000).toFixed(2)} s`;
    console.log(
      `round ${r + 1}: this thread ${s(here.ms)}, pool of 1 ${s(one.ms)}, pool of 2 ${s(two.ms)}; speed-up --workers 1 → 2 ${(here.ms / two.ms).toFixed(2)}×, pool of 1 → 2 ${(one.ms / two.ms).toFixed(2)}×; machine ceiling ${ceiling.toFixed(2)}×`,
    );
    console.log(`  this thread: ${here.line}`);
    console.log(`  pool of 1:   ${one.line}`);
    console.log(`  pool of 2:   ${two.line}`);
  }
  const median = (xs: number[]) => {
    const v = [...xs].sort((a, b) => a - b);
    const mid = v.length >> 1;
    return v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
  };
  const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');
  console.log(
    `median speed-up --workers 1 → 2 (this thread ÷ pool of 2): ${median(workerRatios).toFixed(2)}× (${list(workerRatios)})`,
  );
  console.log(
    `median speed-up pool of 1 → pool of 2: ${median(poolRatios).toFixed(2)}× (${list(poolRatios)})`,
  );
  console.log(
    `median machine ceiling (bench/ceiling.ts, one per round): ${median(ceilings).toFixed(2)}× (${list(ceilings)})`,
  );
} finally {
  await Promise.all(pools.map((p) => p.close()));
}
