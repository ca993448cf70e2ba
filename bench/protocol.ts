/**
 * Benchmark rows of the voucher protocol (SPEC §10), each against the raw noble operations it
 * cannot avoid, timed interleaved in the same run:
 * - `<suite>.voucher.create`: 1 hash-to-group, 4 variable-base and 4 fixed-base
 *   multiplications (tables for G and L), 2 cell decodes, 2 encodes. Includes the DHF
 *   evaluation, the PRF/KDF/AEAD work and encoding; excludes HPKE sealing (measured apart as
 *   `<suite>.voucher.seal`, which has no EC floor of its own in SPEC §10).
 * - `<suite>.server.ingest`: 2 decodes, 2 variable-base multiplications, 2 encodes.
 * - `<suite>.db.build.cell`: 1 hash-to-group, 1 multiplication, 1 encode (the public data);
 *   the audit proof over all cells is the separate row `<suite>.db.audit-proof.cell`. Build,
 *   proof and floor run back to back in each round; the ratio is the median over rounds of
 *   (build − proof) ÷ floor.
 * - `<suite>.db.audit.cell`: an NGO's audit of a database (SPEC §5 steps 2-3: rebuild the layout
 *   and every base, decode every cell, verify the batched proof, recompute the root) ÷ cells,
 *   against 1 hash-to-group + 1 decode per cell (raw noble). The database is built from the
 *   contributions of a real three-NGO quorum run (set-up, not timed) and audited against the
 *   NGO's policy (SPEC v2 §5 step 4, a few comparisons per database). The contributions check of
 *   step 1 (one signature per NGO, not per cell) is left out: `qualifiedItems` returns `X_int`;
 *   the audit still decodes each contribution to match its deployment and run to the policy.
 * - `<suite>.client.load.10k` / `.100k`: loading and validating public data (root, distinctness).
 * - `<suite>.server.reveal.T30`: a reveal attempt at T = 30, s_max = 90 (30 real + 90 synthetic).
 */

import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { p256, p256_hasher } from '@noble/curves/nist.js';
import { p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import { generateReviewerKeyPair } from '../src/core/seal.js';
import { generateSigningKeyPair } from '../src/core/sign.js';
import { type AuditPolicy, auditDatabase, encodeAuditBundle } from '../src/database/audit.js';
import { buildDatabase, itemDst } from '../src/database/builder.js';
import { rateToU32, splitPublicData, type VoucherParams } from '../src/database/pdata.js';
import {
  createQuorumRoster,
  intersectContributions,
  NgoParty,
  runQuorumLocally,
  startRunLocally,
} from '../src/quorum/ngo.js';
import {
  ClientAccount,
  ClientDatabase,
  createVoucherSealed,
  sealPayload,
} from '../src/voucher/client.js';
import { DatabaseRegistry, ServerAccount, ServerDatabase } from '../src/voucher/server.js';
import {
  type BenchContext,
  type BenchRow,
  blackhole,
  compare,
  median,
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

/**
 * A real quorum run (set-up for the audit row, never timed): three NGOs (UK, CA, NL), rule
 * m = 2; UK and CA hold every item of `xInt`, NL half of them, so `X_int` is exactly `xInt`.
 * Returns the signed contributions and the run's deployment and run ids.
 */
function quorumFor(suite: Suite, xInt: readonly Uint8Array[]) {
  const deploymentId = new TextEncoder().encode('bench');
  const ngos = ['UK', 'CA', 'NL'].map((jurisdiction) => ({
    jurisdiction,
    ...generateSigningKeyPair(),
  }));
  const roster = createQuorumRoster({
    suite,
    deploymentId,
    m: 2,
    itemWidth: 32,
    members: ngos.map((n) => ({ jurisdiction: n.jurisdiction, signingPublicKey: n.publicKey })),
  });
  const { config, runId } = startRunLocally(
    roster,
    ngos.map((n) => n.secretKey),
  );
  const lists = [xInt, xInt, xInt.filter((_, i) => i % 2 === 0)];
  const { contributions } = runQuorumLocally(
    ngos.map((n, i) => new NgoParty(config, i, n.secretKey, lists[i] as Uint8Array[])),
  );
  const trust = ngos.map((n) => ({ jurisdiction: n.jurisdiction, signingPublicKey: n.publicKey }));
  const items = intersectContributions(contributions, trust, 2, { deploymentId, runId }).items;
  if (items.length !== xInt.length) throw new Error('bench: the quorum lost items');
  return { contributions, deploymentId, runId, items };
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

    // Raw floor material: points to decode, a precomputed L.
    const cellBytes = Array.from({ length: 64 }, (_, j) =>
      built.publicData.subarray(
        built.publicData.length - (j + 1) * suite.elementLength,
        built.publicData.length - j * suite.elementLength,
      ),
    );
    const rawL = raw.Point.fromBytes(suite.encode(db.L)).precompute(8, false);
    const dstItem = itemDst(suite);
    let k = 0;

    if (want(`${s}.voucher.create`)) {
      let i = 0;
      rows.push(
        compare(
          `${s}.voucher.create`,
          () =>
            createVoucherSealed(acct, db, {
              item: items[i++ % N] as Uint8Array,
              id: Uint8Array.of(1, i & 0xff, (i >> 8) & 0xff),
              ad,
            }),
          '1 h2g + 4 var mul + 4 fixed mul + 2 decode + 2 encode',
          () => {
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
    if (want(`${s}.server.ingest`)) {
      const vouchers = Array.from({ length: 64 }, (_, i) =>
        createVoucherSealed(acct, db, {
          item: i % 2 ? (items[i] as Uint8Array) : item(1e6 + i),
          id: Uint8Array.of(2, i),
          ad,
        }),
      );
      let i = 0;
      const alpha = Fn.fromBytes(sdb.toBytes().subarray(5 + 16, 5 + 16 + suite.scalarLength));
      const Qs = vouchers.map((v) => v.subarray(5 + 16 + 3, 5 + 16 + 3 + suite.elementLength));
      rows.push(
        compare(
          `${s}.server.ingest`,
          () =>
            new ServerAccount({ suite, threshold: T, sMax }).ingest(
              vouchers[i++ % 64] as Uint8Array,
              reg,
            ),
          '2 decode + 2 var mul + 2 encode',
          () => {
            const a = raw.Point.fromBytes(Qs[k++ % 64]);
            const b = raw.Point.fromBytes(Qs[(k + 3) % 64]);
            raw.enc(a.multiply(alpha));
            raw.enc(b.multiply(alpha));
          },
        ),
      );
    }
    if (want(`${s}.db.build.cell`)) {
      const n = ctx.quick ? 100 : 400;
      const its = Array.from({ length: n }, (_, i) => item(5e6 + i));
      const cells = Math.ceil(n * 2.1);
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
      build();
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
      });
      const bundle = encodeAuditBundle(built, { version: 1 });
      const { cells } = splitPublicData(built.publicData);
      // The auditing NGO's own policy: its deployment and run, the agreed reviewer key, bounds.
      const policy: AuditPolicy = {
        deploymentId: q.deploymentId,
        runId: q.runId,
        reviewerKeys: [reviewer.publicKey],
        threshold: { min: 2, max: 100 },
        sMax: { min: 1, max: 500 },
        syntheticRate: { min: 0.01, max: 0.5 },
        payloadSize: { min: 16, max: 1024 },
        ratio: { min: 2, max: 3 },
        lastSignedVersion: 0,
      };
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
    for (const [label, n] of [
      ['10k', 10_000],
      ['100k', 100_000],
    ] as const) {
      const name = `${s}.client.load.${label}`;
      if (!want(name) || (ctx.quick && n > 10_000)) continue;
      // A synthetic pdata of n cells: build a small real database and widen it is not valid
      // (the root would differ), so build for n/2.1 items.
      const big = buildDatabase(
        Array.from({ length: Math.floor(n / 2.1) }, (_, i) => item(9e6 + i)),
        { suite, params: params(T, sMax) },
      );
      const ms = timeOp(() => ClientDatabase.load(big.publicData, big.root), {
        minIters: 2,
        minMs: 200,
      });
      rows.push(row(name, ms, null, `root + distinctness over ${n} cells, cells decoded lazily`));
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
