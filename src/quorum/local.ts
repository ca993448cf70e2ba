/**
 * Local orchestration (tests, demo): step 0 and a whole quorum run among parties held in one
 * process, passing only serialized bytes between them, with a hook to replace any message.
 * @module
 */
import { ParameterError, VerificationError } from '../core/errors.js';
import { defaultRng, equalBytes, type Rng } from '../core/utils.js';
import { assembleBulletin } from './board.js';
import { createQuorumConfig, type QuorumConfig, type QuorumRoster } from './ngo-messages.js';
import type { NgoParty } from './party.js';
import { createRunNonce, type RunNonce, runIdFromNonces } from './run.js';

/**
 * SPEC v2 §3 step 0 among local members (tests, demo): each member draws and signs a run nonce
 * ({@link createRunNonce}, with `rng[i]` or the shared `rng`), the messages pass through
 * `intercept` (step `'run-nonce'`), and each member derives the run id with its own nonce checked
 * ({@link runIdFromNonces}); they must agree. Returns the run's configuration, ready for the
 * {@link NgoParty} constructors and {@link runQuorumLocally}.
 */
export function startRunLocally(
  roster: QuorumRoster,
  signingSecretKeys: readonly Uint8Array[],
  opts: {
    rng?: Rng | readonly Rng[];
    intercept?: (msg: QuorumMessage) => Uint8Array;
  } = {},
): { config: QuorumConfig; runId: Uint8Array; runNonces: readonly Uint8Array[] } {
  const k = roster.members.length;
  if (!Array.isArray(signingSecretKeys) || signingSecretKeys.length !== k)
    throw new TypeError(`"signingSecretKeys" expected ${k} keys in roster order`);
  const rngOf = (i: number): Rng =>
    Array.isArray(opts.rng) ? (opts.rng[i] as Rng) : ((opts.rng as Rng | undefined) ?? defaultRng);
  const drawn = signingSecretKeys.map((sk, i) => createRunNonce(roster, i, sk, rngOf(i)));
  const runNonces = drawn.map((d, i) => {
    const msg: QuorumMessage = { step: 'run-nonce', from: i, to: -1, owner: -1, bytes: d.message };
    return opts.intercept ? opts.intercept(msg) : msg.bytes;
  });
  const runId = runIdFromNonces(roster, runNonces, {
    index: 0,
    nonce: (drawn[0] as RunNonce).nonce,
  });
  for (let i = 1; i < k; i++) {
    const id = runIdFromNonces(roster, runNonces, {
      index: i,
      nonce: (drawn[i] as RunNonce).nonce,
    });
    if (!equalBytes(runId, id))
      throw new VerificationError('ngo.runNonce.disagree', 'members derived different run ids');
  }
  return { config: createQuorumConfig({ ...roster, runId }), runId, runNonces };
}

/** A message in transit in {@link runQuorumLocally}. */
export interface QuorumMessage {
  readonly step: 'run-nonce' | 'commitment' | 'hop' | 'bulletin' | 'contribution';
  /** Sender ring index (`-1` for the bulletin board). */
  readonly from: number;
  /** Recipient ring index (`-1` for broadcast / board / builder). */
  readonly to: number;
  /** Owner of the list (hops only, else `-1`). */
  readonly owner: number;
  readonly bytes: Uint8Array;
}

/** Everything {@link runQuorumLocally} produced. */
export interface QuorumRun {
  readonly commitments: readonly Uint8Array[];
  readonly bulletin: Uint8Array;
  readonly contributions: readonly Uint8Array[];
  /** Qualifying items per party, in ring order. */
  readonly qualified: readonly Uint8Array[][];
  /** Every message, in the order sent. */
  readonly transcript: readonly QuorumMessage[];
}

/**
 * Run the quorum among local parties (`parties[i].index === i`), passing only serialized bytes
 * between them. `intercept` may replace any message in transit (tests of malicious parties).
 */
export function runQuorumLocally(
  parties: readonly NgoParty[],
  opts: { intercept?: (msg: QuorumMessage) => Uint8Array } = {},
): QuorumRun {
  if (!Array.isArray(parties) || parties.length < 2)
    throw new TypeError('"parties" expected an array of NgoParty');
  const config = (parties[0] as NgoParty).config;
  const k = config.members.length;
  if (parties.length !== k || parties.some((p, i) => p.index !== i || p.config !== config)) {
    throw new ParameterError(
      'ngo.run.parties',
      'parties must be the roster in ring order, with one config',
    );
  }
  const transcript: QuorumMessage[] = [];
  const send = (msg: QuorumMessage): Uint8Array => {
    const bytes = opts.intercept ? opts.intercept(msg) : msg.bytes;
    transcript.push({ ...msg, bytes });
    return bytes;
  };
  const commitments = parties.map((p) =>
    send({ step: 'commitment', from: p.index, to: -1, owner: -1, bytes: p.commit() }),
  );
  for (const p of parties) p.receiveCommitments(commitments);
  let inflight = parties.map((p) => p.maskOwnList());
  for (let r = 1; r < k; r++) {
    inflight = inflight.map((bytes, owner) => {
      const from = (owner + r - 1) % k;
      const to = (owner + r) % k;
      const b = send({ step: 'hop', from, to, owner, bytes });
      return (parties[to] as NgoParty).processHop(b, from);
    });
  }
  const finals = inflight.map((bytes, owner) =>
    send({ step: 'hop', from: (owner + k - 1) % k, to: -1, owner, bytes }),
  );
  const bulletin = send({
    step: 'bulletin',
    from: -1,
    to: -1,
    owner: -1,
    bytes: assembleBulletin(config, finals),
  });
  const qualified = parties.map((p) => p.qualify(bulletin));
  const contributions = parties.map((p) =>
    send({ step: 'contribution', from: p.index, to: -1, owner: -1, bytes: p.contribute() }),
  );
  return { commitments, bulletin, contributions, qualified, transcript };
}
