/**
 * Issue 5 end to end, on both suites, calling the library directly: NGOs → builder → audit →
 * manifest → client vouchers → server reveal → reviewer opens the payloads. Then the audit
 * failures that need real NGO contributions: an item backed by m − 1 jurisdictions, a forged
 * contribution and a missing one.
 */
import { describe, expect, it } from 'vitest';
import { auditDatabase, encodeAuditBundle } from '../src/audit.js';
import { buildDatabase } from '../src/builder.js';
import { p256Sha256, ristretto255Sha512, type Suite } from '../src/group.js';
import {
  createQuorumConfig,
  intersectContributions,
  NgoParty,
  runQuorumLocally,
} from '../src/ngo.js';
import { rateToU32 } from '../src/pdata.js';
import { generateSigningKeyPair } from '../src/sign.js';
import { simulate } from '../src/simulate.js';
import { bytesToHex } from '../src/utils.js';
import { TEST_REVIEWER_KEY } from './helpers/protocol.js';
import { seededRng } from './helpers/rng.js';

const te = new TextEncoder();
const hash = (tag: string, i: number) => {
  const b = new Uint8Array(16);
  b.set(te.encode(`${tag}#${i}`).subarray(0, 16));
  return b;
};

/** Three jurisdictions; `shared` items held by all, `pair` by A and B only, the rest single. */
function lists(shared: number, pair: number, single: number) {
  const s = Array.from({ length: shared }, (_, i) => hash('all', i));
  const p = Array.from({ length: pair }, (_, i) => hash('ab', i));
  const one = (t: string) => Array.from({ length: single }, (_, i) => hash(t, i));
  return {
    A: [...s, ...p, ...one('a')],
    B: [...s, ...p, ...one('b')],
    C: [...s, ...one('c')],
    qualifying: [...s, ...p],
  };
}

describe.each([ristretto255Sha512, p256Sha256])(
  'NGO quorum to reviewer on $name',
  (suite: Suite) => {
    it('reveals exactly the real matches at T, sealed to the reviewer, who opens them', async () => {
      const L = lists(8, 4, 6);
      const T = 4;
      const uploads = [
        ...L.qualifying.slice(0, T).map((item, i) => ({ id: Uint8Array.of(1, i), item })),
        ...Array.from({ length: 6 }, (_, i) => ({
          id: Uint8Array.of(2, i),
          item: hash('holiday', i),
        })),
        { id: Uint8Array.of(3, 0), item: hash('a', 0) }, // held by one jurisdiction only: not in the database
      ];
      const res = await simulate({
        suite,
        ngos: [
          { name: 'Alpha', jurisdiction: 'UK', items: L.A },
          { name: 'Beta', jurisdiction: 'CA', items: L.B },
          { name: 'Gamma', jurisdiction: 'NL', items: L.C },
        ],
        rule: 2,
        uploads,
        threshold: T,
        syntheticRate: 0,
        maxSynthetics: 2,
        tableRatio: 2.1,
        rng: seededRng(`quorum-e2e-${suite.name}`),
      });
      expect(res.intersection).toEqual(L.qualifying.map(bytesToHex).sort());
      expect(res.auditOk).toBe(true);
      expect(res.clientAccepted).toBe(true);
      expect(res.revealOutcome).toBe('revealed');
      const realIds = uploads
        .slice(0, T)
        .map((u) => bytesToHex(u.id))
        .sort();
      expect(res.revealedIds).toEqual(realIds);
      expect(res.reviewerOpened.map((o) => o.id)).toEqual(realIds);
      for (const o of res.reviewerOpened) expect(o.payload).toBe(`photo ${o.id}`);
    });

    describe('audit failures that need real contributions', () => {
      const L = lists(6, 3, 5);
      const rng = seededRng(`quorum-audit-${suite.name}`);
      const keys = ['UK', 'CA', 'NL'].map((j) => ({ j, kp: generateSigningKeyPair(rng) }));
      const config = createQuorumConfig({
        suite,
        deploymentId: te.encode('audit-test'),
        m: 2,
        itemWidth: 16,
        members: keys.map((k) => ({ jurisdiction: k.j, signingPublicKey: k.kp.publicKey })),
      });
      const parties = [L.A, L.B, L.C].map(
        (items, i) =>
          new NgoParty(config, i, (keys[i] as (typeof keys)[0]).kp.secretKey, items, rng),
      );
      const run = runQuorumLocally(parties);
      const trust = keys.map((k) => ({ jurisdiction: k.j, publicKey: k.kp.publicKey }));
      const qualifiedItems = (c: readonly Uint8Array[]) =>
        intersectContributions(c, trust, 2).items;
      const params = {
        threshold: 3,
        sMax: 1,
        syntheticRate32: rateToU32(0),
        payloadSize: 8,
        reviewerKeys: [TEST_REVIEWER_KEY],
      };
      const honest = buildDatabase(qualifiedItems(run.contributions), {
        suite,
        params,
        contributions: run.contributions,
        rng,
      });

      it('the honest database built from the contributions passes', () => {
        expect(honest.items.map(bytesToHex)).toEqual(L.qualifying.map(bytesToHex).sort());
        expect(
          auditDatabase(honest.publicData, encodeAuditBundle(honest), {
            claimedRoot: honest.root,
            qualifiedItems,
          }).ok,
        ).toBe(true);
      });

      it('fails (items) for an item backed by m − 1 jurisdictions', () => {
        const extra = buildDatabase([...honest.items, hash('a', 0)], {
          suite,
          params,
          contributions: run.contributions,
          rng,
        });
        expect(
          auditDatabase(extra.publicData, encodeAuditBundle(extra), {
            claimedRoot: extra.root,
            qualifiedItems,
          }),
        ).toMatchObject({
          ok: false,
          failure: 'items',
        });
      });

      it('fails (contributions) for a forged contribution', () => {
        const forged = run.contributions.map((c) => c.slice());
        const c0 = forged[0] as Uint8Array;
        c0[c0.length - 1] = (c0[c0.length - 1] as number) ^ 1; // inside the signature
        const bundle = encodeAuditBundle({
          ...honest,
          audit: { ...honest.audit, contributions: forged },
        });
        expect(
          auditDatabase(honest.publicData, bundle, { claimedRoot: honest.root, qualifiedItems }),
        ).toMatchObject({
          ok: false,
          failure: 'contributions',
        });
      });

      it('fails (items) for a missing contribution: its items lose their backing', () => {
        const bundle = encodeAuditBundle({
          ...honest,
          audit: { ...honest.audit, contributions: run.contributions.slice(1) },
        });
        expect(
          auditDatabase(honest.publicData, bundle, { claimedRoot: honest.root, qualifiedItems }),
        ).toMatchObject({
          ok: false,
          failure: 'items',
        });
      });
    });
  },
);
