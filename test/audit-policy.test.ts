/**
 * SPEC v2 §5 step 4: the audit checks the header against the auditing NGO's OWN policy, never
 * against what the builder claims, and binds the contributions to the NGO's deployment and quorum
 * run. On 13baa61 every database below passed the audit: it never looked at the reviewer keys,
 * `p`, `T`, `s_max`, the payload size or the ratio, nor at the run of the contributions.
 *
 * Also: `auditDatabase` returns a verdict for every input and never throws for bad data (a
 * header with two equal cell-hash nonces used to decode and then throw `ParameterError`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_POLICY_TABLE_RATIO } from '../src/core/constants.js';
import { DecodeError, ParameterError } from '../src/core/errors.js';
import { p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import { bytesToHex, concatBytes } from '../src/core/utils.js';
import {
  type AuditPolicy,
  auditDatabase,
  encodeAuditBundle,
  manifestBodyFor,
} from '../src/database/audit.js';
import { buildDatabase } from '../src/database/builder.js';
import {
  computeRoot,
  encodeHeader,
  rateToU32,
  splitPublicData,
  type VoucherParams,
} from '../src/database/pdata.js';
import {
  type CellNonces,
  cellHash,
  cellNoncesForRun,
  layoutTable,
  tableSize,
} from '../src/database/table.js';
import { ClientDatabase } from '../src/voucher/client.js';
import { runs } from './helpers/assert.js';
import { quorumWorld } from './helpers/quorum.js';
import { seededRng } from './helpers/rng.js';

const AGREED = Uint8Array.from({ length: 32 }, (_, i) => (i * 5 + 1) & 0xff);
const AGREED_2 = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 3) & 0xff);
const PLATFORM = Uint8Array.from({ length: 32 }, (_, i) => (i * 11 + 2) & 0xff);

const PARAMS: VoucherParams = {
  threshold: 10,
  sMax: 8,
  syntheticRate32: rateToU32(0.05),
  payloadSize: 64,
  reviewerKeys: [AGREED, AGREED_2],
};

function setup(suite: Suite) {
  const w = quorumWorld(suite, `audit-policy-${suite.shortName}`);
  // Small tables get a margin of 4·⌊√n⌋ + 32 cells whatever the ratio: bounds above that
  // minimum, so that a ratio below them gives a smaller table and one above a larger table.
  const RATIO_MIN = Math.ceil(tableSize(w.items.length, 1) / w.items.length) + 0.5;
  const RATIO = RATIO_MIN + 0.5;
  const policy: AuditPolicy = {
    deploymentId: w.deploymentId,
    runId: w.runId,
    reviewerKeys: [AGREED_2, AGREED], // a set: order is free
    threshold: { min: 5, max: 40 },
    sMax: { min: 4, max: 100 },
    syntheticRate: { min: 0.01, max: 0.2 },
    payloadSize: { min: 16, max: 256 },
    ratio: { min: RATIO_MIN, max: RATIO_MIN + 1.5 },
    lastSignedVersion: 3,
  };
  const rng = seededRng(`audit-policy-build-${suite.shortName}`);
  const build = (
    params: Partial<VoucherParams> = {},
    ratio = RATIO,
    contributions = w.contributions,
    items = w.items,
  ) =>
    buildDatabase(items, {
      suite,
      rng,
      params: { ...PARAMS, ...params },
      ratio,
      contributions,
      runId: w.runId,
    });
  const audit = (
    built: ReturnType<typeof build>,
    o: { version?: number; policy?: AuditPolicy; pdata?: Uint8Array; root?: Uint8Array } = {},
  ) =>
    auditDatabase(
      o.pdata ?? built.publicData,
      encodeAuditBundle(built, { version: o.version ?? 4 }),
      {
        claimedRoot: o.root ?? built.root,
        qualifiedItems: w.qualifiedItems,
        policy: o.policy ?? policy,
      },
    );
  return { w, policy, build, audit, RATIO, RATIO_MIN };
}

describe.each([ristretto255Sha512, p256Sha256])('audit policy on $name', (suite) => {
  const { w, policy, build, audit, RATIO, RATIO_MIN } = setup(suite);
  const honest = build();

  it('passes an honest database and reports deployment, run, rule and version from what it checked', () => {
    const v = audit(honest);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.deploymentId).toEqual(w.deploymentId);
    expect(v.runId).toEqual(w.runId);
    expect(v.rule).toBe(w.m);
    expect(v.version).toBe(4);
    expect(v.root).toEqual(honest.root);
  });

  it('manifestBodyFor takes every field from the verdict and refuses public data other than the audited', () => {
    const v = audit(honest);
    if (!v.ok) throw new Error('audit failed');
    const body = manifestBodyFor(honest.publicData, v, { notBefore: 1, notAfter: 2 });
    expect(body.pdataHeader).toEqual(v.pdataHeader);
    expect(body.root).toEqual(v.root);
    expect(body.runId).toEqual(w.runId);
    const other = build({ reviewerKeys: [PLATFORM] });
    expect(() => manifestBodyFor(other.publicData, v, { notBefore: 1, notAfter: 2 })).toThrow(
      ParameterError,
    );
  });

  it('fails (policy) when the header names the platform as reviewer, alone or besides the agreed keys', () => {
    for (const reviewerKeys of [[PLATFORM], [AGREED, AGREED_2, PLATFORM], [AGREED, PLATFORM]]) {
      const v = audit(build({ reviewerKeys }));
      expect(v).toMatchObject({ ok: false, failure: 'policy' });
    }
  });

  it('fails (policy) when the header omits an agreed reviewer key', () => {
    expect(audit(build({ reviewerKeys: [AGREED] }))).toMatchObject({
      ok: false,
      failure: 'policy',
    });
  });

  it('fails (policy) for a synthetic rate p = 0 and for p above the bound', () => {
    expect(audit(build({ syntheticRate32: 0 }))).toMatchObject({ ok: false, failure: 'policy' });
    expect(audit(build({ syntheticRate32: rateToU32(0.5) }))).toMatchObject({
      ok: false,
      failure: 'policy',
    });
  });

  it('fails (policy) for T, s_max, payload size or table ratio outside the bounds', () => {
    const cases: [Partial<VoucherParams>, number][] = [
      [{ threshold: 2 }, RATIO],
      [{ threshold: 41 }, RATIO],
      [{ sMax: 0 }, RATIO],
      [{ sMax: 101 }, RATIO],
      [{ payloadSize: 8 }, RATIO],
      [{ payloadSize: 1000 }, RATIO],
      [{}, 1.2],
      [{}, RATIO_MIN + 2.5],
    ];
    for (const [params, ratio] of cases) {
      const v = audit(build(params, ratio));
      expect(v, JSON.stringify({ params, ratio })).toMatchObject({ ok: false, failure: 'policy' });
    }
  });

  it('fails (policy) for cell-hash nonces the builder ground so that a chosen item drops (not the run-derived ones)', () => {
    // The attack of the review of issue 13: with nonces of its own choosing, a builder makes a
    // target x* share all three cells with another item of X_int, so both fall into the 2-core
    // and are dropped, about 3·n' hash evaluations of work. The nonces are now derived from the
    // quorum run id, and the audit recomputes them.
    const items = honest.items as Uint8Array[];
    const nPrime = splitPublicData(honest.publicData).header.table.size;
    const [target, partner] = [items[0] as Uint8Array, items[1] as Uint8Array];
    const grind = (j: number, modulus: number) => {
      for (let t = 0; ; t++) {
        const n = new Uint8Array(16);
        new DataView(n.buffer).setUint32(0, t);
        n[15] = j;
        if (cellHash(n, target, modulus) === cellHash(n, partner, modulus)) return n;
      }
    };
    const ground = [grind(1, nPrime), grind(2, nPrime - 1), grind(3, nPrime - 2)];
    const layout = layoutTable(items, ground as unknown as CellNonces, nPrime);
    expect(layout.dropped).toEqual(expect.arrayContaining([0, 1]));
    // The builder hands its rng the ground nonces (it draws them first when given no run id).
    let fed = 0;
    const rng = (n: number) =>
      fed < 3 ? (ground[fed++] as Uint8Array).slice(0, n) : seededRng('ground')(n);
    const cheat = buildDatabase(items, {
      suite,
      rng,
      params: PARAMS,
      ratio: RATIO,
      contributions: w.contributions,
    });
    expect(cheat.dropped.map(bytesToHex)).toEqual(
      expect.arrayContaining([bytesToHex(target), bytesToHex(partner)]),
    );
    const v = audit(cheat);
    expect(v).toMatchObject({ ok: false, failure: 'policy' });
    expect(v.ok ? '' : v.reason).toMatch(/nonces are not the ones derived from the quorum run id/);
    // The honest builder derives them from the run: the header carries exactly those.
    expect(splitPublicData(honest.publicData).header.table.nonces).toEqual(
      cellNoncesForRun(w.runId),
    );
  });

  it('a policy cannot admit tables below the peeling threshold (ratio.min < MIN_POLICY_TABLE_RATIO)', () => {
    expect(MIN_POLICY_TABLE_RATIO).toBeGreaterThan(1.2218);
    for (const min of [1, 1.2, MIN_POLICY_TABLE_RATIO - 0.001]) {
      expect(() => audit(honest, { policy: { ...policy, ratio: { min, max: 8 } } })).toThrow(
        ParameterError,
      );
    }
  });

  it('accepts exactly the table sizes tableSize gives for the policy bounds (edges and one cell beyond)', () => {
    const n = honest.items.length;
    const lo = tableSize(n, policy.ratio.min);
    const hi = tableSize(n, policy.ratio.max);
    expect(hi).toBeGreaterThan(lo + 1);
    // Republish the honest database's header with another n' (cells padded or cut): the size
    // check runs before the proof, so the verdict says whether the size was admitted.
    const { header, cells } = splitPublicData(honest.publicData);
    const withSize = (size: number) => {
      const next = Array.from({ length: size }, (_, j) => cells[j % cells.length] as Uint8Array);
      const hb = encodeHeader(suite, header.params, { ...header.table, size }, header.Lbytes);
      return { pdata: concatBytes(hb, ...next), root: computeRoot(hb, next) };
    };
    for (const [size, admitted] of [
      [lo - 1, false],
      [lo, true],
      [hi, true],
      [hi + 1, false],
    ] as const) {
      const t = withSize(size);
      const v = audit(honest, t);
      if (admitted) expect(v.ok ? 'ok' : v.failure, `n' = ${size}`).not.toBe('policy');
      else expect(v, `n' = ${size}`).toMatchObject({ ok: false, failure: 'policy' });
    }
  });

  it('fails (policy) for a version not above the last one this NGO signed (no signature for a rollback)', () => {
    expect(audit(honest, { version: 3 })).toMatchObject({ ok: false, failure: 'policy' });
    expect(audit(honest, { version: 1 })).toMatchObject({ ok: false, failure: 'policy' });
    expect(audit(honest, { version: 4 }).ok).toBe(true);
  });

  it('fails (contributions) for signed contributions of an earlier quorum run', () => {
    // The earlier run backed an item that NGO UK withdrew before the current run: the builder
    // re-uses that run's signed contributions to keep it in the database.
    expect(w.earlierRunItems.some((x) => x.every((b, i) => b === w.withdrawn[i]))).toBe(true);
    expect(w.items.some((x) => x.every((b, i) => b === w.withdrawn[i]))).toBe(false);
    const stale = build({}, RATIO, w.earlierRunContributions, w.earlierRunItems);
    const v = audit(stale);
    expect(v).toMatchObject({ ok: false, failure: 'contributions' });
    if (!v.ok) expect(v.reason).toMatch(/run/);
  });

  it('fails (contributions) for contributions of another deployment', () => {
    const other = { ...policy, deploymentId: new TextEncoder().encode('another deployment') };
    expect(audit(honest, { policy: other })).toMatchObject({ ok: false, failure: 'contributions' });
  });

  it('refuses a malformed policy with ParameterError (p minimum 0, no reviewer key, s_max minimum 0)', () => {
    for (const bad of [
      { ...policy, syntheticRate: { min: 0, max: 0.2 } },
      { ...policy, reviewerKeys: [] },
      { ...policy, sMax: { min: 0, max: 10 } },
    ]) {
      expect(() => audit(honest, { policy: bad })).toThrow(ParameterError);
    }
  });

  it('a header with two equal cell-hash nonces (any pair) is a verdict (malformed), and the client refuses it', () => {
    const { header, headerBytes, cells } = splitPublicData(honest.publicData);
    expect(new Set(header.table.nonces.map(bytesToHex)).size).toBe(3);
    // Header layout: ... u32 n' ‖ u8 width ‖ nonce1 (16) ‖ nonce2 (16) ‖ nonce3 (16) ‖ L.
    const n1 = headerBytes.length - suite.elementLength - 48;
    for (const [from, to] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ] as const) {
      const hb = headerBytes.slice();
      hb.set(hb.subarray(n1 + 16 * from, n1 + 16 * from + 16), n1 + 16 * to);
      const pdata = concatBytes(hb, ...cells);
      const root = computeRoot(hb, cells);
      const v = audit(honest, { pdata, root });
      expect(v, `nonces ${from} and ${to}`).toMatchObject({ ok: false, failure: 'malformed' });
      expect(() => ClientDatabase.load(pdata, root)).toThrow(DecodeError);
    }
  });

  it('a header announcing fewer than three cells is refused by the client (DecodeError)', () => {
    const { headerBytes, cells } = splitPublicData(honest.publicData);
    // n' is the u32 before the item width byte and the three nonces.
    const at = headerBytes.length - suite.elementLength - 48 - 1 - 4;
    for (const size of [0, 1, 2]) {
      const hb = headerBytes.slice();
      new DataView(hb.buffer).setUint32(at, size);
      const cut = cells.slice(0, size);
      const pdata = concatBytes(hb, ...cut);
      expect(() => ClientDatabase.load(pdata, computeRoot(hb, cut)), `n' = ${size}`).toThrow(
        DecodeError,
      );
    }
  });

  it('never throws for mutated public data or bundle bytes: always a verdict', () => {
    const bundle = encodeAuditBundle(honest, { version: 4 });
    fc.assert(
      fc.property(fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 255 }), (onBundle, pos, x) => {
        const pdata = honest.publicData.slice();
        const b = bundle.slice();
        const target = onBundle ? b : pdata;
        const i = pos % target.length;
        target[i] = (target[i] as number) ^ x;
        const v = auditDatabase(pdata, b, {
          claimedRoot: honest.root,
          qualifiedItems: w.qualifiedItems,
          policy,
        });
        expect(typeof v.ok).toBe('boolean');
        // A flipped byte never passes, except in the proposed version (bundle bytes 5..12,
        // unsigned by anyone yet): then the verdict reports the version the NGO will sign.
        if (v.ok) {
          expect(onBundle && i >= 5 && i < 13).toBe(true);
          expect(v.version).not.toBe(4);
        }
      }),
      runs(40),
    );
  });
});
