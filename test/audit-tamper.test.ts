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
import { computeRoot, encodeHeader, rateToU32, splitPublicData } from '../src/database/pdata.js';
import { cellPositions, layoutTable } from '../src/database/table.js';
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
    runId: w.runId,
  });
  const bundle = encodeAuditBundle(built, { version: 1 });
  const policy = lenientPolicy(w, [TEST_REVIEWER_KEY]);
  return {
    built,
    bundle,
    qualifiedItems: w.qualifiedItems,
    items: w.items,
    policy,
    runId: w.runId,
  };
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
  const { built, bundle, qualifiedItems, policy, items, runId } = setup(suite);
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

  // The single-point table (SPEC v2 §4): which cells are fillers, and the three cells of an item.
  const { header: hdr } = splitPublicData(built.publicData);
  const layout = layoutTable(built.items as Uint8Array[], hdr.table.nonces, hdr.table.size);
  const freeCells = new Set(Array.from(layout.order, (i) => layout.free[i] as number));
  const target = new TextEncoder().encode('a target the NGOs never agreed on');

  it('fails (proof) for a filler replaced by α·H(x*) of an item outside X_int', () => {
    let j = 0;
    while (freeCells.has(j)) j++;
    expect(j).toBeLessThan(hdr.table.size);
    const t = republish(built.publicData, (cells) => {
      cells[j] = suite.encode(suite.mul(hashItem(suite, target), built.alpha));
      return { cells };
    });
    expect(audit(t.pdata, t.root)).toMatchObject({ ok: false, failure: 'proof' });
  });

  it('fails (proof) for one cell rewritten so that the three cells of x* outside X_int sum to α·H(x*)', () => {
    const pos = cellPositions(hdr.table.nonces, target, hdr.table.size);
    const t = republish(built.publicData, (cells) => {
      const [c, a, b] = pos;
      const others = suite.decode(cells[a] as Uint8Array).add(suite.decode(cells[b] as Uint8Array));
      cells[c] = suite.encode(suite.mul(hashItem(suite, target), built.alpha).subtract(others));
      return { cells };
    });
    // The tampering works for x* (its slot would open) …
    const { cells: tc } = splitPublicData(t.pdata);
    const sum = pos
      .map((q) => suite.decode(tc[q] as Uint8Array))
      .reduce((acc, P) => acc.add(P), suite.identity);
    expect(sum.equals(suite.mul(hashItem(suite, target), built.alpha))).toBe(true);
    // … and the audit refuses it.
    expect(audit(t.pdata, t.root)).toMatchObject({ ok: false, failure: 'proof' });
  });

  it('fails (proof) for two cells of a placed item shifted by opposite amounts (its own sum still α·H(x))', () => {
    const i = layout.order[0] as number;
    const [p1, p2, p3] = Array.from(layout.positions.subarray(3 * i, 3 * i + 3));
    const x = built.items[i] as Uint8Array;
    const shift = suite.mulBase(987654321n);
    const t = republish(built.publicData, (cells) => {
      cells[p1 as number] = suite.encode(
        suite.decode(cells[p1 as number] as Uint8Array).add(shift),
      );
      cells[p2 as number] = suite.encode(
        suite.decode(cells[p2 as number] as Uint8Array).subtract(shift),
      );
      return { cells };
    });
    const { cells: tc } = splitPublicData(t.pdata);
    const sum = [p1, p2, p3]
      .map((q) => suite.decode(tc[q as number] as Uint8Array))
      .reduce((acc, P) => acc.add(P), suite.identity);
    expect(sum.equals(suite.mul(hashItem(suite, x), built.alpha))).toBe(true);
    expect(audit(t.pdata, t.root)).toMatchObject({ ok: false, failure: 'proof' });
  });

  it('fails (proof) for an added cell and for a removed cell', () => {
    // A table with room above the policy's smallest size (the small-table margin dominates at
    // the default ratio for these few items), so that one cell fewer is still a size the policy allows and only the
    // proof can catch it; below that size the policy refuses it first.
    const roomy = buildDatabase(items, {
      suite,
      rng: seededRng(`audit-roomy-${suite.name}`),
      params: splitPublicData(built.publicData).header.params,
      ratio: 8,
      contributions: built.audit.contributions,
      runId,
    });
    const roomyBundle = encodeAuditBundle(roomy, { version: 1 });
    const { header } = splitPublicData(roomy.publicData);
    for (const delta of [1, -1]) {
      const t = republish(roomy.publicData, (cells) => {
        const next = delta > 0 ? [...cells, suite.encode(suite.mulBase(777n))] : cells.slice(0, -1);
        const hb = encodeHeader(
          suite,
          header.params,
          { ...header.table, size: next.length },
          header.Lbytes,
        );
        return { headerBytes: hb, cells: next };
      });
      const v = auditDatabase(t.pdata, roomyBundle, {
        claimedRoot: t.root,
        qualifiedItems,
        policy,
      });
      expect(v).toMatchObject({ ok: false, failure: 'proof' });
    }
    expect(
      auditDatabase(roomy.publicData, roomyBundle, {
        claimedRoot: roomy.root,
        qualifiedItems,
        policy,
      }).ok,
    ).toBe(true);
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
      runId,
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
