/**
 * The set-up the database benchmarks share (never timed): a real quorum run of three NGOs that
 * fixes the table's nonces and signs the contributions, and the auditing NGO's policy for it.
 * Used by bench/protocol.ts, bench/scale-database.ts and bench/audit-rounds.ts.
 * @module
 */
import type { Suite } from '../src/core/group.js';
import { generateSigningKeyPair } from '../src/core/sign.js';
import type { AuditPolicy } from '../src/database/audit.js';
import { rateToU32, type VoucherParams } from '../src/database/pdata.js';
import {
  createQuorumRoster,
  intersectContributions,
  NgoParty,
  runQuorumLocally,
  startRunLocally,
} from '../src/quorum/ngo.js';

/** A 32-byte item: `i` big-endian in the first four bytes, a fixed last byte. */
export function benchItem(i: number): Uint8Array {
  const b = new Uint8Array(32);
  new DataView(b.buffer).setUint32(0, i);
  b[31] = 0x5a;
  return b;
}

/**
 * A quorum run of three NGOs (UK, CA, NL), rule m = 2, items of 32 bytes: UK and CA hold every
 * item of `xInt`, NL half of them, so `X_int` is exactly `xInt` (checked). Returns the signed
 * contributions, the run's deployment and run ids, and `X_int`.
 */
export function quorumRun(suite: Suite, label: string, xInt: readonly Uint8Array[]) {
  const deploymentId = new TextEncoder().encode(label);
  const ngos = ['UK', 'CA', 'NL'].map((jurisdiction) => ({
    jurisdiction,
    ...generateSigningKeyPair(),
  }));
  const trust = ngos.map((n) => ({ jurisdiction: n.jurisdiction, signingPublicKey: n.publicKey }));
  const roster = createQuorumRoster({ suite, deploymentId, m: 2, itemWidth: 32, members: trust });
  const { config, runId } = startRunLocally(
    roster,
    ngos.map((n) => n.secretKey),
  );
  const lists = [xInt, xInt, xInt.filter((_, i) => i % 2 === 0)];
  const { contributions } = runQuorumLocally(
    ngos.map((n, i) => new NgoParty(config, i, n.secretKey, lists[i] as Uint8Array[])),
  );
  const items = intersectContributions(contributions, trust, 2, { deploymentId, runId }).items;
  if (items.length !== xInt.length) throw new Error('bench: the quorum lost items');
  return { contributions, deploymentId, runId, items };
}

/** The auditing NGO's policy: its deployment and run, the agreed reviewer key, loose bounds. */
export function benchPolicy(
  run: { deploymentId: Uint8Array; runId: Uint8Array },
  reviewerKey: Uint8Array,
): AuditPolicy {
  return {
    deploymentId: run.deploymentId,
    runId: run.runId,
    reviewerKeys: [reviewerKey],
    threshold: { min: 2, max: 100 },
    sMax: { min: 1, max: 500 },
    syntheticRate: { min: 0.01, max: 0.5 },
    payloadSize: { min: 16, max: 1024 },
    ratio: { min: 1.23, max: 2 },
    lastSignedVersion: 0,
  };
}

/** The voucher parameters of the scale benchmarks' databases (T = 30, `sMax` = 90, rate 5%). */
export function benchParams(reviewerKey: Uint8Array): VoucherParams {
  return {
    threshold: 30,
    sMax: 90,
    syntheticRate32: rateToU32(0.05),
    payloadSize: 64,
    reviewerKeys: [reviewerKey],
  };
}
