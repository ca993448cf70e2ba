/**
 * SPEC §9 claims about vouchers, on both suites:
 * non-matching vouchers never open; T-1 real matches (plus synthetics) reveal nothing; T reveal
 * exactly the real payloads; detection separates real from synthetic; duplicates count once;
 * devices and database versions combine; equal lengths; the matching slot comes first about
 * half the time.
 */
import { describe, expect, it } from 'vitest';
import { ParameterError } from '../src/core/errors.js';
import { p256Sha256, ristretto255Sha512 } from '../src/core/group.js';
import { generateReviewerKeyPair, openAsReviewer } from '../src/core/seal.js';
import { openSingleUse } from '../src/core/symmetric.js';
import { bytesToHex } from '../src/core/utils.js';
import { rateToU32 } from '../src/database/pdata.js';
import { ClientAccount, createVoucher } from '../src/voucher/client.js';
import { unpadPayload } from '../src/voucher/server.js';
import { decodeVoucher, slotKey, voucherLength } from '../src/voucher/voucher.js';
import { addVersion, id, item, makeWorld, payloadFor, upload } from './helpers/protocol.js';
import { seededRng } from './helpers/rng.js';

const SLOW = !!process.env.QPSI_SLOW;

describe.each([ristretto255Sha512, p256Sha256])('voucher claims on $name', (suite) => {
  it('non-matching vouchers never open (server learns only the id)', () => {
    const w = makeWorld(suite, { threshold: 3, sMax: 0 });
    for (let i = 0; i < 20; i++) {
      const v = upload(w, item('other', i), i);
      expect(w.server.ingest(v, w.registry)).toEqual({ kind: 'non-match', id: id(i) });
    }
    expect(w.server.candidates.length).toBe(0);
    expect(w.server.nonMatchIds.length).toBe(20);
    expect(w.server.reveal().kind).toBe('below-threshold');
  });

  it("a non-matching voucher's server view does not depend on the item: rct is item-free and Q is re-randomised by γ", () => {
    const w = makeWorld(suite, { threshold: 3, sMax: 0 });
    const a = decodeVoucher(
      createVoucher(
        w.account,
        w.clientDb,
        { item: item('x', 1), id: id(1), payload: payloadFor(1) },
        seededRng('same'),
      ),
    );
    const b = decodeVoucher(
      createVoucher(
        w.account,
        w.clientDb,
        { item: item('x', 2), id: id(1), payload: payloadFor(1) },
        seededRng('same'),
      ),
    );
    // Same randomness, different non-member items: rct (share, DHF value, adct) is identical,
    // so it carries nothing about y; only the one slot differs, and for a non-member (Q, S) is
    // uniformly random (SPEC v2 §6 "single slot"), so the slot key the server derives opens nothing.
    expect(a.rct).toEqual(b.rct);
    expect(a.slot.Q).not.toEqual(b.slot.Q);
    for (const v of [a, b]) {
      const s = v.slot;
      const key = slotKey(suite, v.databaseId, s.Q, w.serverDb.blind(suite.decode(s.Q)));
      expect(openSingleUse(key, s.ct, v.databaseId)).toBeNull();
    }
  });

  it('T-1 real matches plus up to s_max synthetics reveal nothing; the T-th reveals exactly the real payloads', () => {
    const T = 5;
    const sMax = 6;
    const reviewer = generateReviewerKeyPair(seededRng(`reviewer-${suite.name}`));
    const w = makeWorld(suite, {
      threshold: T,
      sMax,
      rate: 0.5,
      seed: 'tminus1',
      reviewerKeys: [reviewer.publicKey],
    });
    let i = 0;
    const real: number[] = [];
    // Upload until T-1 real matches are in, with synthetics mixed in by the PRF coin.
    while (real.length < T - 1) {
      const before = w.account.syntheticCount;
      const v = upload(w, w.members[i] as Uint8Array, i);
      if (w.account.syntheticCount === before) real.push(i);
      expect(w.server.ingest(v, w.registry).kind).toBe('match');
      i++;
    }
    // Add non-matching uploads until the synthetic cap is reached.
    while (w.account.syntheticCount < sMax) {
      const v = upload(w, item('cat', i), i);
      w.server.ingest(v, w.registry);
      i++;
    }
    expect(w.server.candidates.length).toBe(T - 1 + sMax);
    expect(w.server.reveal().kind).toBe('below-threshold');
    // The synthetic cap is reached: the next upload is real.
    const v = upload(w, w.members[i] as Uint8Array, i);
    real.push(i);
    expect(w.server.ingest(v, w.registry).kind).toBe('match');
    const res = w.server.reveal();
    expect(res.kind).toBe('revealed');
    if (res.kind !== 'revealed') return;
    expect(res.revealed.map((r) => r.id)).toEqual(real.map((k) => id(k)));
    // Only the reviewer opens the payloads, for the (database, voucher id, context) claimed.
    const opened = res.revealed.map((r) =>
      unpadPayload(
        openAsReviewer(reviewer.secretKey, 0, r.ad, {
          databaseId: r.databaseId,
          voucherId: r.id,
          context: new Uint8Array(0),
        }),
      ),
    );
    expect(opened).toEqual(real.map((k) => payloadFor(k)));
    expect(res.syntheticIds.length).toBe(sMax);
  });

  it('duplicates count once', () => {
    const T = 3;
    const w = makeWorld(suite, { threshold: T, sMax: 0 });
    for (let rep = 0; rep < 4; rep++) {
      for (let i = 0; i < T - 1; i++) {
        const v = upload(w, w.members[i] as Uint8Array, i);
        expect(w.server.ingest(v, w.registry).kind).toBe(rep === 0 ? 'match' : 'duplicate');
      }
    }
    expect(w.server.candidates.length).toBe(T - 1);
    expect(w.server.reveal().kind).toBe('below-threshold');
  });

  it('two devices of one account combine', () => {
    const T = 4;
    const w = makeWorld(suite, { threshold: T, sMax: 0 });
    const phone = ClientAccount.fromBytes(w.account.toBytes());
    const laptop = ClientAccount.fromBytes(w.account.toBytes());
    for (let i = 0; i < T; i++) {
      const dev = i % 2 === 0 ? phone : laptop;
      w.server.ingest(upload(w, w.members[i] as Uint8Array, i, dev), w.registry);
    }
    expect(w.server.reveal().kind).toBe('revealed');
  });

  it('two live database versions combine', () => {
    const T = 4;
    const w = makeWorld(suite, { threshold: T, sMax: 0 });
    const db2 = addVersion(w);
    expect(db2.databaseId).not.toEqual(w.clientDb.databaseId);
    for (let i = 0; i < T; i++) {
      const db = i < 2 ? w.clientDb : db2;
      expect(
        w.server.ingest(upload(w, w.members[i] as Uint8Array, i, w.account, db), w.registry).kind,
      ).toBe('match');
    }
    const res = w.server.reveal();
    expect(res.kind).toBe('revealed');
    if (res.kind === 'revealed') expect(res.revealed.length).toBe(T);
  });

  it('every voucher, real or synthetic, matching or not, has the same length', () => {
    const w = makeWorld(suite, { threshold: 3, sMax: 5, rate: 0.5 });
    const lengths = new Set<number>();
    const kinds = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const before = w.account.syntheticCount;
      const member = i % 2 === 0;
      const v = upload(w, member ? (w.members[i] as Uint8Array) : item('n', i), i);
      kinds.add(w.account.syntheticCount > before ? 'synthetic' : member ? 'match' : 'non-match');
      lengths.add(v.length);
    }
    expect(kinds).toEqual(new Set(['synthetic', 'match', 'non-match']));
    expect([...lengths]).toEqual([voucherLength(suite, w.clientDb.params, 4)]);
  });

  it("a member's one slot always opens under α·Q (P_h1 + P_h2 + P_h3 = α·H(y)), with fresh Q each time", () => {
    const w = makeWorld(suite, { threshold: 3, sMax: 0 });
    const n = SLOW ? 200 : 40;
    const Qs = new Set<string>();
    for (let i = 0; i < n; i++) {
      const v = decodeVoucher(upload(w, w.members[i % w.members.length] as Uint8Array, i));
      const key = slotKey(suite, v.databaseId, v.slot.Q, w.serverDb.blind(suite.decode(v.slot.Q)));
      expect(openSingleUse(key, v.slot.ct, v.databaseId)).not.toBeNull();
      Qs.add(bytesToHex(v.slot.Q));
    }
    expect(Qs.size).toBe(n);
  });

  it('refuses a database announcing a different suite, T, s_max or p (ParameterError naming it)', () => {
    const w = makeWorld(suite, { threshold: 3, sMax: 2, rate: 0.25 });
    const p32 = rateToU32(0.25);
    const other = suite === ristretto255Sha512 ? p256Sha256 : ristretto255Sha512;
    const base = { suite, threshold: 3, sMax: 2, syntheticRate32: p32 };
    const cases = [
      { acct: { ...base, suite: other }, code: 'params.suite' },
      { acct: { ...base, threshold: 4 }, code: 'params.threshold' },
      { acct: { ...base, sMax: 3 }, code: 'params.sMax' },
      // SPEC v2 §6: the account pins p too (a database announcing another p is refused).
      { acct: { ...base, syntheticRate32: rateToU32(0.5) }, code: 'params.synthetic-rate' },
      { acct: { ...base, syntheticRate32: p32 + 1 }, code: 'params.synthetic-rate' },
    ];
    for (const { acct, code } of cases) {
      const a = ClientAccount.create(acct);
      // The pinned values survive serialization.
      const restored = ClientAccount.fromBytes(a.toBytes());
      expect(restored.syntheticRate32).toBe(acct.syntheticRate32);
      for (const x of [a, restored]) {
        let err: unknown;
        try {
          createVoucher(x, w.clientDb, {
            item: item('a', 1),
            id: id(1),
            payload: new Uint8Array(0),
          });
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ParameterError);
        expect(err).toMatchObject({ code });
        expect(x.syntheticCount).toBe(0);
      }
      // Creating an account from the database with a contradicting explicit value is refused too.
      const { suite: s, threshold, sMax, syntheticRate32 } = acct;
      expect(() =>
        ClientAccount.create({ database: w.clientDb, suite: s, threshold, sMax, syntheticRate32 }),
      ).toThrow(expect.objectContaining({ name: 'ParameterError', code }));
    }
    // The account made from the database takes all four values from it.
    const fromDb = ClientAccount.create({ database: w.clientDb });
    expect([fromDb.suite, fromDb.threshold, fromDb.sMax, fromDb.syntheticRate32]).toEqual([
      suite,
      3,
      2,
      p32,
    ]);
    const ok = ClientAccount.create(base);
    expect(() =>
      createVoucher(ok, w.clientDb, { item: item('a', 1), id: id(1), payload: new Uint8Array(0) }),
    ).not.toThrow();
  });

  it('vouchers for an unknown database, or malformed, are typed outcomes that leave the state untouched', () => {
    const w = makeWorld(suite, { threshold: 3, sMax: 0 });
    const v = upload(w, w.members[0] as Uint8Array, 0);
    const before = w.server.toBytes();
    const bad = v.slice();
    bad[7] = (bad[7] as number) ^ 1; // inside the database id
    expect(w.server.ingest(bad, w.registry).kind).toBe('unknown-database');
    expect(w.server.ingest(v.subarray(0, v.length - 1), w.registry).kind).toBe('malformed');
    expect(w.server.ingest(new Uint8Array(3), w.registry).kind).toBe('malformed');
    expect(w.server.toBytes()).toEqual(before);
    expect(w.server.ingest(v, w.registry).kind).toBe('match');
  });
});
