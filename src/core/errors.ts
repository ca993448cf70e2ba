/**
 * Typed errors for quorum-psi.
 *
 * Callers branch on classes, never on message text. Every error carries a stable machine-readable
 * `code`. Argument-shape mistakes by the programmer (wrong type, wrong length of a fixed-size
 * argument) are `TypeError`/`RangeError` as in noble; everything that comes from *data* (bytes
 * from a peer, a file, a database) is a {@link QuorumPsiError} subclass.
 *
 * - {@link DecodeError}: malformed, non-canonical, truncated, oversized or off-group input.
 * - {@link VerificationError}: a proof, signature, root or audit check failed.
 * - {@link ParameterError}: parameters out of range or inconsistent (thresholds, sizes, suites).
 * - {@link StateError}: an operation is not valid in the current state (e.g. synthetic cap reached).
 * - {@link ShareVerificationError}, {@link NgoDecodeError}, {@link NgoVerificationError}: the same
 *   classes with the culprit attached (a share's `x`, an NGO's ring index and jurisdiction).
 * @module errors
 */

/** Base class of every error raised by quorum-psi for bad data or failed checks. */
export class QuorumPsiError extends Error {
  /** Stable, machine-readable code (e.g. `'decode.length'`). */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QuorumPsiError';
    this.code = code;
  }
}

/** Input bytes are malformed: wrong length, non-canonical, off-group, identity, bad tag. */
export class DecodeError extends QuorumPsiError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'DecodeError';
  }
}

/** A cryptographic check failed: proof, signature, Merkle root, audit re-derivation. */
export class VerificationError extends QuorumPsiError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'VerificationError';
  }
}

/** Parameters are out of range or inconsistent with each other. */
export class ParameterError extends QuorumPsiError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ParameterError';
  }
}

/** The operation is not allowed in the current state. */
export class StateError extends QuorumPsiError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'StateError';
  }
}

// ── Errors that name who or what failed ─────────────────────────────────────────────────────

/** A share failed verification against the Feldman commitments. Carries the share's `x`. */
export class ShareVerificationError extends VerificationError {
  /** x-coordinate of the offending share. */
  readonly x: bigint;
  constructor(x: bigint, message: string) {
    super('feldman.share', message);
    this.name = 'ShareVerificationError';
    this.x = x;
  }
}

/** The party a failed check is attributed to. */
export interface NgoCulprit {
  /** Ring index of the party. */
  readonly index: number;
  readonly jurisdiction: string;
}

/** A message from a named party did not decode (malformed framing or an invalid element). */
export class NgoDecodeError extends DecodeError {
  readonly culprit: NgoCulprit;
  constructor(code: string, message: string, culprit: NgoCulprit, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'NgoDecodeError';
    this.culprit = culprit;
  }
}

/** A proof, signature, routing or consistency check failed; `culprit` is the party to blame. */
export class NgoVerificationError extends VerificationError {
  readonly culprit: NgoCulprit;
  constructor(code: string, message: string, culprit: NgoCulprit, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'NgoVerificationError';
    this.culprit = culprit;
  }
}
