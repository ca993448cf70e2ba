/**
 * Role: client (the user's device, SPEC §5 acceptance and §6). It accepts a database only if
 * NGOs from m distinct jurisdictions of its OWN trust list co-signed its root for its OWN
 * deployment, at a database version no lower than the last one it accepted, then makes one
 * fixed-size voucher per photo. It never learns whether anything matched.
 *
 *   npx tsx examples/client.ts
 *
 *  Client                                          platform (builder, server) / NGOs
 *  ──────                                          ─────────────────────────────────
 *  trust list (names, jurisdictions, keys), ◀───── the app's own configuration, not the server
 *    deployment id, rule m
 *  last accepted database version ◀─────────────── the app's own storage (0 at first)
 *  pdata + manifest ◀───────────────────────────── platform (manifest co-signed by NGOs)
 *  acceptDatabase(): m jurisdictions signed, this deployment, version ≥ last accepted,
 *    root and header recomputed, cells distinct; persist the accepted version
 *  account state (seed, T, s_max, p, synthetic ids): created once from the accepted database,
 *    shared by the account's devices, integrity-checked when loaded
 *  createVoucher(item, id, payload, context) per photo:
 *    payload padded and sealed to the reviewers (bound to database, id and context),
 *    Shamir share, DHF value, 1 blinded slot (the item's three cells summed)
 *  voucher (same length for every photo) ────────▶ server (ingest)
 *  nothing comes back
 */
import { createHash } from 'node:crypto';
import {
  type AuditPolicy,
  auditDatabase,
  encodeAuditBundle,
  manifestBodyFor,
} from 'quorum-psi/audit';
import { buildDatabase } from 'quorum-psi/builder';
import { ClientAccount, createVoucher } from 'quorum-psi/client';
import { QuorumPsiError } from 'quorum-psi/errors';
import { ristretto255Sha512 } from 'quorum-psi/group';
import {
  acceptDatabase,
  encodeManifest,
  encodeManifestBody,
  signManifest,
  type TrustedNgo,
} from 'quorum-psi/manifest';
import {
  createQuorumRoster,
  intersectContributions,
  NgoParty,
  runQuorumLocally,
  startRunLocally,
} from 'quorum-psi/ngo';
import { rateToU32, splitPublicData } from 'quorum-psi/pdata';
import { generateReviewerKeyPair } from 'quorum-psi/seal';
import { generateSigningKeyPair } from 'quorum-psi/sign';

const te = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const suite = ristretto255Sha512;
const m = 2;
const T = 5;
const sMax = 4;

// ── Quiet set-up: NGO quorum runs, builds, audits and co-signed manifests (as in the ngo,
//    builder and auditor examples): versions 1 and 2 of this deployment's database, and one
//    database the same NGOs co-signed for another deployment. ─────────────────────────────────
const item = (tag: string) =>
  new Uint8Array(createHash('sha256').update(`example item/${tag}`).digest());
const range = (tag: string, n: number) => Array.from({ length: n }, (_, i) => item(`${tag}/${i}`));
const known = range('known', 8);
const ngos = [
  { name: 'NGO Alpha', jurisdiction: 'UK', items: [...known, ...range('a', 4)] },
  { name: 'NGO Beta', jurisdiction: 'CA', items: [...known, ...range('b', 4)] },
  { name: 'NGO Gamma', jurisdiction: 'NL', items: [...known.slice(0, 4), ...range('c', 4)] },
].map((n) => ({ ...n, ...generateSigningKeyPair() }));
const trust: TrustedNgo[] = ngos.map(({ name, jurisdiction, publicKey }) => ({
  name,
  jurisdiction,
  signingPublicKey: publicKey,
}));
const reviewer = generateReviewerKeyPair();
const params = {
  threshold: T,
  sMax,
  syntheticRate32: rateToU32(0.2),
  payloadSize: 64,
  reviewerKeys: [reviewer.publicKey],
};
function publish(deploymentId: Uint8Array, version: number, extra: Uint8Array[] = []) {
  const roster = createQuorumRoster({
    suite,
    deploymentId,
    m,
    itemWidth: 32,
    members: ngos.map((n) => ({ jurisdiction: n.jurisdiction, signingPublicKey: n.publicKey })),
  });
  const { config, runId } = startRunLocally(
    roster,
    ngos.map((n) => n.secretKey),
  );
  const { contributions } = runQuorumLocally(
    ngos.map((n, i) => new NgoParty(config, i, n.secretKey, [...n.items, ...extra])),
  );
  const qualifiedItems = (c: readonly Uint8Array[]) =>
    intersectContributions(c, trust, m, { deploymentId, runId }).items;
  const built = buildDatabase(qualifiedItems(contributions), {
    suite,
    params,
    ratio: 1.25,
    contributions,
    runId,
  });
  const bundle = encodeAuditBundle(built, { version });
  const policy: AuditPolicy = {
    deploymentId,
    runId,
    reviewerKeys: [reviewer.publicKey],
    threshold: { min: 2, max: 40 },
    sMax: { min: 1, max: 100 },
    syntheticRate: { min: 0.01, max: 0.5 },
    payloadSize: { min: 16, max: 1024 },
    ratio: { min: 1.23, max: 1.5 },
    lastSignedVersion: version - 1,
  };
  const now = Math.floor(Date.now() / 1000);
  let body: Uint8Array | undefined;
  const signatures = ngos.map((n) => {
    const v = auditDatabase(built.publicData, bundle, {
      claimedRoot: built.root,
      qualifiedItems,
      policy,
    });
    if (!v.ok) throw new Error(`set-up: audit failed (${v.failure}: ${v.reason})`);
    body ??= encodeManifestBody(
      manifestBodyFor(built.publicData, v, { notBefore: now - 60, notAfter: now + 30 * 86400 }),
    );
    return { publicKey: n.publicKey, signature: signManifest(n.secretKey, body) };
  });
  return { publicData: built.publicData, manifest: encodeManifest(body as Uint8Array, signatures) };
}
const deploymentId = te.encode('example photo service');
const v1 = publish(deploymentId, 1);
const v2 = publish(deploymentId, 2, range('added in version 2', 2));
const elsewhere = publish(te.encode('another service'), 7);

// ── The client ────────────────────────────────────────────────────────────────────────────────
// What the app stores between runs: the highest database version it accepted (0 at first).
let minVersion = 0;

// 1. Accept the database: the trust list, the deployment id and m come from the app's own
//    configuration, the minimum version from its own storage.
const accept = (d: { publicData: Uint8Array; manifest: Uint8Array }, opts: { now?: number } = {}) =>
  acceptDatabase(d.publicData, d.manifest, { trust, m, deploymentId, minVersion, ...opts });
let db = accept(v1);
minVersion = db.accepted.version; // persist it: the next acceptance needs ≥ this
console.log(
  `accepted database ${hex(db.databaseId)} version ${db.accepted.version}: T = ${db.params.threshold}, s_max = ${db.params.sMax}, ${db.params.reviewerKeys.length} reviewer key(s)`,
);

// 2. The account (create once; persist toBytes() as a secret, share it with the other devices).
//    It pins T, s_max and p from the accepted database: a later database announcing other
//    values is refused.
let account = ClientAccount.create({ database: db });

// 3. One voucher per photo, matching or not. The context (here the account identifier the
//    platform will claim) is sealed with the payload: a reviewer checks it.
const context = te.encode('account 42');
const photos = [
  ...Array.from({ length: 10 }, (_, i) => item(`holiday photo ${i}`)),
  ...known.slice(0, 3),
];
const vouchers: Uint8Array[] = [];
for (const [i, y] of photos.entries()) {
  const id = te.encode(`IMG_${1000 + i}`); // not secret; the same id always counts once
  const payload = te.encode(`IMG_${1000 + i}.jpg, low-resolution derivative`);
  vouchers.push(createVoucher(account, db, { item: y, id, payload, context }));
}
const lengths = new Set(vouchers.map((v) => v.length));
console.log(
  `${vouchers.length} vouchers, ${[...lengths].join('/')} bytes each, ${account.syntheticCount} synthetic (p = 0.2, cap ${sMax})`,
);
if (lengths.size !== 1) throw new Error('vouchers differ in length');

// 4. Persist the account: the synthetic ids must survive restarts and be shared by devices. The
//    state ends with a checksum: a corrupted copy fails to load instead of loading as another
//    account.
const saved = account.toBytes();
account = ClientAccount.fromBytes(saved);
console.log(`account state: ${saved.length} bytes, synthetic count ${account.syntheticCount}`);
const corrupted = saved.slice();
corrupted[40] = (corrupted[40] as number) ^ 1;
try {
  ClientAccount.fromBytes(corrupted);
  throw new Error('a corrupted account state loaded');
} catch (e) {
  if (!(e instanceof QuorumPsiError)) throw e;
  console.log(`corrupted account state: refused (${e.code})`);
}

// 5. An update: version 2 is accepted (version ≥ the stored 1); the stored version moves up.
//    The account carries over; a photo uploaded again (same id) for the new version keeps the
//    fate of its first voucher, real or synthetic, and spends nothing.
db = accept(v2);
minVersion = db.accepted.version;
const before = account.syntheticCount;
const again = createVoucher(account, db, {
  item: known[0] as Uint8Array,
  id: te.encode('IMG_1010'), // uploaded above for version 1
  payload: te.encode('IMG_1010.jpg, low-resolution derivative'),
  context,
});
if (account.syntheticCount !== before) throw new Error("a re-upload changed the id's fate");
console.log(
  `update: accepted version ${db.accepted.version} (${hex(db.databaseId)}); IMG_1010 re-uploaded (${again.length} bytes), synthetic count still ${account.syntheticCount}`,
);

// 6. A database changed after the NGOs signed, too few trusted signers, an expired manifest,
//    the older version 1 served again (still signed, still valid: a rollback), or a manifest
//    the same NGOs signed for another deployment: all refused.
const { headerBytes, cells } = splitPublicData(v2.publicData);
const swapped: Uint8Array[] = cells.map((c) => c.slice());
[swapped[0], swapped[1]] = [swapped[1] as Uint8Array, swapped[0] as Uint8Array];
const refusals: [string, string, () => unknown][] = [
  [
    'two cells swapped',
    'manifest.root',
    () => accept({ publicData: concat(headerBytes, ...swapped), manifest: v2.manifest }),
  ],
  [
    'trusting only UK',
    'manifest.quorum',
    () =>
      acceptDatabase(v2.publicData, v2.manifest, {
        trust: trust.slice(0, 1),
        m,
        deploymentId,
        minVersion,
      }),
  ],
  ['expired manifest', 'manifest.expired', () => accept(v2, { now: 2 ** 40 })],
  [`version 1 after version ${minVersion}`, 'manifest.rollback', () => accept(v1)],
  ['manifest of another deployment', 'manifest.deployment', () => accept(elsewhere)],
];
for (const [what, code, attempt] of refusals) {
  try {
    attempt();
    throw new Error(`${what}: the client accepted`);
  } catch (e) {
    if (!(e instanceof QuorumPsiError)) throw e;
    if (e.code !== code) throw new Error(`${what}: refused with ${e.code}, expected ${code}`);
    console.log(`refused (${what}): ${e.code}`);
  }
}
console.log('client example: ok');
