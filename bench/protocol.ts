/**
 * Benchmark rows of the voucher protocol (SPEC §10), each against the raw noble operations it
 * cannot avoid, timed interleaved in the same run (bench/harness.ts `compare`, `compareFloors`):
 * - `<suite>.voucher.create`: one v2 (single-slot) voucher, `createVoucherSealed`, against the
 *   v2 floor: 1 hash-to-group, 2 variable-base multiplications (`β·H(y)`, `β·P_y`), 2 fixed-base
 *   multiplications (`γ·G` with noble's table for G, `γ·L` with a precomputed L), 3 cell
 *   decodes (`P_y = P_w1 + P_w2 + P_w3`) and 1 encode (`Q`). `…voucher.create.vs-v1` is the
 *   same measurement against the v1 two-slot floor (1 hash-to-group, 4 variable-base and 4
 *   fixed-base multiplications, 2 decodes, 2 encodes), interleaved in the same rounds. The op
 *   includes the DHF evaluation, the PRF/KDF/AEAD work and encoding; it excludes HPKE sealing
 *   (measured apart as `<suite>.voucher.seal`, which has no EC floor of its own in SPEC §10).
 *   Cells are decoded lazily and cached, so the op runs on a synthetic table of 10^5 cells
 *   (10^4 with `--quick`) with a fresh item per call: its three cells are almost never decoded
 *   already, as the floor's three decodes assume.
 * - `<suite>.server.ingest`: one voucher (half of them match) against the v2 floor (1 decode,
 *   1 variable-base multiplication, 1 encode); `…server.ingest.vs-v1` against the v1 floor
 *   (twice that).
 * - `<suite>.db.build.cell`: 1 hash-to-group, 1 multiplication, 1 encode per cell (the public
 *   data) over `tableSize(n, DEFAULT_TABLE_RATIO)` cells; the audit proof over all cells is the
 *   separate row `<suite>.db.audit-proof.cell`. Build, proof and floor run back to back in each
 *   round; the ratio is the median over rounds of (build − proof) ÷ floor.
 * - `<suite>.db.audit.cell`: an NGO's audit of a database (SPEC §5 steps 2-3: rebuild the layout
 *   and every base, decode every cell, verify the batched proof, recompute the root) ÷ cells,
 *   against 1 hash-to-group + 1 decode per cell (raw noble). The database is built from the
 *   contributions of a real three-NGO quorum run (set-up, not timed) and audited against the
 *   NGO's policy (SPEC v2 §5 step 4, a few comparisons per database). The contributions check of
 *   step 1 (one signature per NGO, not per cell) is left out: `qualifiedItems` returns `X_int`;
 *   the audit still decodes each contribution to match its deployment and run to the policy.
 * - `<suite>.db.build.thread` / `.pool1` / `.pool2`, and the same for `audit`: a whole build
 *   (`buildDatabaseAsync`) and a whole audit (`auditDatabaseAsync`) of 10,000 items (2,000 with
 *   `--quick`) in this thread (the in-thread executor, what `--workers 1` runs) and on a worker
 *   pool (src/node/worker-pool.ts) of 1 and 2 threads, timed interleaved with the synchronous
 *   `buildDatabase` / `auditDatabase` (rounds rotate sync, this thread, pool 1, pool 2). The
 *   thread and pool-1 rows' floor is the synchronous call, the pool-2 row's floor the pool-1
 *   call, so its ratio is the inverse of the speed-up from a pool of 1 thread to 2; its note
 *   (and stderr) also gives the speed-up from `--workers 1` to `--workers 2` and the machine's
 *   ceiling for a speed-up, measured after each round (bench/ceiling.ts). The
 *   builds use one seeded rng each, and every output is checked equal to the synchronous one.
 *   The contributions come from a small real quorum run (set-up, not timed); the audit's
 *   `qualifiedItems` returns `X_int`.
 * - `<suite>.client.load.10k` / `.100k` / `.1M`: `ClientDatabase.load` of public data of 10^4,
 *   10^5, 10^6 cells (root, distinctness, header checks; cells decoded lazily; 100k and 1M
 *   skipped with `--quick`). Loading never looks at items, so the public data is synthetic
 *   (set-up, not timed): a real header (`encodeHeader`) and the cells `(r + j)·G`, `r` random,
 *   generated once per suite. The 1M row's note gives the size of the public data for 10^6 and
 *   10^7 items: `headerLength(suite, 1) + tableSize(n, DEFAULT_TABLE_RATIO) · elementLength`.
 * - `<suite>.client.first-voucher.1M`: `createVoucherSealed` on the loaded 10^6-cell database,
 *   a fresh item per call (three cells decoded on first use).
 * - `<suite>.server.reveal.T30`: a reveal attempt at T = 30, s_max = 90 (30 real + 90 synthetic).
 */

import { normalizeZ } from '@noble/curves/abstract/curve.js';
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { p256, p256_hasher } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { DEFAULT_TABLE_RATIO, FIXED_BASE_WINDOW, NONCE_LENGTH } from '../src/core/constants.js';
import { type Element, p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import { inThreadExecutor } from '../src/core/parallel.js';
import { generateReviewerKeyPair } from '../src/core/seal.js';
import { auditDatabase, auditDatabaseAsync, encodeAuditBundle } from '../src/database/audit.js';
import { buildDatabase, buildDatabaseAsync, itemDst } from '../src/database/builder.js';
import {
  computeRoot,
  encodeHeader,
  headerLength,
  rateToU32,
  splitPublicData,
  type VoucherParams,
} from '../src/database/pdata.js';
import { tableSize } from '../src/database/table.js';
import { createWorkerPool, type WorkerPool } from '../src/node/worker-pool.js';
import {
  ClientAccount,
  ClientDatabase,
  createVoucherSealed,
  sealPayload,
} from '../src/voucher/client.js';
import { DatabaseRegistry, ServerAccount, ServerDatabase } from '../src/voucher/server.js';
import { parallelCeiling } from './ceiling.js';
import { benchPolicy, quorumRun } from './db-world.js';
import {
  type BenchContext,
  type BenchRow,
  blackhole,
  compare,
  compareFloors,
  fmtTime,
  median,
  optsFor,
  perElement,
  row,
  timeOp,
} from './harness.js';

// biome-ignore lint/suspicious/noExplicitAny: raw noble points for the floors (two curve types).
type NoblePoint = any;
type Raw = {
  Point: NoblePoint;
  hashToCurve: (m: Uint8Array, o: { DST: Uint8Array }) => NoblePoint;
  enc: (P: NoblePoint) => Uint8Array;
};
const RAW: Record<string, Raw> = {
  ristretto255: {
    Point: ristretto255.Point,
    hashToCurve: ristretto255_hasher.hashToCurve,
    enc: (P) => P.toBytes(),
  },
  p256: { Point: p256.Point, hashToCurve: p256_hasher.hashToCurve, enc: (P) => P.toBytes(true) },
};

function item(i: number): Uint8Array {
  const b = new Uint8Array(32);
  new DataView(b.buffer).setUint32(0, i);
  b[31] = 0x5a;
  return b;
}

/** Every database names at least one reviewer key (SPEC v2 §5); payloads are sealed to it. */
const reviewer = generateReviewerKeyPair();

function params(T: number, sMax: number, rate = 0): VoucherParams {
  return {
    threshold: T,
    sMax,
    syntheticRate32: rateToU32(rate),
    payloadSize: 64,
    reviewerKeys: [reviewer.publicKey],
  };
}

/** Cells generated so far for a suite: `P_j = (r + j + 1)·G`, encoded, back to back. */
interface Chain {
  bytes: Uint8Array;
  count: number;
  last: Element;
  /** Milliseconds spent generating them (set-up, never timed). */
  ms: number;
}
const chains = new Map<Suite, Chain>();

/**
 * The first `count` cells of the suite's chain (generated on demand, then cached and extended):
 * pairwise distinct, valid, non-identity encodings, one addition of G each. P-256 points are
 * normalised in batches (one inversion per 1,024 points), so their encodings cost little;
 * ristretto255 needs one inverse square root per encoding.
 */
function chainCells(suite: Suite, count: number): Chain {
  const Ne = suite.elementLength;
  let c = chains.get(suite);
  if (c === undefined) {
    c = { bytes: new Uint8Array(0), count: 0, last: suite.mulBase(suite.randomScalar()), ms: 0 };
    chains.set(suite, c);
  }
  if (c.count >= count) return c;
  const t0 = performance.now();
  const bytes = new Uint8Array(count * Ne);
  bytes.set(c.bytes.subarray(0, c.count * Ne));
  let P = c.last;
  for (let j = c.count; j < count; ) {
    const batch: Element[] = [];
    for (; j < count && batch.length < 1024; j++) {
      P = P.add(suite.G);
      batch.push(P);
    }
    const done = j - batch.length;
    const out =
      suite.shortName === 'p256'
        ? (normalizeZ(p256.Point as never, batch as never) as Element[])
        : batch;
    for (let t = 0; t < out.length; t++)
      bytes.set(suite.encode(out[t] as Element), (done + t) * Ne);
  }
  c.bytes = bytes;
  c.count = count;
  c.last = P;
  c.ms += performance.now() - t0;
  return c;
}

/**
 * Synthetic public data of `cells` cells (set-up, never timed): a real header (voucher
 * parameters T = 30, s_max = 90, p = 0, one reviewer; item width 32; three distinct random
 * nonces; a random `L`) and the first `cells` cells of {@link chainCells}, with its root.
 * `ClientDatabase.load` never looks at items, so this loads and takes vouchers like a built
 * database of `cells` cells (no item is placed in it).
 */
function syntheticPublicData(suite: Suite, cells: number): { pdata: Uint8Array; root: Uint8Array } {
  const Ne = suite.elementLength;
  const nonces = [0, 1, 2].map(() => randomBytes(NONCE_LENGTH)) as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  const Lbytes = suite.encode(suite.mulBase(suite.randomScalar()));
  const header = encodeHeader(
    suite,
    params(30, 90),
    { size: cells, itemWidth: 32, nonces },
    Lbytes,
  );
  const chain = chainCells(suite, cells);
  const pdata = new Uint8Array(header.length + cells * Ne);
  pdata.set(header);
  pdata.set(chain.bytes.subarray(0, cells * Ne), header.length);
  const views = Array.from({ length: cells }, (_, j) =>
    pdata.subarray(header.length + j * Ne, header.length + (j + 1) * Ne),
  );
  return { pdata, root: computeRoot(header, views) };
}

/** Bytes of the public data of a database of `items` items (one reviewer key, default ratio). */
function publicDataSize(suite: Suite, items: number): number {
  return headerLength(suite, 1) + tableSize(items, DEFAULT_TABLE_RATIO) * suite.elementLength;
}

/** A real quorum run (set-up, never timed): bench/db-world.ts `quorumRun`. */
function quorumFor(suite: Suite, xInt: readonly Uint8Array[]) {
  return quorumRun(suite, 'bench', xInt);
}

/** A deterministic rng (SHA-256 in counter mode): the same build bytes on every executor. */
function counterRng(seed: string): (n: number) => Uint8Array {
  let ctr = 0;
  const tag = new TextEncoder().encode(seed);
  return (n: number) => {
    const out = new Uint8Array(n);
    for (let o = 0; o < n; o += 32) {
      const block = new Uint8Array(tag.length + 4);
      block.set(tag);
      new DataView(block.buffer).setUint32(tag.length, ctr++);
      out.set(sha256(block).subarray(0, Math.min(32, n - o)), o);
    }
    return out;
  };
}

/**
 * The build and the audit of `n` items, synchronous against pools of 1 and 2 threads,
 * interleaved (the order rotating every round); see the module header.
 */
async function dbPoolRows(
  suite: Suite,
  n: number,
  rounds: number,
  want: (name: string) => boolean,
): Promise<BenchRow[]> {
  const s = suite.shortName;
  const q = quorumFor(
    suite,
    Array.from({ length: 20 }, (_, i) => item(9e6 + i)),
  );
  const xs = Array.from({ length: n }, (_, i) => item(7e6 + i));
  const opts = {
    suite,
    params: params(30, 90, 0.05),
    contributions: q.contributions,
    runId: q.runId,
  };
  const policy = benchPolicy(q, reviewer.publicKey);
  const pools: WorkerPool[] = [createWorkerPool({ workers: 1 }), createWorkerPool({ workers: 2 })];
  const rows: BenchRow[] = [];
  try {
    const reference = buildDatabase(xs, { ...opts, rng: counterRng('db-pool') });
    const bundle = encodeAuditBundle(reference, { version: 1 });
    const cells = splitPublicData(reference.publicData).cells.length;
    const auditOpts = {
      claimedRoot: reference.root,
      qualifiedItems: () => reference.items,
      policy,
    };
    const same = (a: typeof reference) =>
      a.publicData.length === reference.publicData.length &&
      a.publicData.every((b, i) => b === reference.publicData[i]) &&
      a.audit.proof.every((b, i) => b === reference.audit.proof[i]);
    const steps = [
      {
        what: 'build',
        variants: [
          async () => buildDatabase(xs, { ...opts, rng: counterRng('db-pool') }),
          () =>
            buildDatabaseAsync(xs, {
              ...opts,
              rng: counterRng('db-pool'),
              executor: inThreadExecutor(),
            }),
          ...pools.map(
            (pool) => () =>
              buildDatabaseAsync(xs, { ...opts, rng: counterRng('db-pool'), executor: pool }),
          ),
        ],
        check: (out: unknown) => same(out as typeof reference),
      },
      {
        what: 'audit',
        variants: [
          async () => auditDatabase(reference.publicData, bundle, auditOpts),
          () =>
            auditDatabaseAsync(reference.publicData, bundle, {
              ...auditOpts,
              executor: inThreadExecutor(),
            }),
          ...pools.map(
            (pool) => () =>
              auditDatabaseAsync(reference.publicData, bundle, { ...auditOpts, executor: pool }),
          ),
        ],
        check: (out: unknown) => (out as { ok: boolean }).ok,
      },
    ];
    for (const step of steps) {
      const names = [
        `${s}.db.${step.what}.thread`,
        `${s}.db.${step.what}.pool1`,
        `${s}.db.${step.what}.pool2`,
      ];
      if (!names.some(want)) continue;
      // Warm-up: the threads load their modules and JIT the kernels (the pools' runs only),
      // three calls each as for the hop's rows (bench/ngo.ts): after one, the 2-thread runs
      // still ran partly unoptimised.
      for (let r = 0; r < 3; r++)
        for (const v of step.variants.slice(1))
          if (!step.check(await v())) throw new Error(`bench: a ${step.what} on a pool differs`);
      const times: number[][] = step.variants.map(() => []);
      const ceilings: number[] = [];
      for (let r = 0; r < rounds; r++) {
        for (let t = 0; t < step.variants.length; t++) {
          const j = (r + t) % step.variants.length;
          const t0 = performance.now();
          const out = await (step.variants[j] as () => Promise<unknown>)();
          (times[j] as number[]).push(performance.now() - t0);
          if (!step.check(out)) throw new Error(`bench: a timed ${step.what} differs`);
        }
        ceilings.push(await parallelCeiling(pools[0] as WorkerPool, pools[1] as WorkerPool));
      }
      const [sync, thread, one, two] = times as [number[], number[], number[], number[]];
      const ratio = (a: number[], b: number[]) => median(a.map((x, i) => x / (b[i] as number)));
      const speedUp = ratio(thread, two);
      const poolSpeedUp = ratio(one, two);
      process.stderr.write(
        `  ${s}.db.${step.what} (${n} items, ${cells} cells): sync ${fmtTime(median(sync))}, this thread ${fmtTime(median(thread))}, pool of 1 ${fmtTime(median(one))}, pool of 2 ${fmtTime(median(two))}; speed-up --workers 1 → 2 ${speedUp.toFixed(2)}×, pool of 1 → 2 threads ${poolSpeedUp.toFixed(2)}×; machine ceiling ${median(ceilings).toFixed(2)}× (${ceilings.map((c) => c.toFixed(2)).join(', ')})\n`,
      );
      rows.push(
        row(
          names[0] as string,
          median(thread),
          { name: `${step.what} (sync)`, msPerOp: median(sync), ratio: ratio(thread, sync) },
          `in this thread (--workers 1), ${n} items, ${cells} cells, ${rounds} rounds`,
        ),
        row(
          names[1] as string,
          median(one),
          { name: `${step.what} (sync)`, msPerOp: median(sync), ratio: ratio(one, sync) },
          `${n} items, ${cells} cells, ${rounds} rounds`,
        ),
        row(
          names[2] as string,
          median(two),
          { name: 'pool of 1 thread', msPerOp: median(one), ratio: ratio(two, one) },
          `speed-up --workers 1 → 2 ${speedUp.toFixed(2)}×; pool of 1 → 2 threads ${poolSpeedUp.toFixed(2)}×; machine ceiling ${median(ceilings).toFixed(2)}×`,
        ),
      );
    }
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
  return rows;
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const want = (n: string) => !ctx.filter || n.includes(ctx.filter);
  for (const suite of [ristretto255Sha512, p256Sha256]) {
    const raw = RAW[suite.shortName] as Raw;
    const Fn = raw.Point.Fn;
    const rs = () => suite.randomScalar();
    const s = suite.shortName;
    const N = ctx.quick ? 200 : 1000;
    const items = Array.from({ length: N }, (_, i) => item(i));
    const T = 30;
    const sMax = 90;
    const built = buildDatabase(items, { suite, params: params(T, sMax) });
    const db = ClientDatabase.load(built.publicData, built.root);
    const acct = ClientAccount.create({ database: db });
    // One sealed `ad` reused by every voucher of the create and ingest rows (sealing is its own
    // row); it is bound to one voucher id, which only a reviewer would check.
    const ad = sealPayload(db, { id: Uint8Array.of(1), payload: new Uint8Array(10) });
    const sdb = ServerDatabase.fromBuild(built);
    const reg = new DatabaseRegistry().add(sdb);

    const dstItem = itemDst(suite);
    let k = 0;

    if (want(`${s}.voucher.create`) || want(`${s}.voucher.create.vs-v1`)) {
      // Cells are decoded on first use and cached: a table of 10^5 cells and a fresh item per
      // call keep the op's three cells cold, as the floor's three decodes assume.
      const vcells = ctx.quick ? 10_000 : 100_000;
      const syn = syntheticPublicData(suite, vcells);
      const vdb = ClientDatabase.load(syn.pdata, syn.root);
      const vad = sealPayload(vdb, { id: Uint8Array.of(1), payload: new Uint8Array(10) });
      // Raw floor material: 64 cells of that public data to decode, a precomputed L.
      const { cells: vcellBytes } = splitPublicData(syn.pdata);
      const cellBytes = Array.from(
        { length: 64 },
        (_, j) => vcellBytes[Math.floor((j * vcells) / 64)] as Uint8Array,
      );
      const rawL = raw.Point.fromBytes(suite.encode(vdb.L)).precompute(FIXED_BASE_WINDOW, false);
      let i = 0;
      rows.push(
        ...compareFloors(
          `${s}.voucher.create`,
          () => {
            i++;
            return createVoucherSealed(acct, vdb, {
              item: item(7e6 + i),
              id: Uint8Array.of(1, i & 0xff, (i >> 8) & 0xff),
              ad: vad,
            });
          },
          [
            {
              suffix: '',
              name: '1 h2g + 2 var + 2 fixed + 3 decode + 1 encode',
              fn: () => {
                // Q = β·H(y) + γ·G, S = β·(P_w1 + P_w2 + P_w3) + γ·L; Q encoded.
                const H = raw.hashToCurve(item(k++), { DST: dstItem });
                const Py = raw.Point.fromBytes(cellBytes[k % 64])
                  .add(raw.Point.fromBytes(cellBytes[(k + 7) % 64]))
                  .add(raw.Point.fromBytes(cellBytes[(k + 19) % 64]));
                const beta = rs();
                const gamma = rs();
                const Q = H.multiply(beta).add(raw.Point.BASE.multiply(gamma));
                const S = Py.multiply(beta).add(rawL.multiply(gamma));
                raw.enc(Q);
                return S;
              },
            },
            {
              suffix: '.vs-v1',
              name: '1 h2g + 4 var + 4 fixed + 2 decode + 2 encode',
              fn: () => {
                const H = raw.hashToCurve(item(k++), { DST: dstItem });
                const P1 = raw.Point.fromBytes(cellBytes[k % 64]);
                const P2 = raw.Point.fromBytes(cellBytes[(k + 7) % 64]);
                const a = H.multiply(rs()).add(raw.Point.BASE.multiply(rs()));
                const b = P1.multiply(rs()).add(rawL.multiply(rs()));
                const c = H.multiply(rs()).add(raw.Point.BASE.multiply(rs()));
                const d = P2.multiply(rs()).add(rawL.multiply(rs()));
                raw.enc(a);
                raw.enc(c);
                return [b, d];
              },
            },
          ],
          optsFor(ctx),
        ),
      );
    }
    if (want(`${s}.voucher.seal`)) {
      const kp = generateReviewerKeyPair();
      const sealed = buildDatabase(items.slice(0, 10), {
        suite,
        params: { ...params(T, sMax), reviewerKeys: [kp.publicKey] },
      });
      const sdbc = ClientDatabase.load(sealed.publicData, sealed.root);
      const reps = ctx.quick ? 20 : 100;
      const t0 = performance.now();
      for (let i = 0; i < reps; i++)
        sealPayload(sdbc, { id: Uint8Array.of(4, i), payload: new Uint8Array(10) });
      const ms = (performance.now() - t0) / reps;
      rows.push(row(`${s}.voucher.seal`, ms, null, 'HPKE seal to 1 reviewer'));
    }
    if (want(`${s}.server.ingest`) || want(`${s}.server.ingest.vs-v1`)) {
      const vouchers = Array.from({ length: 64 }, (_, i) =>
        createVoucherSealed(acct, db, {
          item: i % 2 ? (items[i] as Uint8Array) : item(1e6 + i),
          id: Uint8Array.of(2, i),
          ad,
        }),
      );
      let i = 0;
      const alpha = Fn.fromBytes(sdb.toBytes().subarray(5 + 16, 5 + 16 + suite.scalarLength));
      if (!raw.Point.BASE.multiply(alpha).equals(raw.Point.fromBytes(suite.encode(db.L))))
        throw new Error('bench: α sliced from the server secret does not match L');
      // voucher = header (5) ‖ database id (16) ‖ u8 |id| ‖ id ‖ Q ‖ ct (48) ‖ rct
      const Qs = vouchers.map((v) => {
        const at = 5 + 16 + 1 + (v[5 + 16] as number);
        const Q = v.subarray(at, at + suite.elementLength);
        raw.Point.fromBytes(Q); // throws if the slice is not Q
        return Q;
      });
      rows.push(
        ...compareFloors(
          `${s}.server.ingest`,
          () =>
            new ServerAccount({ suite, threshold: T, sMax }).ingest(
              vouchers[i++ % 64] as Uint8Array,
              reg,
            ),
          [
            {
              suffix: '',
              name: '1 decode + 1 var mul + 1 encode',
              fn: () => raw.enc(raw.Point.fromBytes(Qs[k++ % 64]).multiply(alpha)),
            },
            {
              suffix: '.vs-v1',
              name: '2 decode + 2 var mul + 2 encode',
              fn: () => {
                const a = raw.Point.fromBytes(Qs[k++ % 64]);
                const b = raw.Point.fromBytes(Qs[(k + 3) % 64]);
                raw.enc(a.multiply(alpha));
                raw.enc(b.multiply(alpha));
              },
            },
          ],
          optsFor(ctx),
        ),
      );
    }
    if (want(`${s}.db.build.cell`)) {
      const n = ctx.quick ? 100 : 400;
      const its = Array.from({ length: n }, (_, i) => item(5e6 + i));
      const cells = tableSize(n, DEFAULT_TABLE_RATIO);
      const alpha = rs();
      // The audit DLEQ proof over all cells, as the build makes it: its own row, and subtracted
      // from the build for the per-cell row.
      const { generateProof, dleqConfig } = await import('../src/core/dleq.js');
      const B = Array.from({ length: cells }, (_, j) => suite.hashToGroup(item(j), dstItem));
      const P = B.map((x) => suite.mul(x, alpha));
      const Pb = P.map((x) => suite.encode(x));
      const cfg = dleqConfig(suite, 'dleq-audit');
      const build = () => buildDatabase(its, { suite, params: params(T, sMax) });
      const proof = () =>
        generateProof(suite, cfg, alpha, {
          A: suite.G,
          B: suite.mulBase(alpha),
          C: B,
          D: P,
          Dbytes: Pb,
        });
      const floor = () => {
        for (let j = 0; j < cells; j++)
          raw.enc(raw.hashToCurve(item(j), { DST: dstItem }).multiply(alpha));
      };
      // Rounds of build, proof and floor back to back (interleaved like `compare`): the ratio
      // is the median over rounds of (build - proof) / floor.
      const time = (f: () => unknown) => {
        const t0 = performance.now();
        blackhole(f());
        return performance.now() - t0;
      };
      if (splitPublicData(build().publicData).header.table.size !== cells)
        throw new Error('bench: the build and the floor differ in cells');
      const rounds = ctx.quick ? 3 : 7;
      const perCell: number[] = [];
      const proofs: number[] = [];
      const floors: number[] = [];
      const ratios: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const tb = time(build);
        const tp = time(proof);
        const tf = time(floor);
        perCell.push((tb - tp) / cells);
        proofs.push(tp / cells);
        floors.push(tf / cells);
        ratios.push((tb - tp) / tf);
      }
      rows.push(
        row(
          `${s}.db.build.cell`,
          median(perCell),
          { name: '1 h2g + 1 mul + 1 encode', msPerOp: median(floors), ratio: median(ratios) },
          `${cells} cells; build minus audit proof`,
        ),
      );
      rows.push(
        row(
          `${s}.db.audit-proof.cell`,
          median(proofs),
          null,
          'batched DLEQ over all cells (B_j encoded + weights + MSM)',
        ),
      );
    }
    if (want(`${s}.db.audit.cell`)) {
      const n = ctx.quick ? 100 : 400;
      const q = quorumFor(
        suite,
        Array.from({ length: n }, (_, i) => item(6e6 + i)),
      );
      const built = buildDatabase(q.items, {
        suite,
        params: params(T, sMax, 0.05),
        contributions: q.contributions,
        runId: q.runId,
      });
      const bundle = encodeAuditBundle(built, { version: 1 });
      const { cells } = splitPublicData(built.publicData);
      // The auditing NGO's own policy: its deployment and run, the agreed reviewer key, bounds.
      const policy = benchPolicy(q, reviewer.publicKey);
      const audit = () => {
        const v = auditDatabase(built.publicData, bundle, {
          claimedRoot: built.root,
          qualifiedItems: () => built.items,
          policy,
        });
        if (!v.ok) throw new Error(`bench: audit failed (${v.reason})`);
        return v;
      };
      const floor = () => {
        let acc = 0;
        for (let j = 0; j < cells.length; j++) {
          raw.hashToCurve(item(j), { DST: dstItem });
          acc ^= raw.Point.fromBytes(cells[j] as Uint8Array) === null ? 1 : 0;
        }
        return acc;
      };
      rows.push(
        perElement(
          compare(`${s}.db.audit.cell`, audit, '1 h2g + 1 decode', floor, {
            samples: ctx.quick ? 3 : 7,
            warmupMs: 0,
            minMs: 0,
          }),
          cells.length,
          `${cells.length} cells`,
        ),
      );
    }
    if (
      [
        `${s}.db.build.pool1`,
        `${s}.db.build.pool2`,
        `${s}.db.audit.pool1`,
        `${s}.db.audit.pool2`,
      ].some(want)
    ) {
      rows.push(...(await dbPoolRows(suite, ctx.quick ? 2000 : 10_000, ctx.quick ? 2 : 7, want)));
    }
    const big = (label: string) =>
      [`${s}.client.load.${label}`, `${s}.client.first-voucher.${label}`].some(want);
    for (const [label, n] of [
      ['10k', 10_000],
      ['100k', 100_000],
      ['1M', 1_000_000],
    ] as const) {
      const name = `${s}.client.load.${label}`;
      if (!big(label) || (ctx.quick && n > 10_000)) continue;
      const syn = syntheticPublicData(suite, n);
      const chain = chains.get(suite) as Chain;
      const opts =
        n < 1_000_000 ? { minIters: 2, minMs: 200 } : { samples: 5, warmupMs: 0, minMs: 0 };
      if (want(name)) {
        const ms = timeOp(() => ClientDatabase.load(syn.pdata, syn.root), opts);
        let note = `root + distinctness over ${n} cells, cells decoded lazily`;
        if (n === 1_000_000) {
          const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
          const [s6, s7] = [publicDataSize(suite, 1e6), publicDataSize(suite, 1e7)];
          note += `; synthetic cells generated in ${(chain.ms / 1000).toFixed(1)} s (set-up, not timed); public data for 10^6 items: ${s6} bytes (${mb(s6)}), for 10^7 items: ${s7} bytes (${mb(s7)})`;
        }
        rows.push(row(name, ms, null, note));
      }
      const fname = `${s}.client.first-voucher.${label}`;
      if (n === 1_000_000 && want(fname)) {
        const bdb = ClientDatabase.load(syn.pdata, syn.root);
        const bad = sealPayload(bdb, { id: Uint8Array.of(5), payload: new Uint8Array(10) });
        let i = 0;
        const vms = timeOp(() => {
          i++;
          return createVoucherSealed(acct, bdb, {
            item: item(8e6 + i),
            id: Uint8Array.of(5, i & 0xff, (i >> 8) & 0xff),
            ad: bad,
          });
        }, optsFor(ctx));
        rows.push(
          row(
            fname,
            vms,
            null,
            `createVoucherSealed on the loaded ${n}-cell database, fresh item per call`,
          ),
        );
      }
    }
    const rname = `${s}.server.reveal.T30`;
    if (want(rname)) {
      const hi = buildDatabase(items.slice(0, 200), { suite, params: params(T, sMax, 0.75) });
      const hdb = ClientDatabase.load(hi.publicData, hi.root);
      const acct2 = ClientAccount.create({ database: hdb });
      const srv = new ServerAccount({ suite, threshold: T, sMax });
      const hreg = new DatabaseRegistry().add(ServerDatabase.fromBuild(hi));
      let real = 0;
      for (let i = 0; real < T; i++) {
        const before = acct2.syntheticCount;
        const id = Uint8Array.of(3, i & 0xff, i >> 8);
        const v = createVoucherSealed(acct2, hdb, {
          item: items[i] as Uint8Array,
          id,
          ad: sealPayload(hdb, { id, payload: new Uint8Array(1) }),
        });
        if (acct2.syntheticCount === before) real++;
        srv.ingest(v, hreg);
      }
      const ms = timeOp(() => srv.reveal(), { minIters: 2 });
      const note = `${srv.candidates.length} candidates (${T} real, ${acct2.syntheticCount} synthetic), s_max = ${sMax}`;
      rows.push(row(rname, ms, null, note));
    }
  }
  return rows;
}
