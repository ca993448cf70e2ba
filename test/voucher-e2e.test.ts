/**
 * One narrated run of the threshold voucher protocol per suite (SPEC §4, §6, §7):
 * SETUP → VOUCHERS → INGEST → REVEAL → REVIEW. Only serialized bytes cross between the roles.
 */
import { describe, expect, it } from 'vitest';
import { p256Sha256, ristretto255Sha512 } from '../src/core/group.js';
import { generateReviewerKeyPair, openAsReviewer } from '../src/core/seal.js';
import { buildDatabase } from '../src/database/builder.js';
import { rateToU32 } from '../src/database/pdata.js';
import { ClientAccount, ClientDatabase, createVoucher } from '../src/voucher/client.js';
import {
  DatabaseRegistry,
  ServerAccount,
  ServerDatabase,
  unpadPayload,
} from '../src/voucher/server.js';
import { id, item, payloadFor } from './helpers/protocol.js';
import { seededRng } from './helpers/rng.js';

describe.each([ristretto255Sha512, p256Sha256])('end to end on $name', (suite) => {
  it('reveals exactly the real payloads once T real vouchers match, and nothing before', () => {
    const rng = seededRng(`e2e-${suite.name}`);
    const T = 6;
    const sMax = 8;

    // SETUP — an NGO reviewer publishes a key; the builder blinds 50 known items and seals
    // payloads to that reviewer; the server keeps α; the client downloads pdata.
    const reviewer = generateReviewerKeyPair(rng);
    const known = Array.from({ length: 50 }, (_, i) => item('known', i));
    const built = buildDatabase(known, {
      suite,
      rng,
      params: {
        threshold: T,
        sMax,
        syntheticRate32: rateToU32(0.2),
        payloadSize: 40,
        reviewerKeys: [reviewer.publicKey],
      },
    });
    expect(built.dropped).toEqual([]);
    const serverDbBytes = ServerDatabase.fromBuild(built).toBytes();
    const pdata = built.publicData;
    const root = built.root;

    const db = ClientDatabase.load(pdata, root);
    const seed = rng(32);
    // The account pins the accepted database's suite, T, s_max and p.
    let accountBytes = ClientAccount.fromSeed(seed, { database: db }).toBytes();
    // The account identifier the platform will claim; every payload is sealed to it.
    const context = new TextEncoder().encode('account:alice@example');

    // VOUCHERS — the device uploads 30 photos, of which T-1 match, then one more match.
    const device = ClientAccount.fromBytes(accountBytes);
    const uploads: Uint8Array[] = [];
    const realMatchIds = new Set<number>();
    let n = 0;
    for (let i = 0; i < 30; i++) {
      const match = i % 3 === 0 && realMatchIds.size < T - 1;
      const itm = match ? (known[i] as Uint8Array) : item('holiday-photo', i);
      const before = device.syntheticCount;
      uploads.push(
        createVoucher(device, db, { item: itm, id: id(n), payload: payloadFor(n), context }, rng),
      );
      // A synthetic voucher replaces the real one (SPEC §6): that match is not counted.
      if (match && device.syntheticCount === before) realMatchIds.add(n);
      n++;
    }
    accountBytes = device.toBytes();
    const lengths = new Set(uploads.map((u) => u.length));
    expect(lengths.size).toBe(1); // every voucher, real or synthetic, has one length

    // INGEST — the server sees only bytes; candidates are real or synthetic, indistinguishable.
    const serverDb = ServerDatabase.fromBytes(serverDbBytes);
    const registry = new DatabaseRegistry().add(serverDb);
    const server = new ServerAccount({ database: serverDb });
    const outcomes = server.ingestBatch(uploads, registry);
    const matched = outcomes.filter((o) => o.kind === 'match').length;
    expect(outcomes.every((o) => o.kind === 'match' || o.kind === 'non-match')).toBe(true);
    expect(matched).toBe(realMatchIds.size + device.syntheticCount);

    // REVEAL (1) — T-1 real matches: nothing is revealed, whatever the synthetics.
    expect(server.reveal().kind).toBe('below-threshold');

    // VOUCHERS (2) — one more real match, from a second device of the same account.
    const device2 = ClientAccount.fromBytes(accountBytes);
    const k = 30 + 1;
    expect(realMatchIds.size).toBe(T - 1);
    realMatchIds.add(n);
    const last = createVoucher(
      device2,
      db,
      { item: known[k] as Uint8Array, id: id(n), payload: payloadFor(n), context },
      rng,
    );
    // The second device must not turn this upload synthetic for the test to be meaningful.
    expect(device2.syntheticCount).toBe(device.syntheticCount);
    const saved = ServerAccount.fromBytes(server.toBytes());
    expect(saved.ingest(last, registry).kind).toBe('match');

    // REVEAL (2) — exactly the T real payloads, and the synthetic ids apart.
    const res = saved.reveal();
    expect(res.kind).toBe('revealed');
    if (res.kind !== 'revealed') return;
    const revealedIds = res.revealed
      .map((r) => (r.id[3] as number) | ((r.id[2] as number) << 8))
      .sort((a, b) => a - b);
    expect(revealedIds).toEqual([...realMatchIds].sort((a, b) => a - b));
    expect(res.syntheticIds.length).toBe(device.syntheticCount);

    // REVIEW — the server holds only sealed payloads; the reviewer opens each one for the
    // database, voucher id and account the platform claims, then unpads it.
    for (const r of res.revealed) {
      const i = (r.id[3] as number) | ((r.id[2] as number) << 8);
      expect(Buffer.from(r.ad).includes(Buffer.from(payloadFor(i)))).toBe(false); // sealed
      const opened = openAsReviewer(reviewer.secretKey, 0, r.ad, {
        databaseId: r.databaseId,
        voucherId: r.id,
        context,
      });
      expect(unpadPayload(opened)).toEqual(payloadFor(i));
    }
  });
});
