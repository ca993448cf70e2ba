/**
 * NGO quorum: verifiable k-party intersection with an `m`-of-`k` jurisdiction rule (SPEC §3).
 *
 * Parties `NGO_0..NGO_{k-1}` (ring order = roster order, one party per jurisdiction: NGOs of one
 * jurisdiction merge their lists first, {@link mergeJurisdiction}), each with an Ed25519 key, a
 * masking key `k_i` with `K_i = k_i·G`, and a deduplicated list `X_i` of fixed-width items.
 *
 * - Step 0 (SPEC v2): every member signs a fresh 32-byte run nonce over the roster
 *   ({@link createRunNonce}); {@link runIdFromNonces} verifies all `k` and digests them into the
 *   run id; {@link createQuorumConfig} binds it into the session digest `σ`, so no message, proof
 *   or contribution of one run is valid in another ({@link startRunLocally} does this locally).
 * - Step 1 `commit()`: publish `K_i`, `|X_i|` and a signed, salted commitment to sorted `X_i`.
 * - Step 2 `maskOwnList()`: `L_0 = [k_i·H_M(x)]` in a random order the party remembers; stage 0 of
 *   the chain, signed, no proof (its input is private).
 * - Step 3 `processHop()`: party `(i+t) mod k` receives the chain `L_0..L_{t-1}` of list `i`,
 *   checks routing, every stage signature and the list size, decodes `L_{t-1}` strictly, verifies
 *   the batched DLEQ proof of stage `t-1` against `K_{i+t-1}` (none for `t-1 = 0`), computes
 *   `L_t = k_j·L_{t-1}` in constant time, order kept, and appends a batched DLEQ proof against its
 *   `K_j`, bound to (session, owner, stage) by its context and its binding. Any failure names the
 *   culprit: the transport sender (who delivered the chain), never a producer whose signature
 *   does not verify.
 * - Step 4 `assembleBulletin()`: after `k-1` hops every chain is complete; the board holds all
 *   `k` chains (every stage of every list, so anyone can verify every proven hop).
 * - Step 5 `qualify()`: verify the whole board — every proven hop, except the hops this party
 *   already verified or produced during the ring when the board carries them byte for byte
 *   (same input, output and proof) — then mark each own item whose fully-masked value
 *   `K·H_M(x)`, `K = ∏ k_j`, appears in at least `m-1` other lists (one hash-set pass).
 * - Step 6 `contribute()`: `Q_i` in the clear with a signature over the contribution statement
 *   (deployment id, run id, rule, jurisdiction, commitment digest, digest of `Q_i`).
 * - Builder: {@link intersectContributions} keeps the items backed by `≥ m` jurisdictions.
 * - Accountability (SPEC v2 §3): `opening()` gives an arbiter the list, salt, order and a DLEQ
 *   proof that stage 0 masks exactly the committed items; {@link arbiterCheck} confirms it or
 *   names the NGO.
 *
 * Leakage (docs/security.md "NGO quorum"): list sizes; the board's equality pattern between
 * positions of different lists (so each NGO learns, per own item, which other lists hold it, and
 * everyone learns the sizes of all intersections of lists); to the builder only the contributions.
 * Cost: per party and list hop, `n` decodes ×2, `n` CT multiplications, `n` encodes, three MSMs;
 * the board holds `k` chains of `k` stages (`k²·n` encodings); no quadratic step in `n`.
 *
 * This module is the quorum's public API (`quorum-psi/ngo`); the code lives beside it, one
 * concept a file: the wire messages (`ngo-messages.ts`), step 0 (`run.ts`), the ring and board
 * checks (`board.ts`), the party (`party.ts`), the builder's side (`contributions.ts`), the
 * arbiter (`arbiter.ts`) and the local orchestration (`local.ts`).
 * @module ngo
 */
export { type NgoCulprit, NgoDecodeError, NgoVerificationError } from '../core/errors.js';
// The asynchronous party methods run on an executor: this thread by default, worker threads
// with `quorum-psi/workers` (Node), or an application's own (e.g. Web Workers running runKernel).
export {
  createInThreadExecutor,
  type Executor,
  KernelContext,
  type KernelInput,
  type KernelName,
  type KernelOutput,
  type MapOptions,
  type ParallelOptions,
  type Progress,
  runKernel,
} from '../core/parallel.js';
export { type ArbiterEvidence, type ArbiterVerdict, arbiterCheck } from './arbiter.js';
export {
  assembleBulletin,
  hopDleqConfig,
  hopProofBinding,
  stageProducer,
  type VerifiedBulletin,
  verifyBulletin,
  verifyCommitments,
} from './board.js';
export {
  type ContributionScope,
  intersectContributions,
  type QuorumIntersection,
  type TrustedNgo,
} from './contributions.js';
export { mergeJurisdiction } from './lists.js';
export { type QuorumMessage, type QuorumRun, runQuorumLocally, startRunLocally } from './local.js';
export {
  createQuorumConfig,
  createQuorumRoster,
  type NgoContribution,
  type NgoMember,
  type NgoOpening,
  type QuorumConfig,
  type QuorumRoster,
  type QuorumRosterOptions,
} from './ngo-messages.js';
export { type AsyncInputOptions, type NgoItemHolders, NgoParty } from './party.js';
export { createRunNonce, type RunNonce, runIdFromNonces } from './run.js';
