#!/usr/bin/env node
// The worker pool from the packed package (issue 15), as ESM and as CommonJS, in a scratch
// project that has it installed: a two-party ring whose hops run on `quorum-psi/workers` threads
// (dist/node/worker.js, found beside the pool) must give the same bytes as the synchronous
// methods with the same randomness, and the process must exit by itself.
// Usage: node scripts/smoke-workers.mjs [scratchDir]
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = resolve(process.argv[2] ?? process.cwd());
const require = createRequire(join(dir, 'package.json'));

/** A deterministic byte stream (SHA-256 of seed ‖ counter), so two runs draw the same secrets. */
function seeded(sha256, seed) {
  let counter = 0;
  let pool = new Uint8Array(0);
  return (n) => {
    const out = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      if (pool.length === 0) pool = sha256(new TextEncoder().encode(`${seed}/${counter++}`));
      const take = Math.min(pool.length, n - off);
      out.set(pool.subarray(0, take), off);
      pool = pool.subarray(take);
      off += take;
    }
    return out;
  };
}

async function ring(load, useWorkers) {
  const ngo = await load('quorum-psi/ngo');
  const group = await load('quorum-psi/group');
  const sign = await load('quorum-psi/sign');
  const { createWorkerPool } = await load('quorum-psi/workers');
  const { sha256 } = await load('@noble/hashes/sha2.js');
  const rng = seeded(sha256, 'smoke-workers');
  const keys = ['A', 'B'].map((j) => ({ j, kp: sign.generateSigningKeyPair(rng) }));
  const roster = ngo.createQuorumRoster({
    suite: group.ristretto255Sha512,
    deploymentId: new TextEncoder().encode('smoke-workers'),
    m: 2,
    itemWidth: 8,
    members: keys.map((k) => ({ jurisdiction: k.j, signingPublicKey: k.kp.publicKey })),
  });
  const { config } = ngo.startRunLocally(
    roster,
    keys.map((k) => k.kp.secretKey),
    { rng },
  );
  const item = (t, i) => new TextEncoder().encode(`${t}${i}`.padEnd(8, '.'));
  const lists = ['a', 'b'].map((t) => [...[0, 1, 2, 3, 4].map((i) => item('s', i)), item(t, 9)]);
  const parties = lists.map((l, i) => new ngo.NgoParty(config, i, keys[i].kp.secretKey, l, rng));
  const commitments = parties.map((p) => p.commit());
  for (const p of parties) p.receiveCommitments(commitments);
  const pool = useWorkers ? createWorkerPool({ workers: 2 }) : null;
  const opts = pool ? { executor: pool, chunkSize: 2 } : {};
  try {
    const s0 = [];
    for (const p of parties) s0.push(await p.maskOwnListAsync(opts));
    const finals = [
      await parties[1].processHopAsync(s0[0], 0, opts),
      await parties[0].processHopAsync(s0[1], 1, opts),
    ];
    const board = ngo.assembleBulletin(config, finals);
    const qualified = [];
    for (const p of parties) qualified.push((await p.qualifyAsync(board, opts)).length);
    return { board: Buffer.from(board).toString('hex'), qualified };
  } finally {
    await pool?.close();
  }
}

const formats = {
  ESM: (id) => import(pathToFileURL(require.resolve(id)).href),
  CJS: async (id) => require(id),
};
for (const [name, load] of Object.entries(formats)) {
  const inThread = await ring(load, false);
  const onThreads = await ring(load, true);
  if (inThread.board !== onThreads.board || inThread.qualified.join() !== '5,5') {
    console.error(`smoke-workers: ${name}: the pool's board differs from this thread's`);
    process.exit(1);
  }
  console.log(
    `smoke-workers: ${name}: a two-party ring on 2 worker threads gives this thread's bytes`,
  );
}
