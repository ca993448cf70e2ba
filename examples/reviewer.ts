/**
 * Role: reviewer (NGO staff who look at flagged material, SPEC §0 item 4, §6 step 1). Payloads
 * are sealed on the device to the reviewers' keys (HPKE, RFC 9180) before they enter a voucher,
 * so even after the threshold the platform only ever handles ciphertext.
 *
 *   npx tsx examples/reviewer.ts
 *
 *  Reviewer                                        builder / NGO auditors / server
 *  ────────                                        ───────────────────────────────
 *  generateReviewerKeyPair(); public key ────────▶ NGOs (the agreed reviewer keys of their audit
 *                                                  policy) and builder (into the pdata header, so
 *                                                  the NGOs' manifest covers it and clients seal
 *                                                  to it)
 *  (id, sealed payload, database id), ◀─────────── server, for real matches after a reveal
 *    the account it says uploaded them
 *  openAsReviewer(secret key, own index, sealed, binding) → padded payload, where binding =
 *    { database id, voucher id, context }: opens only for what the payload was sealed for
 *  unpadPayload() → the client's payload
 */
import { createHash } from 'node:crypto';
import { buildDatabase } from 'quorum-psi/builder';
import { ClientAccount, ClientDatabase, createVoucher } from 'quorum-psi/client';
import { VerificationError } from 'quorum-psi/errors';
import { ristretto255Sha512 } from 'quorum-psi/group';
import { rateToU32 } from 'quorum-psi/pdata';
import {
  generateReviewerKeyPair,
  openAsReviewer,
  type PayloadBinding,
  type ReviewerKeyPair,
} from 'quorum-psi/seal';
import { DatabaseRegistry, ServerAccount, ServerDatabase, unpadPayload } from 'quorum-psi/server';

const te = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const suite = ristretto255Sha512;
const T = 4;

// Two reviewers (say, at two NGOs). Each keeps its secret key; the order of the public keys in
// the database header is each reviewer's index.
const reviewers = [generateReviewerKeyPair(), generateReviewerKeyPair()];

// ── Quiet set-up: database, one client with T matching photos, server reveal. ────────────────
const item = (tag: string) =>
  new Uint8Array(createHash('sha256').update(`example item/${tag}`).digest());
const known = Array.from({ length: 8 }, (_, i) => item(`known/${i}`));
const built = buildDatabase(known, {
  suite,
  params: {
    threshold: T,
    sMax: 0, // no synthetics: every known photo is a real match
    syntheticRate32: rateToU32(0),
    payloadSize: 96,
    reviewerKeys: reviewers.map((r) => r.publicKey),
  },
});
const droppedHex = new Set(built.dropped.map(hex)); // a small table may fail to place an item
const placed = known.filter((x) => !droppedHex.has(hex(x)));
const db = ClientDatabase.load(built.publicData, built.root);
const client = ClientAccount.create({ database: db });
const sent = new Map<string, string>();
const serverDb = ServerDatabase.fromBuild(built);
const server = new ServerAccount({ database: serverDb });
const registry = new DatabaseRegistry().add(serverDb);
// The client binds every sealed payload to its account identifier (the voucher's context): the
// platform, which knows which account uploaded what, passes it on with the payloads.
const account = te.encode('account 42');
for (let i = 0; i < 10; i++) {
  const id = te.encode(`IMG_${2000 + i}`);
  const payload = `IMG_${2000 + i}.jpg thumbnail (account 42, upload ${i})`;
  if (i < T) sent.set(hex(id), payload);
  const y = i < T ? (placed[i] as Uint8Array) : item(`innocent/${i}`);
  const voucher = createVoucher(client, db, {
    item: y,
    id,
    payload: te.encode(payload),
    context: account,
  });
  server.ingest(voucher, registry);
}
const reveal = server.reveal();
if (reveal.kind !== 'revealed') throw new Error(`set-up: expected a reveal, got ${reveal.kind}`);

// ── The reviewers ─────────────────────────────────────────────────────────────────────────────
console.log(`server forwarded ${reveal.revealed.length} sealed payloads`);
for (const [index, reviewer] of reviewers.entries()) {
  let opened = 0;
  for (const r of reveal.revealed) {
    // The payload opens only for the database, voucher and context (account) it was sealed
    // for: what the platform claims about it is checked, not trusted.
    const binding: PayloadBinding = { databaseId: r.databaseId, voucherId: r.id, context: account };
    const padded = openAsReviewer(reviewer.secretKey, index, r.ad, binding);
    const text = new TextDecoder().decode(unpadPayload(padded));
    if (text !== sent.get(hex(r.id))) throw new Error('payload differs from what was sent');
    if (opened++ === 0) console.log(`  reviewer ${index} opens ${hex(r.id)}: "${text}"`);
  }
  console.log(`  reviewer ${index}: opened all ${opened}`);
}
if (reveal.revealed.length !== T) throw new Error('expected exactly T revealed payloads');

// Anyone else (the platform included) cannot: a fresh key fails authentication, and so does a
// reviewer's key when the platform relabels the payload (another database, voucher or account).
const sealed = reveal.revealed[0] as (typeof reveal.revealed)[number];
const outsider = generateReviewerKeyPair();
const claimed: PayloadBinding = {
  databaseId: sealed.databaseId,
  voucherId: sealed.id,
  context: account,
};
const reviewer0 = (reviewers[0] as ReviewerKeyPair).secretKey;
for (const [what, attempt] of [
  ['platform key', () => openAsReviewer(outsider.secretKey, 0, sealed.ad, claimed)],
  [
    'other database id',
    () => openAsReviewer(reviewer0, 0, sealed.ad, { ...claimed, databaseId: new Uint8Array(16) }),
  ],
  [
    'relabelled to another voucher',
    () => openAsReviewer(reviewer0, 0, sealed.ad, { ...claimed, voucherId: te.encode('IMG_9999') }),
  ],
  [
    'relabelled to another account',
    () => openAsReviewer(reviewer0, 0, sealed.ad, { ...claimed, context: te.encode('account 7') }),
  ],
] as const) {
  try {
    attempt();
    throw new Error(`${what}: opened a sealed payload`);
  } catch (e) {
    if (!(e instanceof VerificationError)) throw e;
    console.log(`  ${what}: ${e.code}, nothing opened`);
  }
}
console.log('reviewer example: ok');
