/**
 * Role: NGO auditor (SPEC §5). Before any client uses a database, each NGO checks that every
 * cell is exactly the blinding of a quorum-backed hash or a provably inert filler, recomputes the
 * root, and only then co-signs the manifest. Clients need co-signatures from m jurisdictions.
 *
 *   npx tsx examples/auditor.ts
 *
 *  NGO auditor                                     builder / other NGOs / clients
 *  ───────────                                     ──────────────────────────────
 *  audit bundle + pdata + claimed root ◀────────── builder
 *  auditDatabase():
 *    1. contributions signed by trusted NGOs, X_int = items backed by ≥ m jurisdictions
 *    2. rebuild the layout, every B_j, verify the batched DLEQ proof against L and the cells
 *    3. recompute the root byte for byte
 *  manifest body (root, header, X_int digest, m, validity window)
 *  co-signature ─────────────────────────────────▶ builder, which publishes pdata + manifest
 *  manifest with m jurisdictions' signatures ────▶ clients (acceptDatabase)
 */
import { createHash } from 'node:crypto';
import { auditDatabase, encodeAuditBundle, manifestBodyFor } from 'quorum-psi/audit';
import { buildDatabase, hashItem } from 'quorum-psi/builder';
import { layoutCuckoo } from 'quorum-psi/cuckoo';
import { ristretto255Sha512 } from 'quorum-psi/group';
import {
  acceptDatabase,
  encodeManifest,
  encodeManifestBody,
  type ManifestSignature,
  signManifest,
} from 'quorum-psi/manifest';
import {
  createQuorumConfig,
  intersectContributions,
  NgoParty,
  runQuorumLocally,
} from 'quorum-psi/ngo';
import { computeRoot, rateToU32, splitPublicData } from 'quorum-psi/pdata';
import { generateSigningKeyPair } from 'quorum-psi/sign';

const te = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const suite = ristretto255Sha512;
const m = 2;

// ── Quiet set-up: the quorum and the builder. ─────────────────────────────────────────────────
const item = (tag: string) =>
  new Uint8Array(createHash('sha256').update(`example item/${tag}`).digest());
const range = (tag: string, n: number) => Array.from({ length: n }, (_, i) => item(`${tag}/${i}`));
const shared = range('shared', 8);
const ukOnly = range('uk only', 5);
const lists = [
  [...shared, ...ukOnly],
  [...shared.slice(0, 5), ...range('ca only', 5)],
  [...shared.slice(2), ...range('nl only', 5)],
];
const ngos = ['UK', 'CA', 'NL'].map((jurisdiction) => ({
  name: `NGO ${jurisdiction}`,
  jurisdiction,
  ...generateSigningKeyPair(),
}));
const config = createQuorumConfig({
  suite,
  deploymentId: te.encode('example deployment'),
  m,
  itemWidth: 32,
  members: ngos.map((n) => ({ jurisdiction: n.jurisdiction, signingPublicKey: n.publicKey })),
});
const { contributions } = runQuorumLocally(
  ngos.map((n, i) => new NgoParty(config, i, n.secretKey, lists[i] as Uint8Array[])),
);
// Every NGO's trust list: the other NGOs' keys, configured out of band.
const trust = ngos.map(({ name, jurisdiction, publicKey }) => ({ name, jurisdiction, publicKey }));
const qualifiedItems = (c: readonly Uint8Array[]) => intersectContributions(c, trust, m).items;
const params = {
  threshold: 5,
  sMax: 4,
  syntheticRate32: rateToU32(0.05),
  payloadSize: 64,
  reviewerKeys: [],
};
const honest = buildDatabase(qualifiedItems(contributions), { suite, params, contributions });

// ── The auditor ───────────────────────────────────────────────────────────────────────────────
const now = Math.floor(Date.now() / 1000);
function audit(
  who: (typeof ngos)[number],
  pdata: Uint8Array,
  bundle: Uint8Array,
  root: Uint8Array,
) {
  const verdict = auditDatabase(pdata, bundle, { claimedRoot: root, qualifiedItems });
  if (!verdict.ok) return { verdict, signature: null };
  const body = encodeManifestBody(
    manifestBodyFor(pdata, verdict, m, { notBefore: now - 60, notAfter: now + 30 * 86400 }),
  );
  const sig: ManifestSignature = {
    publicKey: who.publicKey,
    signature: signManifest(who.secretKey, body),
  };
  return { verdict, body, signature: sig };
}

// 1. The honest database: every NGO audits and co-signs.
const bundle = encodeAuditBundle(honest);
const results = ngos.map((n) => audit(n, honest.publicData, bundle, honest.root));
for (const [i, r] of results.entries()) {
  const v = r.verdict;
  console.log(
    `${ngos[i]?.name}: ${v.ok ? `ok, ${v.cells} cells, X_int digest ${hex(v.itemsDigest).slice(0, 16)}…, signs` : `FAIL ${v.failure}`}`,
  );
}
const body = results[0]?.body;
if (!body || results.some((r) => !r.signature)) throw new Error('the honest database failed audit');
const manifest = encodeManifest(
  body,
  results.map((r) => r.signature as ManifestSignature),
);
// The builder publishes pdata + manifest; a client with the same trust list accepts it.
acceptDatabase(honest.publicData, manifest, { trust, m });
console.log(
  `manifest: ${manifest.length} bytes, ${results.length} co-signatures; a client accepts it`,
);

// 2. The builder slips in a UK-only hash (backed by 1 jurisdiction < m).
const target = ukOnly[0] as Uint8Array;
const extra = buildDatabase([...qualifiedItems(contributions), target], {
  suite,
  params,
  contributions,
});
const r2 = audit(
  ngos[1] as (typeof ngos)[number],
  extra.publicData,
  encodeAuditBundle(extra),
  extra.root,
);
if (r2.verdict.ok || r2.verdict.failure !== 'items') throw new Error('extra item NOT detected');
console.log(`extra item: audit fails (${r2.verdict.failure}): ${r2.verdict.reason}`);

// 3. The builder hides the target in a filler cell: α·H(x*) instead of α·H_F(seed, j), and
//    publishes the matching root. The DLEQ proof no longer fits the rebuilt bases.
const { header, headerBytes, cells } = splitPublicData(honest.publicData);
const layout = layoutCuckoo(honest.items as Uint8Array[], header.table.nonces, cells.length);
const filler = layout.cells.indexOf(-1); // a cell that holds no item
const forged: Uint8Array[] = cells.map((c) => c.slice());
forged[filler] = suite.encode(suite.mul(hashItem(suite, target), honest.alpha));
const r3 = audit(
  ngos[2] as (typeof ngos)[number],
  concat(headerBytes, ...forged),
  bundle,
  computeRoot(headerBytes, forged),
);
if (r3.verdict.ok || r3.verdict.failure !== 'proof') throw new Error('forged cell NOT detected');
console.log(
  `filler ${filler} replaced by α·H(x*): audit fails (${r3.verdict.failure}): ${r3.verdict.reason}`,
);
console.log('auditor example: ok');
