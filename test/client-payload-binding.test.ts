/**
 * SPEC v2 §6 "payloads are attributable", on both suites: the client seals the padded payload to
 * the reviewers bound to (database id, voucher id, context), so a reviewer opens a revealed
 * payload only for the database, voucher and account the platform claims. A payload relabelled
 * to another voucher id, another account's context or another database is refused with a
 * `VerificationError`; the server only ever holds the sealed bytes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { VerificationError } from '../src/core/errors.js';
import { p256Sha256, ristretto255Sha512 } from '../src/core/group.js';
import { generateReviewerKeyPair, openAsReviewer, type ReviewerKeyPair } from '../src/core/seal.js';
import {
  ClientAccount,
  createVoucher,
  createVoucherSealed,
  sealPayload,
} from '../src/voucher/client.js';
import { type RevealedPayload, ServerAccount, unpadPayload } from '../src/voucher/server.js';
import { id, item, makeWorld, payloadFor, upload, type World } from './helpers/protocol.js';
import { seededRng } from './helpers/rng.js';

const te = new TextEncoder();
const ALICE = te.encode('account:alice');
const BOB = te.encode('account:bob');

function refused(f: () => unknown): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(VerificationError);
  expect(err).toMatchObject({ code: 'seal.open' });
}

describe.each([ristretto255Sha512, p256Sha256])('attributable payloads on $name', (suite) => {
  const T = 3;
  let w: World;
  let reviewers: ReviewerKeyPair[];
  let revealed: RevealedPayload[];

  beforeAll(() => {
    const rng = seededRng(`reviewers-${suite.name}`);
    reviewers = [generateReviewerKeyPair(rng), generateReviewerKeyPair(rng)];
    w = makeWorld(suite, {
      threshold: T,
      sMax: 0,
      seed: 'binding',
      reviewerKeys: reviewers.map((r) => r.publicKey),
    });
    // Alice's device binds every payload to her account identifier.
    for (let i = 0; i < T; i++) {
      const v = upload(w, w.members[i] as Uint8Array, i, w.account, w.clientDb, ALICE);
      expect(w.server.ingest(v, w.registry).kind).toBe('match');
    }
    const res = w.server.reveal();
    if (res.kind !== 'revealed') throw new Error(`expected a reveal, got ${res.kind}`);
    revealed = res.revealed;
  });

  it('a revealed payload opens, for every reviewer, under its (database id, voucher id, context)', () => {
    expect(revealed.length).toBe(T);
    for (const r of revealed) {
      const i = r.id[3] as number;
      expect(r.databaseId).toEqual(w.clientDb.databaseId);
      reviewers.forEach((kp, index) => {
        const padded = openAsReviewer(kp.secretKey, index, r.ad, {
          databaseId: r.databaseId,
          voucherId: r.id,
          context: ALICE,
        });
        expect(unpadPayload(padded)).toEqual(payloadFor(i));
      });
    }
  });

  it("a reviewer refuses a payload relabelled to another voucher id, another account's context, another database or no context", () => {
    const [a, b] = revealed as [RevealedPayload, RevealedPayload];
    const sk = (reviewers[0] as ReviewerKeyPair).secretKey;
    const bind = (over: Partial<{ databaseId: Uint8Array; voucherId: Uint8Array }>) => ({
      databaseId: a.databaseId,
      voucherId: a.id,
      context: ALICE,
      ...over,
    });
    // Control: the true binding opens.
    expect(unpadPayload(openAsReviewer(sk, 0, a.ad, bind({})))).toEqual(
      payloadFor(a.id[3] as number),
    );
    // Another voucher's id (the platform claims a's payload belongs to voucher b).
    refused(() => openAsReviewer(sk, 0, a.ad, bind({ voucherId: b.id })));
    // Another account's context (the platform claims Alice's payload is Bob's).
    refused(() => openAsReviewer(sk, 0, a.ad, { ...bind({}), context: BOB }));
    refused(() => openAsReviewer(sk, 0, a.ad, { ...bind({}), context: new Uint8Array(0) }));
    // Another database id.
    const other = a.databaseId.slice();
    other[0] = (other[0] as number) ^ 1;
    refused(() => openAsReviewer(sk, 0, a.ad, bind({ databaseId: other })));
    // A voucher id that differs in one bit.
    const near = a.id.slice();
    near[3] = (near[3] as number) ^ 0x80;
    refused(() => openAsReviewer(sk, 0, a.ad, bind({ voucherId: near })));
  });

  it("Bob's account binds his payloads to his context: Alice's context does not open them; the default context is empty", () => {
    const bob = ClientAccount.create({ database: w.clientDb, rng: w.rng });
    const server = new ServerAccount({ database: w.serverDb });
    for (let i = 0; i < T; i++) {
      // Bob's first voucher uses the default (empty) context, the others his identifier.
      const v = createVoucher(
        bob,
        w.clientDb,
        {
          item: w.members[10 + i] as Uint8Array,
          id: id(100 + i),
          payload: payloadFor(100 + i),
          ...(i === 0 ? {} : { context: BOB }),
        },
        w.rng,
      );
      server.ingest(v, w.registry);
    }
    const res = server.reveal();
    expect(res.kind).toBe('revealed');
    if (res.kind !== 'revealed') return;
    const sk = (reviewers[1] as ReviewerKeyPair).secretKey;
    for (const r of res.revealed) {
      const ctx = r.id[3] === 100 ? new Uint8Array(0) : BOB;
      const binding = { databaseId: r.databaseId, voucherId: r.id, context: ctx };
      expect(unpadPayload(openAsReviewer(sk, 1, r.ad, binding))).toEqual(
        payloadFor(r.id[3] as number),
      );
      refused(() => openAsReviewer(sk, 1, r.ad, { ...binding, context: ALICE }));
    }
  });

  it('sealPayload + createVoucherSealed bind the same way; contexts over 64 bytes are refused', () => {
    const acct = ClientAccount.create({ database: w.clientDb, rng: w.rng });
    const server = new ServerAccount({ database: w.serverDb });
    for (let i = 0; i < T; i++) {
      const vid = id(200 + i);
      const ad = sealPayload(w.clientDb, { id: vid, payload: payloadFor(i), context: BOB }, w.rng);
      const v = createVoucherSealed(
        acct,
        w.clientDb,
        { item: w.members[20 + i] as Uint8Array, id: vid, ad },
        w.rng,
      );
      expect(server.ingest(v, w.registry).kind).toBe('match');
    }
    const res = server.reveal();
    if (res.kind !== 'revealed') throw new Error(res.kind);
    const sk = (reviewers[0] as ReviewerKeyPair).secretKey;
    for (const r of res.revealed) {
      expect(
        unpadPayload(
          openAsReviewer(sk, 0, r.ad, { databaseId: r.databaseId, voucherId: r.id, context: BOB }),
        ),
      ).toEqual(payloadFor((r.id[3] as number) - 200));
    }
    const long = new Uint8Array(65);
    expect(() =>
      createVoucher(acct, w.clientDb, {
        item: item('x', 1),
        id: id(1),
        payload: new Uint8Array(0),
        context: long,
      }),
    ).toThrow(RangeError);
    expect(() =>
      sealPayload(w.clientDb, { id: id(1), payload: new Uint8Array(0), context: long }),
    ).toThrow(RangeError);
    expect(acct.syntheticCount).toBe(0);
  });
});
