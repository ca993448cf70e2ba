/**
 * The database manifest and the client's acceptance rule (SPEC §5).
 *
 * An auditing NGO signs the manifest body only after its audit succeeded
 * (src/database/audit.ts). The body binds (SPEC v2 §5 step 5): the format version (object header), the deployment id, the run
 * id of the quorum that produced the contributions, the database version (a sequence number that
 * only grows), the suite, database id, root, the canonical public-data header (which holds `L`,
 * `T`, `s_max`, `p`, the payload size, the reviewer keys, `n'`, the item width and the cell-hash
 * nonces), the digest of `X_int`, the rule `m`, and the validity window.
 *
 * A client accepts public data only if ({@link acceptDatabase}):
 * 1. the manifest carries valid signatures from keys in the client's own trust list (configured
 *    by the application, never read from the manifest) covering at least `m` distinct
 *    jurisdictions;
 * 2. (v2) it names the client's deployment, a database version no lower than the highest the
 *    client accepted before (no rollback), and at least one reviewer key;
 * 3. the manifest is inside its validity window and its rule is at least the client's `m`;
 * 4. the header and root recomputed from the public data it holds equal the manifest's;
 * 5. `L` and the cells are non-identity and pairwise distinct (cells decoded lazily).
 * The bytes it checked are the bytes it uses: inputs are copied first. Every refusal is a
 * {@link VerificationError} with a specific `code` (or a {@link DecodeError} for malformed bytes).
 * @module manifest
 */

import {
  DB_ID_LENGTH,
  KIND,
  NGO_MAX_DEPLOYMENT_ID_BYTES,
  NGO_MAX_PARTIES,
  RUN_ID_LENGTH,
  SIG_LABEL,
} from '../core/constants.js';
import { decodeWith, Writer } from '../core/encoding.js';
import { DecodeError, ParameterError, VerificationError } from '../core/errors.js';
import type { Suite } from '../core/group.js';
import {
  SIGNATURE_LENGTH,
  SIGNING_PUBLIC_KEY_LENGTH,
  signStatement,
  verifyStatement,
} from '../core/sign.js';
import { bytesToHex, checkBytes, equalBytes } from '../core/utils.js';
import { type AcceptedManifest, ClientDatabase } from './client-database.js';
import { checkPublicDataKind } from './pdata.js';

/** The statement NGOs sign (SPEC v2 §5 step 5). */
export interface ManifestBody {
  readonly suite: Suite;
  /** The deployment the database is for (clients refuse another deployment's manifest). */
  readonly deploymentId: Uint8Array;
  /** Run id of the quorum run whose contributions back `X_int` (SPEC v2 §3 step 0). */
  readonly runId: Uint8Array;
  /** Database version: a sequence number that only grows (clients refuse a rollback). */
  readonly version: number;
  readonly databaseId: Uint8Array;
  readonly root: Uint8Array;
  /** Canonical public-data header bytes (first Merkle leaf). */
  readonly pdataHeader: Uint8Array;
  /** SHA-256 digest of the canonical `X_int` (see audit.ts `itemsDigest`). */
  readonly itemsDigest: Uint8Array;
  /** Rule `m`: distinct jurisdictions that back every item. */
  readonly rule: number;
  /** Validity window, Unix seconds, inclusive. */
  readonly notBefore: number;
  readonly notAfter: number;
}

/** One co-signature. */
export interface ManifestSignature {
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
}

/** A manifest: the body and its co-signatures. */
export interface Manifest {
  readonly body: ManifestBody;
  readonly bodyBytes: Uint8Array;
  readonly signatures: readonly ManifestSignature[];
}

/** An entry of the application's trust list (never taken from a manifest). */
import type { TrustedNgo } from '../core/sign.js';

export type { TrustedNgo };

const MAX_HEADER = 1 << 12;

/**
 * Canonical body bytes: `header(kind 0x07, suite) ‖ u8 |deployment id| ‖ deployment id ‖
 * run id (32) ‖ u64 version ‖ database id (16) ‖ root (32) ‖ u16 |pdata header| ‖ pdata header ‖
 * X_int digest (32) ‖ u8 m ‖ u64 notBefore ‖ u64 notAfter`.
 */
export function encodeManifestBody(b: ManifestBody): Uint8Array {
  const dep = checkBytes('deploymentId', b.deploymentId);
  if (dep.length < 1 || dep.length > NGO_MAX_DEPLOYMENT_ID_BYTES) {
    throw new ParameterError(
      'manifest.deployment',
      `deployment id must be 1..${NGO_MAX_DEPLOYMENT_ID_BYTES} bytes`,
    );
  }
  checkBytes('runId', b.runId, RUN_ID_LENGTH);
  if (!Number.isSafeInteger(b.version) || b.version < 1) {
    throw new ParameterError('manifest.version', 'database version must be an integer ≥ 1');
  }
  checkBytes('databaseId', b.databaseId, DB_ID_LENGTH);
  checkBytes('root', b.root, 32);
  checkBytes('itemsDigest', b.itemsDigest, 32);
  if (!Number.isSafeInteger(b.rule) || b.rule < 1 || b.rule > NGO_MAX_PARTIES) {
    throw new ParameterError('manifest.rule', `rule m must be in [1, ${NGO_MAX_PARTIES}]`);
  }
  if (
    !Number.isSafeInteger(b.notBefore) ||
    !Number.isSafeInteger(b.notAfter) ||
    b.notBefore < 0 ||
    b.notAfter < b.notBefore
  ) {
    throw new ParameterError(
      'manifest.validity',
      'validity window must satisfy 0 ≤ notBefore ≤ notAfter',
    );
  }
  return new Writer()
    .header(KIND.manifest, b.suite)
    .u8(dep.length)
    .bytes(dep)
    .bytes(b.runId)
    .u64(b.version)
    .bytes(b.databaseId)
    .bytes(b.root)
    .vec16(b.pdataHeader)
    .bytes(b.itemsDigest)
    .u8(b.rule)
    .u64(b.notBefore)
    .u64(b.notAfter)
    .finish();
}

function decodeBody(r: Parameters<Parameters<typeof decodeWith>[2]>[0]): ManifestBody {
  const suite = r.header(KIND.manifest) as Suite;
  const depLen = r.u8();
  if (depLen < 1 || depLen > NGO_MAX_DEPLOYMENT_ID_BYTES)
    throw new DecodeError('decode.range', 'manifest: deployment id length');
  const deploymentId = r.bytes(depLen).slice();
  const runId = r.bytes(RUN_ID_LENGTH).slice();
  const ver = r.u64();
  if (ver < 1n || ver > BigInt(Number.MAX_SAFE_INTEGER))
    throw new DecodeError('decode.range', 'manifest: version out of range');
  const databaseId = r.bytes(DB_ID_LENGTH).slice();
  const root = r.bytes(32).slice();
  const pdataHeader = r.vec16('pdata header', MAX_HEADER).slice();
  const itemsDigest = r.bytes(32).slice();
  const rule = r.u8();
  const nb = r.u64();
  const na = r.u64();
  if (rule < 1 || rule > NGO_MAX_PARTIES)
    throw new DecodeError('decode.range', 'manifest: rule out of range');
  if (nb > BigInt(Number.MAX_SAFE_INTEGER) || na > BigInt(Number.MAX_SAFE_INTEGER) || na < nb) {
    throw new DecodeError('decode.range', 'manifest: validity window out of range');
  }
  return {
    suite,
    deploymentId,
    runId,
    version: Number(ver),
    databaseId,
    root,
    pdataHeader,
    itemsDigest,
    rule,
    notBefore: Number(nb),
    notAfter: Number(na),
  };
}

/** An auditing NGO's co-signature over a manifest body (sign only after a successful audit). */
export function signManifest(secretKey: Uint8Array, bodyBytes: Uint8Array): Uint8Array {
  return signStatement(secretKey, SIG_LABEL.manifest, bodyBytes);
}

/** `body ‖ u8 count ‖ (public key (32) ‖ signature (64))*`. */
export function encodeManifest(
  bodyBytes: Uint8Array,
  signatures: readonly ManifestSignature[],
): Uint8Array {
  if (signatures.length > NGO_MAX_PARTIES)
    throw new ParameterError('manifest.signatures', 'too many signatures');
  const w = new Writer().vec16(bodyBytes).u8(signatures.length);
  for (const s of signatures) {
    w.bytes(checkBytes('publicKey', s.publicKey, SIGNING_PUBLIC_KEY_LENGTH));
    w.bytes(checkBytes('signature', s.signature, SIGNATURE_LENGTH));
  }
  return w.finish();
}

/** Strict decoding of a manifest (signatures are not verified here). */
export function decodeManifest(bytes: Uint8Array): Manifest {
  return decodeWith('manifest', bytes, (r) => {
    const bodyBytes = r.vec16('body', MAX_HEADER + 256).slice();
    const body = decodeWith('manifest body', bodyBytes, decodeBody);
    const n = r.u8();
    if (n > NGO_MAX_PARTIES) throw new DecodeError('decode.range', 'manifest: too many signatures');
    const signatures: ManifestSignature[] = [];
    for (let i = 0; i < n; i++) {
      signatures.push({
        publicKey: r.bytes(SIGNING_PUBLIC_KEY_LENGTH).slice(),
        signature: r.bytes(SIGNATURE_LENGTH).slice(),
      });
    }
    return { body, bodyBytes, signatures };
  });
}

/**
 * The distinct trusted jurisdictions that validly signed the manifest. Signatures by keys not in
 * the trust list, invalid signatures, and repeated jurisdictions count nothing.
 */
export function signingJurisdictions(m: Manifest, trust: readonly TrustedNgo[]): Set<string> {
  const byKey = new Map(trust.map((t) => [bytesToHex(t.signingPublicKey), t]));
  const out = new Set<string>();
  for (const s of m.signatures) {
    const t = byKey.get(bytesToHex(s.publicKey));
    if (!t) continue;
    if (verifyStatement(s.publicKey, SIG_LABEL.manifest, m.bodyBytes, s.signature))
      out.add(t.jurisdiction);
  }
  return out;
}

/** Options of {@link acceptDatabase}. */
export interface AcceptOptions {
  /** The application's own trust list. */
  trust: readonly TrustedNgo[];
  /** Distinct trusted jurisdictions required (the client's rule `m`, ≥ 1). */
  m: number;
  /** The client's own deployment id (configured by the application, never read from data). */
  deploymentId: Uint8Array;
  /**
   * The highest database version this client accepted before (persist
   * `ClientDatabase.accepted.version` after each acceptance; 0 for a fresh client). A manifest
   * with a lower version is a rollback and is refused.
   */
  minVersion: number;
  /** Current time, Unix seconds (default: now). */
  now?: number;
}

/**
 * SPEC §5 client acceptance: returns the loaded database (with `accepted` = the manifest's
 * deployment, run and version), or throws {@link VerificationError} with code `manifest.quorum`,
 * `manifest.deployment`, `manifest.rollback`, `manifest.reviewers`, `manifest.expired`,
 * `manifest.not-yet-valid`, `manifest.rule`, `manifest.header` or `manifest.root` (and
 * {@link DecodeError} for malformed bytes). Both byte arrays are copied before any check.
 */
/** A database accepted through a manifest: `accepted` names its deployment, run and version. */
export type AcceptedDatabase = ClientDatabase & { readonly accepted: AcceptedManifest };

export function acceptDatabase(
  pdataIn: Uint8Array,
  manifestIn: Uint8Array,
  opts: AcceptOptions,
): AcceptedDatabase {
  const { trust, m } = opts;
  if (!Number.isSafeInteger(m) || m < 1)
    throw new ParameterError('manifest.m', 'client rule m must be ≥ 1');
  const deploymentId = checkBytes('deploymentId', opts.deploymentId);
  if (!Number.isSafeInteger(opts.minVersion) || opts.minVersion < 0)
    throw new ParameterError('manifest.minVersion', 'minVersion must be an integer ≥ 0');
  // The bytes checked are the bytes used: copy first (a Buffer's slice() would be a view).
  const pdata = Uint8Array.from(checkBytes('pdata', pdataIn));
  const manifestBytes = Uint8Array.from(checkBytes('manifest', manifestIn));
  // Another object handed over as public data is named as such before anything else.
  checkPublicDataKind(pdata);
  const manifest = decodeManifest(manifestBytes);
  const { body } = manifest;
  const jurisdictions = signingJurisdictions(manifest, trust);
  if (jurisdictions.size < m) {
    throw new VerificationError(
      'manifest.quorum',
      `manifest: valid signatures from ${jurisdictions.size} distinct trusted jurisdiction(s), ${m} required`,
    );
  }
  if (!equalBytes(body.deploymentId, deploymentId)) {
    throw new VerificationError(
      'manifest.deployment',
      "manifest: signed for another deployment than this client's",
    );
  }
  if (body.version < opts.minVersion) {
    throw new VerificationError(
      'manifest.rollback',
      `manifest: database version ${body.version} is older than version ${opts.minVersion}, already accepted (rollback)`,
    );
  }
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (now > body.notAfter)
    throw new VerificationError('manifest.expired', 'manifest: validity window has ended');
  if (now < body.notBefore)
    throw new VerificationError('manifest.not-yet-valid', 'manifest: not valid yet');
  if (body.rule < m) {
    throw new VerificationError(
      'manifest.rule',
      `manifest: database audited under rule ${body.rule} < ${m}`,
    );
  }
  const hl = body.pdataHeader.length;
  if (pdata.length < hl || !equalBytes(pdata.subarray(0, hl), body.pdataHeader)) {
    throw new VerificationError('manifest.header', 'public data: header differs from the manifest');
  }
  let db: ClientDatabase;
  try {
    db = ClientDatabase.load(pdata, body.root, {
      deploymentId: body.deploymentId,
      runId: body.runId,
      version: body.version,
    });
  } catch (e) {
    if (e instanceof VerificationError) {
      throw new VerificationError('manifest.root', 'public data: root differs from the manifest', {
        cause: e,
      });
    }
    throw e;
  }
  if (!equalBytes(db.databaseId, body.databaseId) || db.suite !== body.suite) {
    throw new VerificationError(
      'manifest.root',
      'manifest: database id or suite inconsistent with its root',
    );
  }
  // Unreachable through the header decoder (which requires 1..16 keys); kept as the explicit
  // SPEC v2 §5 check so that it cannot silently disappear with a format change.
  if (db.params.reviewerKeys.length < 1) {
    throw new VerificationError(
      'manifest.reviewers',
      'manifest: the database names no reviewer key',
    );
  }
  return db as AcceptedDatabase; // load() was given `accepted` above
}
