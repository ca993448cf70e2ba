/**
 * SPEC §5 / §9: "Every single-point tampering of database, filler, manifest or contribution is
 * detected." Here: the database side. Each tampered public data gets a freshly recomputed root
 * (a dishonest builder would claim the root of what it publishes), so only the audit's
 * re-derivation can catch it; a wrong claimed root is its own case.
 */
import { describe, expect, it } from 'vitest';
import { p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import { concatBytes } from '../src/core/utils.js';
import { auditDatabase, encodeAuditBundle } from '../src/database/audit.js';
import { buildDatabase, hashItem } from '../src/database/builder.js';
import { layoutCuckoo } from '../src/database/cuckoo.js';
import { computeRoot, encodeHeader, rateToU32, splitPublicData } from '../src/database/pdata.js';
import { TEST_REVIEWER_KEY } from './helpers/protocol.js';
import { lenientPolicy, quorumWorld } from './helpers/quorum.js';
import { seededRng } from './helpers/rng.js';

function setup(suite: Suite) {
  const w = quorumWorld(suite, `audit-${suite.name}`);
  const built = buildDatabase(w.items, {
    suite,
    rng: seededRng(`audit-${suite.name}`),
    params: {
      threshold: 3,
      sMax: 2,
      syntheticRate32: rateToU32(0.1),
      payloadSize: 16,
      reviewerKeys: [TEST_REVIEWER_KEY],
    },
    contributions: w.contributions,
  });
  const bundle = encodeAuditBundle(built, { version: 1 });
  const policy = lenientPolicy(w, [TEST_REVIEWER_KEY]);
  return { built, bundle, qualifiedItems: w.qualifiedItems, items: w.items, policy };
}

function republish(
  pdata: Uint8Array,
  mutate: (
    cells: Uint8Array[],
    headerBytes: Uint8Array,
  ) => { headerBytes?: Uint8Array; cells: Uint8Array[] },
) {
  const { headerBytes, cells } = splitPublicData(pdata);
  const copy = cells.map((c) => c.slice());
  const out = mutate(copy, headerBytes);
  const hb = out.headerBytes ?? headerBytes;
  return { pdata: concatBytes(hb, ...out.cells), root: computeRoot(hb, out.cells) };
}

describe.each([ristretto255Sha512, p256Sha256])('audit on $name', (suite) => {
  const { built, bundle, qualifiedItems, policy } = setup(suite);
  const audit = (pdata: Uint8Array, root: Uint8Array) =>
    auditDatabase(pdata, bundle, { claimedRoot: root, qualifiedItems, policy });

  it('accepts the honest database', () => {
    const v = audit(built.publicData, built.root);
    expect(v.ok).toBe(true);
    if (v.ok) {
      expect(v.root).toEqual(built.root);
      // The audit reports exactly the drops of the deterministic layout the builder made.
      expect(v.dropped).toBe(built.dropped.length);
    }
  });

  it('fails (proof) for one changed cell', () => {
    const t = republish(built.publicData, (cells) => {
      cells[3] = suite.encode(suite.mulBase(12345n));
      return { cells };
    });
    expect(audit(t.pdata, t.root)).toMatchObject({ ok: false, failure: 'proof' });
  });

  it('fails (proof) for two cells swapped', () => {
    const t = republish(built.publicData, (cells) => {
      const a = cells[1] as Uint8Array;
      cells[1] = cells[2] as Uint8Array;
      cells[2] = a;
      return { cells };
    });
    expect(audit(t.pdata, t.root)).toMatchObject({ ok: false, failure: 'proof' });
  });

  it('fails (proof) for a filler replaced by α·H(x*) of an item outside X_int', () => {
    const { cells: layout } = layoutCuckoo(
      built.items as Uint8Array[],
      built.audit.nonces,
      splitPublicData(built.publicData).cells.length,
    );
    const j = layout.indexOf(-1);
    expect(j).toBeGreaterThanOrEqual(0);
    const target = new TextEncoder().encode('a target the NGOs never agreed on');
    const t = republish(built.publicData, (cells) => {
      cells[j] = suite.encode(suite.mul(hashItem(suite, target), built.alpha));
      return { cells };
    });
    expect(audit(t.pdata, t.root)).toMatchObject({ ok: false, failure: 'proof' });
  });

  it('fails (proof) for an added cell and for a removed cell', () => {
    const { header } = splitPublicData(built.publicData);
    for (const delta of [1, -1]) {
      const t = republish(built.publicData, (cells) => {
        const next = delta > 0 ? [...cells, suite.encode(suite.mulBase(777n))] : cells.slice(0, -1);
        const hb = encodeHeader(
          suite,
          header.params,
          { ...header.table, size: next.length },
          header.Lbytes,
        );
        return { headerBytes: hb, cells: next };
      });
      expect(audit(t.pdata, t.root)).toMatchObject({ ok: false, failure: 'proof' });
    }
  });

  it('fails (root) when the claimed root is not the root of the public data', () => {
    const wrong = built.root.slice();
    wrong[0] = (wrong[0] as number) ^ 1;
    expect(audit(built.publicData, wrong)).toMatchObject({ ok: false, failure: 'root' });
  });

  it('fails (items) when X_int holds an item the quorum does not back, or lacks one it does', () => {
    // The reason counts both differences (the bundle is the builder's X_int).
    const fewer = () => built.items.slice(1);
    expect(
      auditDatabase(built.publicData, bundle, {
        claimedRoot: built.root,
        qualifiedItems: fewer,
        policy,
      }),
    ).toMatchObject({
      ok: false,
      failure: 'items',
      reason: expect.stringContaining('1 item(s) not backed by m jurisdictions, 0 missing'),
    });
    const more = () => [...built.items, new TextEncoder().encode('extra-item-16byt')];
    expect(
      auditDatabase(built.publicData, bundle, {
        claimedRoot: built.root,
        qualifiedItems: more,
        policy,
      }),
    ).toMatchObject({
      ok: false,
      failure: 'items',
      reason: expect.stringContaining('0 item(s) not backed by m jurisdictions, 1 missing'),
    });
  });

  it('fails (proof) when the bundle proof was made with another α', () => {
    const other = buildDatabase(built.items, {
      suite,
      rng: seededRng('other'),
      params: splitPublicData(built.publicData).header.params,
    });
    const forged = encodeAuditBundle(
      { ...built, audit: { ...built.audit, proof: other.audit.proof } },
      { version: 1 },
    );
    expect(
      auditDatabase(built.publicData, forged, { claimedRoot: built.root, qualifiedItems, policy }),
    ).toMatchObject({ ok: false, failure: 'proof' });
  });

  it('reports malformed bundles and public data as a verdict, not an exception', () => {
    expect(
      auditDatabase(built.publicData, bundle.subarray(0, 10), {
        claimedRoot: built.root,
        qualifiedItems,
        policy,
      }).ok,
    ).toBe(false);
    expect(
      auditDatabase(built.publicData.subarray(0, 50), bundle, {
        claimedRoot: built.root,
        qualifiedItems,
        policy,
      }),
    ).toMatchObject({ ok: false, failure: 'malformed' });
  });
});
