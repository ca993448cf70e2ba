/**
 * Role: builder (the platform's database build, SPEC §4). It receives only the NGOs' signed
 * contributions, keeps the items backed by ≥ m jurisdictions (`X_int`), and builds the blinded
 * single-point table: public data for clients, an audit bundle for the NGOs, the secret `α` for the
 * server. It accepts only contributions of its deployment and of the quorum run it was told,
 * names the reviewer keys the NGOs agreed on, and numbers every publication (database version).
 *
 *   npx tsx examples/builder.ts
 *
 *  Builder                                         NGOs / clients / server
 *  ───────                                         ───────────────────────
 *  signed contributions Q_i, run id ◀──────────── each NGO (after the quorum)
 *  reviewer public keys (1..16) ◀───────────────── reviewers (NGO staff; the NGOs agree on them)
 *  intersectContributions(): X_int (≥ m jurisdictions, this deployment and run only)
 *  buildDatabase(): nonces first, layout, α, cells, root (one item width, ≥ 1 reviewer key)
 *  audit bundle (version, X_int, seed, proof) ───▶ each NGO auditor
 *  public data (pdata) ──────────────────────────▶ published with the NGOs' manifest to clients
 *  server database secret (α, header) ───────────▶ server (same organisation, kept secret)
 */
import { createHash } from 'node:crypto';
import { encodeAuditBundle } from 'quorum-psi/audit';
import { buildDatabase } from 'quorum-psi/builder';
import { ParameterError } from 'quorum-psi/errors';
import { ristretto255Sha512 } from 'quorum-psi/group';
import {
  createQuorumRoster,
  intersectContributions,
  NgoParty,
  runQuorumLocally,
  startRunLocally,
} from 'quorum-psi/ngo';
import { smallestThreshold } from 'quorum-psi/params';
import { rateToU32, splitPublicData } from 'quorum-psi/pdata';
import { generateReviewerKeyPair } from 'quorum-psi/seal';
import { ServerDatabase } from 'quorum-psi/server';
import { generateSigningKeyPair } from 'quorum-psi/sign';
import { tableSize } from 'quorum-psi/table';

const te = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const equal = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(b);
const suite = ristretto255Sha512;
const m = 2;

// ── Quiet set-up: three NGOs run their quorum and hand over signed contributions. ─────────────
const item = (tag: string) =>
  new Uint8Array(createHash('sha256').update(`example item/${tag}`).digest());
const range = (tag: string, n: number) => Array.from({ length: n }, (_, i) => item(`${tag}/${i}`));
const shared = range('shared', 10);
const lists = [
  [...shared, ...range('uk only', 6)],
  [...shared.slice(0, 7), ...range('ca only', 6)],
  [...shared.slice(3), ...range('nl only', 6)],
];
const ngos = ['UK', 'CA', 'NL'].map((jurisdiction) => ({
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
// Step 0 of the quorum: signed run nonces, one fresh run id (SPEC v2 §3).
const { config, runId } = startRunLocally(
  roster,
  ngos.map((n) => n.secretKey),
);
const { contributions } = runQuorumLocally(
  ngos.map((n, i) => new NgoParty(config, i, n.secretKey, lists[i] as Uint8Array[])),
);
const reviewer = generateReviewerKeyPair();

// ── The builder ───────────────────────────────────────────────────────────────────────────────
// Its trust list of NGO keys is configured, never taken from the contributions themselves; so
// are its deployment id and the run id of the quorum run whose contributions it collects (a
// contribution of another deployment or an earlier run is refused).
const trust = ngos.map((n) => ({ jurisdiction: n.jurisdiction, signingPublicKey: n.publicKey }));
const { items: xInt, jurisdictions } = intersectContributions(contributions, trust, m, {
  deploymentId,
  runId,
});
console.log(
  `contributions from ${jurisdictions.join(', ')} (run ${hex(runId).slice(0, 16)}…): X_int = ${xInt.length} items backed by ≥ ${m} jurisdictions`,
);

// Parameters (SPEC §8). A deployment derives T from its false-positive assumptions; this example
// uses a small T so the other examples can reach it with a handful of uploads.
const deploymentT = smallestThreshold({
  falsePositiveRate: 1e-6,
  itemsPerPeriod: 5e6,
  targetAccountFalseFlag: 1e-12,
});
const params = {
  threshold: 5,
  sMax: 4,
  syntheticRate32: rateToU32(0.05),
  payloadSize: 64,
  reviewerKeys: [reviewer.publicKey],
};
console.log(
  `T = ${params.threshold} (a deployment at 1e-6 per image, 5M images a year, 1e-12 target needs T ≥ ${deploymentT})`,
);

// The reviewer keys are the ones the NGOs agreed on (1 to 16): their audit refuses any other
// set, and a database naming no reviewer cannot even be built.
try {
  buildDatabase(xInt, { suite, params: { ...params, reviewerKeys: [] }, contributions, runId });
  throw new Error('a database without reviewer keys was built');
} catch (e) {
  if (!(e instanceof ParameterError)) throw e;
  console.log(`no reviewer key: refused (${e.code})`);
}

const built = buildDatabase(xInt, {
  suite,
  params,
  ratio: 1.25,
  itemWidth: 32,
  contributions,
  runId, // the cell-hash nonces are derived from the run: every audit checks them
});
const { cells } = splitPublicData(built.publicData);
console.log(
  `public data: ${cells.length} cells (ratio 1.25), ${built.publicData.length} bytes, ${built.dropped.length} dropped`,
);
// A dropped item (0.1–0.5% of small tables lose a few) is a false negative; it is reported
// here and visible to every auditor, and the nonces are never resampled to avoid it (SPEC §4).
for (const x of built.dropped) console.log(`  dropped: ${hex(x)}`);
console.log(`root ${hex(built.root)}`);
console.log(`database id ${hex(built.databaseId)} (first 16 bytes of the root)`);

// Three outputs, three recipients. The bundle carries the database version the builder proposes:
// 1 for the first publication of this deployment, one more for every later one (the NGOs sign a
// version only above the last they signed, and clients refuse to go back to a lower one).
const version = 1;
const bundle = encodeAuditBundle(built, { version }); // → every NGO auditor
const secret = ServerDatabase.fromBuild(built).toBytes(); // → the server, kept secret (holds α)
console.log(
  `audit bundle (database version ${version}) ${bundle.length} bytes → NGOs; server secret ${secret.length} bytes → server`,
);

// Self-checks.
if (cells.length !== tableSize(xInt.length, 1.25)) throw new Error('unexpected table size');
if (built.items.length !== xInt.length) throw new Error('X_int changed in the build');
if (!equal(built.databaseId, built.root.subarray(0, 16))) throw new Error('database id');
const reloaded = ServerDatabase.fromBytes(secret); // checks its checksum, and α against L
if (!equal(reloaded.databaseId, built.databaseId)) throw new Error('server secret');
if (xInt.length !== 10) throw new Error(`expected 10 quorum-backed items, got ${xInt.length}`);
console.log('builder example: ok');
