/**
 * Client (device) side of the threshold voucher protocol (SPEC §6).
 *
 * - {@link ClientAccount}: the account state shared by an account's devices: suite, `T`,
 *   `s_max`, one 32-byte seed from which `adkey`, the Shamir polynomial `f` (degree `T-1`,
 *   `f(0) = adkey`), `fkey` and the detectable-hash key are derived, and the persistent counter
 *   of synthetic vouchers issued. Serializable and versioned.
 * - {@link ClientDatabase}: validated public data (root recomputed, `L` and cells non-identity and
 *   pairwise distinct; cells decoded lazily, a failing cell rejects the whole database).
 * - {@link createVoucher}: SPEC §6 steps 1-5, or a synthetic voucher when the account's PRF coin
 *   says so and the counter is below `s_max`. The client's output never depends on whether the
 *   item matched: the same operations run for every item and nothing comes back from the server.
 * @module
 */

import { hashItem } from './builder.js';
import { ACCOUNT_SEED_LENGTH, KIND, LABEL, MAX_ID_LENGTH, MAX_PAYLOAD_SIZE } from './constants.js';
import { cellPositions } from './cuckoo.js';
import {
  type DhfKey,
  type DhfValue,
  dhfEvaluate,
  dhfKeyFromSeed,
  dhfValueFromBytes,
  dhfXFromBytes,
  encodeDhfValue,
} from './dhf.js';
import { decodeWith, Writer } from './encoding.js';
import { DecodeError, ParameterError, VerificationError } from './errors.js';
import { F_ELL, scalarField } from './field.js';
import type { Element, Suite } from './group.js';
import { DEFAULT_SUITE } from './group.js';
import {
  computeRoot,
  databaseId,
  type PublicHeader,
  splitPublicData,
  type VoucherParams,
} from './pdata.js';
import { sealToReviewers } from './seal.js';
import { type Polynomial, polynomialFromSeed, shareXFromBytes } from './shamir.js';
import { kdf, prf, sealRandomNonce, sealSingleUse, wideLength } from './symmetric.js';
import { checkBytes, concatBytes, defaultRng, equalBytes, type Rng } from './utils.js';
import {
  adLength,
  encodeVoucher,
  paddedLength,
  SLOT_CT_LENGTH,
  type VoucherBytes,
  type VoucherSlot,
} from './voucher.js';

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

let secretsOf: (a: ClientAccount) => AccountSecrets;

/**
 * The account state shared by an account's devices (SPEC §6 "Account state").
 * Mutable only in its synthetic counter; persist {@link ClientAccount.toBytes} after each
 * upload batch.
 */
export class ClientAccount {
  readonly suite: Suite;
  readonly threshold: number;
  readonly sMax: number;
  /** Synthetic vouchers issued so far (persistent; never exceeds `s_max`). */
  syntheticCount: number;
  readonly #seed: Uint8Array;
  #secrets: AccountSecrets | undefined;

  private constructor(
    suite: Suite,
    threshold: number,
    sMax: number,
    seed: Uint8Array,
    count: number,
  ) {
    this.suite = suite;
    this.threshold = threshold;
    this.sMax = sMax;
    this.#seed = seed;
    this.syntheticCount = count;
  }

  /** A new account with a fresh seed from `rng`. */
  static create(opts: {
    suite?: Suite;
    threshold: number;
    sMax: number;
    rng?: Rng;
  }): ClientAccount {
    const rng = opts.rng ?? defaultRng;
    return ClientAccount.fromSeed(rng(ACCOUNT_SEED_LENGTH), opts);
  }

  /** The account for a given seed (all devices of an account share it). */
  static fromSeed(
    seed: Uint8Array,
    opts: { suite?: Suite; threshold: number; sMax: number },
  ): ClientAccount {
    checkBytes('seed', seed, ACCOUNT_SEED_LENGTH);
    const { threshold, sMax } = opts;
    if (!Number.isSafeInteger(threshold) || threshold < 2 || threshold > 1024) {
      throw new ParameterError(
        'params.threshold',
        `threshold must be in [2, 1024], got ${threshold}`,
      );
    }
    if (!Number.isSafeInteger(sMax) || sMax < 0 || sMax > 500) {
      throw new ParameterError('params.sMax', `sMax must be in [0, 500], got ${sMax}`);
    }
    return new ClientAccount(opts.suite ?? DEFAULT_SUITE, threshold, sMax, seed.slice(), 0);
  }

  static {
    // Module-internal access to the derived secrets (computed once per instance); they are not
    // part of the public API.
    secretsOf = (a: ClientAccount): AccountSecrets => {
      if (!a.#secrets) a.#secrets = deriveAccountSecrets(a.suite, a.threshold, a.sMax, a.#seed);
      return a.#secrets;
    };
  }

  /**
   * Serialize: `header(kind 0x03, suite) ‖ u16 T ‖ u16 s_max ‖ seed (32) ‖ u32 synthetic count`.
   * Contains the account seed: store it as a secret.
   */
  toBytes(): Uint8Array {
    return new Writer()
      .header(KIND.accountState, this.suite)
      .u16(this.threshold)
      .u16(this.sMax)
      .bytes(this.#seed)
      .u32(this.syntheticCount)
      .finish();
  }

  /** Strict inverse of {@link toBytes}. */
  static fromBytes(bytes: Uint8Array): ClientAccount {
    return decodeWith('account state', bytes, (r) => {
      const suite = r.header(KIND.accountState) as Suite;
      const threshold = r.u16();
      const sMax = r.u16();
      const seed = r.bytes(ACCOUNT_SEED_LENGTH).slice();
      const count = r.u32();
      if (threshold < 2 || threshold > 1024 || sMax > 500 || count > sMax) {
        throw new DecodeError('decode.range', 'account state: parameters out of range');
      }
      return new ClientAccount(suite, threshold, sMax, seed, count);
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

// ── Public data ─────────────────────────────────────────────────────────────────────────────

/**
 * Validated public data held by a client (SPEC §5 last paragraph, §6).
 * Construction recomputes the root, checks the cells are pairwise distinct, and decodes `L`;
 * cells are decoded on first use, and a cell that fails to decode rejects the whole database
 * from then on.
 */
export class ClientDatabase {
  readonly header: PublicHeader;
  readonly root: Uint8Array;
  readonly databaseId: Uint8Array;
  /** `L` with a precomputed fixed-base table. */
  readonly L: Element;
  readonly #cells: Uint8Array[];
  readonly #decoded: (Element | undefined)[];
  #rejected: DecodeError | undefined;

  private constructor(header: PublicHeader, root: Uint8Array, cells: Uint8Array[]) {
    this.header = header;
    this.root = root;
    this.databaseId = databaseId(root);
    this.L = header.suite.precompute(header.L);
    this.#cells = cells;
    this.#decoded = new Array(cells.length);
  }

  get suite(): Suite {
    return this.header.suite;
  }
  get params(): VoucherParams {
    return this.header.params;
  }

  /**
   * Load public data. `expectedRoot`, when given (from a verified manifest), must equal the
   * recomputed root. Throws {@link DecodeError} for malformed data, duplicate or identity cells,
   * and {@link VerificationError} for a root mismatch.
   */
  static load(pdata: Uint8Array, expectedRoot?: Uint8Array): ClientDatabase {
    const { header, headerBytes, cells } = splitPublicData(pdata);
    const root = computeRoot(headerBytes, cells);
    if (expectedRoot !== undefined && !equalBytes(root, expectedRoot)) {
      throw new VerificationError('pdata.root', 'public data: root does not match the manifest');
    }
    assertDistinct(cells, header.Lbytes);
    // Copy the cells out of the caller's buffer so later mutation cannot change them.
    const own = pdata.slice();
    const offset = headerBytes.length;
    const Ne = header.suite.elementLength;
    const ownCells = cells.map((_, j) => own.subarray(offset + j * Ne, offset + (j + 1) * Ne));
    return new ClientDatabase(header, root, ownCells);
  }

  /** Cell `j` decoded (cached). A failing cell rejects the database. */
  cell(j: number): Element {
    if (this.#rejected) throw this.#rejected;
    let P = this.#decoded[j];
    if (P === undefined) {
      try {
        P = this.suite.decode(this.#cells[j] as Uint8Array);
      } catch (e) {
        this.#rejected = new DecodeError(
          'pdata.cell',
          `public data: cell ${j} is not a valid element; database rejected`,
          {
            cause: e,
          },
        );
        throw this.#rejected;
      }
      this.#decoded[j] = P;
    }
    return P;
  }

  /** Decode every cell now (for servers and auditors; clients may rely on lazy decoding). */
  decodeAll(): void {
    for (let j = 0; j < this.#cells.length; j++) this.cell(j);
  }
}

/** Pairwise distinctness of the cells and `L` (and, for ristretto255, no all-zero identity). */
function assertDistinct(cells: readonly Uint8Array[], Lbytes: Uint8Array): void {
  const seen = new Map<number, Uint8Array[]>();
  const check = (b: Uint8Array, what: string) => {
    // Bucket by 6 bytes from the middle (uniform for valid encodings), compare fully within.
    const o = b.length - 8;
    const k =
      (b[o] as number) * 2 ** 40 +
      (b[o + 1] as number) * 2 ** 32 +
      (b[o + 2] as number) * 2 ** 24 +
      (((b[o + 3] as number) << 16) | ((b[o + 4] as number) << 8) | (b[o + 5] as number));
    const bucket = seen.get(k);
    if (bucket) {
      for (const c of bucket) {
        if (equalBytes(c, b))
          throw new DecodeError('pdata.duplicate', `public data: duplicate element (${what})`);
      }
      bucket.push(b);
    } else seen.set(k, [b]);
  };
  check(Lbytes, 'L');
  for (let j = 0; j < cells.length; j++) {
    const c = cells[j] as Uint8Array;
    if (c.every((x) => x === 0))
      throw new DecodeError('pdata.identity', `public data: cell ${j} is the identity`);
    check(c, `cell ${j}`);
  }
}

// ── Vouchers ────────────────────────────────────────────────────────────────────────────────

/** What a client uploads for one item. */
export interface VoucherInput {
  /** The item `y` (e.g. a perceptual hash). */
  item: Uint8Array;
  /** Caller-chosen identifier, 1..64 bytes, not secret (same id ⇒ counted once). */
  id: Uint8Array;
  /** Associated data (≤ the database's payload size). */
  payload: Uint8Array;
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

/** Whether the account's PRF coin makes this id synthetic (before the cap is applied). */
function syntheticCoin(acct: ClientAccount, db: ClientDatabase, id: Uint8Array): boolean {
  const c = prf(secretsOf(acct).fkey, LABEL.prfSynthetic, id, 4);
  const v =
    (c[0] as number) * 2 ** 24 +
    (((c[1] as number) << 16) | ((c[2] as number) << 8) | (c[3] as number));
  return v < db.params.syntheticRate32;
}

/** Slot key `KDF(S_j, database id ‖ Q_j)` (SPEC §6 step 4). */
export function slotKey(
  suite: Suite,
  dbId: Uint8Array,
  Qbytes: Uint8Array,
  S: Element,
): Uint8Array {
  return kdf(
    suite.encode(S),
    LABEL.slotKey,
    concatBytes(Uint8Array.of(suite.id), dbId, Qbytes),
    32,
  );
}

/** Associated data of `rct`: database id ‖ id. */
export function rctAad(dbId: Uint8Array, id: Uint8Array): Uint8Array {
  return concatBytes(dbId, Uint8Array.of(id.length), id);
}

function checkCompatible(acct: ClientAccount, db: ClientDatabase): void {
  if (acct.suite !== db.suite) {
    throw new ParameterError(
      'params.suite',
      `database suite ${db.suite.name} differs from the account's ${acct.suite.name}`,
    );
  }
  if (acct.threshold !== db.params.threshold) {
    throw new ParameterError(
      'params.threshold',
      `database T = ${db.params.threshold}, account T = ${acct.threshold}`,
    );
  }
  if (acct.sMax !== db.params.sMax) {
    throw new ParameterError(
      'params.sMax',
      `database s_max = ${db.params.sMax}, account s_max = ${acct.sMax}`,
    );
  }
}

/**
 * Create the voucher for one item (SPEC §6 steps 1-5), or a synthetic voucher when the PRF
 * coin for `id` falls below `p` and fewer than `s_max` synthetics were issued (the account's
 * counter is then incremented: persist the account afterwards).
 *
 * Async only because HPKE sealing to the reviewers is; {@link sealPayload} and
 * {@link createVoucherSealed} are the two halves, for callers that seal ahead of time.
 */
export async function createVoucher(
  acct: ClientAccount,
  db: ClientDatabase,
  input: VoucherInput,
  rng: Rng = defaultRng,
): Promise<VoucherBytes> {
  const ad = await sealPayload(db, input.payload, rng);
  return createVoucherSealed(acct, db, { item: input.item, id: input.id, ad }, rng);
}

/**
 * SPEC §6 step 1, first half: `ad = seal(pad(payload))` to the database's reviewer keys (or the
 * padded payload itself when the database names no reviewer). Every `ad` of a database has one
 * length.
 */
export async function sealPayload(
  db: ClientDatabase,
  payload: Uint8Array,
  rng: Rng = defaultRng,
): Promise<Uint8Array> {
  checkBytes('payload', payload);
  if (payload.length > db.params.payloadSize || payload.length > MAX_PAYLOAD_SIZE) {
    throw new RangeError(
      `"payload" is ${payload.length} bytes, the database allows ${db.params.payloadSize}`,
    );
  }
  const padded = new Uint8Array(paddedLength(db.params));
  padded[0] = payload.length >>> 8;
  padded[1] = payload.length & 0xff;
  padded.set(payload, 2);
  return db.params.reviewerKeys.length === 0
    ? padded
    : await sealToReviewers(db.params.reviewerKeys, padded, db.databaseId, rng);
}

/** Input of {@link createVoucherSealed}: the item, its id and the already sealed `ad`. */
export interface SealedVoucherInput {
  item: Uint8Array;
  id: Uint8Array;
  /** Output of {@link sealPayload} for this database. */
  ad: Uint8Array;
}

/** SPEC §6 steps 1 (second half) to 5, synchronous: see {@link createVoucher}. */
export function createVoucherSealed(
  acct: ClientAccount,
  db: ClientDatabase,
  input: SealedVoucherInput,
  rng: Rng = defaultRng,
): VoucherBytes {
  checkCompatible(acct, db);
  const { item, id, ad } = input;
  checkBytes('item', item);
  checkBytes('id', id);
  checkBytes('ad', ad, adLength(db.params));
  if (id.length < 1 || id.length > MAX_ID_LENGTH)
    throw new RangeError(`"id" must be 1..${MAX_ID_LENGTH} bytes`);
  const synthetic = acct.sMax > 0 && acct.syntheticCount < acct.sMax && syntheticCoin(acct, db, id);
  if (synthetic) acct.syntheticCount++;
  return synthetic
    ? buildSynthetic(acct, db, id, ad.length, rng)
    : buildReal(acct, db, item, id, ad, rng);
}

/** Associated data of `adct`: database id ‖ id. */
export function adctAad(dbId: Uint8Array, id: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(0x61), dbId, Uint8Array.of(id.length), id);
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
  // Step 4: two slots, one per cell position.
  const Hy = hashItem(suite, item);
  const [w1, w2] = cellPositions(db.header.table.nonces, item, db.header.table.size);
  const slot = (w: number): VoucherSlot => {
    const Pw = db.cell(w);
    const beta = suite.randomScalar(rng);
    const gamma = suite.randomScalar(rng);
    const Q = suite.mul(Hy, beta).add(suite.mulBase(gamma)); // Q_j = β·H(y) + γ·G
    const S = suite.mul(Pw, beta).add(suite.mul(db.L, gamma)); // S_j = β·P_w + γ·L
    const Qbytes = suite.encode(Q);
    return { Q: Qbytes, ct: sealSingleUse(slotKey(suite, dbId, Qbytes, S), rkey, dbId) };
  };
  const s1 = slot(w1);
  const s2 = slot(w2);
  // Step 5: random order.
  const swap = ((rng(1)[0] as number) & 1) === 1;
  return encodeVoucher({ suite, databaseId: dbId, id, slots: swap ? [s2, s1] : [s1, s2], rct });
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
  // One slot that always opens: Q = β·G, S = β·L.
  const beta = suite.randomScalar(rng);
  const Q = suite.mulBase(beta);
  const S = suite.mul(db.L, beta);
  const Qbytes = suite.encode(Q);
  const open = { Q: Qbytes, ct: sealSingleUse(slotKey(suite, dbId, Qbytes, S), rkey, dbId) };
  // One random slot: a uniformly random element and random bytes.
  const junk = { Q: suite.encode(suite.mulBase(suite.randomScalar(rng))), ct: rng(SLOT_CT_LENGTH) };
  const swap = ((rng(1)[0] as number) & 1) === 1;
  return encodeVoucher({
    suite,
    databaseId: dbId,
    id,
    slots: swap ? [junk, open] : [open, junk],
    rct,
  });
}
