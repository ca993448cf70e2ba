/**
 * The arbiter (SPEC v2 §3 "accountable openings"): {@link arbiterCheck} checks one NGO's opening
 * against its signed commitment and published stage 0 (and optionally a contribution), and
 * either confirms it or names the NGO.
 * @module
 */
import { DLEQ_PURPOSE, DST_PURPOSE, dst, SIG_LABEL } from '../core/constants.js';
import { dleqConfig } from '../core/dleq.js';
import { DecodeError, type NgoCulprit } from '../core/errors.js';
import type { Element } from '../core/group.js';
import { verifyStatement } from '../core/sign.js';
import { compareBytes, equalBytes } from '../core/utils.js';
import { safeVerify } from './board.js';
import { culprit } from './culprit.js';
import {
  commitmentDigest,
  contributionStatement,
  decodeElementList,
  decodeNgoBulletin,
  decodeNgoChain,
  decodeNgoCommitment,
  decodeNgoContribution,
  decodeNgoOpening,
  elementViews,
  listCommitment,
  type NgoChain,
  type NgoCommitment,
  type NgoContribution,
  type NgoOpening,
  type NgoStage,
  openingProofBinding,
  type QuorumConfig,
  stageStatement,
} from './ngo-messages.js';

/** What an arbiter is given about one NGO's run. */
export interface ArbiterEvidence {
  /** The NGO's signed commitment (`ngoCommitment`); it names the NGO (its index). */
  readonly commitment: Uint8Array;
  /** The bulletin board of the run (stage 0 of the NGO's chain is used) … */
  readonly bulletin?: Uint8Array;
  /** … or any chain of the NGO's list holding stage 0 (e.g. the message it sent into the ring). */
  readonly stage0?: Uint8Array;
  /** The NGO's opening (`ngoOpening`, {@link NgoParty.opening}). */
  readonly opening: Uint8Array;
  /** Optional: a contribution said to be the NGO's in this run. */
  readonly contribution?: Uint8Array;
}

/**
 * An arbiter's verdict. `ok: false` with a `culprit` names the NGO: it committed to, masked,
 * opened or contributed something inconsistent, each fact resting on its own signature or on
 * the proof. `culprit: null` means the evidence itself does not hold (a commitment, stage 0 or
 * contribution that is malformed, of another run, or not validly signed by the NGO): it shows
 * nothing against anyone.
 */
export type ArbiterVerdict =
  | { readonly ok: true; readonly party: NgoCulprit; readonly listSize: number }
  | {
      readonly ok: false;
      readonly culprit: NgoCulprit | null;
      readonly code: string;
      readonly reason: string;
    };

/**
 * SPEC v2 §3: an arbiter checks an NGO's opening against its signed commitment and its signed,
 * published stage 0, and optionally a contribution against the opening. Never throws for bad
 * data (only for arguments that are not byte strings).
 *
 * Checks, in order: the commitment decodes, names this session and is signed by the roster
 * member it names (else `culprit: null`); stage 0 (from `bulletin` or `stage0`) is that member's
 * list in this session with a valid stage-0 signature (else `culprit: null`); then, naming the
 * NGO: stage 0 and the commitment have the same size; the opening decodes, names this session and
 * the NGO, and has the committed size; `listCommitment(items, width, salt)` equals the committed
 * digest; the order is a permutation; the batched DLEQ proof (purpose `dleq-ngo-opening`,
 * binding `σ ‖ u16 index`) shows stage 0 is `k_i·H_M(items[order[p]])` position by position
 * against the committed `K_i`. With a contribution: it must be validly signed by the NGO for this
 * deployment, run and session (else `culprit: null`), reference this commitment and hold only
 * committed items (else the NGO is named). Linear in the list size: `n` hash-to-group, `n`
 * decodes, two MSMs, one merge.
 */
export function arbiterCheck(config: QuorumConfig, evidence: ArbiterEvidence): ArbiterVerdict {
  const { suite, sessionDigest } = config;
  const k = config.members.length;
  const evidenceFail = (code: string, reason: string): ArbiterVerdict => ({
    ok: false,
    culprit: null,
    code,
    reason,
  });
  // 1. The commitment: names the NGO.
  let c: NgoCommitment;
  try {
    c = decodeNgoCommitment(evidence.commitment);
  } catch (e) {
    if (e instanceof DecodeError)
      return evidenceFail('ngo.arbiter.commitment', `commitment: ${e.message}`);
    throw e;
  }
  if (c.suite !== suite || !equalBytes(c.sessionDigest, sessionDigest) || c.index >= k) {
    return evidenceFail('ngo.arbiter.commitment', 'the commitment is not of this run');
  }
  const index = c.index;
  const member = config.members[index] as { signingPublicKey: Uint8Array; jurisdiction: string };
  if (!verifyStatement(member.signingPublicKey, SIG_LABEL.ngoCommitment, c.signedBody, c.signature))
    return evidenceFail(
      'ngo.arbiter.commitment',
      `the commitment is not signed by party ${index} (${member.jurisdiction})`,
    );
  const who = culprit(config, index);
  const blame = (code: string, reason: string): ArbiterVerdict => ({
    ok: false,
    culprit: who,
    code,
    reason: `party ${index} (${who.jurisdiction}): ${reason}`,
  });

  // 2. Stage 0, signed by the NGO.
  let chain: NgoChain;
  try {
    if ((evidence.bulletin === undefined) === (evidence.stage0 === undefined))
      throw new TypeError('arbiterCheck: give exactly one of "bulletin" and "stage0"');
    if (evidence.bulletin !== undefined) {
      const board = decodeNgoBulletin(evidence.bulletin);
      if (index >= board.chains.length)
        return evidenceFail('ngo.arbiter.stage0', `the bulletin has no list ${index}`);
      chain = board.chains[index] as NgoChain;
    } else {
      chain = decodeNgoChain(evidence.stage0 as Uint8Array);
    }
  } catch (e) {
    if (e instanceof DecodeError)
      return evidenceFail('ngo.arbiter.stage0', `stage 0: ${e.message}`);
    throw e;
  }
  if (
    chain.suite !== suite ||
    !equalBytes(chain.sessionDigest, sessionDigest) ||
    chain.owner !== index
  )
    return evidenceFail('ngo.arbiter.stage0', `stage 0 is not party ${index}'s list in this run`);
  const st0 = chain.stages[0] as NgoStage;
  const body0 = stageStatement(sessionDigest, index, 0, index, chain.n, st0.list, null);
  if (!verifyStatement(member.signingPublicKey, SIG_LABEL.ngoStage, body0, st0.signature))
    return evidenceFail('ngo.arbiter.stage0', `stage 0 is not signed by party ${index}`);
  const n = c.listSize;
  if (chain.n !== n)
    return blame('ngo.opening.size', `signed a stage 0 of ${chain.n} elements, committed ${n}`);

  // 3. The opening.
  let o: NgoOpening;
  try {
    o = decodeNgoOpening(evidence.opening);
  } catch (e) {
    if (e instanceof DecodeError) return blame('ngo.opening.malformed', `opening: ${e.message}`);
    throw e;
  }
  if (o.suite !== suite || !equalBytes(o.sessionDigest, sessionDigest) || o.index !== index)
    return blame('ngo.opening.session', 'the opening is not of this run or of this party');
  if (o.itemWidth !== config.itemWidth)
    return blame('ngo.opening.size', `opening items are ${o.itemWidth} bytes wide`);
  if (o.items.length !== n)
    return blame('ngo.opening.size', `the opening holds ${o.items.length} items, committed ${n}`);
  if (!equalBytes(listCommitment(o.items, o.itemWidth, o.salt), c.listCommitment))
    return blame(
      'ngo.opening.commitment',
      'the opened list and salt do not match the committed digest',
    );
  const seen = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const v = o.order[p] as number;
    if (v >= n || seen[v]) return blame('ngo.opening.order', 'the order is not a permutation');
    seen[v] = 1;
  }
  let D: Element[];
  try {
    D = decodeElementList(suite, st0.list, n);
  } catch (e) {
    if (e instanceof DecodeError)
      return blame('ngo.opening.stage0', `signed a stage 0 that does not decode: ${e.message}`);
    throw e;
  }
  const mdst = dst(suite.shortName, DST_PURPOSE.ngoMask);
  const C: Element[] = new Array(n);
  for (let p = 0; p < n; p++)
    C[p] = suite.hashToGroup(o.items[o.order[p] as number] as Uint8Array, mdst);
  const ok = safeVerify(
    suite,
    dleqConfig(suite, DLEQ_PURPOSE.ngoOpening),
    c.maskingKey,
    { pts: C, bytes: C.map((P) => suite.encode(P)) },
    { pts: D, bytes: elementViews(st0.list, n, suite.elementLength) },
    o.proof,
    openingProofBinding(sessionDigest, index),
  );
  if (!ok)
    return blame(
      'ngo.opening.proof',
      'the DLEQ proof fails: the published stage 0 is not the committed list masked under K_i in the opened order',
    );

  // 4. The contribution, if any.
  if (evidence.contribution !== undefined) {
    let q: NgoContribution;
    try {
      q = decodeNgoContribution(evidence.contribution);
    } catch (e) {
      if (e instanceof DecodeError)
        return evidenceFail('ngo.arbiter.contribution', `contribution: ${e.message}`);
      throw e;
    }
    const { signature, ...qBody } = q;
    if (
      !equalBytes(q.signingPublicKey, member.signingPublicKey) ||
      !verifyStatement(
        member.signingPublicKey,
        SIG_LABEL.ngoContribution,
        contributionStatement(qBody),
        signature,
      )
    )
      return evidenceFail(
        'ngo.arbiter.contribution',
        `the contribution is not signed by party ${index}`,
      );
    if (
      q.suite !== suite ||
      !equalBytes(q.deploymentId, config.deploymentId) ||
      !equalBytes(q.runId, config.runId) ||
      !equalBytes(q.sessionDigest, sessionDigest)
    )
      return evidenceFail(
        'ngo.arbiter.contribution',
        'the contribution is of another deployment or run',
      );
    if (!equalBytes(q.commitmentDigest, commitmentDigest(evidence.commitment)))
      return blame('ngo.contribution.commitment', 'its contribution references another commitment');
    if (q.itemWidth !== config.itemWidth)
      return blame(
        'ngo.contribution.item',
        `its contribution's items are ${q.itemWidth} bytes wide`,
      );
    // Both lists are strictly increasing: one merge pass.
    let j = 0;
    for (let i = 0; i < q.items.length; i++) {
      const x = q.items[i] as Uint8Array;
      while (j < n && compareBytes(o.items[j] as Uint8Array, x) < 0) j++;
      if (j >= n || compareBytes(o.items[j] as Uint8Array, x) !== 0)
        return blame(
          'ngo.contribution.item',
          `its contribution holds an item outside its committed list (position ${i})`,
        );
    }
  }
  return { ok: true, party: who, listSize: n };
}
