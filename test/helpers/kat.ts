/**
 * Known-answer vectors for the protocol's own objects (public data, vouchers, account states),
 * computed from fixed seeds. `scripts/gen-vectors.ts` writes them to
 * `test/vectors/quorum-psi-v1-kat.json`; `test/kat.test.ts` recomputes and compares byte for byte.
 *
 * How another implementation reproduces them: the `rng` is SHA-256 in counter mode
 * (`test/helpers/rng.ts`: block i = SHA-256(seed ‖ u32 0 ‖ u32 i), bytes consumed in order), and
 * every randomized step draws from it in the order the code documents (docs/protocol.md).
 * Payloads are not sealed (no reviewer keys): HPKE's ephemeral keys come from the HPKE library's
 * own CSPRNG and cannot be replayed.
 */
import { buildDatabase } from '../../src/builder.js';
import { ClientAccount, ClientDatabase, createVoucher } from '../../src/client.js';
import { p256Sha256, ristretto255Sha512 } from '../../src/group.js';
import { rateToU32 } from '../../src/pdata.js';
import { DatabaseRegistry, ServerAccount, ServerDatabase } from '../../src/server.js';
import { bytesToHex } from '../../src/utils.js';
import { TEST_REVIEWER_KEY } from './protocol.js';
import { seededRng } from './rng.js';

export interface KatCase {
  suite: string;
  rngSeed: string;
  items: string[];
  params: { threshold: number; sMax: number; syntheticRate32: number; payloadSize: number };
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
  reveal: { kind: string; revealedIds: string[]; syntheticIds: string[] };
}

const te = new TextEncoder();

export async function computeKat(): Promise<KatCase[]> {
  const out: KatCase[] = [];
  for (const suite of [ristretto255Sha512, p256Sha256]) {
    const rngSeed = `quorum-psi-v1 KAT ${suite.name}`;
    const rng = seededRng(rngSeed);
    const items = Array.from({ length: 6 }, (_, i) =>
      te.encode(`kat-item-${String(i).padStart(3, '0')}`),
    );
    const params = { threshold: 3, sMax: 2, syntheticRate32: rateToU32(0.25), payloadSize: 16 };
    const built = buildDatabase(items, {
      suite,
      rng,
      params: { ...params, reviewerKeys: [TEST_REVIEWER_KEY] },
    });
    const db = ClientDatabase.load(built.publicData, built.root);
    const sdb = ServerDatabase.fromBuild(built);
    const accountSeed = rng(32);
    const acct = ClientAccount.fromSeed(accountSeed, { suite, threshold: 3, sMax: 2 });
    const server = new ServerAccount({ suite, threshold: 3, sMax: 2 });
    const reg = new DatabaseRegistry().add(sdb);
    const vouchers: KatCase['vouchers'] = [];
    const uploads: [Uint8Array, string][] = [
      [items[0] as Uint8Array, '01'],
      [te.encode('not-in-db-1'), '02'],
      [items[3] as Uint8Array, '03'],
      [te.encode('not-in-db-2'), '04'],
      [items[5] as Uint8Array, '05'],
      [items[1] as Uint8Array, '06'],
      [items[2] as Uint8Array, '07'],
    ];
    for (const [itm, idHex] of uploads) {
      const id = Uint8Array.of(Number.parseInt(idHex, 16));
      const payload = te.encode(`payload ${idHex}`);
      const before = acct.syntheticCount;
      const v = await createVoucher(acct, db, { item: itm, id, payload }, rng);
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
    out.push({
      suite: suite.name,
      rngSeed,
      items: items.map(bytesToHex),
      params,
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
        revealedIds: res.kind === 'revealed' ? res.revealed.map((r) => bytesToHex(r.id)) : [],
        syntheticIds: res.kind === 'revealed' ? res.syntheticIds.map(bytesToHex) : [],
      },
    });
  }
  return out;
}
