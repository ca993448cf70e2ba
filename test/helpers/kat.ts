/**
 * Known-answer vectors for the protocol's own objects (public data, vouchers, account states,
 * sealed payloads), computed from fixed seeds. `scripts/gen-vectors.ts` writes them to
 * `test/vectors/quorum-psi-v1-kat.json`; `test/kat.test.ts` recomputes and compares byte for byte.
 * Every object is in wire-format version 2 (SPEC v2); the file name keeps the `v1` of the DST
 * prefix (`quorum-psi-v1-…`).
 *
 * How another implementation reproduces them: the `rng` is SHA-256 in counter mode
 * (`test/helpers/rng.ts`: block i = SHA-256(seed ‖ u32 0 ‖ u32 i), bytes consumed in order), and
 * every randomized step draws from it in the order the code documents (docs/protocol.md): the
 * reviewer key pair (`DeriveKeyPair(rng(32))`, RFC 9180), the database build, the account seed,
 * then each voucher in turn. Payloads are sealed to that reviewer key with the HPKE sealing of
 * src/core/seal.ts, whose data-encryption key and ephemeral keys come from the same `rng`, and
 * bound to (database id, voucher id, the case's context); the reveal lists what the reviewer opens.
 */

import { p256Sha256, ristretto255Sha512 } from '../../src/core/group.js';
import { generateReviewerKeyPair, openAsReviewer } from '../../src/core/seal.js';
import { bytesToHex } from '../../src/core/utils.js';
import { buildDatabase } from '../../src/database/builder.js';
import { rateToU32 } from '../../src/database/pdata.js';
import { ClientAccount, ClientDatabase, createVoucher } from '../../src/voucher/client.js';
import {
  DatabaseRegistry,
  ServerAccount,
  ServerDatabase,
  unpadPayload,
} from '../../src/voucher/server.js';
import { seededRng } from './rng.js';

export interface KatCase {
  suite: string;
  rngSeed: string;
  items: string[];
  params: { threshold: number; sMax: number; syntheticRate32: number; payloadSize: number };
  /** The one reviewer key pair (X25519) the database names and payloads are sealed to. */
  reviewer: { secretKey: string; publicKey: string };
  /** Context every payload is sealed with (bound with the database id and voucher id). */
  context: string;
  publicData: string;
  root: string;
  databaseId: string;
  serverDatabaseSecret: string;
  accountSeed: string;
  vouchers: {
    item: string;
    id: string;
    payload: string;
    kind: string;
    voucher: string;
    outcome: string;
  }[];
  accountStateAfter: string;
  serverAccountState: string;
  reveal: {
    kind: string;
    revealedIds: string[];
    syntheticIds: string[];
    /** What the reviewer opens (unpadded), per revealed id, in the reveal's order. */
    reviewerOpened: { id: string; payload: string }[];
  };
}

const te = new TextEncoder();

export function computeKat(): KatCase[] {
  const out: KatCase[] = [];
  for (const suite of [ristretto255Sha512, p256Sha256]) {
    const rngSeed = `quorum-psi-v1 KAT ${suite.name}`;
    const rng = seededRng(rngSeed);
    const items = Array.from({ length: 6 }, (_, i) =>
      te.encode(`kat-item-${String(i).padStart(3, '0')}`),
    );
    const params = { threshold: 3, sMax: 2, syntheticRate32: rateToU32(0.25), payloadSize: 16 };
    const reviewer = generateReviewerKeyPair(rng);
    const context = te.encode('kat account 1');
    const built = buildDatabase(items, {
      suite,
      rng,
      params: { ...params, reviewerKeys: [reviewer.publicKey] },
    });
    const db = ClientDatabase.load(built.publicData, built.root);
    const sdb = ServerDatabase.fromBuild(built);
    const accountSeed = rng(32);
    // The account pins the database's suite, T, s_max and p (SPEC v2 §6).
    const acct = ClientAccount.fromSeed(accountSeed, { database: db });
    const server = new ServerAccount({ database: sdb });
    const reg = new DatabaseRegistry().add(sdb);
    const vouchers: KatCase['vouchers'] = [];
    const uploads: [Uint8Array, string][] = [
      [items[0] as Uint8Array, '01'],
      [te.encode('not-in-db-01'), '02'],
      [items[3] as Uint8Array, '03'],
      [te.encode('not-in-db-02'), '04'],
      [items[5] as Uint8Array, '05'],
      [items[1] as Uint8Array, '06'],
      [items[2] as Uint8Array, '07'],
      [te.encode('not-in-db-03'), '08'],
      [te.encode('not-in-db-04'), '09'],
    ];
    for (const [itm, idHex] of uploads) {
      const id = Uint8Array.of(Number.parseInt(idHex, 16));
      const payload = te.encode(`payload ${idHex}`);
      const before = acct.syntheticCount;
      const v = createVoucher(acct, db, { item: itm, id, payload, context }, rng);
      const kind =
        acct.syntheticCount > before
          ? 'synthetic'
          : built.items.some((x) => bytesToHex(x) === bytesToHex(itm))
            ? 'real-match'
            : 'non-match';
      const outcome = server.ingest(v, reg).kind;
      vouchers.push({
        item: bytesToHex(itm),
        id: idHex,
        payload: bytesToHex(payload),
        kind,
        voucher: bytesToHex(v),
        outcome,
      });
    }
    const res = server.reveal();
    const revealed = res.kind === 'revealed' ? res.revealed : [];
    out.push({
      suite: suite.name,
      rngSeed,
      items: items.map(bytesToHex),
      params,
      reviewer: {
        secretKey: bytesToHex(reviewer.secretKey),
        publicKey: bytesToHex(reviewer.publicKey),
      },
      context: bytesToHex(context),
      publicData: bytesToHex(built.publicData),
      root: bytesToHex(built.root),
      databaseId: bytesToHex(built.databaseId),
      serverDatabaseSecret: bytesToHex(sdb.toBytes()),
      accountSeed: bytesToHex(accountSeed),
      vouchers,
      accountStateAfter: bytesToHex(acct.toBytes()),
      serverAccountState: bytesToHex(server.toBytes()),
      reveal: {
        kind: res.kind,
        revealedIds: revealed.map((r) => bytesToHex(r.id)),
        syntheticIds: res.kind === 'revealed' ? res.syntheticIds.map(bytesToHex) : [],
        reviewerOpened: revealed.map((r) => ({
          id: bytesToHex(r.id),
          payload: bytesToHex(
            unpadPayload(
              openAsReviewer(reviewer.secretKey, 0, r.ad, {
                databaseId: r.databaseId,
                voucherId: r.id,
                context,
              }),
            ),
          ),
        })),
      },
    });
  }
  return out;
}
