/**
 * Small byte and argument helpers shared by every module. Argument checks follow noble's
 * conventions: `TypeError` for the wrong kind of value, `RangeError` for a wrong size or range,
 * and a message naming the argument.
 * @module
 */
import { copyBytes, randomBytes as nobleRandomBytes } from '@noble/hashes/utils.js';

/** A source of random bytes: returns `n` fresh bytes. Defaults to the platform CSPRNG. */
export type Rng = (n: number) => Uint8Array;

/** Largest request `crypto.getRandomValues` serves in one call (Web Crypto: 65,536 bytes). */
const CSPRNG_CHUNK = 65_536;

/**
 * The platform CSPRNG (`crypto.getRandomValues`, via noble). Serves any length: requests above
 * the platform's 65,536-byte limit are filled in chunks.
 */
export const defaultRng: Rng = (n: number) => {
  if (n <= CSPRNG_CHUNK) return nobleRandomBytes(n);
  checkInt('n', n, 0, Number.MAX_SAFE_INTEGER);
  const out = new Uint8Array(n);
  for (let off = 0; off < n; off += CSPRNG_CHUNK) {
    out.set(nobleRandomBytes(Math.min(CSPRNG_CHUNK, n - off)), off);
  }
  return out;
};

/**
 * A private copy of a caller's byte array, type-checked first (and its length, if given, checked
 * on the copy): the bytes checked are the bytes used, and `Buffer` views are copied too.
 */
export function ownBytes(name: string, bytes: unknown, length?: number): Uint8Array {
  checkBytes(name, bytes);
  const copy = Uint8Array.from(bytes as Uint8Array);
  if (length !== undefined) checkBytes(name, copy, length);
  return copy;
}

/** Throw `TypeError` unless `value` is a `Uint8Array`; `RangeError` on a wrong fixed length. */
export function checkBytes(name: string, value: unknown, length?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`"${name}" expected Uint8Array, got ${typeName(value)}`);
  }
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`"${name}" expected ${length} bytes, got ${value.length}`);
  }
  return value;
}

/** Throw `TypeError` unless `value` is a safe integer; `RangeError` outside `[min, max]`. */
export function checkInt(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`"${name}" expected an integer, got ${typeName(value)}`);
  }
  if (value < min || value > max) {
    throw new RangeError(`"${name}" expected an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

/** Throw `TypeError` unless `rng` is a function. */
export function checkRng(rng: unknown): Rng {
  if (typeof rng !== 'function')
    throw new TypeError(`"rng" expected function, got ${typeName(rng)}`);
  return rng as Rng;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})`;
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Concatenate byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return concatList(parts);
}

/**
 * {@link concatBytes} of an array: for any number of parts (a spread of 10^6 cells into
 * `concatBytes` overflows the call stack).
 */
export function concatList(parts: readonly Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** `I2OSP(len(x), 2) ‖ x`: the 2-byte length prefix of RFC 9497 and RFC 9380 transcripts. */
export function lengthPrefixed(x: Uint8Array): Uint8Array {
  return concatBytes(i2osp(x.length, 2), x);
}

/** Big-endian encoding of a non-negative integer into exactly `len` bytes. */
export function i2osp(value: number | bigint, len: number): Uint8Array {
  let v = BigInt(value);
  if (v < 0n || v >= 1n << BigInt(8 * len)) {
    throw new RangeError(`i2osp: ${value} does not fit in ${len} bytes`);
  }
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Byte-wise equality in time independent of the contents (length may leak). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Lexicographic comparison of byte strings (for canonical sorting). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export { bytesToNumberBE, bytesToNumberLE } from '@noble/curves/utils.js';
/**
 * An owned copy of caller bytes (noble's `copyBytes`). Use it at every public boundary instead of
 * `x.slice()`: Node's `Buffer.prototype.slice` returns a view, so `slice()` of a caller's Buffer
 * would alias it.
 */
export { bytesToHex, copyBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * `bytes` made the library's own: with `transfer`, its buffer is moved here when that is possible
 * (the array spans a whole `ArrayBuffer`, and the platform has `structuredClone`), which detaches
 * the caller's array (its length becomes 0: it can neither be read nor changed afterwards, so
 * nothing is aliased); otherwise, and without `transfer`, an owned copy. For messages of
 * hundreds of megabytes that the caller has just read and will not use again (issue 15).
 */
export function takeBytes(bytes: Uint8Array, transfer: boolean): Uint8Array {
  const b = bytes.buffer;
  if (
    transfer &&
    typeof structuredClone === 'function' &&
    b instanceof ArrayBuffer &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === b.byteLength
  ) {
    try {
      return new Uint8Array(structuredClone(b, { transfer: [b] }));
    } catch {
      // Not transferable (e.g. a buffer the platform marked so): copied below.
    }
  }
  return copyBytes(bytes);
}
