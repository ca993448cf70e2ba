/**
 * Where a pooled audit spends its time (issue 15): `auditDatabaseAsync` of one database of N
 * items on a worker pool of 1 thread and one of 2, interleaved for R rounds, with each round's
 * phase timestamps (first and last progress event of `layout`, `hash`, `encode`, `verify`, in ms
 * from the call) and the speed-up from 1 to 2 threads. Not part of `npm run bench`:
 *
 *   npx tsx bench/audit-rounds.ts [N=10000] [R=6] [chunkSize]
 *
 * The database is built once on the 2-thread pool (ristretto255, a small real quorum run binds
 * the table's nonces); every verdict is checked ok. `node --single-threaded-gc --import tsx
 * bench/audit-rounds.ts` runs the same with V8's collector on the calling thread only.
 * @module
 */
import { availableParallelism, cpus } from 'node:os';
import type { Progress } from '../src/core/parallel.js';
import { ristretto255Sha512 as suite } from '../src/core/ristretto255.js';
import { generateReviewerKeyPair } from '../src/core/seal.js';
import { auditDatabaseAsync, encodeAuditBundle } from '../src/database/audit.js';
import { buildDatabaseAsync } from '../src/database/builder.js';
import { createWorkerPool } from '../src/node/worker-pool.js';
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

  const audit = async (which: 0 | 1) => {
    const phases = new Map<Progress['phase'], [number, number]>();
    const t0 = performance.now();
    const verdict = await auditDatabaseAsync(built.publicData, bundle, {
      claimedRoot: built.root,
      qualifiedItems: () => built.items,
      policy,
      executor: pools[which],
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
  // Warm-up: the threads load their modules and JIT the kernels.
  for (let r = 0; r < 3; r++) for (const w of [0, 1] as const) await audit(w);
  const ratios: number[] = [];
  for (let r = 0; r < R; r++) {
    const one = await audit(0);
    const two = await audit(1);
    ratios.push(one.ms / two.ms);
    console.log(
      `round ${r + 1}: 1 thread ${(one.ms / 1000).toFixed(2)} s, 2 threads ${(two.ms / 1000).toFixed(2)} s, speed-up ${(one.ms / two.ms).toFixed(2)}×`,
    );
    console.log(`  1 thread:  ${one.line}`);
    console.log(`  2 threads: ${two.line}`);
  }
  ratios.sort((a, b) => a - b);
  const mid = ratios.length >> 1;
  const median =
    ratios.length % 2
      ? (ratios[mid] as number)
      : ((ratios[mid - 1] as number) + (ratios[mid] as number)) / 2;
  console.log(
    `median speed-up 1 → 2 threads: ${median.toFixed(2)}× (${ratios.map((x) => x.toFixed(2)).join(', ')})`,
  );
} finally {
  await Promise.all(pools.map((p) => p.close()));
}
