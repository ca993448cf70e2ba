/**
 * The builder's side of the quorum (SPEC §3, after step 6): {@link intersectContributions}
 * verifies the NGOs' signed contributions against the application's trust list and keeps the
 * items backed by at least `m` distinct jurisdictions (`X_int`).
 * @module
 */
import { RUN_ID_LENGTH, SIG_LABEL } from '../core/constants.js';
import {
  DecodeError,
  type NgoCulprit,
  NgoVerificationError,
  VerificationError,
} from '../core/errors.js';
/** An NGO the builder (or a client) trusts: configured by the application, never taken from data. */
import type { TrustedNgo } from '../core/sign.js';
import { verifyStatement } from '../core/sign.js';
import { checkBytes, checkInt, compareBytes, equalBytes } from '../core/utils.js';
import { keyOf } from './lists.js';
import {
  contributionStatement,
  decodeNgoContribution,
  type NgoContribution,
} from './ngo-messages.js';

export type { TrustedNgo };

/** Result of {@link intersectContributions}. */
export interface QuorumIntersection {
  /** `X_int`: items in contributions from at least `m` distinct jurisdictions, sorted. */
  readonly items: Uint8Array[];
  /** The verified contributions, in input order. */
  readonly contributions: readonly NgoContribution[];
  /** Jurisdictions that contributed. */
  readonly jurisdictions: readonly string[];
}

/** What the builder requires of every contribution (both ids are required). */
export interface ContributionScope {
  /** The deployment the builder serves. */
  readonly deploymentId: Uint8Array;
  /** The run id of the quorum run whose contributions it collects (SPEC v2 §3 step 0). */
  readonly runId: Uint8Array;
  /** Optional: the run's session digest `σ`, if the builder knows the roster. */
  readonly sessionDigest?: Uint8Array;
}

/**
 * Builder side of SPEC §3: verify every contribution and return the items backed by at least
 * `m` distinct jurisdictions.
 *
 * Attribution (docs/security.md "Culprits"): the signature is checked first, under the key the
 * contribution carries, and that key must be in the trust list. A contribution whose key is
 * untrusted or whose signature does not verify was not made by anyone the builder can name: it is
 * a {@link VerificationError} (`ngo.contribution.untrusted`, `ngo.contribution.signature`) with no
 * culprit, never an error naming the NGO whose identity it claims. Only a contribution validly
 * signed by a trusted key names a culprit, the key's owner as the trust list has it
 * ({@link NgoVerificationError}; `culprit.jurisdiction` from the trust list, `culprit.index` the
 * ring index it signed when its jurisdiction is the key's, else `-1`): it signed another
 * jurisdiction (`ngo.contribution.jurisdiction`), another rule `m` within this run
 * (`ngo.contribution.mismatch`), or a second, different contribution
 * (`ngo.contribution.duplicate`). A contribution of another deployment, run or session is an
 * authentic statement of another run that anyone can replay: refused without a culprit
 * (`ngo.contribution.scope`). Contributions that disagree with each other on suite, item width
 * or session, and a byte-identical repeat, are unattributed {@link VerificationError}s.
 * Malformed bytes are {@link DecodeError}s naming the position. A missing contribution only
 * withdraws that jurisdiction's support (fail-safe: fewer items, never more).
 */
export function intersectContributions(
  contributions: readonly Uint8Array[],
  trustedNgoKeys: readonly TrustedNgo[],
  m: number,
  scope: ContributionScope,
): QuorumIntersection {
  if (!Array.isArray(contributions)) throw new TypeError('"contributions" expected an array');
  if (!Array.isArray(trustedNgoKeys)) throw new TypeError('"trustedNgoKeys" expected an array');
  checkInt('m', m, 2, 64);
  if (typeof scope !== 'object' || scope === null)
    throw new TypeError('"scope" expected { deploymentId, runId }');
  const deploymentId = checkBytes('scope.deploymentId', scope.deploymentId);
  const runId = checkBytes('scope.runId', scope.runId, RUN_ID_LENGTH);
  const sessionDigest =
    scope.sessionDigest === undefined
      ? undefined
      : checkBytes('scope.sessionDigest', scope.sessionDigest, 32);
  const decoded: NgoContribution[] = contributions.map((bytes, i) => {
    try {
      return decodeNgoContribution(bytes);
    } catch (e) {
      if (e instanceof DecodeError)
        throw new DecodeError(e.code, `contribution ${i}: ${e.message}`, { cause: e });
      throw e;
    }
  });
  const byJurisdiction = new Map<string, number>();
  decoded.forEach((c, i) => {
    const trusted = trustedNgoKeys.find((t) => equalBytes(t.signingPublicKey, c.signingPublicKey));
    if (!trusted) {
      throw new VerificationError(
        'ngo.contribution.untrusted',
        `contribution ${i}: signing key is not in the trust list (not attributable; it claims ${c.jurisdiction})`,
      );
    }
    const { signature, ...body } = c;
    if (
      !verifyStatement(
        c.signingPublicKey,
        SIG_LABEL.ngoContribution,
        contributionStatement(body),
        signature,
      )
    ) {
      throw new VerificationError(
        'ngo.contribution.signature',
        `contribution ${i}: invalid signature (not attributable; it claims ${c.jurisdiction})`,
      );
    }
    // From here on the contribution is provably the trusted key owner's statement.
    const who: NgoCulprit = Object.freeze({
      index: c.jurisdiction === trusted.jurisdiction ? c.index : -1,
      jurisdiction: trusted.jurisdiction,
    });
    const bad = (code: string, msg: string): never => {
      throw new NgoVerificationError(
        code,
        `contribution ${i}, signed by ${trusted.name ?? trusted.jurisdiction} (${trusted.jurisdiction}): ${msg}`,
        who,
      );
    };
    // A contribution of another deployment, run or session is an authentic but foreign
    // statement: anyone (the platform included) can replay an old one, so it blames nobody.
    const foreign = (what: string): never => {
      throw new VerificationError(
        'ngo.contribution.scope',
        `contribution ${i} (${trusted.jurisdiction}) names another ${what}: a statement of another run, not attributable`,
      );
    };
    if (!equalBytes(c.deploymentId, deploymentId)) foreign('deployment');
    if (!equalBytes(c.runId, runId)) foreign('quorum run');
    if (sessionDigest && !equalBytes(c.sessionDigest, sessionDigest)) foreign('session');
    if (trusted.jurisdiction !== c.jurisdiction) {
      bad('ngo.contribution.jurisdiction', `it claims jurisdiction ${c.jurisdiction}`);
    }
    if (c.m !== m) bad('ngo.contribution.mismatch', `rule m = ${c.m}, expected ${m}`);
    const first = decoded[0] as NgoContribution;
    if (
      c.suite !== first.suite ||
      c.itemWidth !== first.itemWidth ||
      !equalBytes(c.sessionDigest, first.sessionDigest)
    ) {
      throw new VerificationError(
        'ngo.contribution.mismatch',
        `contributions 0 (${first.jurisdiction}) and ${i} (${c.jurisdiction}) disagree on suite, item width or session`,
      );
    }
    const prev = byJurisdiction.get(c.jurisdiction);
    if (prev !== undefined) {
      if (equalBytes(contributions[prev] as Uint8Array, contributions[i] as Uint8Array)) {
        throw new VerificationError(
          'ngo.contribution.duplicate',
          `contribution ${i} repeats contribution ${prev} (${c.jurisdiction}) byte for byte`,
        );
      }
      bad('ngo.contribution.duplicate', `second, different contribution (first: ${prev})`);
    }
    byJurisdiction.set(c.jurisdiction, i);
  });
  const counts = new Map<string, { item: Uint8Array; n: number }>();
  for (const c of decoded) {
    for (const x of c.items) {
      const key = keyOf(x, 0, x.length);
      const e = counts.get(key);
      if (e) e.n++;
      else counts.set(key, { item: x, n: 1 });
    }
  }
  const items: Uint8Array[] = [];
  for (const { item, n } of counts.values()) if (n >= m) items.push(item);
  items.sort(compareBytes);
  return { items, contributions: decoded, jurisdictions: decoded.map((c) => c.jurisdiction) };
}
