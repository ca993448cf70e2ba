/**
 * Server side of the threshold voucher protocol (SPEC §7).
 *
 * - {@link ServerDatabase}: the secret `α` of one live database version, with the parameters
 *   needed to check vouchers (exportable as bytes; several versions may be live at once).
 * - {@link ServerAccount}: per-account state: candidate tuples `(id, r, adct, share)` and the ids
 *   of non-matching vouchers. {@link ServerAccount.ingest} never throws for bad vouchers: every
 *   outcome (match, non-match, duplicate, unknown database, malformed, both slots open, …) is a
 *   value, and a bad voucher leaves the state untouched. Exportable/importable as bytes.
 * - {@link ServerAccount.reveal}: DHF detection, Lagrange reconstruction of `adkey` from `T` real
 *   shares, and opening of every real `adct`; or "below threshold", or "excess synthetics".
 *
 * Per voucher the server computes `α·Q_j` for both slots in constant time (α is secret).
 * @module
 */

import type { BuiltDatabase } from './builder.js';
import { adctAad, rctAad, slotKey } from './client.js';
import { DB_ID_LENGTH, KIND, LABEL, MAX_ACCOUNT_ENTRIES, MAX_ID_LENGTH } from './constants.js';
import { type DhfValue, decodeDhfValue, dhfDetect } from './dhf.js';
import { decodeWith, Writer } from './encoding.js';
import { DecodeError, ParameterError, QuorumPsiError } from './errors.js';
import { scalarField } from './field.js';
import type { Suite } from './group.js';
import { decodeHeader, type PublicHeader, type VoucherParams } from './pdata.js';
import { combine } from './shamir.js';
import { kdf, openRandomNonce, openSingleUse } from './symmetric.js';
import { bytesToHex, equalBytes } from './utils.js';
import { adctLength, decodeVoucher, dhfValueLength, rctLength } from './voucher.js';

// ── Database secrets ───────────────────────────────────────────────────────────────────────

/** One live database version as the server holds it. */
export class ServerDatabase {
  readonly suite: Suite;
  readonly databaseId: Uint8Array;
  readonly header: PublicHeader;
  readonly #alpha: bigint;
  readonly #headerBytes: Uint8Array;

  private constructor(
    databaseId: Uint8Array,
    alpha: bigint,
    header: PublicHeader,
    headerBytes: Uint8Array,
  ) {
    this.suite = header.suite;
    this.databaseId = databaseId;
    this.header = header;
    this.#alpha = alpha;
    this.#headerBytes = headerBytes;
  }

  get params(): VoucherParams {
    return this.header.params;
  }

  /** The secret for a database the builder just built. */
  static fromBuild(db: BuiltDatabase): ServerDatabase {
    const { header, length } = decodeHeader(db.publicData);
    return new ServerDatabase(db.databaseId, db.alpha, header, db.publicData.slice(0, length));
  }

  /** `α·Q` in constant time. */
  blind(Q: ReturnType<Suite['decode']>) {
    return this.suite.mul(Q, this.#alpha);
  }

  /**
   * Serialize: `header(kind 0x05, suite) ‖ database id (16) ‖ α (Ns) ‖ u32 len ‖ pdata header`.
   * Contains `α`: keep it secret.
   */
  toBytes(): Uint8Array {
    return new Writer()
      .header(KIND.serverDatabaseSecret, this.suite)
      .bytes(this.databaseId)
      .bytes(this.suite.encodeScalar(this.#alpha))
      .vec32(this.#headerBytes)
      .finish();
  }

  /** Strict inverse of {@link toBytes}. */
  static fromBytes(bytes: Uint8Array): ServerDatabase {
    return decodeWith('server database secret', bytes, (r) => {
      const suite = r.header(KIND.serverDatabaseSecret) as Suite;
      const id = r.bytes(DB_ID_LENGTH).slice();
      const alpha = r.scalar(suite);
      if (alpha === 0n) throw new DecodeError('decode.range', 'server database secret: α = 0');
      const hb = r.vec32('header', 1 << 16).slice();
      const { header, length } = decodeHeader(hb);
      if (length !== hb.length || header.suite !== suite) {
        throw new DecodeError('decode.invalid', 'server database secret: header mismatch');
      }
      if (!suite.mulBase(alpha).equals(header.L)) {
        throw new DecodeError('decode.invalid', 'server database secret: α does not match L');
      }
      return new ServerDatabase(id, alpha, header, hb);
    });
  }
}

/** The live database versions, by id. */
export class DatabaseRegistry {
  readonly #dbs = new Map<string, ServerDatabase>();
  add(db: ServerDatabase): this {
    this.#dbs.set(bytesToHex(db.databaseId), db);
    return this;
  }
  remove(databaseId: Uint8Array): boolean {
    return this.#dbs.delete(bytesToHex(databaseId));
  }
  get(databaseId: Uint8Array): ServerDatabase | undefined {
    return this.#dbs.get(bytesToHex(databaseId));
  }
}

// ── Per-account state ──────────────────────────────────────────────────────────────────────

/** A candidate tuple `(id, r, adct, share)` (SPEC §7). */
export interface Candidate {
  readonly id: Uint8Array;
  /** DHF value `(x', r_1 … r_s)`. */
  readonly r: DhfValue;
  readonly adct: Uint8Array;
  /** Shamir share `(x, y)` over `F_q`. */
  readonly x: bigint;
  readonly y: bigint;
  /** Database the voucher was made for (the `adct` AAD binds it). */
  readonly databaseId: Uint8Array;
}

/** Result of ingesting one voucher. Never an exception for bad input. */
export type IngestOutcome =
  | { kind: 'match'; id: Uint8Array }
  | { kind: 'non-match'; id: Uint8Array }
  | { kind: 'duplicate'; id: Uint8Array }
  | { kind: 'conflict'; id: Uint8Array; reason: string }
  | { kind: 'unknown-database'; databaseId: Uint8Array }
  | { kind: 'parameter-mismatch'; reason: string }
  | { kind: 'invalid'; id: Uint8Array; reason: 'both-slots-open' | 'bad-plaintext' }
  | { kind: 'malformed'; error: QuorumPsiError };

/** Result of a reveal attempt. */
export type RevealResult =
  | { kind: 'below-threshold'; candidates: number }
  | { kind: 'excess-synthetics'; candidates: number }
  | {
      kind: 'revealed';
      /** `(id, ad)` of every real match; `ad` is sealed to the reviewers when the database names any. */
      revealed: { id: Uint8Array; ad: Uint8Array; databaseId: Uint8Array }[];
      /** Ids of the synthetic candidates. */
      syntheticIds: Uint8Array[];
    }
  | { kind: 'inconsistent'; reason: string };

/** Server-side state of one account (SPEC §7). */
export class ServerAccount {
  readonly suite: Suite;
  readonly threshold: number;
  readonly sMax: number;
  readonly #candidates = new Map<string, Candidate>();
  readonly #nonMatches = new Map<string, Uint8Array>();

  constructor(opts: { suite: Suite; threshold: number; sMax: number }) {
    this.suite = opts.suite;
    this.threshold = opts.threshold;
    this.sMax = opts.sMax;
  }

  /** Candidate tuples held (real and synthetic, indistinguishable below `T`). */
  get candidates(): readonly Candidate[] {
    return [...this.#candidates.values()];
  }
  /** Ids of vouchers that matched nothing. */
  get nonMatchIds(): readonly Uint8Array[] {
    return [...this.#nonMatches.values()];
  }

  /** Ingest a batch; one outcome per voucher, in order. A bad voucher never affects the others. */
  ingestBatch(vouchers: readonly Uint8Array[], dbs: DatabaseRegistry): IngestOutcome[] {
    return vouchers.map((v) => this.ingest(v, dbs));
  }

  /** Ingest one serialized voucher (SPEC §7 "Per voucher"). */
  ingest(bytes: Uint8Array, dbs: DatabaseRegistry): IngestOutcome {
    let env: ReturnType<typeof decodeVoucher>;
    try {
      env = decodeVoucher(bytes);
    } catch (e) {
      return { kind: 'malformed', error: asQpError(e) };
    }
    const db = dbs.get(env.databaseId);
    if (!db) return { kind: 'unknown-database', databaseId: env.databaseId.slice() };
    const { suite, params } = db;
    if (env.suite !== suite || suite !== this.suite) {
      return { kind: 'parameter-mismatch', reason: 'suite differs from the database or account' };
    }
    if (params.threshold !== this.threshold || params.sMax !== this.sMax) {
      return { kind: 'parameter-mismatch', reason: 'database T or s_max differs from the account' };
    }
    const id = env.id.slice();
    if (env.rct.length !== rctLength(suite, params)) {
      return {
        kind: 'malformed',
        error: new DecodeError('decode.length', 'voucher: rct length does not match the database'),
      };
    }
    // Both slots: α·Q_j, slot key, open ct_j, then rct.
    let opened: Uint8Array | null = null;
    let opens = 0;
    for (const slot of env.slots) {
      let Q: ReturnType<Suite['decode']>;
      try {
        Q = suite.decode(slot.Q);
      } catch (e) {
        return { kind: 'malformed', error: asQpError(e) };
      }
      const key = slotKey(suite, env.databaseId, slot.Q, db.blind(Q));
      const rkey = openSingleUse(key, slot.ct, env.databaseId);
      if (rkey === null) continue;
      const pt = openSingleUse(rkey, env.rct, rctAad(env.databaseId, id));
      if (pt === null) continue;
      opens++;
      opened = pt;
    }
    if (opens === 2) return { kind: 'invalid', id, reason: 'both-slots-open' };
    const key = bytesToHex(id);
    if (opened === null) {
      if (!this.#nonMatches.has(key)) {
        if (this.#nonMatches.size >= MAX_ACCOUNT_ENTRIES) {
          return {
            kind: 'malformed',
            error: new ParameterError('account.full', 'server account: too many entries'),
          };
        }
        this.#nonMatches.set(key, id);
      }
      return { kind: 'non-match', id };
    }
    const cand = parsePlaintext(suite, params, env.databaseId.slice(), id, opened);
    if (!cand) return { kind: 'invalid', id, reason: 'bad-plaintext' };
    const prev = this.#candidates.get(key);
    if (prev) {
      return sameTuple(prev, cand)
        ? { kind: 'duplicate', id }
        : { kind: 'conflict', id, reason: 'same id with a different share or DHF value' };
    }
    if (this.#candidates.size >= MAX_ACCOUNT_ENTRIES) {
      return {
        kind: 'malformed',
        error: new ParameterError('account.full', 'server account: too many entries'),
      };
    }
    this.#candidates.set(key, cand);
    return { kind: 'match', id };
  }

  /** Reveal attempt (SPEC §7 steps 1-3). Does not change the state. */
  reveal(): RevealResult {
    const cands = this.candidates;
    const T = this.threshold;
    if (cands.length < T) return { kind: 'below-threshold', candidates: cands.length };
    // Step 1: detection over the distinct DHF values.
    let det: ReturnType<typeof dhfDetect>;
    try {
      det = dhfDetect(
        cands.map((c) => c.r),
        T,
        this.sMax,
      );
    } catch (e) {
      // Two candidates with the same x' (probability ~m²/2^64 for honest clients).
      return { kind: 'inconsistent', reason: `detection failed: ${(e as Error).message}` };
    }
    if (det.kind === 'none') return { kind: 'below-threshold', candidates: cands.length };
    if (det.kind === 'excess') return { kind: 'excess-synthetics', candidates: cands.length };
    const real = det.real.map((i) => cands[i] as Candidate);
    if (real.length < T) return { kind: 'below-threshold', candidates: cands.length };
    // Step 2: adkey from T real shares, then every real adct.
    let adkey: bigint;
    try {
      adkey = combine(
        real.slice(0, T).map((c) => ({ x: c.x, y: c.y })),
        T,
        scalarField(this.suite),
      );
    } catch (e) {
      return { kind: 'inconsistent', reason: `reconstruction failed: ${(e as Error).message}` };
    }
    const adKey = kdf(
      this.suite.encodeScalar(adkey),
      LABEL.adKey,
      Uint8Array.of(this.suite.id),
      32,
    );
    const revealed: { id: Uint8Array; ad: Uint8Array; databaseId: Uint8Array }[] = [];
    for (const c of real) {
      const ad = openRandomNonce(adKey, c.adct, adctAad(c.databaseId, c.id));
      if (ad === null)
        return { kind: 'inconsistent', reason: `adct of id ${bytesToHex(c.id)} does not open` };
      revealed.push({ id: c.id, ad, databaseId: c.databaseId });
    }
    return {
      kind: 'revealed',
      revealed,
      syntheticIds: det.synthetic.map((i) => (cands[i] as Candidate).id),
    };
  }

  /**
   * Serialize: `header(kind 0x04, suite) ‖ u16 T ‖ u16 s_max ‖ u32 #candidates ‖ candidates ‖
   * u32 #non-matches ‖ ids`; candidate = `u8 |id| ‖ id ‖ database id (16) ‖ r ‖ x ‖ y ‖ u32 |adct| ‖ adct`.
   */
  toBytes(): Uint8Array {
    const { suite } = this;
    const w = new Writer()
      .header(KIND.serverAccountState, suite)
      .u16(this.threshold)
      .u16(this.sMax)
      .u32(this.#candidates.size);
    for (const c of this.#candidates.values()) {
      w.u8(c.id.length).bytes(c.id).bytes(c.databaseId);
      for (const v of c.r) w.u64(v);
      w.bytes(suite.encodeScalar(c.x)).bytes(suite.encodeScalar(c.y)).vec32(c.adct);
    }
    w.u32(this.#nonMatches.size);
    for (const id of this.#nonMatches.values()) w.u8(id.length).bytes(id);
    return w.finish();
  }

  /** Strict inverse of {@link toBytes}. */
  static fromBytes(bytes: Uint8Array): ServerAccount {
    return decodeWith('server account state', bytes, (r) => {
      const suite = r.header(KIND.serverAccountState) as Suite;
      const threshold = r.u16();
      const sMax = r.u16();
      if (threshold < 2 || threshold > 1024 || sMax > 500) {
        throw new DecodeError('decode.range', 'server account state: parameters out of range');
      }
      const acct = new ServerAccount({ suite, threshold, sMax });
      const readId = () => {
        const n = r.u8();
        if (n < 1 || n > MAX_ID_LENGTH)
          throw new DecodeError('decode.range', 'server account state: id length');
        return r.bytes(n).slice();
      };
      const nc = r.u32In('candidates', 0, MAX_ACCOUNT_ENTRIES);
      for (let i = 0; i < nc; i++) {
        const id = readId();
        const databaseId = r.bytes(DB_ID_LENGTH).slice();
        const rv = decodeDhfValue(r.bytes(8 * (sMax + 1)), sMax);
        const x = r.scalar(suite);
        const y = r.scalar(suite);
        if (x === 0n) throw new DecodeError('decode.range', 'server account state: share x = 0');
        const adct = r.vec32('adct', 1 << 20).slice();
        const key = bytesToHex(id);
        if (acct.#candidates.has(key))
          throw new DecodeError('decode.duplicate', 'server account state: duplicate id');
        acct.#candidates.set(key, { id, r: rv, adct, x, y, databaseId });
      }
      const nn = r.u32In('non-matches', 0, MAX_ACCOUNT_ENTRIES);
      for (let i = 0; i < nn; i++) {
        const id = readId();
        const key = bytesToHex(id);
        if (acct.#nonMatches.has(key))
          throw new DecodeError('decode.duplicate', 'server account state: duplicate id');
        acct.#nonMatches.set(key, id);
      }
      return acct;
    });
  }
}

/** Parse `r ‖ adct ‖ x ‖ y`; `null` if any part is out of range (an authenticated but bad voucher). */
function parsePlaintext(
  suite: Suite,
  params: VoucherParams,
  databaseId: Uint8Array,
  id: Uint8Array,
  pt: Uint8Array,
): Candidate | null {
  const rl = dhfValueLength(params);
  const al = adctLength(params);
  const Ns = suite.scalarLength;
  if (pt.length !== rl + al + 2 * Ns) return null;
  try {
    const r = decodeDhfValue(pt.subarray(0, rl), params.sMax);
    const adct = pt.slice(rl, rl + al);
    const x = suite.decodeScalar(pt.subarray(rl + al, rl + al + Ns));
    const y = suite.decodeScalar(pt.subarray(rl + al + Ns));
    if (x === 0n) return null;
    return { id, r, adct, x, y, databaseId };
  } catch {
    return null;
  }
}

function sameTuple(a: Candidate, b: Candidate): boolean {
  if (a.x !== b.x || a.y !== b.y || a.r.length !== b.r.length) return false;
  for (let i = 0; i < a.r.length; i++) if (a.r[i] !== b.r[i]) return false;
  return equalBytes(a.id, b.id);
}

function asQpError(e: unknown): QuorumPsiError {
  return e instanceof QuorumPsiError
    ? e
    : new DecodeError('decode.invalid', String((e as Error)?.message ?? e), { cause: e });
}

/** Unpad a revealed `ad` of an unsealed database (no reviewer keys): `u16 length ‖ payload ‖ zeros`. */
export function unpadPayload(ad: Uint8Array): Uint8Array {
  if (ad.length < 2) throw new DecodeError('decode.truncated', 'padded payload: truncated');
  const n = ((ad[0] as number) << 8) | (ad[1] as number);
  if (n > ad.length - 2)
    throw new DecodeError('decode.range', 'padded payload: length exceeds padding');
  for (let i = 2 + n; i < ad.length; i++) {
    if (ad[i] !== 0) throw new DecodeError('decode.invalid', 'padded payload: non-zero padding');
  }
  return ad.slice(2, 2 + n);
}
