/**
 * The database build and audit at scale (issue 15): `buildDatabaseAsync` and then
 * `auditDatabaseAsync` of N items on a worker pool, each timed, with the process's peak RSS
 * (sampled every 50 ms) and the machine. Not part of `npm run bench` (minutes at 10^6):
 *
 *   npx tsx bench/scale-database.ts [N=1000000] [suite=ristretto255] [workers=2] [steps=build,audit]
 *
 * `steps` = `build` stops after the build (at 10^7 items the audit, in the same process with
 * the built database still held, would need more memory than the 23 GB reference machine has).
 *
 * The items are synthetic 32-byte strings; the quorum run that binds the table's nonces is a
 * small local one (its contributions are not what is measured).
 * @module
 */
import { availableParallelism, cpus } from 'node:os';
import { findSuite } from '../src/core/group.js';
import { generateReviewerKeyPair } from '../src/core/seal.js';
import { auditDatabaseAsync, encodeAuditBundle } from '../src/database/audit.js';
import { buildDatabaseAsync } from '../src/database/builder.js';
import { createWorkerPool } from '../src/node/worker-pool.js';
import { benchItem, benchParams, benchPolicy, quorumRun } from './db-world.js';

const N = Number(process.argv[2] ?? 1_000_000);
const suite = findSuite(process.argv[3] ?? 'ristretto255');
const workers = Number(process.argv[4] ?? 2);
const steps = process.argv[5] ?? 'build,audit';
if (!suite || !Number.isSafeInteger(N) || N < 1 || !['build', 'build,audit'].includes(steps))
  throw new Error('usage: [N] [suite] [workers] [steps=build,audit | build]');

const item = benchItem;
const mb = (x: number) => `${(x / 2 ** 20).toFixed(0)} MB`;
let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 50);

console.log(
  `# ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}; ${suite.shortName}, ${N} items, ${workers} threads`,
);
// The quorum run that binds the table's nonces: a small one (its contributions are not measured).
const run = quorumRun(
  suite,
  'scale-database',
  Array.from({ length: 8 }, (_, i) => item(9e6 + i)),
);
const { contributions, runId } = run;
const reviewer = generateReviewerKeyPair();
const xs = Array.from({ length: N }, (_, i) => item(i));
const pool = createWorkerPool({ workers });
try {
  peak = 0;
  let t0 = performance.now();
  const built = await buildDatabaseAsync(xs, {
    suite,
    params: benchParams(reviewer.publicKey),
    contributions,
    runId,
    executor: pool,
  });
  const buildS = (performance.now() - t0) / 1000;
  console.log(
    `build: ${buildS.toFixed(1)} s, ${built.publicData.length} bytes of public data, ${built.dropped.length} dropped, peak RSS ${mb(peak)}`,
  );
  if (steps === 'build,audit') {
    const bundle = encodeAuditBundle(built, { version: 1 });
    const policy = benchPolicy(run, reviewer.publicKey);

    peak = 0;
    t0 = performance.now();
    const verdict = await auditDatabaseAsync(built.publicData, bundle, {
      claimedRoot: built.root,
      qualifiedItems: () => built.items,
      policy,
      executor: pool,
    });
    const auditS = (performance.now() - t0) / 1000;
    if (!verdict.ok) throw new Error(`audit failed: ${JSON.stringify(verdict)}`);
    console.log(`audit: ${auditS.toFixed(1)} s, verdict ok, peak RSS ${mb(peak)}`);
  }
} finally {
  clearInterval(sampler);
  await pool.close();
}
