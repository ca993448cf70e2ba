/**
 * Role: server (the platform's voucher processing, SPEC §7). It holds `α` for each live database
 * and one state per account. Below T real matches it learns the voucher ids and which are
 * candidates (real and synthetic look alike); at T it recovers the account's key, tells real
 * from synthetic, and forwards the real matches' payloads, still sealed, to the NGO reviewers.
 *
 *   npx tsx examples/server.ts
 *
 *  Server                                          builder / client / reviewers
 *  ──────                                          ────────────────────────────
 *  server database secret (α, header) ◀─────────── builder (DatabaseRegistry, by database id;
 *                                                  integrity-checked when loaded)
 *  voucher ◀────────────────────────────────────── client (nothing is sent back)
 *  ingest(): α·Q for the one slot; it opens → candidate (id, r, adct, share),
 *            or not → non-match (keep the id); every outcome is a value
 *  reveal(): < T candidates, or detection finds no T real → below-threshold
 *            ≥ T real: DHF detection, Lagrange for adkey, open every real adct
 *  (id, sealed payload, database id) of every ──▶ reviewers (openAsReviewer: it opens only for
 *    real match, and the account it came from      that database, id and account)
 *  account state toBytes()/fromBytes() between batches (T and s_max pinned from the database;
 *    a checksum makes a corrupted state fail to load)
 */
import { createHash } from 'node:crypto';
import { buildDatabase } from 'quorum-psi/builder';
import { ClientAccount, ClientDatabase, createVoucher } from 'quorum-psi/client';
import { QuorumPsiError } from 'quorum-psi/errors';
import { ristretto255Sha512 } from 'quorum-psi/group';
import { rateToU32 } from 'quorum-psi/pdata';
import { generateReviewerKeyPair } from 'quorum-psi/seal';
import { DatabaseRegistry, ServerAccount, ServerDatabase } from 'quorum-psi/server';

const te = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const suite = ristretto255Sha512;
const T = 5;
const sMax = 4;

// ── Quiet set-up: a database of 12 known hashes, and one client account. ─────────────────────
const item = (tag: string) =>
  new Uint8Array(createHash('sha256').update(`example item/${tag}`).digest());
const known = Array.from({ length: 12 }, (_, i) => item(`known/${i}`));
const reviewer = generateReviewerKeyPair();
const built = buildDatabase(known, {
  suite,
  params: {
    threshold: T,
    sMax,
    syntheticRate32: rateToU32(0.25),
    payloadSize: 64,
    reviewerKeys: [reviewer.publicKey],
  },
});
// A small table can fail to place an item (reported in `built.dropped`; a false negative):
// the client's "known" photos are the placed ones.
const droppedHex = new Set(built.dropped.map(hex));
const placed = known.filter((x) => !droppedHex.has(hex(x)));
const secretFromBuilder = ServerDatabase.fromBuild(built).toBytes();
const clientDb = ClientDatabase.load(built.publicData, built.root);
const client = ClientAccount.create({ database: clientDb }); // pins T, s_max and p
const realIds = new Set<string>(); // what the client knows and the server must find out
let n = 0;
function upload(y: Uint8Array, matches: boolean): Uint8Array {
  const id = te.encode(`photo-${n++}`);
  const before = client.syntheticCount;
  const v = createVoucher(client, clientDb, {
    item: y,
    id,
    payload: te.encode(`photo ${n}`),
  });
  if (matches && client.syntheticCount === before) realIds.add(hex(id));
  return v;
}

// ── The server ────────────────────────────────────────────────────────────────────────────────
const serverDb = ServerDatabase.fromBytes(secretFromBuilder); // checksum, α against L
const registry = new DatabaseRegistry().add(serverDb);
// The account pins T and s_max from the database it serves.
let account = new ServerAccount({ database: serverDb });
const tally: Record<string, number> = {};
const ingest = (v: Uint8Array) => {
  const outcome = account.ingest(v, registry);
  tally[outcome.kind] = (tally[outcome.kind] ?? 0) + 1;
  return outcome;
};

// Batch 1: innocent photos and known ones, up to T-1 real matches.
let nextKnown = 0;
let lastVoucher: Uint8Array = new Uint8Array(0);
for (let i = 0; realIds.size < T - 1; i++) {
  const isKnown = i % 3 === 2;
  lastVoucher = upload(isKnown ? (placed[nextKnown++] as Uint8Array) : item(`cat ${i}`), isKnown);
  ingest(lastVoucher);
}
ingest(lastVoucher); // a re-upload counts once
ingest(new Uint8Array(40)); // garbage: a 'malformed' outcome, not an exception
const r1 = account.reveal();
console.log(`batch 1: ${JSON.stringify(tally)}; ${account.candidates.length} candidates`);
console.log(`  reveal attempt → ${r1.kind} (${realIds.size} real matches, T = ${T})`);
if (r1.kind !== 'below-threshold') throw new Error(`expected below-threshold, got ${r1.kind}`);

// Persist between batches (the state holds candidate tuples and the ids of non-matches). The
// state ends with a checksum: one flipped byte in storage fails to load, rather than loading as
// a different state.
const state = account.toBytes();
account = ServerAccount.fromBytes(state);
console.log(`  account state persisted: ${state.length} bytes`);
const corrupted = state.slice();
corrupted[corrupted.length >> 1] = (corrupted[corrupted.length >> 1] as number) ^ 1;
try {
  ServerAccount.fromBytes(corrupted);
  throw new Error('a corrupted account state loaded');
} catch (e) {
  if (!(e instanceof QuorumPsiError)) throw e;
  console.log(`  corrupted copy of the state: refused (${e.code})`);
}

// Batch 2: one more real match.
while (realIds.size < T) ingest(upload(placed[nextKnown++] as Uint8Array, true));
const r2 = account.reveal();
console.log(`batch 2: reveal attempt → ${r2.kind}`);
if (r2.kind !== 'revealed') throw new Error(`expected a reveal, got ${r2.kind}`);
const revealed = r2.revealed.map((r) => hex(r.id)).sort();
if (JSON.stringify(revealed) !== JSON.stringify([...realIds].sort()))
  throw new Error('revealed ids differ from the real matches');
console.log(
  `  ${revealed.length} real matches (exactly the client's), ${r2.syntheticIds.length} synthetic candidates told apart`,
);
const first = r2.revealed[0];
console.log(
  `  forwarded to the reviewers: ${r2.revealed.length} sealed payloads of ${first?.ad.length} bytes (unreadable here)`,
);
console.log('server example: ok');
