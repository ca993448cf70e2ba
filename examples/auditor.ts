/**
 * Role: NGO auditor (SPEC §5). Before any client uses a database, each NGO checks that every
 * cell is exactly the blinding of a quorum-backed hash or a provably inert filler, recomputes the
 * root, checks the header against its OWN policy (never the builder's word), and only then
 * co-signs the manifest. Clients need co-signatures from m jurisdictions.
 *
 *   npx tsx examples/auditor.ts
 *
 *  NGO auditor                                     builder / other NGOs / clients
 *  ───────────                                     ──────────────────────────────
 *  policy: deployment, run id, agreed reviewer ◀── agreed among the NGOs (never the builder)
 *    keys, bounds on T, s_max, p, payload size,
 *    ratio; last database version it signed
 *  audit bundle + pdata + claimed root ◀────────── builder
 *  auditDatabase():
 *    1. contributions of this deployment and run, signed by trusted NGOs;
 *       X_int = items backed by ≥ m jurisdictions
 *    4. header within the policy: exactly the agreed reviewer keys, parameters within bounds,
 *       version above the last one signed (checked before the expensive steps)
 *    2. repeat the peeling of the table, rebuild every B_j, verify the batched DLEQ proof against L and the cells
 *    3. recompute the root byte for byte
 *  manifest body (deployment, run, version, root, header, X_int digest, m, validity window)
 *  co-signature ─────────────────────────────────▶ builder, which publishes pdata + manifest
 *  manifest with m jurisdictions' signatures ────▶ clients (acceptDatabase)
 */
import { createHash } from 'node:crypto';
import {
  type AuditPolicy,
  auditDatabase,
  encodeAuditBundle,
  manifestBodyFor,
} from 'quorum-psi/audit';
import { buildDatabase, hashItem } from 'quorum-psi/builder';
import { ristretto255Sha512 } from 'quorum-psi/group';
import {
  acceptDatabase,
  encodeManifest,
  encodeManifestBody,
  type ManifestSignature,
  signManifest,
} from 'quorum-psi/manifest';
import {
  createQuorumRoster,
  intersectContributions,
  NgoParty,
  runQuorumLocally,
  startRunLocally,
} from 'quorum-psi/ngo';
import { computeRoot, rateToU32, splitPublicData, type VoucherParams } from 'quorum-psi/pdata';
import { generateReviewerKeyPair } from 'quorum-psi/seal';
import { generateSigningKeyPair } from 'quorum-psi/sign';
import { cellPositions } from 'quorum-psi/table';

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
const deploymentId = te.encode('example deployment');
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
  ngos.map((n, i) => new NgoParty(config, i, n.secretKey, lists[i] as Uint8Array[])),
);
// The reviewers the NGOs agreed on (staff at two of them); the platform has a key of its own.
const reviewers = [generateReviewerKeyPair(), generateReviewerKeyPair()];
const platformKey = generateReviewerKeyPair();
// Every NGO's trust list: the other NGOs' keys, configured out of band.
const trust = ngos.map(({ name, jurisdiction, publicKey }) => ({
  name,
  jurisdiction,
  signingPublicKey: publicKey,
}));
const qualifiedItems = (c: readonly Uint8Array[]) =>
  intersectContributions(c, trust, m, { deploymentId, runId }).items;
const params: VoucherParams = {
  threshold: 5,
  sMax: 4,
  syntheticRate32: rateToU32(0.05),
  payloadSize: 64,
  reviewerKeys: reviewers.map((r) => r.publicKey),
};
const build = (items: readonly Uint8Array[], p: Partial<VoucherParams> = {}) =>
  buildDatabase(items, { suite, params: { ...params, ...p }, contributions, runId });
const honest = build(qualifiedItems(contributions));

// ── The auditor ───────────────────────────────────────────────────────────────────────────────
// Each NGO's own policy, from its own configuration: the deployment, the quorum run it took part
// in, exactly the reviewer keys the NGOs agreed on, the bounds it accepts, and the last database
// version it signed (it never signs a version that is not above it).
const lastSigned = new Map<string, number>();
const policyOf = (who: (typeof ngos)[number]): AuditPolicy => ({
  deploymentId,
  runId,
  reviewerKeys: reviewers.map((r) => r.publicKey),
  threshold: { min: 5, max: 40 },
  sMax: { min: 2, max: 100 },
  syntheticRate: { min: 0.01, max: 0.2 },
  payloadSize: { min: 32, max: 1024 },
  ratio: { min: 1.23, max: 1.5 },
  lastSignedVersion: lastSigned.get(who.name) ?? 0,
});
const now = Math.floor(Date.now() / 1000);
function audit(
  who: (typeof ngos)[number],
  pdata: Uint8Array,
  bundle: Uint8Array,
  root: Uint8Array,
) {
  const verdict = auditDatabase(pdata, bundle, {
    claimedRoot: root,
    qualifiedItems,
    policy: policyOf(who),
  });
  if (!verdict.ok) return { verdict, signature: null };
  // Deployment, run, version and rule come from the verdict (checked against the policy).
  const body = encodeManifestBody(
    manifestBodyFor(pdata, verdict, { notBefore: now - 60, notAfter: now + 30 * 86400 }),
  );
  const sig: ManifestSignature = {
    publicKey: who.publicKey,
    signature: signManifest(who.secretKey, body),
  };
  lastSigned.set(who.name, verdict.version);
  return { verdict, body, signature: sig };
}
const expectFailure = (r: ReturnType<typeof audit>, failure: string, what: string): string => {
  if (r.verdict.ok || r.verdict.failure !== failure) throw new Error(`${what} NOT detected`);
  return `${what}: audit fails (${r.verdict.failure}): ${r.verdict.reason}`;
};

// 1. The honest database, version 1: every NGO audits and co-signs.
const bundle = encodeAuditBundle(honest, { version: 1 });
const results = ngos.map((n) => audit(n, honest.publicData, bundle, honest.root));
for (const [i, r] of results.entries()) {
  const v = r.verdict;
  console.log(
    `${ngos[i]?.name}: ${v.ok ? `ok, version ${v.version}, ${v.cells} cells, X_int digest ${hex(v.itemsDigest).slice(0, 16)}…, signs` : `FAIL ${v.failure}`}`,
  );
}
const body = results[0]?.body;
if (!body || results.some((r) => !r.signature)) throw new Error('the honest database failed audit');
const manifest = encodeManifest(
  body,
  results.map((r) => r.signature as ManifestSignature),
);
// The builder publishes pdata + manifest; a client with the same trust list accepts it.
const db = acceptDatabase(honest.publicData, manifest, { trust, m, deploymentId, minVersion: 0 });
console.log(
  `manifest: ${manifest.length} bytes, ${results.length} co-signatures; a client accepts it (version ${db.accepted.version})`,
);

// 2. The builder slips in a UK-only hash (backed by 1 jurisdiction < m).
const target = ukOnly[0] as Uint8Array;
const extra = build([...qualifiedItems(contributions), target]);
const r2 = audit(
  ngos[1] as (typeof ngos)[number],
  extra.publicData,
  encodeAuditBundle(extra, { version: 2 }),
  extra.root,
);
console.log(expectFailure(r2, 'items', 'extra item'));

// 3. The builder makes the target match without listing it: it rewrites one of the three cells
//    of x* so that P_h1(x*) + P_h2(x*) + P_h3(x*) = α·H(x*), and publishes the matching root. The
//    DLEQ proof no longer fits the bases rebuilt from X_int.
const { header, headerBytes, cells } = splitPublicData(honest.publicData);
const [c, a, b] = cellPositions(header.table.nonces, target, cells.length);
const others = suite.decode(cells[a] as Uint8Array).add(suite.decode(cells[b] as Uint8Array));
const forged: Uint8Array[] = cells.map((x) => x.slice());
forged[c] = suite.encode(suite.mul(hashItem(suite, target), honest.alpha).subtract(others));
const r3 = audit(
  ngos[2] as (typeof ngos)[number],
  concat(headerBytes, ...forged),
  encodeAuditBundle(honest, { version: 2 }),
  computeRoot(headerBytes, forged),
);
console.log(expectFailure(r3, 'proof', `cell ${c} rewritten so that x* matches`));

// 4. The builder names the platform's own key as a reviewer, next to the agreed ones: clients
//    would seal every payload to the platform too. The header is checked against the NGO's own
//    list of agreed reviewer keys, never against the builder's.
const platform = build(qualifiedItems(contributions), {
  reviewerKeys: [...params.reviewerKeys, platformKey.publicKey],
});
const r4 = audit(
  ngos[0] as (typeof ngos)[number],
  platform.publicData,
  encodeAuditBundle(platform, { version: 2 }),
  platform.root,
);
console.log(expectFailure(r4, 'policy', "platform's own reviewer key"));

// 5. The same for parameters: without synthetic vouchers (p = 0) the server would see exactly
//    the real matches below T.
const noSynthetics = build(qualifiedItems(contributions), { syntheticRate32: 0 });
const r5 = audit(
  ngos[1] as (typeof ngos)[number],
  noSynthetics.publicData,
  encodeAuditBundle(noSynthetics, { version: 2 }),
  noSynthetics.root,
);
console.log(expectFailure(r5, 'policy', 'synthetic rate p = 0'));

// 6. A signature for an old version number: each NGO signed version 1 above, so a database
//    proposed as version 1 again (it could then be served in place of a later one) is refused.
const rebuilt = build(qualifiedItems(contributions));
const r6 = audit(
  ngos[2] as (typeof ngos)[number],
  rebuilt.publicData,
  encodeAuditBundle(rebuilt, { version: 1 }),
  rebuilt.root,
);
console.log(expectFailure(r6, 'policy', 'version 1 proposed again'));
console.log('auditor example: ok');
