/**
 * `quorum-psi` commands of the database (issue 14; docs/cli-design.md), one per step of SPEC §4-5:
 * - `build`: the platform's builder intersects the NGOs' signed contributions, builds the blinded
 *   database and proposes a manifest body;
 * - `audit`: one auditing NGO audits it against **its own** policy (never the builder's word) and,
 *   only if the verdict is ok, signs the manifest body it recomputed itself; its state file keeps
 *   the last version it signed, so a signature can never be obtained for a rollback;
 * - `manifest assemble`: the builder checks the co-signatures and joins them into one manifest;
 * - `manifest verify`: what a client would conclude from the public data and the manifest.
 * Node only.
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  AUDITOR_STATE_LABEL,
  DEFAULT_TABLE_RATIO,
  KIND,
  MAX_PAYLOAD_SIZE,
  MAX_S_MAX,
  MAX_TABLE_RATIO,
  MAX_THRESHOLD,
  MIN_POLICY_TABLE_RATIO,
  NGO_MAX_DEPLOYMENT_ID_BYTES,
  SIG_LABEL,
} from '../core/constants.js';
import { decodeWith, Writer } from '../core/encoding.js';
import { DecodeError, QuorumPsiError, VerificationError } from '../core/errors.js';
import { signingPublicKey, type TrustedNgo, verifyStatement } from '../core/sign.js';
import { appendChecksum, verifyChecksum } from '../core/state.js';
import { bytesToHex, equalBytes } from '../core/utils.js';
import {
  type AuditPolicy,
  auditDatabaseAsync,
  checkAuditPolicy,
  decodeAuditBundle,
  encodeAuditBundle,
  itemsDigest,
  manifestBodyFor,
} from '../database/audit.js';
import { buildDatabaseAsync } from '../database/builder.js';
import {
  acceptDatabase,
  decodeManifest,
  encodeManifest,
  encodeManifestBody,
  type ManifestBody,
  type ManifestSignature,
  signManifest,
} from '../database/manifest.js';
import {
  checkVoucherParams,
  decodeHeader,
  rateToU32,
  splitPublicData,
  type VoucherParams,
} from '../database/pdata.js';
import { intersectContributions } from '../quorum/contributions.js';
import type { QuorumConfig } from '../quorum/ngo-messages.js';
import { ServerDatabase } from '../voucher/server.js';
import {
  about,
  CliUsageError,
  type Command,
  commitStep,
  getPassphrase,
  intFlag,
  JsonFields,
  loadRoster,
  loadRun,
  loadTrust,
  lock,
  PASSPHRASE_ENV,
  parseFlags,
  parseHex,
  readInput,
  readJson,
  refuseExisting,
  say,
  unlockFile,
  writeFiles,
} from './io.js';
import { PARALLEL_FLAGS, PARALLEL_HELP, withExecutor } from './parallel-flags.js';

const td = new TextDecoder();
const DAY = 86_400;
/** The builder starts the validity window this far in the past, for clients whose clock lags. */
const BACKDATE_SECONDS = 60;
/** Default validity of a proposed manifest (days). */
const DEFAULT_VALIDITY_DAYS = 30;
/** Longest validity a parameters or policy file may name (days): ten years. */
const MAX_VALIDITY_DAYS = 3650;
const MAX_VERSION = Number.MAX_SAFE_INTEGER;

/** Files `build` writes into its output directory. */
const BUILD_OUT = {
  pdata: 'pdata.bin',
  bundle: 'audit-bundle.bin',
  body: 'manifest-body.bin',
  serverKey: 'server-db.key',
} as const;

// ── Shared helpers ────────────────────────────────────────────────────────────────────────────

/**
 * Await a library call, naming `path` in a failure as {@link about} does (the asynchronous
 * build refuses its parameters by rejecting).
 */
async function aboutAsync<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    return about(path, () => {
      throw e;
    });
  }
}

/** Deployment id as the person wrote it in the roster or trust list (UTF-8 text). */
function deploymentText(id: Uint8Array): string {
  return JSON.stringify(td.decode(id));
}

/**
 * The ring members of the roster as the trust list for contributions: the builder and every
 * auditor verify contributions against the roster the NGOs agreed on, never against the keys a
 * contribution carries.
 */
function rosterTrust(config: QuorumConfig): TrustedNgo[] {
  return config.members.map((m) => ({
    jurisdiction: m.jurisdiction,
    signingPublicKey: m.signingPublicKey,
  }));
}

/**
 * `X_int`: the items backed by ≥ m distinct jurisdictions of the roster, every contribution
 * verified and of this deployment, run and session (the session digest binds the roster too).
 */
function qualifiedItems(config: QuorumConfig, contributions: readonly Uint8Array[]): Uint8Array[] {
  return intersectContributions(contributions, rosterTrust(config), config.m, {
    deploymentId: config.deploymentId,
    runId: config.runId,
    sessionDigest: config.sessionDigest,
  }).items;
}

/**
 * Run `fn` over the contributions read from `files`: a library error about "contribution i"
 * names the i-th file (the library counts positions, the person knows file names).
 */
function aboutContributions<T>(files: readonly string[], fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof QuorumPsiError) {
      const at = /^contribution (\d+)\b/.exec(e.message);
      const file = at ? files[Number(at[1])] : undefined;
      return about(file ?? files.join(', '), () => {
        throw e;
      });
    }
    throw e;
  }
}

/**
 * Decode canonical manifest body bytes (`header(kind 0x07) …`, as `manifest-body.bin` holds
 * them). The library decodes a body only inside a manifest, so the body is wrapped in a manifest
 * without signatures: the same strict decoder, and the bytes decoded are the bytes given.
 */
function decodeManifestBody(bytes: Uint8Array): ManifestBody {
  return decodeManifest(encodeManifest(bytes, [])).body;
}

/** The first field in which two manifest bodies differ (for a refusal that says what). */
function bodyDifference(a: ManifestBody, b: ManifestBody): string {
  const bytesFields = [
    'deploymentId',
    'runId',
    'databaseId',
    'root',
    'pdataHeader',
    'itemsDigest',
  ] as const;
  if (a.suite !== b.suite) return 'suite';
  if (a.version !== b.version) return `version (${a.version}, audited ${b.version})`;
  if (a.rule !== b.rule) return `rule (${a.rule}, audited ${b.rule})`;
  for (const f of bytesFields) if (!equalBytes(a[f], b[f])) return f;
  return 'validity window';
}

/** The public data in `path`, checked whole (another kind of object is named as such). */
function checkPublicData(path: string, pdata: Uint8Array): void {
  about(path, () => splitPublicData(pdata));
}

/** `2025-01-31T12:00:00Z` for Unix seconds. */
function isoTime(t: number): string {
  return new Date(t * 1000).toISOString().replace('.000Z', 'Z');
}

/** A list of hex keys of `length` bytes in a person-written JSON file. */
function hexKeys(f: JsonFields, name: string, length: number): Uint8Array[] {
  return f.array(name).map((x, i) => {
    if (typeof x !== 'string')
      throw new CliUsageError(`${f.where}: ${name}[${i}] must be a hex string`);
    return parseHex(x, `${f.where}: ${name}[${i}]`, length);
  });
}

// ── params.json (the builder's announced parameters) ──────────────────────────────────────────

interface BuildParams {
  params: VoucherParams;
  ratio: number;
  validityDays: number;
}

/** `params.json`, strictly: every field checked, unknown fields refused. */
function readParams(path: string): BuildParams {
  const f = new JsonFields(readJson(path, 'parameters'), path);
  const threshold = f.integer('threshold', 2, MAX_THRESHOLD);
  // s_max ≥ 1 and p > 0: synthetic vouchers are a safeguard, every audit policy refuses none.
  const sMax = f.integer('maxSynthetics', 1, MAX_S_MAX);
  const rate = f.number('syntheticRate');
  if (!(rate > 0 && rate < 1))
    throw new CliUsageError(`${path}: "syntheticRate" must be in (0, 1), got ${rate}`);
  const syntheticRate32 = rateToU32(rate);
  if (syntheticRate32 === 0)
    throw new CliUsageError(`${path}: "syntheticRate" ${rate} is 0 on the header's 2^-32 scale`);
  const payloadSize = f.integer('payloadSize', 0, MAX_PAYLOAD_SIZE);
  const reviewerKeys = hexKeys(f, 'reviewerKeys', 32);
  const ratio = f.number('tableRatio', true) ?? DEFAULT_TABLE_RATIO;
  // Below the peeling threshold much of X_int would drop; no audit policy admits it.
  if (!(ratio >= MIN_POLICY_TABLE_RATIO && ratio <= MAX_TABLE_RATIO))
    throw new CliUsageError(
      `${path}: "tableRatio" must be in [${MIN_POLICY_TABLE_RATIO}, ${MAX_TABLE_RATIO}], got ${ratio}`,
    );
  const validityDays =
    f.integer('validityDays', 1, MAX_VALIDITY_DAYS, true) ?? DEFAULT_VALIDITY_DAYS;
  f.done();
  const params: VoucherParams = { threshold, sMax, syntheticRate32, payloadSize, reviewerKeys };
  about(path, () => checkVoucherParams(params));
  return { params, ratio, validityDays };
}

// ── policy.json (an auditing NGO's own policy) and its state ──────────────────────────────────

/**
 * `policy.json`, strictly. The deployment and run come from the NGO's own roster and run, the
 * last signed version from its own state file: nothing here comes from the builder.
 */
function readPolicy(
  path: string,
  config: QuorumConfig,
  lastSignedVersion: number,
): { policy: AuditPolicy; maxValidityDays: number } {
  const f = new JsonFields(readJson(path, 'audit policy'), path);
  const bounds = (name: string) => {
    const b = f.object(name);
    const out = { min: b.number('min'), max: b.number('max') };
    b.done();
    return out;
  };
  const policy: AuditPolicy = {
    deploymentId: config.deploymentId,
    runId: config.runId,
    reviewerKeys: hexKeys(f, 'reviewerKeys', 32),
    threshold: bounds('threshold'),
    sMax: bounds('maxSynthetics'),
    syntheticRate: bounds('syntheticRate'),
    payloadSize: bounds('payloadSize'),
    ratio: bounds('tableRatio'),
    lastSignedVersion,
  };
  const maxValidityDays = f.integer('maxValidityDays', 1, MAX_VALIDITY_DAYS);
  f.done();
  about(path, () => checkAuditPolicy(policy));
  return { policy, maxValidityDays };
}

const AUDITOR_STATE = 'auditor state';

/**
 * An auditor's state: `header(kind 0x0d, suite 0) ‖ u8 |deployment id| ‖ deployment id ‖
 * u64 last signed version ‖ checksum` (src/core/state.ts, label `AUDITOR_STATE_LABEL`).
 */
function encodeAuditorState(deploymentId: Uint8Array, lastSignedVersion: number): Uint8Array {
  const body = new Writer()
    .header(KIND.auditorState, null)
    .u8(deploymentId.length)
    .bytes(deploymentId)
    .u64(lastSignedVersion)
    .finish();
  return appendChecksum(AUDITOR_STATE_LABEL, body);
}

function decodeAuditorState(bytes: Uint8Array): {
  deploymentId: Uint8Array;
  lastSignedVersion: number;
} {
  const body = verifyChecksum(AUDITOR_STATE, AUDITOR_STATE_LABEL, bytes, KIND.auditorState);
  return decodeWith(AUDITOR_STATE, body, (r) => {
    if (r.header(KIND.auditorState, true) !== null)
      throw new DecodeError('decode.suite', `${AUDITOR_STATE}: names a suite (it has none)`);
    const n = r.u8();
    if (n < 1 || n > NGO_MAX_DEPLOYMENT_ID_BYTES)
      throw new DecodeError('decode.range', `${AUDITOR_STATE}: deployment id length ${n}`);
    const deploymentId = r.bytes(n).slice();
    const v = r.u64();
    if (v < 1n || v > BigInt(MAX_VERSION))
      throw new DecodeError('decode.range', `${AUDITOR_STATE}: version out of range`);
    return { deploymentId, lastSignedVersion: Number(v) };
  });
}

/**
 * The last version this auditor signed for the deployment: 0 when the state file does not exist
 * yet (a first audit creates it). A state of another deployment is refused: versions of two
 * deployments are unrelated, and mixing them would let one's number mask the other's rollback.
 */
function readAuditorState(path: string, deploymentId: Uint8Array): number {
  if (!existsSync(path)) return 0;
  const state = about(path, () => decodeAuditorState(readInput(path, AUDITOR_STATE)));
  if (!equalBytes(state.deploymentId, deploymentId)) {
    throw new CliUsageError(
      `${path}: the state of deployment ${deploymentText(state.deploymentId)}, not ${deploymentText(deploymentId)}`,
    );
  }
  return state.lastSignedVersion;
}

/**
 * The window may reach at most `maxValidityDays` past now (the part already past grants nothing)
 * and must not have ended. Returns why it is refused, or null.
 */
function windowViolation(body: ManifestBody, maxValidityDays: number, now: number): string | null {
  if (body.notAfter < now) return `the proposed validity window ended at ${isoTime(body.notAfter)}`;
  if (body.notAfter - now > maxValidityDays * DAY) {
    const days = ((body.notAfter - now) / DAY).toFixed(1);
    return `the proposed validity window ends in ${days} days; this NGO's policy signs at most ${maxValidityDays}`;
  }
  return null;
}

// ── build ─────────────────────────────────────────────────────────────────────────────────────

const BUILD_FLAGS = {
  roster: { type: 'string' },
  run: { type: 'string' },
  contribution: { type: 'string', multiple: true },
  params: { type: 'string' },
  version: { type: 'string' },
  out: { type: 'string' },
} as const;

const BUILD_HELP = `usage: quorum-psi build --roster R --run run.json --contribution F [--contribution F …]
                       --params params.json --version V --out DIR [--workers N] [--quiet]

The platform's builder (SPEC §4): verifies the NGOs' signed contributions against the roster,
keeps the items backed by at least m distinct jurisdictions (X_int), builds the blinded database
and proposes the manifest body the auditing NGOs will check and sign.

flags (all required; no defaults):
  --roster R          roster.json the NGOs agreed on (suite, deployment, rule m, item width, ring)
  --run run.json      the quorum run (run id and signed nonces, checked against the roster)
  --contribution F    one NGO's signed contribution (binary, from "ngo contribute"); repeat for
                      each NGO (k files; a missing one only withdraws that NGO's support)
  --params P          params.json, the announced parameters:
                        { "threshold": T, "maxSynthetics": s, "syntheticRate": p,
                          "payloadSize": n, "reviewerKeys": ["hex", …],
                          "tableRatio": r (optional, default ${DEFAULT_TABLE_RATIO}),
                          "validityDays": d (optional, default ${DEFAULT_VALIDITY_DAYS}) }
  --version V         database version, an integer ≥ 1 above every version published before
  --out DIR           directory for the four outputs (created if missing; none may exist)

optional:
${PARALLEL_HELP}

writes:
  DIR/${BUILD_OUT.pdata}          public data (what clients download)
  DIR/${BUILD_OUT.bundle}   audit bundle for the NGOs (X_int, contributions, filler seed, proof)
  DIR/${BUILD_OUT.body}  proposed manifest body, valid from now − ${BACKDATE_SECONDS} s for d days
  DIR/${BUILD_OUT.serverKey}      the server's database secret α, locked under the passphrase
                         (${PASSPHRASE_ENV}, or asked twice on a terminal); mode 0600
Prints one line: items, cells, dropped items, database id and root.

Exit status: 0 on success; 2 for bad usage or input (a forged or foreign contribution, a
malformed file, an existing output): one line on stderr, nothing written; 1 for an internal error.`;

async function runBuild(argv: string[]): Promise<void> {
  const f = parseFlags(argv, { ...BUILD_FLAGS, ...PARALLEL_FLAGS }, [
    'roster',
    'run',
    'contribution',
    'params',
    'version',
    'out',
  ]);
  const roster = loadRoster(f.roster);
  const { config } = loadRun(roster, f.run);
  const files = f.contribution;
  const contributions = files.map((p) => readInput(p, 'contribution'));
  const { params, ratio, validityDays } = readParams(f.params);
  const version = intFlag('version', f.version, 1, MAX_VERSION);
  const out = Object.fromEntries(
    Object.entries(BUILD_OUT).map(([k, name]) => [k, join(f.out, name)]),
  ) as Record<keyof typeof BUILD_OUT, string>;
  // Before the passphrase and the build (writeFiles checks again).
  refuseExisting(Object.values(out));

  const items = aboutContributions(files, () => qualifiedItems(config, contributions));
  const passphrase = await getPassphrase({ confirm: true, what: 'the server database secret' });
  const built = await withExecutor('build', f, items.length, (opts) =>
    aboutAsync(f.params, () =>
      buildDatabaseAsync(items, {
        suite: config.suite,
        params,
        ratio,
        itemWidth: config.itemWidth,
        contributions,
        runId: config.runId,
        ...opts,
      }),
    ),
  );
  const now = Math.floor(Date.now() / 1000);
  // Exactly what manifestBodyFor gives after an ok audit, for the window proposed here: each
  // auditor recomputes it from what it checked and signs only if the bytes are equal.
  const body: ManifestBody = {
    suite: built.suite,
    deploymentId: config.deploymentId,
    runId: config.runId,
    version,
    databaseId: built.databaseId,
    root: built.root,
    pdataHeader: built.publicData.slice(0, decodeHeader(built.publicData).length),
    itemsDigest: itemsDigest(built.audit.items),
    rule: config.m,
    notBefore: now - BACKDATE_SECONDS,
    notAfter: now + validityDays * DAY,
  };
  const serverSecret = ServerDatabase.fromBuild(built).toBytes();
  writeFiles([
    [out.pdata, built.publicData],
    [out.bundle, encodeAuditBundle(built, { version })],
    [out.body, encodeManifestBody(body)],
    [out.serverKey, lock(KIND.serverDatabaseSecret, serverSecret, passphrase), 0o600],
  ]);
  const cells = splitPublicData(built.publicData).cells.length;
  say(
    `built version ${version}: ${built.items.length} items in ${cells} cells, ${built.dropped.length} dropped; database id ${bytesToHex(built.databaseId)}, root ${bytesToHex(built.root)} (in ${f.out})`,
  );
}

// ── audit ─────────────────────────────────────────────────────────────────────────────────────

const AUDIT_FLAGS = {
  roster: { type: 'string' },
  run: { type: 'string' },
  policy: { type: 'string' },
  key: { type: 'string' },
  state: { type: 'string' },
  pdata: { type: 'string' },
  bundle: { type: 'string' },
  body: { type: 'string' },
  out: { type: 'string' },
} as const;

const AUDIT_HELP = `usage: quorum-psi audit --roster R --run run.json --policy P --key K --state S
                       --pdata F --bundle F --body F --out SIGNED [--workers N] [--quiet]

An auditing NGO (SPEC §5): audits the builder's database against the NGO's own policy and, only
if every check passes, signs the manifest body. Checks: every contribution is signed by a roster
member for this deployment and run, X_int is exactly the items backed by m jurisdictions, the
table layout, cells, proof and root, the header within the policy (reviewer keys exactly the
agreed ones; T, s_max, p, payload size, table ratio within bounds), the cell-hash nonces of the
run, and a version above the last one this NGO signed. The NGO then recomputes the manifest body
from what it audited; the builder's proposed body must equal it byte for byte, and its validity
window may reach at most maxValidityDays past now.

flags (all required; no defaults):
  --roster R        the NGO's roster.json (deployment, rule m, ring of signing keys)
  --run run.json    the quorum run this NGO took part in
  --policy P        the NGO's own policy.json (never the builder's):
                      { "reviewerKeys": ["hex", …], "threshold": {"min","max"},
                        "maxSynthetics": {"min","max"}, "syntheticRate": {"min","max"},
                        "payloadSize": {"min","max"}, "tableRatio": {"min","max"},
                        "maxValidityDays": d }
  --key K           the NGO's locked Ed25519 signing key (from "keygen auditor" or "keygen ngo");
                    passphrase from ${PASSPHRASE_ENV} or asked on a terminal
  --state S         the NGO's auditor state (binary: deployment id and last signed version);
                    created at the first audit, replaced atomically after each signature
  --pdata F         public data from "build"
  --bundle F        audit bundle from "build"
  --body F          proposed manifest body from "build"
  --out SIGNED      the one-signature manifest to write (must not exist)

optional:
${PARALLEL_HELP}

writes: SIGNED (a manifest carrying this NGO's signature only; the builder assembles them) and S.
Prints one line: the version and database id signed, and the signing key.

Exit status: 0 when signed; 2 when the audit fails (one line: "audit FAILED (<check>): <reason>"),
for a proposed body other than the audited one, a window beyond the policy, a version not above
the state's, a wrong passphrase or any bad input: one line on stderr, nothing written; 1 for an
internal error.`;

async function runAudit(argv: string[]): Promise<void> {
  const f = parseFlags(argv, { ...AUDIT_FLAGS, ...PARALLEL_FLAGS }, [
    'roster',
    'run',
    'policy',
    'key',
    'state',
    'pdata',
    'bundle',
    'body',
    'out',
  ]);
  const roster = loadRoster(f.roster);
  const { config } = loadRun(roster, f.run);
  const lastSigned = readAuditorState(f.state, config.deploymentId);
  const { policy, maxValidityDays } = readPolicy(f.policy, config, lastSigned);
  const pdata = readInput(f.pdata, 'public data');
  const bundle = readInput(f.bundle, 'audit bundle');
  const proposed = readInput(f.body, 'manifest body');
  // Decode up front so that a file of another kind is named as such (the audit would only say
  // "malformed").
  checkPublicData(f.pdata, pdata);
  const auditItems = about(f.bundle, () => decodeAuditBundle(bundle)).items.length;
  const body = about(f.body, () => decodeManifestBody(proposed));
  refuseExisting([f.out]);

  const verdict = await withExecutor('audit', f, auditItems, (opts) =>
    auditDatabaseAsync(pdata, bundle, {
      claimedRoot: body.root,
      qualifiedItems: (c) => qualifiedItems(config, c),
      policy,
      ...opts,
    }),
  );
  if (!verdict.ok) throw new CliUsageError(`audit FAILED (${verdict.failure}): ${verdict.reason}`);
  // Sign only what was audited: the body recomputed from the verdict, with the proposed window.
  const audited = manifestBodyFor(pdata, verdict, {
    notBefore: body.notBefore,
    notAfter: body.notAfter,
  });
  const bodyBytes = encodeManifestBody(audited);
  if (!equalBytes(bodyBytes, proposed)) {
    throw new CliUsageError(
      `${f.body}: the proposed manifest body is not the one audited (${bodyDifference(body, audited)} differs); not signed`,
    );
  }
  const window = windowViolation(body, maxValidityDays, Math.floor(Date.now() / 1000));
  if (window !== null) throw new CliUsageError(`${f.body}: ${window}; not signed`);

  const passphrase = await getPassphrase({ confirm: false, what: f.key });
  const { secret } = unlockFile(f.key, KIND.signingSecretKey, passphrase);
  const publicKey = about(f.key, () => signingPublicKey(secret));
  const signed = encodeManifest(bodyBytes, [
    { publicKey, signature: signManifest(secret, bodyBytes) },
  ]);
  commitSignature(f.state, f.out, config.deploymentId, verdict.version, signed);
  say(
    `audit ok: signed version ${verdict.version} of database ${bytesToHex(verdict.databaseId)} (${verdict.cells} cells, ${verdict.dropped} dropped) with key ${bytesToHex(publicKey)}; ${f.state}: last signed version ${verdict.version}`,
  );
}

/**
 * Record the signed version in the state, then write the signature. In this order a crash can
 * only leave a state ahead of the signatures (costing the builder a version number), never a
 * signature the state does not know of: that would let this NGO sign a second database under the
 * same version. Both files are written in full before either is renamed, so nothing changes when
 * writing fails.
 */
function commitSignature(
  statePath: string,
  outPath: string,
  deploymentId: Uint8Array,
  version: number,
  signed: Uint8Array,
): void {
  commitStep([[outPath, signed]], [[statePath, encodeAuditorState(deploymentId, version), 0o600]], {
    statesFirst: true,
  });
}

// ── manifest assemble ─────────────────────────────────────────────────────────────────────────

const ASSEMBLE_FLAGS = {
  trust: { type: 'string' },
  body: { type: 'string' },
  signed: { type: 'string', multiple: true },
  out: { type: 'string' },
} as const;

const ASSEMBLE_HELP = `usage: quorum-psi manifest assemble --trust T --body F --signed F [--signed F …] --out manifest.bin

The builder joins the auditing NGOs' co-signatures into one manifest (SPEC §5). Every signed file
must carry exactly one signature, over exactly the body of --body, by a key in the trust list,
valid; no key may sign twice; the signers must cover at least the trust list's rule of distinct
jurisdictions. Anything else is refused, naming the file.

flags (all required; no defaults):
  --trust T          trust.json: { "deploymentId", "rule": m, "ngos": [{ "name",
                     "jurisdiction", "signingPublicKey" }] } (the body must be of this deployment)
  --body F           the manifest body from "build" (binary)
  --signed F         a one-signature manifest from "audit" (repeat, one per auditing NGO)
  --out manifest.bin the manifest to write (must not exist)

writes: manifest.bin (body ‖ all signatures). Prints one line: version, database id, signers.

Exit status: 0 on success; 2 for a signature that does not fit, too few jurisdictions or any bad
input: one line on stderr, nothing written; 1 for an internal error.`;

async function runAssemble(argv: string[]): Promise<void> {
  const f = parseFlags(argv, ASSEMBLE_FLAGS, ['trust', 'body', 'signed', 'out']);
  const trust = loadTrust(f.trust);
  const bodyBytes = readInput(f.body, 'manifest body');
  const body = about(f.body, () => decodeManifestBody(bodyBytes));
  if (!equalBytes(body.deploymentId, trust.deploymentId)) {
    throw new CliUsageError(
      `${f.body}: a body for deployment ${deploymentText(body.deploymentId)}, the trust list is for ${deploymentText(trust.deploymentId)}`,
    );
  }
  const signatures: ManifestSignature[] = [];
  const signers: TrustedNgo[] = [];
  const byKey = new Map<string, string>();
  for (const file of f.signed) {
    const sig = coSignature(
      file,
      readInput(file, 'signed manifest'),
      bodyBytes,
      f.body,
      trust.trust,
    );
    const key = bytesToHex(sig.signature.publicKey);
    const earlier = byKey.get(key);
    if (earlier !== undefined)
      throw new CliUsageError(`${file}: the same key as ${earlier} (each NGO signs once)`);
    byKey.set(key, file);
    signatures.push(sig.signature);
    signers.push(sig.signer);
  }
  const jurisdictions = new Set(signers.map((s) => s.jurisdiction));
  if (jurisdictions.size < trust.rule) {
    throw new CliUsageError(
      `only ${jurisdictions.size} distinct jurisdiction(s) signed (${[...jurisdictions].join(', ')}); the trust list's rule needs ${trust.rule}`,
    );
  }
  writeFiles([[f.out, encodeManifest(bodyBytes, signatures)]]);
  say(
    `manifest: version ${body.version} of database ${bytesToHex(body.databaseId)}, signed by ${signers.map(signerName).join(', ')} → ${f.out}`,
  );
}

/** One auditor's co-signature from a one-signature manifest, checked against body and trust. */
function coSignature(
  file: string,
  bytes: Uint8Array,
  bodyBytes: Uint8Array,
  bodyPath: string,
  trust: readonly TrustedNgo[],
): { signature: ManifestSignature; signer: TrustedNgo } {
  const m = about(file, () => decodeManifest(bytes));
  const [signature, ...more] = m.signatures;
  if (signature === undefined || more.length > 0)
    throw new CliUsageError(
      `${file}: carries ${m.signatures.length} signatures; an auditor's file carries exactly one`,
    );
  if (!equalBytes(m.bodyBytes, bodyBytes))
    throw new CliUsageError(`${file}: signs another manifest body than ${bodyPath}`);
  const signer = trust.find((t) => equalBytes(t.signingPublicKey, signature.publicKey));
  if (!signer)
    throw new CliUsageError(
      `${file}: signed by key ${bytesToHex(signature.publicKey)}, which is not in the trust list`,
    );
  if (!verifyStatement(signature.publicKey, SIG_LABEL.manifest, bodyBytes, signature.signature))
    throw new CliUsageError(`${file}: the signature of ${signerName(signer)} does not verify`);
  return { signature, signer };
}

function signerName(t: TrustedNgo): string {
  return `${t.name ?? bytesToHex(t.signingPublicKey).slice(0, 16)} (${t.jurisdiction})`;
}

// ── manifest verify ───────────────────────────────────────────────────────────────────────────

const VERIFY_FLAGS = {
  trust: { type: 'string' },
  pdata: { type: 'string' },
  manifest: { type: 'string' },
  'min-version': { type: 'string' },
} as const;

const VERIFY_HELP = `usage: quorum-psi manifest verify --trust T --pdata F --manifest F [--min-version V]

What a client would conclude (SPEC §5 client acceptance): valid signatures by trusted keys from
at least the rule's distinct jurisdictions, the trust list's deployment, a version not below
--min-version, inside its validity window, the header and root of the public data equal to the
manifest's. Reads only; writes nothing.

flags:
  --trust T          trust.json (the client's own trust list, deployment and rule) (required)
  --pdata F          public data (required)
  --manifest F       manifest from "manifest assemble" (required)
  --min-version V    the highest version the client accepted before (default 0: none)

Prints one line: "accepted: …" with version, database id, validity and the signers' names.

Exit status: 0 when accepted; 2 when refused (one line "refused: <code>: <message>") or for bad
input: one line on stderr; 1 for an internal error.`;

async function runVerify(argv: string[]): Promise<void> {
  const f = parseFlags(argv, VERIFY_FLAGS, ['trust', 'pdata', 'manifest']);
  const trust = loadTrust(f.trust as string);
  const pdataPath = f.pdata as string;
  const manifestPath = f.manifest as string;
  const minVersion = intFlag('min-version', f['min-version'], 0, MAX_VERSION, 0);
  const pdata = readInput(pdataPath, 'public data');
  const manifestBytes = readInput(manifestPath, 'manifest');
  // Malformed files are named as such; only a refusal of well-formed ones is "refused".
  const manifest = about(manifestPath, () => decodeManifest(manifestBytes));
  checkPublicData(pdataPath, pdata);
  let accepted: ReturnType<typeof acceptDatabase>;
  try {
    accepted = acceptDatabase(pdata, manifestBytes, {
      trust: trust.trust,
      m: trust.rule,
      deploymentId: trust.deploymentId,
      minVersion,
    });
  } catch (e) {
    if (e instanceof VerificationError)
      throw new CliUsageError(`refused: ${e.code}: ${e.message}`, { cause: e });
    return about(pdataPath, () => {
      throw e;
    });
  }
  const { body } = manifest;
  const signers = trust.trust.filter((t) =>
    manifest.signatures.some(
      (s) =>
        equalBytes(s.publicKey, t.signingPublicKey) &&
        verifyStatement(s.publicKey, SIG_LABEL.manifest, manifest.bodyBytes, s.signature),
    ),
  );
  const uncounted = manifest.signatures.length - signers.length;
  say(
    `accepted: version ${accepted.accepted.version} of deployment ${deploymentText(body.deploymentId)}, database ${bytesToHex(accepted.databaseId)}, valid until ${isoTime(body.notAfter)}; signed by ${signers.map(signerName).join(', ')}${uncounted > 0 ? ` (${uncounted} other signature(s) not counted)` : ''}`,
  );
}

// ── Registry ──────────────────────────────────────────────────────────────────────────────────

export const DATABASE_COMMANDS: readonly Command[] = [
  {
    name: 'build',
    summary: 'builder: intersect the contributions, build the database, propose the manifest body',
    help: BUILD_HELP,
    run: runBuild,
  },
  {
    name: 'audit',
    summary: "auditing NGO: audit the database against the NGO's own policy and sign the manifest",
    help: AUDIT_HELP,
    run: runAudit,
  },
  {
    name: 'manifest assemble',
    summary: 'builder: check the NGOs’ co-signatures and join them into one manifest',
    help: ASSEMBLE_HELP,
    run: runAssemble,
  },
  {
    name: 'manifest verify',
    summary: 'check a manifest and public data as a client would, and say what it concludes',
    help: VERIFY_HELP,
    run: runVerify,
  },
];
