/**
 * Issue 5 end to end, on both suites, calling the library directly: NGOs → builder → audit →
 * manifest → client vouchers → server reveal → reviewer opens the payloads. Then the audit
 * failures that need real NGO contributions: an item backed by m − 1 jurisdictions, a forged
 * contribution and a missing one.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/cli/simulate.js';
import { p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import { bytesToHex } from '../src/core/utils.js';
import { auditDatabase, encodeAuditBundle } from '../src/database/audit.js';
import { buildDatabase } from '../src/database/builder.js';
import { rateToU32 } from '../src/database/pdata.js';
import { TEST_REVIEWER_KEY } from './helpers/protocol.js';
import { lenientPolicy, quorumWorld } from './helpers/quorum.js';
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
        syntheticRate: 0.05,
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
      const w = quorumWorld(suite, `quorum-audit-${suite.name}`);
      const policy = lenientPolicy(w, [TEST_REVIEWER_KEY]);
      const { qualifiedItems, rng } = w;
      const params = {
        threshold: 3,
        sMax: 1,
        syntheticRate32: rateToU32(0.05),
        payloadSize: 8,
        reviewerKeys: [TEST_REVIEWER_KEY],
      };
      const honest = buildDatabase(w.items, {
        suite,
        params,
        contributions: w.contributions,
        runId: w.runId,
        rng,
      });
      const audit = (db: typeof honest, bundle = encodeAuditBundle(db, { version: 1 })) =>
        auditDatabase(db.publicData, bundle, { claimedRoot: db.root, qualifiedItems, policy });

      it('the honest database built from the contributions passes', () => {
        expect(honest.items.map(bytesToHex)).toEqual(w.lists.qualifying.map(bytesToHex).sort());
        expect(audit(honest).ok).toBe(true);
      });

      it('fails (items) for an item backed by m − 1 jurisdictions', () => {
        const extra = buildDatabase([...honest.items, hash('a', 0)], {
          suite,
          params,
          contributions: w.contributions,
          runId: w.runId,
          rng,
        });
        expect(audit(extra)).toMatchObject({ ok: false, failure: 'items' });
      });

      it('fails (contributions) for a forged contribution', () => {
        const forged = w.contributions.map((c) => c.slice());
        const c0 = forged[0] as Uint8Array;
        c0[c0.length - 1] = (c0[c0.length - 1] as number) ^ 1; // inside the signature
        const bundle = encodeAuditBundle(
          { ...honest, audit: { ...honest.audit, contributions: forged } },
          { version: 1 },
        );
        expect(audit(honest, bundle)).toMatchObject({ ok: false, failure: 'contributions' });
      });

      it('fails (items) for a missing contribution: its items lose their backing', () => {
        const bundle = encodeAuditBundle(
          { ...honest, audit: { ...honest.audit, contributions: w.contributions.slice(1) } },
          { version: 1 },
        );
        expect(audit(honest, bundle)).toMatchObject({ ok: false, failure: 'items' });
      });
    });
  },
);
