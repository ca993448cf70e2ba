/**
 * Group-layer benchmarks (SPEC §10): each `Suite` operation of src/core/group.ts and the
 * per-element cost of the batched DLEQ proof (src/core/dleq.ts), against the raw `@noble/curves`
 * calls it wraps or cannot avoid. Rows per suite (`ristretto255`, `p256`):
 *
 * | row | operation | floor |
 * | --- | --- | --- |
 * | `.hashToGroup` | `suite.hashToGroup(msg, item DST)` | `hasher.hashToCurve(msg, { DST })` |
 * | `.mul.fixed.G` | `suite.mulBase(k)` | `Point.BASE.multiply(k)` |
 * | `.mul.fixed.L` | `suite.mul(L, k)`, `L = suite.precompute(P)` | `L'.multiply(k)`, `L'` a separate noble point with `precompute(FIXED_BASE_WINDOW)` |
 * | `.mul.var` | `suite.mul(P, k)`, `P` without table | `P.multiply(k)` |
 * | `.encode` | `suite.encode(P)` | `P.toBytes()` / `P.toBytes(true)` |
 * | `.decode` | `suite.decode(b)` (strict) | `Point.fromBytes(b)` |
 * | `.msm.point` | `suite.msmVartime` over 256 points, ÷ 256 | the faster of noble `mulAddUnsafe` / `pippenger` on the same inputs, ÷ 256 |
 * | `.dleq.prove.element` | `generateProof`, batch of 256 with encodings supplied, ÷ 256 | 256 `hasher.hashToScalar` + 1 MSM(256), ÷ 256 |
 * | `.dleq.verify.element` | `verifyProof`, same batch, ÷ 256 | 256 `hasher.hashToScalar` + 2 MSM(256), ÷ 256 |
 * | `.dleq.seed.element` | the statement digest of SPEC v2 §2.1 (part of both rows above), ÷ 256 | the suite hash over the same bytes concatenated, ÷ 256 |
 *
 * Inputs cycle through pools of 64 random scalars / points, identical for operation and floor.
 * @module
 */
import { mulAddUnsafe, pippenger } from '@noble/curves/abstract/curve.js';
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { p256, p256_hasher } from '@noble/curves/nist.js';
import { DLEQ_PURPOSE, dst, FIXED_BASE_WINDOW } from '../src/core/constants.js';
import { dleqConfig, generateProof, statementDigest, verifyProof } from '../src/core/dleq.js';
import { type Element, p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import { concatBytes, i2osp, utf8ToBytes } from '../src/core/utils.js';
import {
  type BenchContext,
  type BenchRow,
  compare,
  optsFor,
  perElement,
  type TimeOpts,
  timeOp,
  wants,
} from './harness.js';

// biome-ignore lint/suspicious/noExplicitAny: noble point constructors differ per curve.
type AnyPointCons = any;

interface Case {
  suite: Suite;
  Point: AnyPointCons;
  hasher: {
    hashToCurve(msg: Uint8Array, o: { DST: Uint8Array }): Element;
    hashToScalar(msg: Uint8Array, o: { DST: Uint8Array }): bigint;
  };
  toBytes(P: Element): Uint8Array;
}

const CASES: Case[] = [
  {
    suite: ristretto255Sha512,
    Point: ristretto255.Point,
    hasher: ristretto255_hasher as unknown as Case['hasher'],
    toBytes: (P) => P.toBytes(),
  },
  {
    suite: p256Sha256,
    Point: p256.Point,
    hasher: p256_hasher as unknown as Case['hasher'],
    toBytes: (P) => (P as unknown as { toBytes(compressed: boolean): Uint8Array }).toBytes(true),
  },
];

/** Batch size of the MSM and DLEQ rows. */
export const BATCH = 256;
const POOL = 64;

/** A cycling picker over a pool. */
function cycle<T>(xs: readonly T[]): () => T {
  let i = 0;
  return () => xs[i++ % xs.length] as T;
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const opts: TimeOpts = optsFor(ctx);
  // One MSM / proof over 256 elements takes 50-250 ms: fewer, longer samples.
  const slowOpts: TimeOpts = optsFor(ctx, {
    samples: ctx.quick ? 3 : 9,
    minMs: ctx.quick ? 150 : 1500,
  });

  for (const { suite, Point, hasher, toBytes } of CASES) {
    const s = suite.shortName;
    const ks = Array.from({ length: POOL }, () => suite.randomScalar());
    const msgs = Array.from({ length: POOL }, (_, i) =>
      utf8ToBytes(`benchmark item ${i} ${'x'.repeat(i)}`),
    );
    const itemDst = dst(s, 'item');
    const pts = msgs.map((m) => suite.hashToGroup(m, itemDst)); // not precomputed
    const normalized = ks.map((k) => suite.mulBase(k)); // as produced by protocol steps
    const encs = normalized.map((P) => suite.encode(P));

    if (wants(ctx, `${s}.hashToGroup`)) {
      const a = cycle(msgs);
      const b = cycle(msgs);
      rows.push(
        compare(
          `${s}.hashToGroup`,
          () => suite.hashToGroup(a(), itemDst),
          'noble hasher.hashToCurve',
          () => hasher.hashToCurve(b(), { DST: itemDst }),
          opts,
        ),
      );
    }

    if (wants(ctx, `${s}.mul.fixed.G`)) {
      const a = cycle(ks);
      const b = cycle(ks);
      rows.push(
        compare(
          `${s}.mul.fixed.G`,
          () => suite.mulBase(a()),
          'noble Point.BASE.multiply',
          () => Point.BASE.multiply(b()),
          opts,
        ),
      );
    }

    if (wants(ctx, `${s}.mul.fixed.L`)) {
      const l = suite.randomScalar();
      const L = suite.precompute(suite.mulBase(l));
      // An independent noble point with its own table of the same window.
      const Lnoble = Point.fromBytes(suite.encode(suite.mulBase(l))).precompute(
        FIXED_BASE_WINDOW,
        false,
      );
      const a = cycle(ks);
      const b = cycle(ks);
      rows.push(
        compare(
          `${s}.mul.fixed.L`,
          () => suite.mul(L, a()),
          `noble precompute(${FIXED_BASE_WINDOW}).multiply`,
          () => Lnoble.multiply(b()),
          opts,
        ),
      );
    }

    if (wants(ctx, `${s}.mul.var`)) {
      const a = cycle(ks);
      const b = cycle(ks);
      const pa = cycle(pts);
      const pb = cycle(pts);
      rows.push(
        compare(
          `${s}.mul.var`,
          () => suite.mul(pa(), a()),
          'noble Point.multiply',
          () => pb().multiply(b()),
          opts,
        ),
      );
    }

    if (wants(ctx, `${s}.encode`)) {
      const a = cycle(normalized);
      const b = cycle(normalized);
      rows.push(
        compare(
          `${s}.encode`,
          () => suite.encode(a()),
          suite === p256Sha256 ? 'noble toBytes(true)' : 'noble toBytes',
          () => toBytes(b()),
          opts,
        ),
      );
    }

    if (wants(ctx, `${s}.decode`)) {
      const a = cycle(encs);
      const b = cycle(encs);
      rows.push(
        compare(
          `${s}.decode`,
          () => suite.decode(a()),
          'noble Point.fromBytes',
          () => Point.fromBytes(b()),
          opts,
        ),
      );
    }

    // MSM inputs: BATCH points from hash-to-group, BATCH public scalars.
    const msmPts = Array.from({ length: BATCH }, (_, i) => suite.hashToGroup(i2osp(i, 4), itemDst));
    const msmSc = msmPts.map(() => suite.randomScalar());
    // The faster raw noble MSM at this size is the floor (a wrong threshold shows as ratio > 1).
    const tAdd = timeOp(() => mulAddUnsafe(Point, msmPts, msmSc), {
      minMs: 150,
      samples: 3,
      warmupMs: 30,
    });
    const tPip = timeOp(() => pippenger(Point, msmPts, msmSc), {
      minMs: 150,
      samples: 3,
      warmupMs: 30,
    });
    const rawMsm = tAdd <= tPip ? mulAddUnsafe : pippenger;
    const rawMsmName = tAdd <= tPip ? 'mulAddUnsafe' : 'pippenger';

    if (wants(ctx, `${s}.msm.point`)) {
      const row = compare(
        `${s}.msm.point`,
        () => suite.msmVartime(msmPts, msmSc),
        `noble ${rawMsmName}`,
        () => rawMsm(Point, msmPts, msmSc),
        slowOpts,
      );
      rows.push(perElement(row, BATCH, `${BATCH} points`));
    }

    // DLEQ over the same BATCH elements, with the encodings supplied as the protocol does.
    const cfg = dleqConfig(suite, DLEQ_PURPOSE.audit);
    const k = suite.randomScalar();
    const D = msmPts.map((C) => suite.mul(C, k));
    const st = {
      A: suite.G,
      B: suite.mulBase(k),
      C: msmPts,
      D,
      Cbytes: msmPts.map((P) => suite.encode(P)),
      Dbytes: D.map((P) => suite.encode(P)),
    };
    const proof = generateProof(suite, cfg, k, st);
    if (!verifyProof(suite, cfg, st, proof)) throw new Error(`${s}: DLEQ self-check failed`);
    // Floor transcripts: one hash-to-scalar per element over a message of the composite length
    // (lp(seed) ‖ I2OSP(i, 8) ‖ lp(Ci) ‖ lp(Di) ‖ "Composite"), with the same DST.
    const htsDst = concatBytes(utf8ToBytes('HashToScalar-'), cfg.context);
    const seedLen = suite.hash(new Uint8Array(0)).length;
    const Ne = suite.elementLength;
    const transcripts = Array.from({ length: BATCH }, (_, i) => {
      const m = new Uint8Array(2 + seedLen + 8 + 2 + Ne + 2 + Ne + 9);
      m.set(i2osp(i, 4), 2 + seedLen + 4);
      m.set(st.Cbytes[i] as Uint8Array, 2 + seedLen + 8 + 2);
      m.set(st.Dbytes[i] as Uint8Array, 2 + seedLen + 8 + 2 + Ne + 2);
      return m;
    });
    const weights = () => transcripts.map((m) => hasher.hashToScalar(m, { DST: htsDst }));

    // SPEC v2 §2.1: the statement digest the seed hashes, one pass of the suite hash over every
    // C_i ‖ D_i; floor: noble's hash over the same bytes already concatenated (no streaming).
    if (wants(ctx, `${s}.dleq.seed.element`)) {
      const cat = concatBytes(...st.Cbytes.flatMap((c, i) => [c, st.Dbytes[i] as Uint8Array]));
      const row = compare(
        `${s}.dleq.seed.element`,
        () => statementDigest(suite, cfg, st.Cbytes, st.Dbytes),
        `noble ${suite.shortName === 'p256' ? 'sha256' : 'sha512'}(C‖D)`,
        () => suite.hash(cat),
        slowOpts,
      );
      rows.push(perElement(row, BATCH, `batch ${BATCH}`));
    }

    if (wants(ctx, `${s}.dleq.prove.element`)) {
      const row = compare(
        `${s}.dleq.prove.element`,
        () => generateProof(suite, cfg, k, st),
        `${BATCH}×hashToScalar + MSM`,
        () => rawMsm(Point, msmPts, weights()),
        slowOpts,
      );
      rows.push(perElement(row, BATCH, `batch ${BATCH}`));
    }

    if (wants(ctx, `${s}.dleq.verify.element`)) {
      const row = compare(
        `${s}.dleq.verify.element`,
        () => verifyProof(suite, cfg, st, proof),
        `${BATCH}×hashToScalar + 2 MSM`,
        () => {
          const d = weights();
          return [rawMsm(Point, msmPts, d), rawMsm(Point, D, d)];
        },
        slowOpts,
      );
      rows.push(perElement(row, BATCH, `batch ${BATCH}`));
    }
  }
  return rows;
}
