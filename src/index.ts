/**
 * quorum-psi: threshold private set intersection with associated data (Apple PSI, tPSI-AD),
 * with the safeguards Levy and Robinson ask for made cryptographic: an NGO quorum over the
 * hash list, an audited and co-signed database, synthetic vouchers, and payloads sealed to NGO
 * reviewers. See README.md and docs/protocol.md.
 *
 * This root module re-exports the main API of each role; every module is also its own subpath
 * (`quorum-psi/client`, `quorum-psi/server`, …) with its full API.
 * @module
 */
export { DEFAULT_TABLE_RATIO } from './core/constants.js';
export {
  DecodeError,
  ParameterError,
  QuorumPsiError,
  StateError,
  VerificationError,
} from './core/errors.js';
export {
  DEFAULT_SUITE,
  type Element,
  findSuite,
  p256Sha256,
  ristretto255Sha512,
  type Suite,
  type SuiteName,
} from './core/group.js';
export {
  DEFAULT_SCRYPT,
  type LockedSecretInfo,
  lockSecret,
  readLockedHeader,
  type ScryptParams,
  unlockSecret,
} from './core/locked-secret.js';
export {
  encodePayloadBinding,
  generateReviewerKeyPair,
  openAsReviewer,
  type PayloadBinding,
  sealToReviewers,
} from './core/seal.js';
export { generateSigningKeyPair, signStatement, verifyStatement } from './core/sign.js';
export type { Rng } from './core/utils.js';
export {
  type AuditBundle,
  type AuditVerdict,
  auditDatabase,
  decodeAuditBundle,
  encodeAuditBundle,
  itemsDigest,
  manifestBodyFor,
} from './database/audit.js';
export { type BuildOptions, type BuiltDatabase, buildDatabase } from './database/builder.js';
export {
  acceptDatabase,
  decodeManifest,
  encodeManifest,
  encodeManifestBody,
  type ManifestBody,
  signManifest,
  type TrustedNgo,
} from './database/manifest.js';
export { rateToU32, type VoucherParams } from './database/pdata.js';
export {
  type ArbiterVerdict,
  arbiterCheck,
  createInThreadExecutor,
  createQuorumConfig,
  createQuorumRoster,
  createRunNonce,
  type Executor,
  intersectContributions,
  mergeJurisdiction,
  NgoDecodeError,
  NgoParty,
  NgoVerificationError,
  type ParallelOptions,
  type Progress,
  type QuorumConfig,
  type QuorumRoster,
  runIdFromNonces,
  runQuorumLocally,
  startRunLocally,
} from './quorum/ngo.js';
export { poissonTail, smallestThreshold } from './threshold/params.js';
export {
  type AcceptedManifest,
  type AccountOptions,
  ClientAccount,
  ClientDatabase,
  createVoucher,
  createVoucherSealed,
  type PayloadInput,
  sealPayload,
  type VoucherInput,
} from './voucher/client.js';
export {
  DatabaseRegistry,
  type IngestOutcome,
  type RevealedPayload,
  type RevealResult,
  ServerAccount,
  type ServerAccountOptions,
  ServerDatabase,
  unpadPayload,
} from './voucher/server.js';
