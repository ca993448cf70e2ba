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
export {
  type AuditBundle,
  type AuditVerdict,
  auditDatabase,
  decodeAuditBundle,
  encodeAuditBundle,
  itemsDigest,
  manifestBodyFor,
} from './audit.js';
export { type BuildOptions, type BuiltDatabase, buildDatabase } from './builder.js';
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
} from './client.js';
export { DEFAULT_TABLE_RATIO } from './constants.js';
export {
  DecodeError,
  ParameterError,
  QuorumPsiError,
  StateError,
  VerificationError,
} from './errors.js';
export {
  DEFAULT_SUITE,
  type Element,
  findSuite,
  p256Sha256,
  ristretto255Sha512,
  type Suite,
  type SuiteName,
} from './group.js';
export {
  acceptDatabase,
  decodeManifest,
  encodeManifest,
  encodeManifestBody,
  type ManifestBody,
  signManifest,
  type TrustedNgo,
} from './manifest.js';
export {
  type ArbiterVerdict,
  arbiterCheck,
  createQuorumConfig,
  createQuorumRoster,
  createRunNonce,
  intersectContributions,
  mergeJurisdiction,
  NgoDecodeError,
  NgoParty,
  NgoVerificationError,
  type QuorumConfig,
  type QuorumRoster,
  runIdFromNonces,
  runQuorumLocally,
  startRunLocally,
} from './ngo.js';
export { poissonTail, smallestThreshold } from './params.js';
export { rateToU32, type VoucherParams } from './pdata.js';
export {
  encodePayloadBinding,
  generateReviewerKeyPair,
  openAsReviewer,
  type PayloadBinding,
  sealToReviewers,
} from './seal.js';
export {
  DatabaseRegistry,
  type IngestOutcome,
  type RevealedPayload,
  type RevealResult,
  ServerAccount,
  type ServerAccountOptions,
  ServerDatabase,
  unpadPayload,
} from './server.js';
export { generateSigningKeyPair, signStatement, verifyStatement } from './sign.js';
export type { Rng } from './utils.js';
