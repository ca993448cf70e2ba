/**
 * Binary encoding helpers for every wire object (docs/wire-format.md).
 *
 * Every top-level object starts with the same 5-byte header:
 * `magic "QP" (0x51 0x50) ‖ kind (1 byte) ‖ version (1 byte) ‖ suite id (1 byte)`.
 * Integers are big-endian and fixed-width; variable-length fields carry a length prefix and a
 * caller-given maximum. {@link Reader} never reads past the end, rejects trailing bytes
 * (`end()`), and reports every problem as a {@link DecodeError} with a specific `code`, so
 * decoders built on it cannot crash on hostile input.
 * @module
 */
import { KIND_NAME, MAGIC, PROTOCOL_VERSION } from './constants.js';
import { DecodeError } from './errors.js';
import { type Element, registeredSuite, type Suite } from './suite.js';
import { checkBytes } from './utils.js';

/** Append-only byte builder. */
export class Writer {
  private chunks: Uint8Array[] = [];
  private len = 0;

  /** Raw bytes, no prefix. */
  bytes(b: Uint8Array): this {
    this.chunks.push(b);
    this.len += b.length;
    return this;
  }
  u8(v: number): this {
    return this.bytes(Uint8Array.of(v & 0xff));
  }
  u16(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`u16 out of range: ${v}`);
    return this.bytes(Uint8Array.of(v >>> 8, v & 0xff));
  }
  u32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
      throw new RangeError(`u32 out of range: ${v}`);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v);
    return this.bytes(b);
  }
  u64(v: bigint | number): this {
    const x = BigInt(v);
    if (x < 0n || x >= 1n << 64n) throw new RangeError(`u64 out of range: ${v}`);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, x);
    return this.bytes(b);
  }
  /** `u16 length ‖ bytes`. */
  vec16(b: Uint8Array): this {
    return this.u16(b.length).bytes(b);
  }
  /** `u32 length ‖ bytes`. */
  vec32(b: Uint8Array): this {
    return this.u32(b.length).bytes(b);
  }
  /** The common object header. */
  header(kind: number, suite: Suite | null): this {
    return this.bytes(MAGIC)
      .u8(kind)
      .u8(PROTOCOL_VERSION)
      .u8(suite ? suite.id : 0);
  }
  get length(): number {
    return this.len;
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.len);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
}

/** Strict cursor over untrusted bytes. Every failure is a {@link DecodeError}. */
export class Reader {
  private off = 0;
  private readonly view: DataView;
  /** What is being decoded, for error messages. */
  readonly what: string;

  constructor(
    readonly buf: Uint8Array,
    what: string,
  ) {
    checkBytes(what, buf);
    this.what = what;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get offset(): number {
    return this.off;
  }
  get remaining(): number {
    return this.buf.length - this.off;
  }

  private need(n: number): void {
    if (n > this.buf.length - this.off) {
      throw new DecodeError(
        'decode.truncated',
        `${this.what}: truncated at byte ${this.off} (need ${n} more)`,
      );
    }
  }
  /** `n` raw bytes (a view into the input; copy if you keep it beyond the input's lifetime). */
  bytes(n: number): Uint8Array {
    this.need(n);
    const b = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return b;
  }
  u8(): number {
    this.need(1);
    return this.buf[this.off++] as number;
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.off);
    this.off += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.off);
    this.off += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.off);
    this.off += 8;
    return v;
  }
  /** A u32 that must lie in `[min, max]`. */
  u32In(field: string, min: number, max: number): number {
    const v = this.u32();
    if (v < min || v > max) {
      throw new DecodeError(
        'decode.range',
        `${this.what}: ${field} = ${v} outside [${min}, ${max}]`,
      );
    }
    return v;
  }
  /** `u16 length ‖ bytes` with `length ≤ max`. */
  vec16(field: string, max: number): Uint8Array {
    const n = this.u16();
    if (n > max)
      throw new DecodeError('decode.oversized', `${this.what}: ${field} length ${n} > ${max}`);
    return this.bytes(n);
  }
  /** `u32 length ‖ bytes` with `length ≤ max`. */
  vec32(field: string, max: number): Uint8Array {
    const n = this.u32();
    if (n > max)
      throw new DecodeError('decode.oversized', `${this.what}: ${field} length ${n} > ${max}`);
    return this.bytes(n);
  }
  /** A strictly decoded group element. */
  element(suite: Suite): Element {
    return suite.decode(this.bytes(suite.elementLength));
  }
  /** A strictly decoded scalar. */
  scalar(suite: Suite): bigint {
    return suite.decodeScalar(this.bytes(suite.scalarLength));
  }
  /**
   * The common header: checks magic, kind and version, returns the suite (or `null` when the
   * suite byte is 0 and `allowNoSuite` is set).
   */
  header(kind: number, allowNoSuite = false): Suite | null {
    this.need(MAGIC.length + 3);
    const m = this.bytes(MAGIC.length);
    for (let i = 0; i < MAGIC.length; i++) {
      if (m[i] !== MAGIC[i]) throw new DecodeError('decode.magic', `${this.what}: bad magic`);
    }
    const k = this.u8();
    if (k !== kind) {
      const name = (x: number) => KIND_NAME[x] ?? `an unknown object (kind 0x${x.toString(16)})`;
      throw new DecodeError('decode.kind', `${this.what}: this is ${name(k)}, not ${name(kind)}`);
    }
    const v = this.u8();
    if (v !== PROTOCOL_VERSION) {
      throw new DecodeError('decode.version', `${this.what}: unsupported version ${v}`);
    }
    const s = this.u8();
    if (s === 0 && allowNoSuite) return null;
    return registeredSuite(s);
  }
  /** Assert that every byte was consumed. */
  end(): void {
    if (this.off !== this.buf.length) {
      throw new DecodeError(
        'decode.trailing',
        `${this.what}: ${this.buf.length - this.off} trailing bytes`,
      );
    }
  }
}

/**
 * Run a decoder and convert any non-{@link DecodeError} failure (which would be a bug) into a
 * DecodeError, so callers of public decoders see one error class for bad input.
 */
export function decodeWith<T>(what: string, bytes: unknown, fn: (r: Reader) => T): T {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(
      `"${what}" expected Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`,
    );
  }
  // A Node Buffer (or any Uint8Array subclass) is re-viewed as a plain Uint8Array: the decoders
  // copy what they keep with `.slice()`, which on a Buffer would return a view of the caller's
  // memory (Node's shared pool), not a copy.
  const plain =
    Object.getPrototypeOf(bytes) === Uint8Array.prototype
      ? bytes
      : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const r = new Reader(plain, what);
  try {
    const out = fn(r);
    r.end();
    return out;
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError(
      'decode.invalid',
      `${what}: malformed (${(e as Error)?.message ?? String(e)})`,
      { cause: e },
    );
  }
}
