/**
 * Two-party intersection with the quorum (k = 2, m = 2) for the comparison with OpenMined's psi.js
 * (issue 15; bench/README.md "Two-party comparison"): wall clock from parties created to
 * contributions done, in one process, with the element-wise work in this thread or on a worker
 * pool. Each list holds N items, half of them shared; the qualifying items are checked.
 *
 *   npx tsx bench/compare/two-party.ts [N,…] [suite] [workers,…]
 *   e.g. npx tsx bench/compare/two-party.ts 2000,20000 ristretto255 1,2
 * @module
 */
import { availableParallelism, cpus } from 'node:os';
import { sha256 } from '@noble/hashes/sha2.js';
import { findSuite } from '../../src/core/group.js';
import type { Executor } from '../../src/core/parallel.js';
import { generateSigningKeyPair } from '../../src/core/sign.js';
import { createWorkerPool } from '../../src/node/worker-pool.js';
import {
  assembleBulletin,
  createQuorumRoster,
  NgoParty,
  startRunLocally,
} from '../../src/quorum/ngo.js';

const te = new TextEncoder();
const item = (t: string, i: number) => sha256(te.encode(`${t}/${i}`)).slice(0, 16);

async function once(N: number, suiteName: string, workers: number): Promise<number> {
  const suite = findSuite(suiteName);
  if (!suite) throw new Error(`unknown suite ${suiteName}`);
  const keys = ['A', 'B'].map((j) => ({ j, kp: generateSigningKeyPair() }));
  const roster = createQuorumRoster({
    suite,
    deploymentId: te.encode('two-party-bench'),
    m: 2,
    itemWidth: 16,
    members: keys.map((k) => ({ jurisdiction: k.j, signingPublicKey: k.kp.publicKey })),
  });
  const { config } = startRunLocally(
    roster,
    keys.map((k) => k.kp.secretKey),
  );
  const shared = Array.from({ length: N / 2 }, (_, i) => item('s', i));
  const lists = ['a', 'b'].map((t) => [
    ...shared,
    ...Array.from({ length: N / 2 }, (_, i) => item(t, i)),
  ]);
  const pool = workers > 1 ? createWorkerPool({ workers }) : null;
  const opts: { executor?: Executor } = pool ? { executor: pool } : {};
  try {
    const t0 = performance.now();
    const parties = lists.map(
      (l, i) => new NgoParty(config, i, keys[i]?.kp.secretKey as Uint8Array, l),
    );
    const commitments = parties.map((p) => p.commit());
    for (const p of parties) p.receiveCommitments(commitments);
    const stage0 = [];
    for (const p of parties) stage0.push(await p.maskOwnListAsync(opts));
    const finals = [
      await (parties[1] as NgoParty).processHopAsync(stage0[0] as Uint8Array, 0, opts),
      await (parties[0] as NgoParty).processHopAsync(stage0[1] as Uint8Array, 1, opts),
    ];
    const board = assembleBulletin(config, finals);
    for (const p of parties) {
      const q = await p.qualifyAsync(board, opts);
      if (q.length !== N / 2) throw new Error(`qualified ${q.length}, expected ${N / 2}`);
    }
    for (const p of parties) p.contribute();
    return (performance.now() - t0) / 1000;
  } finally {
    await pool?.close();
  }
}

const sizes = (process.argv[2] ?? '2000').split(',').map(Number);
const suiteName = process.argv[3] ?? 'ristretto255';
const workerCounts = (process.argv[4] ?? `1,${availableParallelism()}`).split(',').map(Number);
console.log(
  `# ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`,
);
for (const N of sizes) {
  for (const w of workerCounts) {
    const s = await once(N, suiteName, w);
    console.log(`quorum k=2 m=2 ${suiteName} n=${N} workers=${w}: ${s.toFixed(2)} s`);
  }
}
