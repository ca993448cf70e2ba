/**
 * Client (device) side of the threshold voucher protocol (SPEC §5 last paragraph, §6).
 *
 * - {@link ClientAccount}: the account state shared by an account's devices: suite, `T`,
 *   `s_max`, the synthetic rate `p` (SPEC v2 §6: a database announcing other values is refused),
 *   one 32-byte seed from which `adkey`, the Shamir polynomial `f` (degree `T-1`,
 *   `f(0) = adkey`), `fkey` and the detectable-hash key are derived, and the ids the account made
 *   synthetic (at most `s_max`; their number is the synthetic counter). Serializable, versioned
 *   and integrity-checked.
 * - {@link ClientDatabase}: validated public data (root recomputed, `L` and cells non-identity and
 *   pairwise distinct; cells decoded lazily, a failing cell rejects the whole database).
 * - {@link createVoucher}: SPEC §6 steps 1-5, or a synthetic voucher. The client's output never
 *   depends on whether the item matched: the same operations run for every item and nothing
 *   comes back from the server.
 *
 * v2 rules implemented here:
 * - **An id's fate is fixed at its first voucher.** An id the account recorded as synthetic is
 *   always synthetic, with the same share `(x, z)` and DHF value `r'`; an id not recorded is
 *   synthetic only if its PRF coin is below `p` and fewer than `s_max` ids are recorded (it is
 *   then recorded). A re-upload (same device, another device holding the state, another database
 *   version) never spends the counter again and never changes the id's fate.
 * - **Payloads are attributable.** `ad = seal(pad(payload))` to the database's reviewer keys,
 *   bound to (database id, voucher id, context).
 * - **Inputs are copied at the boundary** (a Node `Buffer`'s `slice` is a view): every caller
 *   byte array is copied before it is checked, and only the copy is used.
 * @module client
 */

import {
  ACCOUNT_SEED_LENGTH,
  KIND,
  LABEL,
  MAX_ID_LENGTH,
  SEAL_MAX_CONTEXT_BYTES,
  STATE_CHECKSUM_LABEL,
} from '../core/constants.js';
import { decodeWith, Writer } from '../core/encoding.js';
import { DecodeError, ParameterError } from '../core/errors.js';
import { F_ELL, scalarField } from '../core/field.js';
import { sealToReviewers } from '../core/seal.js';
import { defaultSuite, type Suite } from '../core/suite.js';
import { kdf, prf, sealRandomNonce, sealSingleUse, wideLength } from '../core/symmetric.js';
import {
  bytesToHex,
  checkRng,
  concatBytes,
  defaultRng,
  ownBytes as own,
  type Rng,
} from '../core/utils.js';
import { ClientDatabase } from '../database/client-database.js';
import { hashItem } from '../database/items.js';
import type { VoucherParams } from '../database/pdata.js';
import { cellPositions } from '../database/table.js';
import {
  type DhfKey,
  type DhfValue,
  dhfEvaluate,
  dhfKeyFromSeed,
  dhfValueFromBytes,
  dhfXFromBytes,
  encodeDhfValue,
} from '../threshold/dhf.js';
import { type Polynomial, polynomialFromSeed, shareXFromBytes } from '../threshold/shamir.js';
import {
  adctAad,
  adLength,
  appendChecksum,
  checkAccountParams,
  encodeVoucher,
  padPayload,
  rctAad,
  slotKey,
  type VoucherBytes,
  verifyChecksum,
} from './voucher.js';

// Validated public data lives below the client (the manifest's acceptance rule loads it too);
// `quorum-psi/client` keeps exporting it.
export { type AcceptedManifest, ClientDatabase } from '../database/client-database.js';

/**
 * `rng` whose every output is copied (and length-checked) before use: an rng may hand out views
 * of a buffer it reuses, and a voucher keeps some outputs (`rkey`) across later calls.
 */
function ownRng(rng: Rng): Rng {
  checkRng(rng);
  return (n: number) => own('rng output', rng(n), n);
}

// ── Account state ────────────────────────────────────────────────────────────────────────────

/** Everything derived from the account seed (kept in memory only). */
interface AccountSecrets {
  /** Shamir polynomial `f` over `F_q`, degree `T-1`, `f(0) = adkey`. */
  readonly f: Polynomial;
  /** AEAD key for `adct`, derived from `adkey`. */
  readonly adKey: Uint8Array;
  /** PRF key. */
  readonly fkey: Uint8Array;
  /** Detectable-hash key: `s` polynomials over `F_ℓ` of degree ≤ `T-2`. */
  readonly dhf: DhfKey;
}

/**
 * The parameters an account pins (SPEC v2 §6): either taken from an accepted
 * {@link ClientDatabase} (`database`; any explicit value must then agree with it), or given
 * explicitly (`suite` defaults to ristretto255-SHA512). `syntheticRate32` is `p` as a 32-bit
 * fraction, as in {@link VoucherParams} (`rateToU32(p)`).
 */
export type AccountOptions =
  | {
      readonly database: ClientDatabase;
      readonly suite?: Suite;
      readonly threshold?: number;
      readonly sMax?: number;
      readonly syntheticRate32?: number;
    }
  | {
      readonly database?: undefined;
      readonly suite?: Suite;
      readonly threshold: number;
      readonly sMax: number;
      readonly syntheticRate32: number;
    };

interface PinnedParams {
  suite: Suite;
  threshold: number;
  sMax: number;
  syntheticRate32: number;
}

function checkRate32(v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > 0xffffffff) {
    throw new ParameterError(
      'params.synthetic-rate',
      `syntheticRate32 must be an integer in [0, 2^32 - 1], got ${String(v)}`,
    );
  }
  return v;
}

/** Resolve and validate {@link AccountOptions} (every bad value is a {@link ParameterError}). */
function resolveAccountParams(opts: AccountOptions): PinnedParams {
  if (typeof opts !== 'object' || opts === null) {
    throw new TypeError('"opts" expected an object');
  }
  const db = opts.database;
  if (db === undefined) {
    const suite = opts.suite === undefined ? defaultSuite() : opts.suite;
    checkAccountParams(suite, opts.threshold, opts.sMax);
    return {
      suite,
      threshold: opts.threshold,
      sMax: opts.sMax,
      syntheticRate32: checkRate32(opts.syntheticRate32),
    };
  }
  if (!(db instanceof ClientDatabase)) {
    throw new TypeError('"database" expected a ClientDatabase');
  }
  const pinned: PinnedParams = {
    suite: db.suite,
    threshold: db.params.threshold,
    sMax: db.params.sMax,
    syntheticRate32: db.params.syntheticRate32,
  };
  const or = <V>(v: V | undefined, dflt: V): V => (v === undefined ? dflt : v);
  checkPinned(pinned, {
    suite: or(opts.suite, pinned.suite),
    threshold: or(opts.threshold, pinned.threshold),
    sMax: or(opts.sMax, pinned.sMax),
    syntheticRate32: or(opts.syntheticRate32, pinned.syntheticRate32),
  });
  return pinned;
}

/** `have` (an account's pinned values) against `announced`; a difference is a ParameterError. */
function checkPinned(announced: PinnedParams, have: PinnedParams): void {
  if (have.suite !== announced.suite) {
    throw new ParameterError(
      'params.suite',
      `database suite ${announced.suite.name} differs from the account's ${have.suite?.name}`,
    );
  }
  if (have.threshold !== announced.threshold) {
    throw new ParameterError(
      'params.threshold',
      `database T = ${announced.threshold}, account T = ${have.threshold}`,
    );
  }
  if (have.sMax !== announced.sMax) {
    throw new ParameterError(
      'params.sMax',
      `database s_max = ${announced.sMax}, account s_max = ${have.sMax}`,
    );
  }
  if (have.syntheticRate32 !== announced.syntheticRate32) {
    throw new ParameterError(
      'params.synthetic-rate',
      `database p = ${announced.syntheticRate32}/2^32, account p = ${have.syntheticRate32}/2^32`,
    );
  }
}

let secretsOf: (a: ClientAccount) => AccountSecrets;
let syntheticSetOf: (a: ClientAccount) => Map<string, Uint8Array>;

/**
 * The account state shared by an account's devices (SPEC §6 "Account state").
 * Mutable only in its set of synthetic ids; persist {@link ClientAccount.toBytes} after each
 * upload batch and share it with the account's other devices.
 */
export class ClientAccount {
  readonly suite: Suite;
  readonly threshold: number;
  readonly sMax: number;
  /** The synthetic rate `p` as a 32-bit fraction (`p = syntheticRate32 / 2^32`). */
  readonly syntheticRate32: number;
  readonly #seed: Uint8Array;
  /** Ids made synthetic, by hex, in the order they were recorded (at most `s_max`). */
  readonly #synthetic: Map<string, Uint8Array>;
  #secrets: AccountSecrets | undefined;

  private constructor(p: PinnedParams, seed: Uint8Array, synthetic: Map<string, Uint8Array>) {
    this.suite = p.suite;
    this.threshold = p.threshold;
    this.sMax = p.sMax;
    this.syntheticRate32 = p.syntheticRate32;
    this.#seed = seed;
    this.#synthetic = synthetic;
  }

  /** Synthetic vouchers issued so far: the number of ids recorded as synthetic (≤ `s_max`). */
  get syntheticCount(): number {
    return this.#synthetic.size;
  }

  /** The ids this account made synthetic, in the order they were recorded (fresh copies). */
  get syntheticIds(): Uint8Array[] {
    return [...this.#synthetic.values()].map((id) => id.slice());
  }

  /** A new account with a fresh seed from `rng`. */
  static create(opts: AccountOptions & { readonly rng?: Rng }): ClientAccount {
    const rng = ownRng(opts?.rng ?? defaultRng);
    return ClientAccount.fromSeed(rng(ACCOUNT_SEED_LENGTH), opts);
  }

  /** The account for a given seed (all devices of an account share it). The seed is copied. */
  static fromSeed(seed: Uint8Array, opts: AccountOptions): ClientAccount {
    const s = own('seed', seed, ACCOUNT_SEED_LENGTH);
    return new ClientAccount(resolveAccountParams(opts), s, new Map());
  }

  static {
    // Module-internal access to the derived secrets (computed once per instance) and to the
    // synthetic set; they are not part of the public API.
    secretsOf = (a: ClientAccount): AccountSecrets => {
      if (!a.#secrets) a.#secrets = deriveAccountSecrets(a.suite, a.threshold, a.sMax, a.#seed);
      return a.#secrets;
    };
    syntheticSetOf = (a: ClientAccount) => a.#synthetic;
  }

  /**
   * Serialize (docs/wire-format.md "Client account state"):
   * `header(kind 0x03, suite) ‖ u16 T ‖ u16 s_max ‖ u32 p ‖ seed (32) ‖ u16 n ‖
   * n × (u8 |id| ‖ id) ‖ SHA-256 checksum (32)`. Contains the account seed: store it as a secret.
   */
  toBytes(): Uint8Array {
    const w = new Writer()
      .header(KIND.accountState, this.suite)
      .u16(this.threshold)
      .u16(this.sMax)
      .u32(this.syntheticRate32)
      .bytes(this.#seed)
      .u16(this.#synthetic.size);
    for (const id of this.#synthetic.values()) w.u8(id.length).bytes(id);
    return appendChecksum(STATE_CHECKSUM_LABEL.clientAccount, w.finish());
  }

  /**
   * Strict inverse of {@link toBytes}. The bytes are copied and the checksum verified first: a
   * corrupted, truncated or extended state is a {@link DecodeError} (`decode.integrity`), never
   * a different account.
   */
  static fromBytes(bytes: Uint8Array): ClientAccount {
    const what = 'account state';
    const body = verifyChecksum(what, STATE_CHECKSUM_LABEL.clientAccount, bytes, KIND.accountState);
    return decodeWith(what, body, (r) => {
      const suite = r.header(KIND.accountState) as Suite;
      const threshold = r.u16();
      const sMax = r.u16();
      const syntheticRate32 = r.u32();
      const seed = r.bytes(ACCOUNT_SEED_LENGTH).slice();
      let p: PinnedParams;
      try {
        checkAccountParams(suite, threshold, sMax);
        p = { suite, threshold, sMax, syntheticRate32 };
      } catch (e) {
        throw new DecodeError('decode.range', `${what}: ${(e as Error).message}`, { cause: e });
      }
      const n = r.u16();
      if (n > sMax) throw new DecodeError('decode.range', `${what}: ${n} synthetic ids > s_max`);
      const synthetic = new Map<string, Uint8Array>();
      for (let i = 0; i < n; i++) {
        const len = r.u8();
        if (len < 1 || len > MAX_ID_LENGTH)
          throw new DecodeError('decode.range', `${what}: id length ${len}`);
        const id = r.bytes(len).slice();
        const key = bytesToHex(id);
        if (synthetic.has(key))
          throw new DecodeError('decode.duplicate', `${what}: synthetic id listed twice`);
        synthetic.set(key, id);
      }
      return new ClientAccount(p, seed, synthetic);
    });
  }
}

/** Derive `f`, `adkey`'s AEAD key, `fkey` and the DHF key from the account seed (SPEC §6). */
function deriveAccountSecrets(
  suite: Suite,
  T: number,
  s: number,
  seed: Uint8Array,
): AccountSecrets {
  const ctx = Uint8Array.of(suite.id);
  const f = polynomialFromSeed(
    scalarField(suite),
    T,
    kdf(seed, LABEL.accountShamir, ctx, 32),
    LABEL.accountShamir,
  );
  const adkey = f.evaluate(0n);
  const adKey = kdf(suite.encodeScalar(adkey), LABEL.adKey, ctx, 32);
  const fkey = kdf(seed, LABEL.accountFkey, ctx, 32);
  const dhf = dhfKeyFromSeed(kdf(seed, LABEL.accountDhf, ctx, 32), T, s);
  return { f, adKey, fkey, dhf };
}

// ── Vouchers ────────────────────────────────────────────────────────────────────────────────

/** What a client uploads for one item. */
export interface VoucherInput {
  /** The item `y` (e.g. a perceptual hash), exactly the database's item width. */
  item: Uint8Array;
  /** Caller-chosen identifier, 1..64 bytes, not secret (same id ⇒ counted once). */
  id: Uint8Array;
  /** Associated data (≤ the database's payload size). */
  payload: Uint8Array;
  /**
   * Application context the sealed payload is bound to, 0..64 bytes (default empty): the account
   * identifier the platform will claim, so a reviewer can check the payload belongs to it.
   */
  context?: Uint8Array;
}

/** Per-id PRF outputs for every voucher (SPEC §6 step 2): the share's `x` and the DHF input `x'`. */
function deriveForId(
  acct: ClientAccount,
  id: Uint8Array,
): { x: bigint; xPrime: bigint; xPrimeBytes: Uint8Array } {
  const { fkey } = secretsOf(acct);
  const Fq = scalarField(acct.suite);
  // x ∈ [1, q-1]: (v mod (q-1)) + 1; x' = v' mod ℓ.
  const x = shareXFromBytes(Fq, prf(fkey, LABEL.prfShareX, id, wideLength(Fq.p)));
  const xPrimeBytes = prf(fkey, LABEL.prfDhfX, id, F_ELL.wideBytes);
  return { x, xPrime: dhfXFromBytes(xPrimeBytes), xPrimeBytes };
}

/**
 * Per-id PRF outputs only a synthetic voucher needs: the dummy share value `z` and the dummy
 * DHF value `r' = (x', r'_1 … r'_s)` (computed only when the voucher is synthetic).
 */
function deriveDummies(
  acct: ClientAccount,
  id: Uint8Array,
  xPrimeBytes: Uint8Array,
): { z: bigint; rPrime: DhfValue } {
  const { fkey } = secretsOf(acct);
  const Fq = scalarField(acct.suite);
  const z = Fq.fromBytesReduce(prf(fkey, LABEL.prfDummyZ, id, wideLength(Fq.p)));
  // Coordinate 0 is x' (from the same PRF bytes), then r'_1 … r'_s.
  const r = prf(fkey, LABEL.prfDummyR, id, F_ELL.wideBytes * acct.sMax);
  return { z, rPrime: dhfValueFromBytes(acct.sMax, concatBytes(xPrimeBytes, r)) };
}

/** Whether the account's PRF coin for `id` is below `p` (before the cap is applied). */
function syntheticCoin(acct: ClientAccount, id: Uint8Array): boolean {
  const c = prf(secretsOf(acct).fkey, LABEL.prfSynthetic, id, 4);
  const v =
    (c[0] as number) * 2 ** 24 +
    (((c[1] as number) << 16) | ((c[2] as number) << 8) | (c[3] as number));
  return v < acct.syntheticRate32;
}

/**
 * The fate of `id` (SPEC v2 §6 "an id's fate is fixed at its first voucher"):
 * `recorded` — already synthetic; `new` — synthetic now (coin below `p`, fewer than `s_max`
 * recorded; the caller records it once the voucher is built); `real` otherwise.
 */
function fateOf(acct: ClientAccount, id: Uint8Array): 'recorded' | 'new' | 'real' {
  const set = syntheticSetOf(acct);
  if (set.has(bytesToHex(id))) return 'recorded';
  if (set.size >= acct.sMax) return 'real';
  return syntheticCoin(acct, id) ? 'new' : 'real';
}

function checkDatabase(acct: ClientAccount, db: ClientDatabase): void {
  if (!(acct instanceof ClientAccount)) throw new TypeError('"acct" expected a ClientAccount');
  if (!(db instanceof ClientDatabase)) throw new TypeError('"db" expected a ClientDatabase');
  // SPEC v2 §6: a database announcing another suite, T, s_max or p is refused.
  checkPinned(
    {
      suite: db.suite,
      threshold: db.params.threshold,
      sMax: db.params.sMax,
      syntheticRate32: db.params.syntheticRate32,
    },
    acct,
  );
}

function checkItem(db: ClientDatabase, item: Uint8Array): void {
  const width = db.header.table.itemWidth;
  if (item.length !== width) {
    throw new ParameterError(
      'params.item-width',
      `item is ${item.length} bytes; this database's items are ${width} bytes`,
    );
  }
}

function checkId(id: Uint8Array): void {
  if (id.length < 1 || id.length > MAX_ID_LENGTH)
    throw new RangeError(`"id" must be 1..${MAX_ID_LENGTH} bytes, got ${id.length}`);
}

/**
 * The account, database, item and id of a voucher request, checked, with private copies of the
 * item and id (`shape` names the expected input in the error).
 */
function takeItemAndId(
  acct: ClientAccount,
  db: ClientDatabase,
  input: { item: Uint8Array; id: Uint8Array } | null,
  shape: string,
): { item: Uint8Array; id: Uint8Array } {
  checkDatabase(acct, db);
  if (typeof input !== 'object' || input === null) {
    throw new TypeError(`"input" expected an object ${shape}`);
  }
  const item = own('item', input.item);
  const id = own('id', input.id);
  checkItem(db, item);
  checkId(id);
  return { item, id };
}

/** A private copy of the optional application context (default empty). */
function ownContext(context: Uint8Array | undefined): Uint8Array {
  return context === undefined ? new Uint8Array(0) : own('context', context);
}

/** SPEC §6 step 1, first half, on already copied and checked arguments. */
function sealAd(
  db: ClientDatabase,
  id: Uint8Array,
  payload: Uint8Array,
  context: Uint8Array,
  rng: Rng,
): Uint8Array {
  if (context.length > SEAL_MAX_CONTEXT_BYTES) {
    throw new RangeError(
      `"context" must be 0..${SEAL_MAX_CONTEXT_BYTES} bytes, got ${context.length}`,
    );
  }
  const padded = padPayload(db.params, payload);
  return sealToReviewers(
    db.params.reviewerKeys,
    padded,
    { databaseId: db.databaseId, voucherId: id, context },
    rng,
  );
}

/**
 * Create the voucher for one item (SPEC §6 steps 1-5), or a synthetic voucher when the id's
 * fate says so (see the module header); a new synthetic id is recorded in the account: persist
 * the account afterwards.
 *
 * Throws {@link ParameterError} for a database announcing another suite, `T`, `s_max` or `p`
 * than the account (`params.suite`, `params.threshold`, `params.sMax`, `params.synthetic-rate`)
 * and for an item that is not the database's item width (`params.item-width`); `TypeError` /
 * `RangeError` for malformed arguments (an id outside 1..64 bytes, a payload over the payload
 * size, a context over 64 bytes). Every input is copied first.
 */
export function createVoucher(
  acct: ClientAccount,
  db: ClientDatabase,
  input: VoucherInput,
  rng: Rng = defaultRng,
): VoucherBytes {
  const { item, id } = takeItemAndId(acct, db, input, '{ item, id, payload, context? }');
  const payload = own('payload', input.payload);
  const context = ownContext(input.context);
  const r = ownRng(rng);
  const ad = sealAd(db, id, payload, context, r);
  return makeVoucher(acct, db, item, id, ad, r);
}

/** Input of {@link sealPayload}. */
export interface PayloadInput {
  /** The voucher id the payload will travel under (1..64 bytes). */
  id: Uint8Array;
  /** Associated data (≤ the database's payload size). */
  payload: Uint8Array;
  /** Application context (0..64 bytes, default empty), as in {@link VoucherInput}. */
  context?: Uint8Array;
}

/**
 * SPEC §6 step 1, first half, on its own: `ad = seal(pad(payload))` to the database's reviewer
 * keys, bound to (database id, `id`, `context`). Every `ad` of a database has one length. Use
 * with {@link createVoucherSealed} and the same `id` (a reviewer refuses an `ad` that travels
 * under another id); {@link createVoucher} does both.
 */
export function sealPayload(
  db: ClientDatabase,
  input: PayloadInput,
  rng: Rng = defaultRng,
): Uint8Array {
  if (!(db instanceof ClientDatabase)) throw new TypeError('"db" expected a ClientDatabase');
  if (typeof input !== 'object' || input === null) {
    throw new TypeError('"input" expected an object { id, payload, context? }');
  }
  const id = own('id', input.id);
  const payload = own('payload', input.payload);
  const context = ownContext(input.context);
  checkId(id);
  return sealAd(db, id, payload, context, ownRng(rng));
}

/** Input of {@link createVoucherSealed}: the item, its id and the already sealed `ad`. */
export interface SealedVoucherInput {
  item: Uint8Array;
  id: Uint8Array;
  /** Output of {@link sealPayload} for this database and this id. */
  ad: Uint8Array;
}

/**
 * SPEC §6 steps 1 (second half) to 5, with `ad` sealed beforehand by {@link sealPayload}; same
 * rules and errors as {@link createVoucher}.
 */
export function createVoucherSealed(
  acct: ClientAccount,
  db: ClientDatabase,
  input: SealedVoucherInput,
  rng: Rng = defaultRng,
): VoucherBytes {
  const { item, id } = takeItemAndId(acct, db, input, '{ item, id, ad }');
  const ad = own('ad', input.ad, adLength(db.params));
  return makeVoucher(acct, db, item, id, ad, ownRng(rng));
}

/** Steps 1 (second half) to 5 on checked, private copies; records a new synthetic id. */
function makeVoucher(
  acct: ClientAccount,
  db: ClientDatabase,
  item: Uint8Array,
  id: Uint8Array,
  ad: Uint8Array,
  rng: Rng,
): VoucherBytes {
  const fate = fateOf(acct, id);
  const voucher =
    fate === 'real'
      ? buildReal(acct, db, item, id, ad, rng)
      : buildSynthetic(acct, db, id, ad.length, rng);
  // Record only once the voucher exists, so a failure leaves the account unchanged.
  if (fate === 'new') syntheticSetOf(acct).set(bytesToHex(id), id.slice());
  return voucher;
}

function rctPlaintext(
  suite: Suite,
  r: DhfValue,
  adct: Uint8Array,
  x: bigint,
  y: bigint,
): Uint8Array {
  return concatBytes(encodeDhfValue(r), adct, suite.encodeScalar(x), suite.encodeScalar(y));
}

function buildReal(
  acct: ClientAccount,
  db: ClientDatabase,
  item: Uint8Array,
  id: Uint8Array,
  ad: Uint8Array,
  rng: Rng,
): VoucherBytes {
  const { suite } = acct;
  const sec = secretsOf(acct);
  const dbId = db.databaseId;
  // Step 1 (second half): adct = AEAD(adkey-derived key, ad).
  const adct = sealRandomNonce(sec.adKey, ad, adctAad(dbId, id), rng);
  // Step 2: share and DHF value from PRF(fkey, id).
  const d = deriveForId(acct, id);
  const y = sec.f.evaluate(d.x);
  const r = dhfEvaluate(sec.dhf, d.xPrime);
  // Step 3: rct under a fresh single-use rkey.
  const rkey = rng(32);
  const rct = sealSingleUse(rkey, rctPlaintext(suite, r, adct, d.x, y), rctAad(dbId, id));
  // Step 4 (v2 single slot): P_y = P_{h1(y)} + P_{h2(y)} + P_{h3(y)}; Q = β·H(y) + γ·G,
  // S = β·P_y + γ·L. If y is placed, P_y = α·H(y) and S = α·Q; otherwise (Q, S) is uniform.
  const Hy = hashItem(suite, item);
  const [w1, w2, w3] = cellPositions(db.header.table.nonces, item, db.header.table.size);
  const Py = db.cell(w1).add(db.cell(w2)).add(db.cell(w3));
  const beta = suite.randomScalar(rng);
  const gamma = suite.randomScalar(rng);
  const Q = suite.mul(Hy, beta).add(suite.mulBase(gamma));
  const S = suite.mul(Py, beta).add(suite.mul(db.L, gamma));
  const Qbytes = suite.encode(Q);
  const slot = { Q: Qbytes, ct: sealSingleUse(slotKey(suite, dbId, Qbytes, S), rkey, dbId) };
  // Step 5: voucher = (database id, id, slot, rct).
  return encodeVoucher({ suite, databaseId: dbId, id, slot, rct });
}

function buildSynthetic(
  acct: ClientAccount,
  db: ClientDatabase,
  id: Uint8Array,
  adLen: number,
  rng: Rng,
): VoucherBytes {
  const { suite } = acct;
  const dbId = db.databaseId;
  // adct encrypts zeros under a throwaway key (same length as a real one).
  const adct = sealRandomNonce(rng(32), new Uint8Array(adLen), adctAad(dbId, id), rng);
  const d = deriveForId(acct, id);
  const { z, rPrime } = deriveDummies(acct, id, d.xPrimeBytes);
  const rkey = rng(32);
  const rct = sealSingleUse(rkey, rctPlaintext(suite, rPrime, adct, d.x, z), rctAad(dbId, id));
  // The one slot always opens: Q = β·G, S = β·L.
  const beta = suite.randomScalar(rng);
  const Q = suite.mulBase(beta);
  const S = suite.mul(db.L, beta);
  const Qbytes = suite.encode(Q);
  const slot = { Q: Qbytes, ct: sealSingleUse(slotKey(suite, dbId, Qbytes, S), rkey, dbId) };
  return encodeVoucher({ suite, databaseId: dbId, id, slot, rct });
}
