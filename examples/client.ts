/**
 * Role: client (the user's device, SPEC §5 acceptance and §6). It accepts a database only if
 * NGOs from m distinct jurisdictions of its OWN trust list co-signed its root, then makes one
 * fixed-size voucher per photo. It never learns whether anything matched.
 *
 *   npx tsx examples/client.ts
 *
 *  Client                                          platform (builder, server) / NGOs
 *  ──────                                          ─────────────────────────────────
 *  trust list (names, jurisdictions, keys) ◀────── the app's own configuration, not the server
 *  pdata + manifest ◀───────────────────────────── platform (manifest co-signed by NGOs)
 *  acceptDatabase(): m jurisdictions signed, root and header recomputed, cells distinct
 *  account state (seed, T, s_max, synthetic count): created once, shared by the account's devices
 *  createVoucher(item, id, payload) per photo:
 *    payload padded and sealed to the reviewers, Shamir share, DHF value, 2 blinded slots
 *  voucher (same length for every photo) ────────▶ server (ingest)
 *  nothing comes back
 */
import { createHash } from 'node:crypto';
import { ClientAccount, createVoucher } from 'quorum-psi/client';
import { QuorumPsiError } from 'quorum-psi/errors';
import { ristretto255Sha512 } from 'quorum-psi/group';
import { acceptDatabase } from 'quorum-psi/manifest';
import { splitPublicData } from 'quorum-psi/pdata';
import { setupDeployment } from 'quorum-psi/simulate';

const te = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const suite = ristretto255Sha512;
const m = 2;
const T = 5;
const sMax = 4;

// ── Quiet set-up: NGO quorum, build, audit and co-signed manifest (src/simulate.ts). ─────────
const item = (tag: string) =>
  new Uint8Array(createHash('sha256').update(`example item/${tag}`).digest());
const range = (tag: string, n: number) => Array.from({ length: n }, (_, i) => item(`${tag}/${i}`));
const known = range('known', 8);
const d = await setupDeployment({
  suite,
  ngos: [
    { name: 'NGO Alpha', jurisdiction: 'UK', items: [...known, ...range('a', 4)] },
    { name: 'NGO Beta', jurisdiction: 'CA', items: [...known, ...range('b', 4)] },
    { name: 'NGO Gamma', jurisdiction: 'NL', items: [...known.slice(0, 4), ...range('c', 4)] },
  ],
  rule: m,
  uploads: [],
  threshold: T,
  syntheticRate: 0.2,
  maxSynthetics: sMax,
  tableRatio: 2.1,
});
const { publicData, manifest, trust } = d;
if (!manifest) throw new Error('set-up failed: no manifest');

// ── The client ────────────────────────────────────────────────────────────────────────────────
// 1. Accept the database: the trust list comes from the app, m from the app's policy.
const db = acceptDatabase(publicData, manifest, { trust, m });
console.log(
  `accepted database ${hex(db.databaseId)}: T = ${db.params.threshold}, s_max = ${db.params.sMax}, ${db.params.reviewerKeys.length} reviewer key(s)`,
);

// 2. The account (create once; persist toBytes() as a secret, share it with the other devices).
let account = ClientAccount.create({ suite, threshold: T, sMax });

// 3. One voucher per photo, matching or not.
const photos = [
  ...Array.from({ length: 10 }, (_, i) => item(`holiday photo ${i}`)),
  ...known.slice(0, 3),
];
const vouchers: Uint8Array[] = [];
for (const [i, y] of photos.entries()) {
  const id = te.encode(`IMG_${1000 + i}`); // not secret; the same id always counts once
  const payload = te.encode(`IMG_${1000 + i}.jpg, low-resolution derivative`);
  vouchers.push(await createVoucher(account, db, { item: y, id, payload }));
}
const lengths = new Set(vouchers.map((v) => v.length));
console.log(
  `${vouchers.length} vouchers, ${[...lengths].join('/')} bytes each, ${account.syntheticCount} synthetic (p = 0.2, cap ${sMax})`,
);
if (lengths.size !== 1) throw new Error('vouchers differ in length');

// 4. Persist the account: the synthetic counter must survive restarts and be shared by devices.
const saved = account.toBytes();
account = ClientAccount.fromBytes(saved);
console.log(`account state: ${saved.length} bytes, synthetic count ${account.syntheticCount}`);

// 5. A database changed after the NGOs signed, or too few trusted signers: refused.
const { headerBytes, cells } = splitPublicData(publicData);
const swapped: Uint8Array[] = cells.map((c) => c.slice());
[swapped[0], swapped[1]] = [swapped[1] as Uint8Array, swapped[0] as Uint8Array];
const refusals: [string, () => unknown][] = [
  [
    'two cells swapped',
    () => acceptDatabase(concat(headerBytes, ...swapped), manifest, { trust, m }),
  ],
  ['trusting only UK', () => acceptDatabase(publicData, manifest, { trust: trust.slice(0, 1), m })],
  ['expired manifest', () => acceptDatabase(publicData, manifest, { trust, m, now: 2 ** 40 })],
];
for (const [what, attempt] of refusals) {
  try {
    attempt();
    throw new Error(`${what}: the client accepted`);
  } catch (e) {
    if (!(e instanceof QuorumPsiError)) throw e;
    console.log(`refused (${what}): ${e.code}`);
  }
}
console.log('client example: ok');
