/**
 * Step 0 of a quorum run (SPEC v2 §3): every member signs a fresh run nonce over the roster
 * ({@link createRunNonce}); {@link runIdFromNonces} verifies all `k` and digests them into the run
 * id, which {@link createQuorumConfig} binds into the session digest.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { NGO_DIGEST_LABEL, NGO_RUN_NONCE_BYTES, SIG_LABEL } from '../core/constants.js';
import { DecodeError, ParameterError, VerificationError } from '../core/errors.js';
import { signingPublicKey, signStatement, verifyStatement } from '../core/sign.js';
import {
  checkBytes,
  checkInt,
  checkRng,
  concatBytes,
  copyBytes,
  defaultRng,
  equalBytes,
  type Rng,
} from '../core/utils.js';
import {
  decodeNgoRunNonce,
  type NgoRunNonce,
  type QuorumRoster,
  runNonceBody,
} from './ngo-messages.js';

/** A fresh run nonce and its signed message, as {@link createRunNonce} returns them. */
export interface RunNonce {
  /** The 32-byte nonce: keep it to check, in {@link runIdFromNonces}, that the run uses it. */
  readonly nonce: Uint8Array;
  /** The signed `ngoRunNonce` message (0x14) to send to every other member. */
  readonly message: Uint8Array;
}

/**
 * SPEC v2 §3 step 0: member `index` draws a fresh 32-byte nonce and signs it, with the suite,
 * deployment id, roster digest and its index, under `ngo-run-nonce`. Send `message` to every
 * member; keep `nonce`.
 */
export function createRunNonce(
  roster: QuorumRoster,
  index: number,
  signingSecretKey: Uint8Array,
  rng: Rng = defaultRng,
): RunNonce {
  checkInt('index', index, 0, roster.members.length - 1);
  const member = roster.members[index] as { signingPublicKey: Uint8Array };
  checkBytes('signingSecretKey', signingSecretKey, 32);
  if (!equalBytes(signingPublicKey(signingSecretKey), member.signingPublicKey)) {
    throw new ParameterError('ngo.party.key', `signing key does not match roster entry ${index}`);
  }
  const nonce = copyBytes(
    checkBytes('rng output', checkRng(rng)(NGO_RUN_NONCE_BYTES), NGO_RUN_NONCE_BYTES),
  );
  const body = runNonceBody(roster.suite, roster.deploymentId, roster.rosterDigest, index, nonce);
  return {
    nonce,
    message: concatBytes(body, signStatement(signingSecretKey, SIG_LABEL.ngoRunNonce, body)),
  };
}

/**
 * SPEC v2 §3 step 0: verify the `k` run-nonce messages (any order, exactly one per roster index,
 * each signed by that member over this roster's suite, deployment id and digest) and return the
 * run id `SHA-256("quorum-psi-v1-ngo-run" ‖ 0x00 ‖ roster digest ‖ nonce_0 ‖ … ‖ nonce_{k-1})`
 * (nonces in roster order). With `own`, also check that the message at `own.index` carries the
 * caller's own fresh nonce: a run id that does not include it may be an old run's.
 *
 * Failures are unattributed {@link VerificationError}s (`ngo.runNonce.*`): a nonce message names no
 * culprit, because a stale or foreign one is harmless until used and anyone can replay it.
 * Malformed bytes are {@link DecodeError}s naming the position; a wrong count is a
 * {@link ParameterError}.
 */
export function runIdFromNonces(
  roster: QuorumRoster,
  messages: readonly Uint8Array[],
  own?: { readonly index: number; readonly nonce: Uint8Array },
): Uint8Array {
  const k = roster.members.length;
  if (!Array.isArray(messages) || messages.length !== k) {
    throw new ParameterError('ngo.runNonce.count', `expected ${k} run nonces`);
  }
  const byIndex: (NgoRunNonce | undefined)[] = new Array(k);
  messages.forEach((bytes, pos) => {
    let r: NgoRunNonce;
    try {
      r = decodeNgoRunNonce(bytes);
    } catch (e) {
      if (e instanceof DecodeError)
        throw new DecodeError(e.code, `run nonce ${pos}: ${e.message}`, { cause: e });
      throw e;
    }
    if (r.index >= k) {
      throw new VerificationError(
        'ngo.runNonce.index',
        `run nonce ${pos}: index ${r.index} ≥ ${k}`,
      );
    }
    const pk = (roster.members[r.index] as { signingPublicKey: Uint8Array }).signingPublicKey;
    if (!verifyStatement(pk, SIG_LABEL.ngoRunNonce, r.signedBody, r.signature)) {
      throw new VerificationError(
        'ngo.runNonce.signature',
        `run nonce ${pos}: not signed by member ${r.index} (not attributable)`,
      );
    }
    if (
      r.suite !== roster.suite ||
      !equalBytes(r.deploymentId, roster.deploymentId) ||
      !equalBytes(r.rosterDigest, roster.rosterDigest)
    ) {
      throw new VerificationError(
        'ngo.runNonce.session',
        `run nonce ${pos}: member ${r.index} signed it for another suite, deployment or roster`,
      );
    }
    if (byIndex[r.index]) {
      throw new VerificationError(
        'ngo.runNonce.duplicate',
        `run nonce ${pos}: a second nonce of member ${r.index}`,
      );
    }
    byIndex[r.index] = r;
  });
  if (own !== undefined) {
    checkInt('own.index', own.index, 0, k - 1);
    checkBytes('own.nonce', own.nonce, NGO_RUN_NONCE_BYTES);
    if (!equalBytes((byIndex[own.index] as NgoRunNonce).nonce, own.nonce)) {
      throw new VerificationError(
        'ngo.runNonce.own',
        `the run nonce of member ${own.index} is not the one it just drew (stale or replaced)`,
      );
    }
  }
  const h = sha256.create();
  h.update(new TextEncoder().encode(NGO_DIGEST_LABEL.runId));
  h.update(Uint8Array.of(0));
  h.update(roster.rosterDigest);
  for (const r of byIndex) h.update((r as NgoRunNonce).nonce);
  return h.digest();
}
