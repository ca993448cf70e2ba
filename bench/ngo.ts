/**
 * Benchmark rows of the NGO quorum (SPEC §3, §10), against the raw noble operations a ring hop
 * cannot avoid, timed interleaved in the same run:
 * - `<suite>.ngo.hop.element`: one ring hop over a batch of N elements (strict decode of the
 *   incoming and previous stage, stage signatures, verification of the incoming batched DLEQ
 *   proof, N constant-time multiplications, encodes, the outgoing batched proof, signing and
 *   framing) ÷ N; the party's set-up (keys, commitment round) is done before timing.
 *   Floor per element: 1 decode + 1 CT multiplication + 1 encode (raw noble).
 * - `<suite>.ngo.dleq.verify.element`: verifying one batched hop proof over N elements ÷ N
 *   (inputs already decoded), against the same per-element hop floor.
 * - `<suite>.ngo.hop.thread.element`, `.pool1.element`, `.pool2.element`: the same hop by
 *   `processHopAsync` in this thread (the in-thread executor, what `--workers 1` runs) and on a
 *   worker pool (src/node/worker-pool.ts) of 1 and 2 threads, over a batch of 10,000 (1,000
 *   with `--quick`; the CLI starts a pool from 4,096 elements) ÷ its size, timed interleaved
 *   with the synchronous `processHop` (rounds rotate sync, this thread, pool 1, pool 2). The
 *   thread and pool-1 rows' floor is the synchronous hop, the pool-2 row's floor the pool-1
 *   hop, so its ratio is the inverse of the speed-up from a pool of 1 thread to 2; its note
 *   gives that speed-up and the one from `--workers 1` to `--workers 2` (this thread ÷ pool of
 *   2), and the machine's ceiling for a speed-up, measured after each round (bench/ceiling.ts).
 *   Every timed hop's output is checked equal to the synchronous one.
 * - `<suite>.ngo.quorum.3xNk`: three NGOs with N items each, the whole quorum (commit, mask, ring,
 *   board, full board verification by every party, qualify, contribute); the note extrapolates
 *   linearly to a million items per NGO (every step is linear in the list size).
 * - `<suite>.ngo.quorum.3x100k` (only when named by `--filter`, e.g. `--filter ngo.quorum.3x100k`):
 *   the same quorum with 10^5 items per NGO through the asynchronous methods on a pool of 2
 *   threads; the note gives the peak RSS and the time per party extrapolated to 10^6 items.
 * Step 0 of every run (k signed run nonces and the run id, SPEC v2 §3; independent of N) is
 * set-up, done once per suite before any timing.
 * @module
 */
import { ristretto255 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { verifyProof } from '../src/core/dleq.js';
import { type Element, p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import { inThreadExecutor } from '../src/core/parallel.js';
import { generateSigningKeyPair } from '../src/core/sign.js';
import { equalBytes, type Rng } from '../src/core/utils.js';
import { createWorkerPool, type WorkerPool } from '../src/node/worker-pool.js';
import {
  assembleBulletin,
  createQuorumRoster,
  hopDleqConfig,
  hopProofBinding,
  NgoParty,
  type QuorumConfig,
  runQuorumLocally,
  startRunLocally,
} from '../src/quorum/ngo.js';
import {
  decodeElementList,
  decodeNgoChain,
  decodeNgoCommitment,
  elementViews,
  type NgoStage,
} from '../src/quorum/ngo-messages.js';
import { parallelCeiling } from './ceiling.js';
import {
  type BenchContext,
  type BenchRow,
  compare,
  fmtTime,
  median,
  perElement,
  row,
  wants,
} from './harness.js';

// biome-ignore lint/suspicious/noExplicitAny: raw noble points for the floors (two curve types).
type NoblePoint = any;
const RAW: Record<string, { Point: NoblePoint; enc: (P: NoblePoint) => Uint8Array }> = {
  ristretto255: { Point: ristretto255.Point, enc: (P) => P.toBytes() },
  p256: { Point: p256.Point, enc: (P) => P.toBytes(true) },
};

function seededRng(seed: string): Rng {
  let ctr = 0;
  return (n: number) => {
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += 32) {
      out.set(
        sha256(new TextEncoder().encode(`${seed}/${ctr++}`)).subarray(0, Math.min(32, n - off)),
        off,
      );
    }
    return out;
  };
}

function items(n: number, tag: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => {
    const b = new Uint8Array(16);
    new DataView(b.buffer).setUint32(0, i);
    b[15] = tag;
    return b;
  });
}

interface Setup {
  config: QuorumConfig;
  keys: { secretKey: Uint8Array; publicKey: Uint8Array }[];
}

function setup(suite: Suite, k: number): Setup {
  const keys = Array.from({ length: k }, (_, i) => generateSigningKeyPair(seededRng(`sig${i}`)));
  const roster = createQuorumRoster({
    suite,
    deploymentId: new TextEncoder().encode('bench'),
    m: 2,
    itemWidth: 16,
    members: keys.map((kp, i) => ({ jurisdiction: `J${i}`, signingPublicKey: kp.publicKey })),
  });
  // Step 0 (signed run nonces, the run id) is set-up: never timed.
  const { config } = startRunLocally(
    roster,
    keys.map((kp) => kp.secretKey),
    { rng: seededRng('run') },
  );
  return { config, keys };
}

/** Parties with a fixed seed: a fresh one is identical to the last (same k_i, same commitment). */
function party(s: Setup, i: number, list: Uint8Array[]): NgoParty {
  return new NgoParty(
    s.config,
    i,
    (s.keys[i] as { secretKey: Uint8Array }).secretKey,
    list,
    seededRng(`party${i}`),
  );
}

/**
 * `processHop` against `processHopAsync` in this thread (the in-thread executor: what
 * `--workers 1` runs) and on pools of 1 and 2 threads: party 2's hop of list 0 (after stage 1)
 * over `N` elements, `rounds` rounds, the order of the four rotating every round; one fresh
 * party 2 per timed call (set-up not timed). Returns the per-element rows and two speed-ups
 * (medians over rounds): from 1 to 2 workers as `--workers` counts them (this thread ÷ pool of
 * 2), and from a pool of 1 thread to a pool of 2 (stricter: a pool of 1 thread still leaves the
 * calling thread's share of the work to the second core).
 */
/** The batch of the pool rows (without `--quick`). */
const POOL_BATCH = 10_000;

async function poolRows(suite: Suite, N: number, rounds: number): Promise<BenchRow[]> {
  const sn = suite.shortName;
  const s = setup(suite, 3);
  const lists = [items(N, 0), items(N, 1), items(N, 2)];
  const ps = lists.map((l, i) => party(s, i, l));
  const commitments = ps.map((p) => p.commit());
  for (const p of ps) p.receiveCommitments(commitments);
  const stage1 = (ps[1] as NgoParty).processHop((ps[0] as NgoParty).maskOwnList(), 0);
  const fresh = () => {
    const p2 = party(s, 2, lists[2] as Uint8Array[]);
    p2.commit();
    p2.receiveCommitments(commitments);
    return p2;
  };
  const reference = fresh().processHop(stage1, 1);
  const pools: WorkerPool[] = [createWorkerPool({ workers: 1 }), createWorkerPool({ workers: 2 })];
  try {
    const variants: { name: string; hop: (p: NgoParty) => Promise<Uint8Array> }[] = [
      { name: 'sync', hop: async (p) => p.processHop(stage1, 1) },
      {
        name: 'thread',
        hop: (p: NgoParty) => p.processHopAsync(stage1, 1, { executor: inThreadExecutor() }),
      },
      ...pools.map((pool) => ({
        name: `pool${pool.workers}`,
        hop: (p: NgoParty) => p.processHopAsync(stage1, 1, { executor: pool }),
      })),
    ];
    // Warm-up: threads load their modules and JIT the kernels (three calls each: with one, the
    // pool's first timed rounds still ran partly unoptimised); outputs checked.
    for (let w = 0; w < 3; w++)
      for (const v of variants) {
        const out = await v.hop(fresh());
        if (!equalBytes(out, reference))
          throw new Error(`bench: ${v.name} hop differs from processHop`);
      }
    const times: number[][] = variants.map(() => []);
    const ceilings: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (let t = 0; t < variants.length; t++) {
        const j = (r + t) % variants.length;
        const p = fresh();
        const t0 = performance.now();
        const out = await (variants[j] as (typeof variants)[number]).hop(p);
        (times[j] as number[]).push((performance.now() - t0) / N);
        if (!equalBytes(out, reference))
          throw new Error('bench: a timed hop differs from processHop');
      }
      ceilings.push(await parallelCeiling(pools[0] as WorkerPool, pools[1] as WorkerPool));
    }
    const ceiling = `machine ceiling ${median(ceilings).toFixed(2)}×`;
    const [sync, thread, one, two] = times as [number[], number[], number[], number[]];
    const ratio = (a: number[], b: number[]) => median(a.map((x, i) => x / (b[i] as number)));
    const speedUp = ratio(thread, two);
    const poolSpeedUp = ratio(one, two);
    process.stderr.write(
      `  ${sn}.ngo.hop: sync ${fmtTime(median(sync))}, this thread ${fmtTime(median(thread))}, pool of 1 ${fmtTime(median(one))}, pool of 2 ${fmtTime(median(two))} per element; speed-up --workers 1 → 2 ${speedUp.toFixed(2)}×, pool of 1 → 2 threads ${poolSpeedUp.toFixed(2)}×; ${ceiling} (${ceilings.map((c) => c.toFixed(2)).join(', ')})\n`,
    );
    return [
      row(
        `${sn}.ngo.hop.thread.element`,
        median(thread),
        { name: 'processHop (sync)', msPerOp: median(sync), ratio: ratio(thread, sync) },
        `processHopAsync in this thread (--workers 1), batch of ${N}, ${rounds} rounds`,
      ),
      row(
        `${sn}.ngo.hop.pool1.element`,
        median(one),
        { name: 'processHop (sync)', msPerOp: median(sync), ratio: ratio(one, sync) },
        `batch of ${N}, ${rounds} rounds`,
      ),
      row(
        `${sn}.ngo.hop.pool2.element`,
        median(two),
        { name: 'pool of 1 thread', msPerOp: median(one), ratio: ratio(two, one) },
        `speed-up --workers 1 → 2 ${speedUp.toFixed(2)}×; pool of 1 → 2 threads ${poolSpeedUp.toFixed(2)}×; ${ceiling}`,
      ),
    ];
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const N = ctx.quick ? 100 : 1000;
  const Q = ctx.quick ? 1000 : 10_000;
  const opts = { samples: ctx.quick ? 3 : 7, warmupMs: 0, minMs: 0 };
  for (const suite of [ristretto255Sha512, p256Sha256]) {
    const sn = suite.shortName;
    const raw = RAW[sn] as { Point: NoblePoint; enc: (P: NoblePoint) => Uint8Array };
    const hopName = `${sn}.ngo.hop.element`;
    const verName = `${sn}.ngo.dleq.verify.element`;
    const qName = `${sn}.ngo.quorum.3x${Q / 1000}k`;
    if (wants(ctx, hopName) || wants(ctx, verName)) {
      // List 0 after stage 1 (party 1), to be processed by party 2: one proof to verify.
      const s = setup(suite, 3);
      const lists = [items(N, 0), items(N, 1), items(N, 2)];
      const ps = lists.map((l, i) => party(s, i, l));
      const commitments = ps.map((p) => p.commit());
      for (const p of ps) p.receiveCommitments(commitments);
      const stage1 = (ps[1] as NgoParty).processHop((ps[0] as NgoParty).maskOwnList(), 0);
      const chain = decodeNgoChain(stage1);
      const last = chain.stages[1] as NgoStage;
      const Ne = suite.elementLength;
      const lastViews = elementViews(last.list, N, Ne);
      const k = suite.randomScalar(seededRng('floor'));
      const floor = () => {
        let acc = 0;
        for (let i = 0; i < N; i++)
          acc ^= raw.enc(raw.Point.fromBytes(lastViews[i]).multiply(k))[0] as number;
        return acc;
      };
      const floorName = '1 decode + 1 mul + 1 encode';
      if (wants(ctx, hopName)) {
        // A party processes a list once (replay protection), so every call needs a fresh
        // party 2. Its set-up (keys, commitment round) is not part of the hop: parties for the
        // warm-up and every sample are prepared before timing; if the pool ever ran dry, the
        // set-up would be timed too (never under-reporting).
        const fresh = () => {
          const p2 = party(s, 2, lists[2] as Uint8Array[]);
          p2.commit();
          p2.receiveCommitments(commitments);
          return p2;
        };
        const pool = Array.from({ length: opts.samples + 2 }, fresh);
        const hop = () => (pool.pop() ?? fresh()).processHop(stage1, 1);
        rows.push({
          ...perElement(compare(hopName, hop, floorName, floor, opts), N),
          note: `batch of ${N}`,
        });
      }
      if (wants(ctx, verName)) {
        const C = decodeElementList(suite, (chain.stages[0] as NgoStage).list, N);
        const D = decodeElementList(suite, last.list, N);
        const Cb = elementViews((chain.stages[0] as NgoStage).list, N, Ne);
        const K1 = decodeNgoCommitment(commitments[1] as Uint8Array).maskingKey as Element;
        const cfg = hopDleqConfig(s.config, 0, 1);
        // Hop proofs are bound to (session, owner, stage) and to both stages (SPEC v2 §2.1).
        const binding = hopProofBinding(s.config, 0, 1);
        const verify = () => {
          if (
            !verifyProof(
              suite,
              cfg,
              { A: suite.G, B: K1, C, D, Cbytes: Cb, Dbytes: lastViews, binding },
              last.proof as Uint8Array,
            )
          ) {
            throw new Error('bench: proof does not verify');
          }
        };
        rows.push({
          ...perElement(compare(verName, verify, floorName, floor, opts), N),
          note: `batch of ${N}, decoded inputs`,
        });
      }
    }
    if (['thread', 'pool1', 'pool2'].some((v) => wants(ctx, `${sn}.ngo.hop.${v}.element`))) {
      // A batch the pool is for: the CLI runs lists under POOL_MIN_ELEMENTS (4,096) in the
      // calling thread, where a pool's start and its per-chunk costs outweigh the second core.
      rows.push(...(await poolRows(suite, ctx.quick ? 1000 : POOL_BATCH, ctx.quick ? 3 : 7)));
    }
    if (wants(ctx, qName)) {
      const s = setup(suite, 3);
      // Overlapping lists: a third of each list is shared by all three.
      const lists = [0, 1, 2].map((j) =>
        [...items(Q / 3, 0xaa), ...items(Q - Q / 3, j)].slice(0, Q),
      );
      const t0 = performance.now();
      const res = runQuorumLocally(lists.map((l, i) => party(s, i, l)));
      const ms = performance.now() - t0;
      if ((res.qualified[0] as Uint8Array[]).length < Math.floor(Q / 3))
        throw new Error('bench: quorum lost items');
      const perMillion = (ms * (1_000_000 / Q)) / 1000 / 3600;
      const note = `3 NGOs × ${Q} items in ${fmtTime(ms)}; linear extrapolation to 3 × 1M items: ${perMillion.toFixed(1)} h single-threaded`;
      process.stderr.write(`  ${qName}: ${note}\n`);
      rows.push(row(qName, ms, null, note));
    }
    // The quorum at 10^5 items per NGO on a pool of 2 threads (issue 15): only when asked by
    // name (`--filter ngo.quorum.3x100k`), it takes minutes.
    const bigName = `${sn}.ngo.quorum.3x100k`;
    if (ctx.filter !== null && bigName.includes(ctx.filter) && ctx.filter.includes('3x100k')) {
      rows.push(await bigQuorumRow(suite, bigName, 100_000, 2));
    }
  }
  return rows;
}

/**
 * Three NGOs with `n` items each through the whole ring with the asynchronous methods on one
 * pool of `workers` threads: commit, mask, both hops of every list, board, qualify (full board
 * verification), contribute. One process plays the three parties one after the other, so a
 * party's time on its own machine with as many cores is about a third of the total.
 */
async function bigQuorumRow(
  suite: Suite,
  name: string,
  n: number,
  workers: number,
): Promise<BenchRow> {
  const s = setup(suite, 3);
  const lists = [0, 1, 2].map((j) => [...items(n / 10, 0xaa), ...items(n - n / 10, j)]);
  const pool = createWorkerPool({ workers });
  const opts = { executor: pool };
  let peak = 0;
  const sample = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  try {
    const t0 = performance.now();
    const ps = lists.map((l, i) => party(s, i, l));
    const commitments = ps.map((p) => p.commit());
    for (const p of ps) p.receiveCommitments(commitments);
    const at = (i: number) => ps[i % 3] as NgoParty;
    let chains: Uint8Array[] = [];
    for (let j = 0; j < 3; j++) chains.push(await at(j).maskOwnListAsync(opts));
    for (let stage = 1; stage < 3; stage++) {
      const next: Uint8Array[] = [];
      for (let j = 0; j < 3; j++)
        next.push(await at(j + stage).processHopAsync(chains[j] as Uint8Array, undefined, opts));
      chains = next;
    }
    const board = assembleBulletin(s.config, chains);
    for (const p of ps) {
      const q = await p.qualifyAsync(board, opts);
      if (q.length < n / 10) throw new Error('bench: quorum lost items');
      p.contribute();
    }
    const ms = performance.now() - t0;
    peak = Math.max(peak, process.memoryUsage.rss());
    const perParty = ms / 3;
    const perMillion = (perParty * (1_000_000 / n)) / 60_000;
    const note = `3 NGOs × ${n} items on ${workers} threads in ${fmtTime(ms)} (one process, peak RSS ${(peak / 2 ** 20).toFixed(0)} MB); a third per party: ${fmtTime(perParty)}, extrapolated to 10^6 items: ${perMillion.toFixed(1)} min per party`;
    process.stderr.write(`  ${name}: ${note}\n`);
    return row(name, ms, null, note);
  } finally {
    clearInterval(sample);
    await pool.close();
  }
}
