/**
 * The whole quorum-psi story, run with the real role code and only serialized bytes between the
 * roles (SPEC §1 flow): NGO quorum → builder → audit → manifest → client → server → reviewer.
 * Used by `quorum-psi simulate` and `quorum-psi demo` (src/cli/cli.ts) and by the end-to-end tests.
 *
 * Tampering (one at a time) exercises each safeguard, each caught by the party it restrains:
 * - `hop`: one NGO skips masking on one hop (re-signing its stage): the next NGO must catch it;
 * - `extra-item`: the builder adds an item backed by fewer than `m` jurisdictions: audit fails;
 * - `filler`: the builder rewrites a filler among the cells of an item `x*` outside the quorum so
 *   that the three cells of `x*` sum to `α·H(x*)` (x* would match): audit fails;
 * - `reviewer`: the builder names the platform's own X25519 key as a reviewer: the audit fails
 *   against every NGO's own policy (SPEC v2 §5 step 4);
 * - `synthetic-rate`: the builder announces `p = 0` (below `T` the candidates would then be
 *   exactly the real matches): the audit fails against the policy;
 * - `manifest`: only `m − 1` jurisdictions sign: the client must refuse;
 * - `cell`: a cell is changed after the manifest was signed: the client must refuse;
 * - `rollback`: after the client accepted database version 2, the platform serves the still-valid
 *   version 1 again: the client must refuse (SPEC v2 §5), and keeps version 2.
 * @module simulate
 */

import { sha256 } from '@noble/hashes/sha2.js';
import { SIG_LABEL } from '../core/constants.js';
import { generateProof } from '../core/dleq.js';
import { ParameterError, QuorumPsiError } from '../core/errors.js';
import type { Suite } from '../core/group.js';
import { generateReviewerKeyPair, openAsReviewer } from '../core/seal.js';
import { generateSigningKeyPair, signStatement } from '../core/sign.js';
import { bytesToHex, concatBytes, concatList, defaultRng, type Rng } from '../core/utils.js';
import {
  type AuditPolicy,
  auditDatabase,
  encodeAuditBundle,
  manifestBodyFor,
} from '../database/audit.js';
import { buildDatabase, hashItem } from '../database/builder.js';
import {
  acceptDatabase,
  encodeManifest,
  encodeManifestBody,
  type ManifestSignature,
  signManifest,
  type TrustedNgo,
} from '../database/manifest.js';
import { computeRoot, rateToU32, splitPublicData, type VoucherParams } from '../database/pdata.js';
import { cellPositions, layoutTable } from '../database/table.js';
import {
  createQuorumRoster,
  hopDleqConfig,
  hopProofBinding,
  intersectContributions,
  mergeJurisdiction,
  NgoDecodeError,
  NgoParty,
  NgoVerificationError,
  type QuorumConfig,
  runQuorumLocally,
  stageProducer,
  startRunLocally,
} from '../quorum/ngo.js';
import {
  decodeElementList,
  decodeNgoChain,
  encodeNgoChain,
  type NgoStage,
  stageStatement,
} from '../quorum/ngo-messages.js';
import { ClientAccount, type ClientDatabase, createVoucher } from '../voucher/client.js';
import {
  DatabaseRegistry,
  ServerAccount,
  ServerDatabase,
  unpadPayload,
} from '../voucher/server.js';

/** Kinds of tampering the simulation can inject. */
export type TamperKind =
  | 'none'
  | 'cell'
  | 'filler'
  | 'extra-item'
  | 'reviewer'
  | 'synthetic-rate'
  | 'manifest'
  | 'hop'
  | 'rollback';
export const TAMPER_KINDS: readonly TamperKind[] = [
  'none',
  'cell',
  'filler',
  'extra-item',
  'reviewer',
  'synthetic-rate',
  'manifest',
  'hop',
  'rollback',
];

/** One NGO (organisation) and its list. */
export interface SimNgo {
  name: string;
  jurisdiction: string;
  items: Uint8Array[];
}

/** One upload of the client. */
export interface SimUpload {
  id: Uint8Array;
  item: Uint8Array;
  /** Payload (default: `"photo <id hex>"`). */
  payload?: Uint8Array;
}

/** Inputs of {@link simulate}. */
export interface SimulateInput {
  suite: Suite;
  ngos: SimNgo[];
  rule: number;
  uploads: SimUpload[];
  threshold: number;
  syntheticRate: number;
  maxSynthetics: number;
  tableRatio: number;
  payloadSize?: number;
  tamper?: TamperKind;
  /** Randomness for every party (a seeded one makes the run reproducible). */
  rng?: Rng;
  /** Deployment id bound into every NGO message (default "quorum-psi-simulate"). */
  deploymentId?: Uint8Array;
  /** Called when a phase starts and ends, and with progress inside long phases. */
  onEvent?: (e: SimEvent) => void;
}

export type SimPhase =
  | 'ngo-quorum'
  | 'build'
  | 'audit'
  | 'manifest'
  | 'client-accept'
  | 'update'
  | 'vouchers'
  | 'ingest'
  | 'reveal'
  | 'review';

export type SimEvent =
  | { type: 'phase-start'; phase: SimPhase }
  | { type: 'phase-end'; phase: SimPhase; ms: number; summary: string }
  | { type: 'progress'; phase: SimPhase; done: number; total: number };

/** Outcome of a tampering attempt. */
export interface TamperReport {
  kind: TamperKind;
  /** False when the tampering could not be applied to this run. */
  applied: boolean;
  detected: boolean;
  /** Who caught it: `ngo`, `audit`, `client`, or null. */
  by: 'ngo' | 'audit' | 'client' | null;
  reason: string | null;
}

/** Everything a simulation produced (`--json` prints this). */
export interface SimulateResult {
  suite: string;
  intersection: string[];
  dropped: number;
  root: string | null;
  auditOk: boolean;
  auditFailures: string[];
  manifestSigners: string[];
  clientAccepted: boolean;
  clientRefusal: string | null;
  vouchers: number;
  candidates: number;
  syntheticIssued: number;
  revealed: boolean;
  revealOutcome: string;
  revealedIds: string[];
  syntheticIds: string[];
  /** Payloads the reviewer opened (UTF-8 where printable, else hex), by id. */
  reviewerOpened: { id: string; payload: string }[];
  /** What each party learned, in words. */
  learned: Record<string, string>;
  tamper: TamperReport;
  timings: Record<string, number>;
}

const te = new TextEncoder();

/** Run the whole protocol. Never throws for protocol outcomes; throws only for invalid input. */
export async function simulate(input: SimulateInput): Promise<SimulateResult> {
  const d = await setupDeployment(input);
  if (d.db && d.built && d.reviewer)
    await runUploads(input, d.db, d.built, d.reviewer, d.result, d.phase, d.emit, d.rng);
  return d.result;
}

/** A deployment after client acceptance (or stopped before it; then `db` is null). */
export interface Deployment {
  readonly result: SimulateResult;
  readonly db: ClientDatabase | null;
  readonly built: ReturnType<typeof buildDatabase> | null;
  readonly reviewer: { publicKey: Uint8Array; secretKey: Uint8Array } | null;
  /** The public data and manifest as published (after any tampering). */
  readonly publicData: Uint8Array;
  readonly manifest: Uint8Array | null;
  readonly trust: readonly TrustedNgo[];
  readonly phase: <T>(
    p: SimPhase,
    fn: () => Promise<T> | T,
    summary: (t: T) => string,
  ) => Promise<T>;
  readonly emit: (e: SimEvent) => void;
  readonly rng: Rng;
  /**
   * The platform builds a new database from the same `X_int` with some voucher parameters
   * changed (e.g. its own reviewer key) and asks every NGO to audit it against its own policy.
   */
  readonly auditVariant: (
    params: Partial<VoucherParams>,
    version: number,
  ) => { ngo: string; ok: boolean; failure: string | null; reason: string | null }[];
  /** Build, audit and co-sign database version `version` (each NGO last signed `version − 1`). */
  readonly publish: (version: number) => { pdata: Uint8Array; manifest: Uint8Array | null };
  /**
   * The client's acceptance with its own state (trust list, rule, deployment id, highest version
   * accepted so far): the database, or the refusal `code: message`.
   */
  readonly accept: (pdata: Uint8Array, manifest: Uint8Array) => ClientDatabase | string;
}

/**
 * SPEC §3-§5: NGO quorum, build, audit, manifest, client acceptance. Stops early (with
 * `db = null`) when a safeguard refuses; the result says who refused and why.
 */
export async function setupDeployment(input: SimulateInput): Promise<Deployment> {
  const rng = input.rng ?? defaultRng;
  const { suite, rule: m } = input;
  const tamper = input.tamper ?? 'none';
  // SPEC v2: synthetic vouchers are a safeguard, not an option (the NGOs' policy requires them).
  if (!(input.syntheticRate > 0 && input.syntheticRate < 1)) {
    throw new ParameterError(
      'params.synthetic-rate',
      `synthetic rate must be in (0, 1), got ${input.syntheticRate}`,
    );
  }
  if (!Number.isSafeInteger(input.maxSynthetics) || input.maxSynthetics < 1) {
    throw new ParameterError(
      'params.sMax',
      `the synthetic cap must be an integer ≥ 1, got ${input.maxSynthetics}`,
    );
  }
  const emit = input.onEvent ?? (() => {});
  const timings: Record<string, number> = {};
  const res: SimulateResult = {
    suite: suite.name,
    intersection: [],
    dropped: 0,
    root: null,
    auditOk: false,
    auditFailures: [],
    manifestSigners: [],
    clientAccepted: false,
    clientRefusal: null,
    vouchers: 0,
    candidates: 0,
    syntheticIssued: 0,
    revealed: false,
    revealOutcome: 'not-run',
    revealedIds: [],
    syntheticIds: [],
    reviewerOpened: [],
    learned: {},
    tamper: { kind: tamper, applied: tamper !== 'none', detected: false, by: null, reason: null },
    timings,
  };
  const phase = async <T>(
    p: SimPhase,
    fn: () => Promise<T> | T,
    summary: (t: T) => string,
  ): Promise<T> => {
    emit({ type: 'phase-start', phase: p });
    const t0 = performance.now();
    const out = await fn();
    const ms = performance.now() - t0;
    timings[p] = Math.round(ms * 10) / 10;
    emit({ type: 'phase-end', phase: p, ms, summary: summary(out) });
    return out;
  };
  const caught = (by: TamperReport['by'], reason: string) => {
    if (tamper !== 'none') res.tamper = { kind: tamper, applied: true, detected: true, by, reason };
  };

  // ── NGO quorum (SPEC §3) ──────────────────────────────────────────────────────────────────
  const byJurisdiction = new Map<string, SimNgo[]>();
  for (const n of input.ngos) {
    const list = byJurisdiction.get(n.jurisdiction) ?? [];
    list.push(n);
    byJurisdiction.set(n.jurisdiction, list);
  }
  const jurisdictions = [...byJurisdiction.keys()];
  const itemWidth = input.ngos[0]?.items[0]?.length ?? 32;
  // Every NGO organisation has its own Ed25519 key (it co-signs the manifest); the first NGO of
  // a jurisdiction speaks for it in the ring.
  const orgKeys = new Map(input.ngos.map((n) => [n.name, generateSigningKeyPair(rng)]));
  const speaker = (j: string) =>
    orgKeys.get((byJurisdiction.get(j) as SimNgo[])[0]?.name as string) as ReturnType<
      typeof generateSigningKeyPair
    >;
  const trust: TrustedNgo[] = input.ngos.map((n) => ({
    name: n.name,
    jurisdiction: n.jurisdiction,
    signingPublicKey: (orgKeys.get(n.name) as { publicKey: Uint8Array }).publicKey,
  }));
  const ringTrust = jurisdictions.map((j) => ({
    jurisdiction: j,
    signingPublicKey: speaker(j).publicKey,
  }));
  const deploymentId = input.deploymentId ?? te.encode('quorum-psi-simulate');
  const roster = createQuorumRoster({
    suite,
    deploymentId,
    m,
    itemWidth,
    members: ringTrust.map((t) => ({
      jurisdiction: t.jurisdiction,
      signingPublicKey: t.signingPublicKey,
    })),
  });
  // SPEC v2 §3 step 0: every NGO signs a fresh run nonce; the run id binds this run.
  const { config } = startRunLocally(
    roster,
    jurisdictions.map((j) => speaker(j).secretKey),
    { rng },
  );
  const parties = jurisdictions.map(
    (j, i) =>
      new NgoParty(
        config,
        i,
        speaker(j).secretKey,
        mergeJurisdiction(
          (byJurisdiction.get(j) as SimNgo[]).map((n) => n.items),
          itemWidth,
        ),
        rng,
      ),
  );
  const quorum = await phase(
    'ngo-quorum',
    () => {
      try {
        return runQuorumLocally(parties, {
          intercept: (msg) => {
            // Tamper `hop`: the second party skips masking on the first hop it makes for list 0.
            if (
              tamper === 'hop' &&
              msg.step === 'hop' &&
              msg.owner === 0 &&
              msg.from === 1 % parties.length
            ) {
              return skipMasking(
                config,
                msg.bytes,
                speaker(jurisdictions[1] as string).secretKey,
                rng,
              );
            }
            return msg.bytes;
          },
        });
      } catch (e) {
        if (e instanceof NgoVerificationError || e instanceof NgoDecodeError) {
          // Name the culprit as the operator knows it: the NGO name(s) of its jurisdiction.
          const { index, jurisdiction } = e.culprit;
          const who = (byJurisdiction.get(jurisdiction) ?? []).map((n) => n.name).join(' + ');
          const msg = e.message.replace(/ \(culprit: party \d+, [^)]*\)$/, '');
          const named = who ? `${who} (${jurisdiction})` : jurisdiction;
          caught('ngo', `${e.code}: ${msg} (culprit: ${named}, ring position ${index})`);
          return null;
        }
        throw e;
      }
    },
    (q) =>
      q
        ? `${parties.length} jurisdictions, ${q.transcript.length} messages`
        : 'stopped: a hop failed verification',
  );
  if (!quorum) {
    res.learned.ngos =
      'The ring stopped at the tampered hop; the culprit is named. No database is built.';
    const stopped = (): never => {
      throw new ParameterError('simulate.stopped', 'the quorum stopped: no database to build');
    };
    return {
      result: res,
      db: null,
      built: null,
      reviewer: null,
      publicData: new Uint8Array(0),
      manifest: null,
      trust,
      phase,
      emit,
      rng,
      auditVariant: stopped,
      publish: stopped,
      accept: stopped,
    };
  }
  res.learned.ngos = `Each NGO learned list sizes (${parties.map((p) => p.listSize).join(', ')}) and, for each of its own items, which other lists hold it; no other NGO's non-qualifying item.`;

  // ── Builder (SPEC §4) ──────────────────────────────────────────────────────────────────────
  const scope = { deploymentId: config.deploymentId, runId: config.runId };
  const qualifiedItems = (contribs: readonly Uint8Array[]) =>
    intersectContributions(contribs, ringTrust, m, scope).items;
  const xInt = qualifiedItems(quorum.contributions);
  res.intersection = xInt.map(bytesToHex);
  const reviewer = generateReviewerKeyPair(rng);
  const payloadSize = input.payloadSize ?? 64;
  // What the NGOs agreed (each auditing NGO holds this policy itself; SPEC v2 §5 step 4): the
  // reviewer key they chose and exactly the announced parameters.
  const policyFor = (lastSignedVersion: number): AuditPolicy => ({
    deploymentId: config.deploymentId,
    runId: config.runId,
    reviewerKeys: [reviewer.publicKey],
    threshold: { min: input.threshold, max: input.threshold },
    sMax: { min: input.maxSynthetics, max: input.maxSynthetics },
    syntheticRate: { min: input.syntheticRate, max: input.syntheticRate },
    payloadSize: { min: payloadSize, max: payloadSize },
    ratio: { min: input.tableRatio, max: input.tableRatio },
    lastSignedVersion,
  });
  const platformReviewer = generateReviewerKeyPair(rng);
  const params = {
    threshold: input.threshold,
    sMax: input.maxSynthetics,
    syntheticRate32: tamper === 'synthetic-rate' ? 0 : rateToU32(input.syntheticRate),
    payloadSize,
    // Tamper `reviewer`: the platform names its own key besides the NGOs' reviewer.
    reviewerKeys:
      tamper === 'reviewer'
        ? [reviewer.publicKey, platformReviewer.publicKey]
        : [reviewer.publicKey],
  };
  let outsideItem: Uint8Array | null = null;
  if (tamper === 'extra-item' || tamper === 'filler') {
    // An item held by fewer than m jurisdictions (or by none): a target the quorum did not back.
    const all = new Set(xInt.map(bytesToHex));
    outsideItem =
      input.ngos.flatMap((n) => n.items).find((x) => !all.has(bytesToHex(x))) ??
      te.encode('x'.repeat(itemWidth));
  }
  const build = (override: Partial<VoucherParams> = {}) =>
    buildDatabase(tamper === 'extra-item' ? [...xInt, outsideItem as Uint8Array] : xInt, {
      suite,
      params: { ...params, ...override },
      ratio: input.tableRatio,
      itemWidth,
      contributions: quorum.contributions,
      runId: config.runId,
      rng,
    });
  const built = await phase(
    'build',
    build,
    (b) =>
      `${b.items.length} items in ${splitPublicData(b.publicData).cells.length} cells, ${b.dropped.length} dropped`,
  );
  res.dropped = built.dropped.length;
  let pdata: Uint8Array = built.publicData;
  let claimedRoot: Uint8Array = built.root;
  if (tamper === 'filler') {
    // Make x* match without touching X_int: rewrite one of its three cells (a filler when it has
    // one) so that P_{h1(x*)} + P_{h2(x*)} + P_{h3(x*)} = α·H(x*).
    const { header, headerBytes, cells } = splitPublicData(pdata);
    const x = outsideItem as Uint8Array;
    const pos = cellPositions(header.table.nonces, x, cells.length);
    const layout = layoutTable(built.items as Uint8Array[], header.table.nonces, cells.length);
    const taken = new Set(Array.from(layout.order, (i) => layout.free[i] as number));
    const c = pos.find((q) => !taken.has(q)) ?? pos[0];
    const others = pos
      .filter((q) => q !== c)
      .reduce((acc, q) => acc.add(suite.decode(cells[q] as Uint8Array)), suite.identity);
    const next: Uint8Array[] = cells.map((cell) => cell.slice());
    next[c] = suite.encode(suite.mul(hashItem(suite, x), built.alpha).subtract(others));
    pdata = concatList([headerBytes, ...next]);
    claimedRoot = computeRoot(headerBytes, next);
  }
  res.root = bytesToHex(claimedRoot);
  res.learned.builder = `The builder learned only the NGO contributions: ${xInt.length} items backed by ≥ ${m} jurisdictions.`;

  // ── Audit and manifest (SPEC §5) ───────────────────────────────────────────────────────────
  const now = Math.floor(Date.now() / 1000);
  /** Every NGO audits against its own policy; those whose verdict is ok co-sign. */
  const auditAndSign = (
    db: ReturnType<typeof buildDatabase>,
    data: Uint8Array,
    root: Uint8Array,
    version: number,
  ) => {
    const bundle = encodeAuditBundle(db, { version });
    const verdicts = input.ngos.map((n) => ({
      ngo: n,
      v: auditDatabase(data, bundle, {
        claimedRoot: root,
        qualifiedItems,
        policy: policyFor(version - 1),
      }),
    }));
    const ok = verdicts.filter((x) => x.v.ok);
    const first = ok[0]?.v;
    if (!first?.ok) return { verdicts, manifest: null, signers: [] as string[] };
    const body = encodeManifestBody(
      manifestBodyFor(data, first, { notBefore: now - 60, notAfter: now + 30 * 86400 }),
    );
    // Tamper `manifest`: only m-1 jurisdictions sign.
    const seen = new Set<string>();
    const signers = ok.filter((x) => {
      if (tamper !== 'manifest') return true;
      if (seen.has(x.ngo.jurisdiction)) return true;
      if (seen.size >= m - 1) return false;
      seen.add(x.ngo.jurisdiction);
      return true;
    });
    const sigs: ManifestSignature[] = signers.map((x) => {
      const kp = orgKeys.get(x.ngo.name) as { publicKey: Uint8Array; secretKey: Uint8Array };
      return { publicKey: kp.publicKey, signature: signManifest(kp.secretKey, body) };
    });
    return {
      verdicts,
      manifest: encodeManifest(body, sigs),
      signers: signers.map((x) => x.ngo.name),
    };
  };
  const v1 = await phase(
    'audit',
    () => auditAndSign(built, pdata, claimedRoot, 1),
    (r) =>
      r.verdicts.map((x) => `${x.ngo.name}: ${x.v.ok ? 'ok' : `FAIL (${x.v.failure})`}`).join(', '),
  );
  res.auditOk = v1.verdicts.every((x) => x.v.ok);
  res.auditFailures = v1.verdicts.flatMap((x) =>
    x.v.ok ? [] : [`${x.ngo.name}: ${x.v.failure}: ${x.v.reason}`],
  );
  if (!res.auditOk) caught('audit', res.auditFailures[0] as string);
  let manifest = await phase(
    'manifest',
    () => {
      res.manifestSigners = v1.signers;
      return v1.manifest;
    },
    (mf) => (mf ? `signed by ${res.manifestSigners.join(', ')}` : 'no NGO signs: audit failed'),
  );
  if (tamper === 'cell') {
    // After signing, the platform swaps one cell for a target of its own.
    const { headerBytes, cells } = splitPublicData(pdata);
    const next: Uint8Array[] = cells.map((c) => c.slice());
    next[0] = suite.encode(suite.mul(hashItem(suite, te.encode('platform target')), built.alpha));
    pdata = concatList([headerBytes, ...next]);
  }

  // ── Client acceptance (SPEC §5) ────────────────────────────────────────────────────────────
  /** The client's own configuration: trust list, rule, deployment id, highest version accepted. */
  let highestAccepted = 0;
  const accept = (data: Uint8Array, mf: Uint8Array): ClientDatabase | string => {
    try {
      const db = acceptDatabase(data, mf, {
        trust,
        m,
        deploymentId: config.deploymentId,
        minVersion: highestAccepted,
      });
      highestAccepted = db.accepted.version;
      return db;
    } catch (e) {
      if (e instanceof QuorumPsiError) return `${e.code}: ${e.message}`;
      throw e;
    }
  };
  let db = await phase(
    'client-accept',
    () => {
      if (!manifest) {
        res.clientRefusal = 'no manifest: the NGOs did not sign';
        return null;
      }
      const out = accept(pdata, manifest);
      if (typeof out === 'string') {
        res.clientRefusal = out;
        caught('client', out);
        return null;
      }
      return out;
    },
    (d) => (d ? `accepted version ${d.accepted?.version}` : `refused (${res.clientRefusal})`),
  );
  let current = built;
  if (tamper === 'rollback' && db && manifest) {
    // Version 2 is built, audited (each NGO last signed version 1) and accepted; then the
    // platform serves the still-valid version 1 again.
    const old = { pdata, manifest };
    const update = await phase(
      'update',
      () => {
        const b2 = build();
        const r2 = auditAndSign(b2, b2.publicData, b2.root, 2);
        const d2 = r2.manifest ? accept(b2.publicData, r2.manifest) : 'no manifest';
        const rolled = accept(old.pdata, old.manifest);
        return { b2, r2, d2, rolled };
      },
      (u) =>
        `version 2 ${typeof u.d2 === 'string' ? `refused (${u.d2})` : 'accepted'}; version 1 served again: ${typeof u.rolled === 'string' ? `refused (${u.rolled})` : 'ACCEPTED'}`,
    );
    if (typeof update.d2 !== 'string' && update.r2.manifest) {
      db = update.d2;
      current = update.b2;
      pdata = update.b2.publicData;
      manifest = update.r2.manifest;
      res.root = bytesToHex(update.b2.root);
    }
    if (typeof update.rolled === 'string') {
      res.clientRefusal = update.rolled;
      caught('client', update.rolled);
    }
  }
  res.clientAccepted = db !== null;
  if (!db) res.learned.client = 'The client refused the database and uploaded nothing.';
  return {
    result: res,
    db,
    built: current,
    reviewer,
    publicData: pdata,
    manifest,
    trust,
    phase,
    emit,
    rng,
    auditVariant: (override, version) => {
      const b = build(override);
      return auditAndSign(b, b.publicData, b.root, version).verdicts.map((x) => ({
        ngo: x.ngo.name,
        ok: x.v.ok,
        failure: x.v.ok ? null : x.v.failure,
        reason: x.v.ok ? null : x.v.reason,
      }));
    },
    publish: (version) => {
      const b = build();
      return {
        pdata: b.publicData,
        manifest: auditAndSign(b, b.publicData, b.root, version).manifest,
      };
    },
    accept,
  };
}

// ── Vouchers, ingest, reveal, review (SPEC §6, §7) ───────────────────────────────────────────

/** Vouchers for every upload, server ingest, one reveal attempt, reviewer opening. */
export async function runUploads(
  input: SimulateInput,
  db: ClientDatabase,
  built: ReturnType<typeof buildDatabase>,
  reviewer: { publicKey: Uint8Array; secretKey: Uint8Array },
  res: SimulateResult,
  phase: <T>(p: SimPhase, fn: () => Promise<T> | T, summary: (t: T) => string) => Promise<T>,
  emit: (e: SimEvent) => void,
  rng: Rng,
): Promise<void> {
  // The account takes suite, T, s_max and p from the accepted database (and pins them).
  const account = ClientAccount.create({ database: db, rng });
  const vouchers = await phase(
    'vouchers',
    async () => {
      const out: Uint8Array[] = [];
      for (const [i, u] of input.uploads.entries()) {
        const payload = u.payload ?? te.encode(`photo ${bytesToHex(u.id)}`);
        out.push(createVoucher(account, db, { item: u.item, id: u.id, payload }, rng));
        if (i % 16 === 15)
          emit({ type: 'progress', phase: 'vouchers', done: i + 1, total: input.uploads.length });
      }
      return out;
    },
    (v) =>
      `${v.length} voucher${v.length === 1 ? '' : 's'} (${account.syntheticCount} synthetic), ${v[0]?.length ?? 0} bytes each`,
  );
  res.vouchers = vouchers.length;
  res.syntheticIssued = account.syntheticCount;
  const serverDb = ServerDatabase.fromBytes(ServerDatabase.fromBuild(built).toBytes());
  const server = new ServerAccount({ database: serverDb });
  const registry = new DatabaseRegistry().add(serverDb);
  await phase(
    'ingest',
    () => server.ingestBatch(vouchers, registry),
    (o) =>
      `${o.filter((x) => x.kind === 'match').length} candidates, ${o.filter((x) => x.kind === 'non-match').length} non-matches`,
  );
  res.candidates = server.candidates.length;
  const reveal = await phase(
    'reveal',
    () => server.reveal(),
    (r) => r.kind,
  );
  res.revealOutcome = reveal.kind;
  res.revealed = reveal.kind === 'revealed';
  res.learned.client =
    'The client learned nothing about which items matched: it receives no answer.';
  if (reveal.kind !== 'revealed') {
    res.learned.server = `Below the threshold the server learned ${vouchers.length} ids and that ${res.candidates} of them are candidates (real or synthetic, indistinguishable).`;
    return;
  }
  res.revealedIds = reveal.revealed.map((r) => bytesToHex(r.id)).sort();
  res.syntheticIds = reveal.syntheticIds.map(bytesToHex).sort();
  res.learned.server = `At the threshold the server learned which ${res.revealedIds.length} ids are real matches and which ${res.syntheticIds.length} are synthetic; it holds only sealed payloads it cannot read.`;
  const opened = await phase(
    'review',
    async () => {
      const out: { id: string; payload: string }[] = [];
      for (const r of reveal.revealed) {
        const padded = openAsReviewer(reviewer.secretKey, 0, r.ad, {
          databaseId: r.databaseId,
          voucherId: r.id,
          context: new Uint8Array(0),
        });
        const p = unpadPayload(padded);
        const text = new TextDecoder('utf-8', { fatal: false }).decode(p);
        out.push({
          id: bytesToHex(r.id),
          payload: /^[\x20-\x7e]*$/.test(text) ? text : bytesToHex(p),
        });
      }
      return out.sort((a, b) => (a.id < b.id ? -1 : 1));
    },
    (o) => `the reviewer opened ${o.length} payloads`,
  );
  res.reviewerOpened = opened;
  res.learned.reviewer = `The reviewer opened the ${opened.length} revealed payloads, and nothing else.`;
}

/**
 * Tamper `hop`: the producer of the last stage of a chain in transit replaces its stage by the
 * previous stage's elements (no masking), with a proof for key 1 and its own valid signature.
 */
function skipMasking(
  config: QuorumConfig,
  bytes: Uint8Array,
  producerKey: Uint8Array,
  rng: Rng,
): Uint8Array {
  const { suite, sessionDigest } = config;
  const chain = decodeNgoChain(bytes);
  const s = chain.stages.length;
  const producer = stageProducer(config, chain.owner, s - 1);
  const prevStage = chain.stages[s - 2] as NgoStage;
  const prev = decodeElementList(suite, prevStage.list, chain.n);
  const list = prevStage.list.slice();
  const proof = generateProof(
    suite,
    hopDleqConfig(config, chain.owner, s - 1),
    1n,
    {
      A: suite.G,
      B: suite.G,
      C: prev,
      D: prev,
      binding: hopProofBinding(config, chain.owner, s - 1),
    },
    rng,
  );
  const body = stageStatement(sessionDigest, chain.owner, s - 1, producer, chain.n, list, proof);
  const stages: NgoStage[] = [
    ...chain.stages.slice(0, s - 1),
    { list, proof, signature: signStatement(producerKey, SIG_LABEL.ngoStage, body) },
  ];
  return encodeNgoChain(suite, sessionDigest, chain.owner, chain.n, stages);
}

/**
 * Deterministic byte source for reproducible simulations and known-answer tests: the blocks
 * `SHA-256(seed ‖ u64 counter)`, counter from 0, consumed in order. Replays fixed randomness
 * through `rng`; never use it for secrets of a real deployment.
 */
export function seededRng(seed: Uint8Array): Rng {
  let counter = 0n;
  let pool = new Uint8Array(0);
  return (n: number) => {
    const out = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      if (pool.length === 0) {
        const c = new Uint8Array(8);
        new DataView(c.buffer).setBigUint64(0, counter++);
        pool = sha256(concatBytes(seed, c));
      }
      const take = Math.min(pool.length, n - off);
      out.set(pool.subarray(0, take), off);
      pool = pool.subarray(take);
      off += take;
    }
    return out;
  };
}
