/**
 * Server side of the threshold voucher protocol (SPEC §7).
 *
 * - {@link ServerDatabase}: the secret `α` of one live database version, with the parameters
 *   needed to check vouchers (exportable as integrity-checked bytes; several versions may be live
 *   at once, {@link DatabaseRegistry}).
 * - {@link ServerAccount}: per-account state: candidate tuples `(id, r, adct, share)` and the ids
 *   of non-matching vouchers. {@link ServerAccount.ingest} never throws for bad vouchers: every
 *   outcome (match, non-match, duplicate, unknown database, malformed, bad plaintext, …) is a
 *   value. A voucher that yields neither `match` nor `non-match` leaves the state untouched; a
 *   `non-match` records its id unless the id is already held (as a candidate or a non-match).
 *   Exportable/importable as integrity-checked bytes (SPEC v2 §7).
 * - {@link ServerAccount.reveal}: DHF detection, Lagrange reconstruction of `adkey` from `T` real
 *   shares, and opening of every real `adct`; or "below threshold", or "excess synthetics".
 *   A revealed `ad` is sealed to the reviewers; only they can open it (`openAsReviewer`), for
 *   the binding (database id, voucher id, context) the platform claims.
 *
 * Per voucher the server computes one `α·Q` for its one slot (SPEC v2 §7), in constant time
 * (α is secret).
 * Inputs are copied at the boundary and outputs are fresh copies: no result aliases the state,
 * and no state aliases a caller's buffer.
 * @module server
 */

import {
  DB_ID_LENGTH,
  KIND,
  LABEL,
  MAX_ACCOUNT_ENTRIES,
  MAX_ID_LENGTH,
  STATE_CHECKSUM_LABEL,
} from '../core/constants.js';
import { decodeWith, Writer } from '../core/encoding.js';
import { DecodeError, ParameterError, QuorumPsiError } from '../core/errors.js';
import { scalarField } from '../core/field.js';
import { defaultSuite, type Suite } from '../core/suite.js';
import { kdf, openRandomNonce, openSingleUse } from '../core/symmetric.js';
import { bytesToHex, checkBytes, equalBytes, ownBytes as own } from '../core/utils.js';
import type { BuiltDatabase } from '../database/built-database.js';
import { decodeHeader, type PublicHeader, type VoucherParams } from '../database/pdata.js';
import { type DhfValue, decodeDhfValue, dhfDetect } from '../threshold/dhf.js';
import { combine } from '../threshold/shamir.js';
import {
  adctAad,
  adctLength,
  appendChecksum,
  checkAccountParams,
  decodeVoucher,
  dhfValueLength,
  rctAad,
  rctLength,
  slotKey,
  verifyChecksum,
} from './voucher.js';

/** Reviewers unpad an opened payload with this (SPEC §6 step 1); see src/voucher/voucher.ts. */
export { unpadPayload } from './voucher.js';

// ── Database secrets ───────────────────────────────────────────────────────────────────────

/** One live database version as the server holds it. */
export class ServerDatabase {
  readonly suite: Suite;
  readonly header: PublicHeader;
  readonly #databaseId: Uint8Array;
  readonly #alpha: bigint;
  readonly #headerBytes: Uint8Array;

  private constructor(
    databaseId: Uint8Array,
    alpha: bigint,
    header: PublicHeader,
    headerBytes: Uint8Array,
  ) {
    this.suite = header.suite;
    this.header = header;
    this.#databaseId = databaseId;
    this.#alpha = alpha;
    this.#headerBytes = headerBytes;
  }

  get params(): VoucherParams {
    return this.header.params;
  }
  /** The database id (a fresh copy). */
  get databaseId(): Uint8Array {
    return this.#databaseId.slice();
  }

  /**
   * The secret for a database the builder just built. Copies the public-data header and the
   * database id, and checks `α·G = L` and that the database id is the root's prefix
   * ({@link ParameterError} `params.database` otherwise).
   */
  static fromBuild(db: BuiltDatabase): ServerDatabase {
    if (typeof db !== 'object' || db === null) throw new TypeError('"db" expected a BuiltDatabase');
    checkBytes('db.publicData', db.publicData);
    // Find the header's length, then copy the header and decode the copy (the one kept).
    const { length } = decodeHeader(db.publicData);
    const hb = Uint8Array.from(db.publicData.subarray(0, length));
    const { header } = decodeHeader(hb);
    const id = own('db.databaseId', db.databaseId, DB_ID_LENGTH);
    const root = own('db.root', db.root, 32);
    if (!equalBytes(root.subarray(0, DB_ID_LENGTH), id)) {
      throw new ParameterError('params.database', 'database id is not the root prefix');
    }
    const alpha = db.alpha;
    const q = header.suite.order;
    if (typeof alpha !== 'bigint' || alpha <= 0n || alpha >= q) {
      throw new ParameterError('params.database', 'α must be a scalar in [1, q-1]');
    }
    if (!header.suite.mulBase(alpha).equals(header.L)) {
      throw new ParameterError('params.database', 'α does not match L');
    }
    return new ServerDatabase(id, alpha, header, hb);
  }

  /** `α·Q` in constant time. */
  blind(Q: ReturnType<Suite['decode']>) {
    return this.suite.mul(Q, this.#alpha);
  }

  /**
   * Serialize (docs/wire-format.md "Server database secret"): `header(kind 0x05, suite) ‖
   * database id (16) ‖ α (Ns) ‖ u32 len ‖ pdata header ‖ SHA-256 checksum (32)`.
   * Contains `α`: keep it secret.
   */
  toBytes(): Uint8Array {
    const body = new Writer()
      .header(KIND.serverDatabaseSecret, this.suite)
      .bytes(this.#databaseId)
      .bytes(this.suite.encodeScalar(this.#alpha))
      .vec32(this.#headerBytes)
      .finish();
    return appendChecksum(STATE_CHECKSUM_LABEL.serverDatabase, body);
  }

  /**
   * Strict inverse of {@link toBytes}. The bytes are copied and the checksum verified first: a
   * corrupted, truncated or extended secret is a {@link DecodeError} (`decode.integrity`).
   */
  static fromBytes(bytes: Uint8Array): ServerDatabase {
    const what = 'server database secret';
    const body = verifyChecksum(
      what,
      STATE_CHECKSUM_LABEL.serverDatabase,
      bytes,
      KIND.serverDatabaseSecret,
    );
    return decodeWith(what, body, (r) => {
      const suite = r.header(KIND.serverDatabaseSecret) as Suite;
      const id = r.bytes(DB_ID_LENGTH).slice();
      const alpha = r.scalar(suite);
      if (alpha === 0n) throw new DecodeError('decode.range', `${what}: α = 0`);
      const hb = r.vec32('header', 1 << 16).slice();
      const { header, length } = decodeHeader(hb);
      if (length !== hb.length || header.suite !== suite) {
        throw new DecodeError('decode.invalid', `${what}: header mismatch`);
      }
      if (!suite.mulBase(alpha).equals(header.L)) {
        throw new DecodeError('decode.invalid', `${what}: α does not match L`);
      }
      return new ServerDatabase(id, alpha, header, hb);
    });
  }
}

/** The live database versions, by id. */
export class DatabaseRegistry {
  readonly #dbs = new Map<string, ServerDatabase>();
  add(db: ServerDatabase): this {
    if (!(db instanceof ServerDatabase)) throw new TypeError('"db" expected a ServerDatabase');
    this.#dbs.set(bytesToHex(db.databaseId), db);
    return this;
  }
  remove(databaseId: Uint8Array): boolean {
    return this.#dbs.delete(bytesToHex(checkBytes('databaseId', databaseId)));
  }
  get(databaseId: Uint8Array): ServerDatabase | undefined {
    return this.#dbs.get(bytesToHex(checkBytes('databaseId', databaseId)));
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

function copyCandidate(c: Candidate): Candidate {
  return {
    id: c.id.slice(),
    r: c.r.slice(),
    adct: c.adct.slice(),
    x: c.x,
    y: c.y,
    databaseId: c.databaseId.slice(),
  };
}

/** Result of ingesting one voucher. Never an exception for bad input. */
export type IngestOutcome =
  | { kind: 'match'; id: Uint8Array }
  | { kind: 'non-match'; id: Uint8Array }
  | { kind: 'duplicate'; id: Uint8Array }
  | { kind: 'conflict'; id: Uint8Array; reason: string }
  | { kind: 'unknown-database'; databaseId: Uint8Array }
  | { kind: 'parameter-mismatch'; reason: string }
  | { kind: 'invalid'; id: Uint8Array; reason: 'bad-plaintext' }
  | { kind: 'malformed'; error: QuorumPsiError };

/** One revealed real match: its id, its `ad` (sealed to the reviewers) and its database. */
export interface RevealedPayload {
  readonly id: Uint8Array;
  /**
   * The sealed payload: a reviewer opens it with `openAsReviewer(sk, index, ad, { databaseId,
   * voucherId: id, context })` and unpads it with {@link unpadPayload}.
   */
  readonly ad: Uint8Array;
  readonly databaseId: Uint8Array;
}

/** Result of a reveal attempt. */
export type RevealResult =
  | { kind: 'below-threshold'; candidates: number }
  | { kind: 'excess-synthetics'; candidates: number }
  | {
      kind: 'revealed';
      /** Every real match. */
      revealed: RevealedPayload[];
      /** Ids of the synthetic candidates. */
      syntheticIds: Uint8Array[];
    }
  | { kind: 'inconsistent'; reason: string };

/**
 * The parameters a server account pins: either taken from a {@link ServerDatabase} (`database`;
 * any explicit value must then agree with it) or given explicitly (`suite` defaults to
 * ristretto255-SHA512).
 */
export type ServerAccountOptions =
  | {
      readonly database: ServerDatabase;
      readonly suite?: Suite;
      readonly threshold?: number;
      readonly sMax?: number;
    }
  | {
      readonly database?: undefined;
      readonly suite?: Suite;
      readonly threshold: number;
      readonly sMax: number;
    };

/** Server-side state of one account (SPEC §7). */
export class ServerAccount {
  readonly suite: Suite;
  readonly threshold: number;
  readonly sMax: number;
  readonly #candidates = new Map<string, Candidate>();
  readonly #nonMatches = new Map<string, Uint8Array>();

  /**
   * A new, empty account state. Throws {@link ParameterError} for a value that is not a suite of
   * this library, `T` outside `[2, 1024]`, `s_max` outside `[0, 500]` (`params.suite`,
   * `params.threshold`, `params.sMax`), or an explicit value that differs from `database`'s.
   */
  constructor(opts: ServerAccountOptions) {
    if (typeof opts !== 'object' || opts === null) throw new TypeError('"opts" expected an object');
    const db = opts.database;
    let suite: Suite;
    let threshold: number;
    let sMax: number;
    if (db === undefined) {
      suite = opts.suite === undefined ? defaultSuite() : opts.suite;
      threshold = opts.threshold;
      sMax = opts.sMax;
      checkAccountParams(suite, threshold, sMax);
    } else {
      if (!(db instanceof ServerDatabase)) {
        throw new TypeError('"database" expected a ServerDatabase');
      }
      suite = db.suite;
      threshold = db.params.threshold;
      sMax = db.params.sMax;
      if (opts.suite !== undefined && opts.suite !== suite) {
        throw new ParameterError('params.suite', 'suite differs from the database');
      }
      if (opts.threshold !== undefined && opts.threshold !== threshold) {
        throw new ParameterError('params.threshold', 'T differs from the database');
      }
      if (opts.sMax !== undefined && opts.sMax !== sMax) {
        throw new ParameterError('params.sMax', 's_max differs from the database');
      }
    }
    this.suite = suite;
    this.threshold = threshold;
    this.sMax = sMax;
  }

  /** Candidate tuples held (real and synthetic, indistinguishable below `T`); fresh copies. */
  get candidates(): readonly Candidate[] {
    return [...this.#candidates.values()].map(copyCandidate);
  }
  /** Ids of vouchers that matched nothing (and were not candidates); fresh copies. */
  get nonMatchIds(): readonly Uint8Array[] {
    return [...this.#nonMatches.values()].map((id) => id.slice());
  }

  /** Ingest a batch; one outcome per voucher, in order. A bad voucher never affects the others. */
  ingestBatch(vouchers: readonly Uint8Array[], dbs: DatabaseRegistry): IngestOutcome[] {
    if (!Array.isArray(vouchers)) throw new TypeError('"vouchers" expected an array');
    return vouchers.map((v) => this.ingest(v, dbs));
  }

  /**
   * Ingest one serialized voucher (SPEC §7 "Per voucher"). The bytes are copied first. Never
   * throws for bad bytes: every outcome is a value. `match` adds a candidate; `non-match` records
   * the id unless it is already held; every other outcome leaves the state unchanged.
   */
  ingest(bytes: Uint8Array, dbs: DatabaseRegistry): IngestOutcome {
    if (!(dbs instanceof DatabaseRegistry))
      throw new TypeError('"dbs" expected a DatabaseRegistry');
    let env: ReturnType<typeof decodeVoucher>;
    try {
      env = decodeVoucher(bytes); // decodes a private copy of `bytes`
    } catch (e) {
      return { kind: 'malformed', error: asQpError(e) };
    }
    const dbId = env.databaseId;
    const db = dbs.get(dbId);
    if (!db) return { kind: 'unknown-database', databaseId: dbId.slice() };
    const { suite, params } = db;
    if (env.suite !== suite || suite !== this.suite) {
      return { kind: 'parameter-mismatch', reason: 'suite differs from the database or account' };
    }
    if (params.threshold !== this.threshold || params.sMax !== this.sMax) {
      return { kind: 'parameter-mismatch', reason: 'database T or s_max differs from the account' };
    }
    const id = env.id;
    if (env.rct.length !== rctLength(suite, params)) {
      return {
        kind: 'malformed',
        error: new DecodeError('decode.length', 'voucher: rct length does not match the database'),
      };
    }
    // The one slot (SPEC v2 §7): α·Q, slot key, open ct, then rct. Opens or not.
    let Q: ReturnType<Suite['decode']>;
    try {
      Q = suite.decode(env.slot.Q);
    } catch (e) {
      return { kind: 'malformed', error: asQpError(e) };
    }
    const rkey = openSingleUse(slotKey(suite, dbId, env.slot.Q, db.blind(Q)), env.slot.ct, dbId);
    const opened = rkey === null ? null : openSingleUse(rkey, env.rct, rctAad(dbId, id));
    const key = bytesToHex(id);
    if (opened === null) {
      if (!this.#nonMatches.has(key) && !this.#candidates.has(key)) {
        if (this.#nonMatches.size >= MAX_ACCOUNT_ENTRIES) {
          return {
            kind: 'malformed',
            error: new ParameterError('account.full', 'server account: too many entries'),
          };
        }
        this.#nonMatches.set(key, id.slice());
      }
      return { kind: 'non-match', id: id.slice() };
    }
    const cand = parsePlaintext(suite, params, dbId.slice(), id.slice(), opened);
    if (!cand) return { kind: 'invalid', id: id.slice(), reason: 'bad-plaintext' };
    const prev = this.#candidates.get(key);
    if (prev) {
      return sameTuple(prev, cand)
        ? { kind: 'duplicate', id: id.slice() }
        : {
            kind: 'conflict',
            id: id.slice(),
            reason: 'same id with a different share or DHF value',
          };
    }
    if (this.#candidates.size >= MAX_ACCOUNT_ENTRIES) {
      return {
        kind: 'malformed',
        error: new ParameterError('account.full', 'server account: too many entries'),
      };
    }
    this.#candidates.set(key, cand);
    return { kind: 'match', id: id.slice() };
  }

  /** Reveal attempt (SPEC §7 steps 1-3). Does not change the state; the results are copies. */
  reveal(): RevealResult {
    const cands = [...this.#candidates.values()];
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
    const revealed: RevealedPayload[] = [];
    for (const c of real) {
      const ad = openRandomNonce(adKey, c.adct, adctAad(c.databaseId, c.id));
      if (ad === null)
        return { kind: 'inconsistent', reason: `adct of id ${bytesToHex(c.id)} does not open` };
      revealed.push({ id: c.id.slice(), ad, databaseId: c.databaseId.slice() });
    }
    return {
      kind: 'revealed',
      revealed,
      syntheticIds: det.synthetic.map((i) => (cands[i] as Candidate).id.slice()),
    };
  }

  /**
   * Serialize (docs/wire-format.md "Server account state"): `header(kind 0x04, suite) ‖ u16 T ‖
   * u16 s_max ‖ u32 #candidates ‖ candidates ‖ u32 #non-matches ‖ ids ‖ SHA-256 checksum (32)`;
   * candidate = `u8 |id| ‖ id ‖ database id (16) ‖ r ‖ x ‖ y ‖ u32 |adct| ‖ adct`.
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
    return appendChecksum(STATE_CHECKSUM_LABEL.serverAccount, w.finish());
  }

  /**
   * Strict inverse of {@link toBytes}. The bytes are copied and the checksum verified first: a
   * corrupted, truncated or extended state is a {@link DecodeError} (`decode.integrity`), never
   * a different state.
   */
  static fromBytes(bytes: Uint8Array): ServerAccount {
    const what = 'server account state';
    const body = verifyChecksum(
      what,
      STATE_CHECKSUM_LABEL.serverAccount,
      bytes,
      KIND.serverAccountState,
    );
    return decodeWith(what, body, (r) => {
      const suite = r.header(KIND.serverAccountState) as Suite;
      const threshold = r.u16();
      const sMax = r.u16();
      let acct: ServerAccount;
      try {
        acct = new ServerAccount({ suite, threshold, sMax });
      } catch (e) {
        throw new DecodeError('decode.range', `${what}: ${(e as Error).message}`, { cause: e });
      }
      const readId = () => {
        const n = r.u8();
        if (n < 1 || n > MAX_ID_LENGTH) throw new DecodeError('decode.range', `${what}: id length`);
        return r.bytes(n).slice();
      };
      const nc = r.u32In('candidates', 0, MAX_ACCOUNT_ENTRIES);
      for (let i = 0; i < nc; i++) {
        const id = readId();
        const databaseId = r.bytes(DB_ID_LENGTH).slice();
        const rv = decodeDhfValue(r.bytes(8 * (sMax + 1)), sMax);
        const x = r.scalar(suite);
        const y = r.scalar(suite);
        if (x === 0n) throw new DecodeError('decode.range', `${what}: share x = 0`);
        const adct = r.vec32('adct', 1 << 20).slice();
        const key = bytesToHex(id);
        if (acct.#candidates.has(key))
          throw new DecodeError('decode.duplicate', `${what}: duplicate id`);
        acct.#candidates.set(key, { id, r: rv, adct, x, y, databaseId });
      }
      const nn = r.u32In('non-matches', 0, MAX_ACCOUNT_ENTRIES);
      for (let i = 0; i < nn; i++) {
        const id = readId();
        const key = bytesToHex(id);
        if (acct.#nonMatches.has(key))
          throw new DecodeError('decode.duplicate', `${what}: duplicate id`);
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
