/**
 * A real NGO quorum for audit tests: three jurisdictions (UK, CA, NL), rule m = 2, 16-byte
 * items, two runs of the same roster. In the earlier run NGO UK also held `withdrawn` (shared
 * with CA, so it qualified); before the current run UK withdrew it.
 */

import { MIN_POLICY_TABLE_RATIO } from '../../src/core/constants.js';
import type { Suite } from '../../src/core/group.js';
import { generateSigningKeyPair } from '../../src/core/sign.js';
import type { Rng } from '../../src/core/utils.js';
import type { AuditPolicy } from '../../src/database/audit.js';
import {
  createQuorumRoster,
  intersectContributions,
  NgoParty,
  runQuorumLocally,
  startRunLocally,
} from '../../src/quorum/ngo.js';
import { seededRng } from './rng.js';

const te = new TextEncoder();

/** A 16-byte item `tag#i`. */
export function hash16(tag: string, i: number): Uint8Array {
  const b = new Uint8Array(16);
  b.set(te.encode(`${tag}#${i}`).subarray(0, 16));
  return b;
}

/** Three lists: `shared` items held by all, `pair` by UK and CA only, `single` each alone. */
export function threeLists(shared: number, pair: number, single: number) {
  const s = Array.from({ length: shared }, (_, i) => hash16('all', i));
  const p = Array.from({ length: pair }, (_, i) => hash16('ab', i));
  const one = (t: string) => Array.from({ length: single }, (_, i) => hash16(t, i));
  return {
    A: [...s, ...p, ...one('a')],
    B: [...s, ...p, ...one('b')],
    C: [...s, ...one('c')],
    qualifying: [...s, ...p],
  };
}

function runOnce(
  roster: ReturnType<typeof createQuorumRoster>,
  secretKeys: Uint8Array[],
  lists: Uint8Array[][],
  rng: Rng,
) {
  const { config } = startRunLocally(roster, secretKeys, { rng });
  const parties = lists.map(
    (items, i) => new NgoParty(config, i, secretKeys[i] as Uint8Array, items, rng),
  );
  return { config, run: runQuorumLocally(parties), parties };
}

export function quorumWorld(suite: Suite, seed: string) {
  const rng = seededRng(seed);
  const L = threeLists(10, 5, 6);
  const withdrawn = hash16('withdrawn', 0);
  const keys = ['UK', 'CA', 'NL'].map((j) => ({ j, kp: generateSigningKeyPair(rng) }));
  const deploymentId = te.encode(`audit-test-${suite.shortName}`);
  const m = 2;
  const roster = createQuorumRoster({
    suite,
    deploymentId,
    m,
    itemWidth: 16,
    members: keys.map((k) => ({ jurisdiction: k.j, signingPublicKey: k.kp.publicKey })),
  });
  const sks = keys.map((k) => k.kp.secretKey);
  const earlier = runOnce(roster, sks, [[...L.A, withdrawn], [...L.B, withdrawn], L.C], rng);
  const current = runOnce(roster, sks, [L.A, [...L.B, withdrawn], L.C], rng);
  const trust = keys.map((k) => ({ jurisdiction: k.j, signingPublicKey: k.kp.publicKey }));
  const scope = (runId: Uint8Array) => ({ deploymentId, runId });
  const qualifiedItems = (c: readonly Uint8Array[]) =>
    intersectContributions(c, trust, m, scope(current.config.runId)).items;
  const earlierItems = intersectContributions(
    earlier.run.contributions,
    trust,
    m,
    scope(earlier.config.runId),
  ).items;
  return {
    suite,
    m,
    deploymentId,
    runId: current.config.runId,
    config: current.config,
    trust,
    keys,
    lists: L,
    withdrawn,
    /** `X_int` of the current run. */
    items: qualifiedItems(current.run.contributions),
    contributions: current.run.contributions,
    /** `X_int` of the earlier run: holds `withdrawn`. */
    earlierRunItems: earlierItems,
    earlierRunContributions: earlier.run.contributions,
    /** The auditing NGO's step 1 for the current run. */
    qualifiedItems,
    rng,
  };
}

/**
 * A permissive policy for `quorumWorld` databases built with `TEST_REVIEWER_KEY` (or the given
 * reviewer keys): tests of the proof, items and root checks, not of the policy bounds.
 */
export function lenientPolicy(
  w: { deploymentId: Uint8Array; runId: Uint8Array },
  reviewerKeys: readonly Uint8Array[],
): AuditPolicy {
  return {
    deploymentId: w.deploymentId,
    runId: w.runId,
    reviewerKeys,
    threshold: { min: 2, max: 1024 },
    sMax: { min: 1, max: 500 },
    syntheticRate: { min: 2 ** -32, max: 1 },
    payloadSize: { min: 0, max: 65_533 },
    ratio: { min: MIN_POLICY_TABLE_RATIO, max: 16 },
    lastSignedVersion: 0,
  };
}
