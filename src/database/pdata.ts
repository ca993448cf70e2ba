/**
 * Public data (`pdata`) of a blinded database (SPEC §4 step 4) and its Merkle root.
 *
 * `pdata = header ‖ cells`, where the header carries the suite, the voucher parameters
 * (`T`, `s_max`, synthetic rate `p`, payload size, 1 to 16 distinct reviewer keys), the table parameters
 * (`n'`, the item width, the pairwise distinct nonces of `h1`, `h2`, `h3`) and `L = α·G`; the cells are `P_0 … P_{n'-1}`.
 *
 * Root: RFC 9162 §2.1 Merkle Tree Hash (SHA-256) over the `n' + 1` leaves
 * `[canonical header, encode(P_0), …, encode(P_{n'-1})]`. The database id is the root's leading
 * 16 bytes and is carried in every voucher. Byte layout: docs/wire-format.md "Public data".
 * @module pdata
 */
import {
  DB_ID_LENGTH,
  KIND,
  MAX_ITEM_LENGTH,
  MAX_PAYLOAD_SIZE,
  MAX_REVIEWERS,
  MAX_S_MAX,
  MAX_TABLE_CELLS,
  MAX_THRESHOLD,
  MIN_TABLE_CELLS,
  NONCE_LENGTH,
  REVIEWER_KEY_LENGTH,
} from '../core/constants.js';
import { decodeWith, Writer } from '../core/encoding.js';
import { DecodeError, ParameterError } from '../core/errors.js';
import { type Element, registeredSuite, type Suite } from '../core/suite.js';
import { bytesToHex, checkBytes, copyBytes, equalBytes } from '../core/utils.js';
import { merkleRoot } from './merkle.js';

/** Parameters every voucher of a database depends on (SPEC §8). */
export interface VoucherParams {
  /** `T`: real matches needed to reveal (2 ≤ T ≤ MAX_THRESHOLD). */
  readonly threshold: number;
  /** `s_max`: cap on synthetic vouchers per account; also the DHF width `s`. */
  readonly sMax: number;
  /** `p` as a 32-bit fraction: a voucher is synthetic when a PRF value `< syntheticRate32` (p = value / 2^32). */
  readonly syntheticRate32: number;
  /** Payload bytes before padding and sealing (every payload is padded to this). */
  readonly payloadSize: number;
  /** X25519 public keys of the reviewers the payloads are sealed to (SPEC §6 step 1). */
  readonly reviewerKeys: readonly Uint8Array[];
}

/** Table parameters (SPEC §4 steps 1-2). */
export interface TableParams {
  /** `n'`: number of cells. */
  readonly size: number;
  /**
   * Width in bytes of every item (the deployment's fixed item width, SPEC §3). A client refuses
   * an item of another width instead of creating a voucher that silently never matches.
   */
  readonly itemWidth: number;
  /** Nonces of `h1`, `h2`, `h3` (16 bytes each, pairwise distinct; src/database/table.ts). */
  readonly nonces: readonly [Uint8Array, Uint8Array, Uint8Array];
}

/** Decoded header of the public data. */
export interface PublicHeader {
  readonly suite: Suite;
  readonly params: VoucherParams;
  readonly table: TableParams;
  /** `L = α·G`. */
  readonly L: Element;
  /** Encoded `L`. */
  readonly Lbytes: Uint8Array;
}

/** Convert a rate `p ∈ [0, 1)` to its 32-bit fraction. */
export function rateToU32(p: number): number {
  if (typeof p !== 'number' || !(p >= 0 && p < 1)) {
    throw new ParameterError('params.synthetic-rate', `synthetic rate must be in [0, 1), got ${p}`);
  }
  return Math.floor(p * 2 ** 32);
}

/** Validate voucher parameters (throws {@link ParameterError}). */
export function checkVoucherParams(p: VoucherParams): void {
  const chk = (name: string, v: number, min: number, max: number) => {
    if (!Number.isSafeInteger(v) || v < min || v > max) {
      throw new ParameterError(
        `params.${name}`,
        `${name} must be an integer in [${min}, ${max}], got ${v}`,
      );
    }
  };
  chk('threshold', p.threshold, 2, MAX_THRESHOLD);
  chk('sMax', p.sMax, 0, MAX_S_MAX);
  chk('syntheticRate32', p.syntheticRate32, 0, 0xffffffff);
  chk('payloadSize', p.payloadSize, 0, MAX_PAYLOAD_SIZE);
  // SPEC v2 §5: at least one reviewer key, so a payload is never left in the clear.
  if (
    !Array.isArray(p.reviewerKeys) ||
    p.reviewerKeys.length < 1 ||
    p.reviewerKeys.length > MAX_REVIEWERS
  ) {
    throw new ParameterError('params.reviewers', `1 to ${MAX_REVIEWERS} reviewer keys required`);
  }
  const seen = new Set<string>();
  for (const k of p.reviewerKeys) {
    if (!(k instanceof Uint8Array) || k.length !== REVIEWER_KEY_LENGTH) {
      throw new ParameterError(
        'params.reviewers',
        `reviewer keys are ${REVIEWER_KEY_LENGTH}-byte X25519 keys`,
      );
    }
    const h = bytesToHex(k);
    if (seen.has(h)) throw new ParameterError('params.reviewers', 'reviewer key listed twice');
    seen.add(h);
  }
}

/** Validate table parameters (throws {@link ParameterError}): size, item width, distinct nonces. */
export function checkTableParams(t: TableParams): void {
  if (!Number.isSafeInteger(t.size) || t.size < MIN_TABLE_CELLS || t.size > MAX_TABLE_CELLS) {
    throw new ParameterError(
      'params.table-size',
      `table size must be in [${MIN_TABLE_CELLS}, ${MAX_TABLE_CELLS}], got ${t.size}`,
    );
  }
  if (!Number.isSafeInteger(t.itemWidth) || t.itemWidth < 1 || t.itemWidth > MAX_ITEM_LENGTH) {
    throw new ParameterError(
      'params.item-width',
      `item width must be in [1, ${MAX_ITEM_LENGTH}], got ${t.itemWidth}`,
    );
  }
  const nonces: readonly unknown[] = Array.isArray(t.nonces) ? t.nonces : [];
  if (
    nonces.length !== 3 ||
    nonces.some((n) => !(n instanceof Uint8Array) || n.length !== NONCE_LENGTH)
  ) {
    throw new ParameterError('params.nonces', `three nonces of ${NONCE_LENGTH} bytes each`);
  }
  const [n1, n2, n3] = nonces as Uint8Array[];
  // h1, h2, h3 must be different functions (SPEC §4 step 1: "domain-separated by its nonce").
  if (
    equalBytes(n1 as Uint8Array, n2 as Uint8Array) ||
    equalBytes(n1 as Uint8Array, n3 as Uint8Array) ||
    equalBytes(n2 as Uint8Array, n3 as Uint8Array)
  )
    throw new ParameterError('params.nonces', 'two cell-hash nonces are equal');
}

/** Canonical header bytes (the first Merkle leaf). */
export function encodeHeader(
  suite: Suite,
  params: VoucherParams,
  table: TableParams,
  Lbytes: Uint8Array,
): Uint8Array {
  checkVoucherParams(params);
  checkTableParams(table);
  checkBytes('L', Lbytes, suite.elementLength);
  const w = new Writer()
    .header(KIND.publicData, suite)
    .u16(params.threshold)
    .u16(params.sMax)
    .u32(params.syntheticRate32)
    .u32(params.payloadSize)
    .u8(params.reviewerKeys.length);
  for (const k of params.reviewerKeys) w.bytes(k);
  return w
    .u32(table.size)
    .u8(table.itemWidth)
    .bytes(table.nonces[0])
    .bytes(table.nonces[1])
    .bytes(table.nonces[2])
    .bytes(Lbytes)
    .finish();
}

/** Length of the header for a suite and reviewer count. */
export function headerLength(suite: Suite, reviewers: number): number {
  return (
    5 +
    2 +
    2 +
    4 +
    4 +
    1 +
    reviewers * REVIEWER_KEY_LENGTH +
    4 +
    1 +
    3 * NONCE_LENGTH +
    suite.elementLength
  );
}

/**
 * Magic, kind and version of public data, checked first: another object handed over as public
 * data (an audit bundle, a manifest) is a `decode.kind` naming it, not a malformed field.
 */
export function checkPublicDataKind(pdata: Uint8Array): void {
  decodeWith('public data', pdata.subarray(0, Math.min(pdata.length, 5)), (r) => {
    r.header(KIND.publicData, true);
  });
}

/**
 * Decode the header at the start of `pdata` (strict: magic, kind, version, suite, ranges, `L`
 * a valid non-identity element). Returns the header and its length in bytes.
 */
export function decodeHeader(pdata: Uint8Array): { header: PublicHeader; length: number } {
  if (!(pdata instanceof Uint8Array)) throw new TypeError('"pdata" expected Uint8Array');
  // Peek at the reviewer count to find the header's end, then decode exactly that prefix.
  const prefix = 5 + 2 + 2 + 4 + 4;
  checkPublicDataKind(pdata);
  if (pdata.length < prefix + 1)
    throw new DecodeError('decode.truncated', 'public data: truncated header');
  const reviewers = pdata[prefix] as number;
  if (reviewers > MAX_REVIEWERS) {
    throw new DecodeError(
      'decode.range',
      `public data: ${reviewers} reviewer keys > ${MAX_REVIEWERS}`,
    );
  }
  // The suite byte is at offset 4 (an unknown id, or that of a suite whose module was never
  // loaded, is a DecodeError); magic, kind and version are checked by the strict decode of the
  // prefix below.
  const suiteLen = registeredSuite(pdata[4] as number).elementLength;
  const len = prefix + 1 + reviewers * REVIEWER_KEY_LENGTH + 4 + 1 + 3 * NONCE_LENGTH + suiteLen;
  if (pdata.length < len)
    throw new DecodeError('decode.truncated', 'public data: truncated header');
  const header = decodeWith('public data header', pdata.subarray(0, len), (r) => {
    const suite = r.header(KIND.publicData) as Suite;
    const threshold = r.u16();
    const sMax = r.u16();
    const syntheticRate32 = r.u32();
    const payloadSize = r.u32();
    const n = r.u8();
    const reviewerKeys: Uint8Array[] = [];
    for (let i = 0; i < n; i++) reviewerKeys.push(r.bytes(REVIEWER_KEY_LENGTH).slice());
    const size = r.u32();
    const itemWidth = r.u8();
    const nonces: [Uint8Array, Uint8Array, Uint8Array] = [
      r.bytes(NONCE_LENGTH).slice(),
      r.bytes(NONCE_LENGTH).slice(),
      r.bytes(NONCE_LENGTH).slice(),
    ];
    const Lbytes = r.bytes(suite.elementLength).slice();
    const L = suite.decode(Lbytes);
    const params: VoucherParams = { threshold, sMax, syntheticRate32, payloadSize, reviewerKeys };
    const table: TableParams = { size, itemWidth, nonces };
    try {
      checkVoucherParams(params);
      checkTableParams(table);
    } catch (e) {
      throw new DecodeError('decode.range', `public data: ${(e as Error).message}`, { cause: e });
    }
    return { suite, params, table, L, Lbytes };
  });
  return { header, length: len };
}

/** The Merkle root over `[header, cell_0, …]` (SPEC §4 step 4). */
export function computeRoot(headerBytes: Uint8Array, cells: readonly Uint8Array[]): Uint8Array {
  return merkleRoot([headerBytes, ...cells]);
}

/** Database id: the root's leading 16 bytes (a copy: a Buffer's `slice` would be a view). */
export function databaseId(root: Uint8Array): Uint8Array {
  return copyBytes(root.subarray(0, DB_ID_LENGTH));
}

/**
 * Split `pdata` into its header and cell encodings (no cell is decoded here). `pdata` is copied
 * first: the header is decoded from, and `headerBytes` and `cells` are views of, that copy.
 */
export function splitPublicData(pdataIn: Uint8Array): {
  header: PublicHeader;
  headerBytes: Uint8Array;
  cells: Uint8Array[];
} {
  const pdata = copyBytes(checkBytes('pdata', pdataIn));
  const { header, length } = decodeHeader(pdata);
  const Ne = header.suite.elementLength;
  const expected = length + header.table.size * Ne;
  if (pdata.length !== expected) {
    throw new DecodeError(
      pdata.length < expected ? 'decode.truncated' : 'decode.trailing',
      `public data: ${pdata.length} bytes, expected ${expected} for ${header.table.size} cells`,
    );
  }
  const cells: Uint8Array[] = new Array(header.table.size);
  for (let j = 0; j < header.table.size; j++) {
    cells[j] = pdata.subarray(length + j * Ne, length + (j + 1) * Ne);
  }
  return { header, headerBytes: pdata.subarray(0, length), cells };
}
