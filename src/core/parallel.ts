/**
 * Element-wise work in chunks, on any executor (issue 15): the NGO ring's masking, its hops
 * (decode, verify the incoming proof's composites, multiply, encode) and the composites of the
 * proofs it makes and checks, cut into index ranges that can run in any order, in this thread or
 * in others, with outputs that do not depend on how the work was cut.
 *
 * - A **kernel** is a pure function of structured-cloneable input (bytes, numbers, bigints): no
 *   closures, no suite objects (a suite travels by its wire id). {@link runKernel} runs one. The
 *   kernels are `mask` (stage 0: hash-to-group, multiply by `k`, encode), `hop` (decode a list,
 *   optionally the composites of the proof that produced it, multiply by `k`, encode) and
 *   `composites` (the partial composites `Σ d_i·C_i`, `Σ d_i·D_i` of DLEQ proofs over one index
 *   range, see `compositeWeightsAt` in ./dleq.ts); for the database build and audit,
 *   `positions` (the table layout's step 0), `hash` (hash-to-group of fixed-width messages:
 *   items, fillers; raw points out) and `bases` (the cell bases `B_j`, raw points in, encoded
 *   and, when building, the cells `α·B_j`). Multiplications by a secret (`k`, `α`)
 *   are constant time (./secret-mul.ts); the variable-time MSMs take the proofs' statements, as
 *   in ./dleq.ts: public lists in the ring, and in the builder's proof the bases, which only
 *   the builder and the auditing NGOs hold (docs/security.md "Limb arithmetic", not claimed).
 * - An {@link Executor} maps a kernel over `count` chunks. {@link inThreadExecutor} runs them
 *   here, one after the other, yielding to the event loop between chunks (the default, and what
 *   browsers and React Native use); the Node worker pool (`quorum-psi/workers`) runs them on
 *   worker threads. Group sums are the same element in any grouping and encodings are canonical,
 *   so the combined results, and the proofs made from them, are the same bytes for every
 *   executor and chunk size.
 *
 * Partial sums travel encoded, the identity as zero bytes ({@link encodePartial}).
 * @module
 */

import { ristretto255 } from '@noble/curves/ed25519.js';
import { bulkCodec } from './bulk-codec.js';
import { itemPositions } from './cell-hash.js';
import { compositeWeightsAt, type DleqConfig } from './dleq.js';
import { DecodeError } from './errors.js';
import { msmEd25519Raw } from './msm25519-limbs.js';
import {
  decodeRistrettoRaw,
  encodeRawPoint,
  hashToRistrettoRaw,
  isRawIdentity,
  RAW_POINT_BYTES as RISTRETTO_RAW_BYTES,
} from './ristretto-limbs.js';
import { secretMultiplier } from './secret-mul.js';
import { type Element, registeredSuite, type Suite } from './suite.js';

/** The first element of a chunk that does not decode: its index in the whole list, and why. */
export interface ElementError {
  readonly index: number;
  readonly code: string;
  readonly message: string;
}

/** A chunk's decoded points kept by the thread that decoded them, for a later task of the same job. */
export interface HoldKey {
  readonly job: string;
  readonly chunk: number;
}

/** `mask`: stage 0 of an NGO's list for one chunk: `encode(k·H_M(x))` for each item, in order. */
export interface MaskTask {
  readonly suite: number;
  /** The hash-to-group DST. */
  readonly dst: Uint8Array;
  readonly k: bigint;
  /** Item width in bytes. */
  readonly width: number;
  /** The chunk's items, concatenated (in stage-0 order). */
  readonly items: Uint8Array;
}
export interface MaskResult {
  /** The chunk's encoded elements, concatenated. */
  readonly list: Uint8Array;
}

/** The weights of one DLEQ proof over a batch of `total` elements: its configuration and seed. */
export interface CompositeSpec {
  readonly cfg: DleqConfig;
  /** `compositeSeed` of the whole batch. */
  readonly seed: Uint8Array;
}

/**
 * `hop`: elements `[from, from + c)` of a list to multiply by `k`. With `verify`, also the partial
 * composites of the proof that the list is `k'·prev` (`C` = `prev`, `D` = `list`).
 */
export interface HopTask {
  readonly suite: number;
  readonly k: bigint;
  readonly from: number;
  readonly total: number;
  readonly list: Uint8Array;
  readonly verify: (CompositeSpec & { readonly prev: Uint8Array }) | null;
  /** Keep the decoded `list` for a later `composites` task of the same job (the outgoing proof). */
  readonly hold: HoldKey | null;
}
export interface HopResult {
  /** `k·list[i]`, encoded and concatenated; `null` after a decoding error. */
  readonly list: Uint8Array | null;
  /** Partial composites of the incoming proof (with `verify` and no error), see {@link encodePartial}. */
  readonly M: Uint8Array | null;
  readonly Z: Uint8Array | null;
  /** The first element that does not decode: in `list` (checked first) or in `prev`. */
  readonly error: (ElementError & { readonly stage: 'list' | 'prev' }) | null;
}

/**
 * `composites`: the partial composites of several proofs over the same index range
 * `[from, from + c)` of lists of `total` elements. `stages[s]` holds the chunk of list `s` (or
 * `null` when no proof names it); each proof names its `C` and `D` lists by position.
 */
export interface CompositesTask {
  readonly suite: number;
  readonly from: number;
  readonly total: number;
  readonly stages: readonly (Uint8Array | null)[];
  /** Decoded points of one stage kept by an earlier `hop` task (decoded again if gone). */
  readonly held: { readonly key: HoldKey; readonly stage: number } | null;
  readonly proofs: readonly (CompositeSpec & {
    readonly C: number;
    readonly D: number;
    /** Whether `Z = Σ d_i·D_i` is needed (verifying) or only `M` (proving). */
    readonly withZ: boolean;
  })[];
}
export interface CompositesResult {
  /** Per stage: the first element that does not decode, or `null` (also for stages not decoded). */
  readonly errors: readonly (ElementError | null)[];
  /** Per proof (`null` when one of its stages does not decode). */
  readonly M: readonly (Uint8Array | null)[];
  readonly Z: readonly (Uint8Array | null)[];
}

/** `release`: drop what a job's tasks kept ({@link HoldKey}) after a failure. */
export interface ReleaseTask {
  readonly job: string;
}

/**
 * `positions`: step 0 of the table layout (./cell-hash.ts `itemPositions`) for a chunk of
 * items: three cell positions per item, three SHA-256 each.
 */
export interface PositionsTask {
  readonly nonces: readonly [Uint8Array, Uint8Array, Uint8Array];
  readonly nPrime: number;
  /** Item width in bytes. */
  readonly width: number;
  /** The chunk's items, concatenated. */
  readonly items: Uint8Array;
}
export interface PositionsResult {
  readonly positions: Int32Array;
}

/**
 * `hash`: `HashToGroup(msg, dst)` for each message of a chunk (fixed width), returned as raw
 * points ({@link pointsToRaw}): the points go on to group additions in the calling thread (the
 * database's reverse-order subtraction), which an encoding would make pay one decode each there.
 */
export interface HashTask {
  readonly suite: number;
  readonly dst: Uint8Array;
  /** Message width in bytes. */
  readonly width: number;
  /** The chunk's messages, concatenated. */
  readonly msgs: Uint8Array;
}
export interface HashResult {
  /** The points, raw ({@link pointsToRaw}), concatenated. */
  readonly points: Uint8Array;
}

/**
 * `bases`: cells `[from, from + c)` of a database, given their bases `B_j` as raw points
 * ({@link pointsToRaw}): the encoded bases (for the audit proof's statement) and, with `k`
 * (the builder's secret `α`), the encoded cells `k·B_j` (constant-time multiplication).
 */
export interface BasesTask {
  readonly suite: number;
  /** The blinding secret, or `null` to encode the bases only (the audit). */
  readonly k: bigint | null;
  readonly from: number;
  /** The bases, raw ({@link pointsToRaw}), concatenated. */
  readonly points: Uint8Array;
  /** Keep the bases as points for a later `composites` task of the same job (its stage 0). */
  readonly hold: HoldKey | null;
}
export interface BasesResult {
  /** `encode(B_j)`, concatenated. */
  readonly bases: Uint8Array;
  /** `encode(k·B_j)`, concatenated; `null` without `k`. */
  readonly cells: Uint8Array | null;
}

/** The kernels, by name: `[input, output]`. */
export interface Kernels {
  mask: [MaskTask, MaskResult];
  hop: [HopTask, HopResult];
  composites: [CompositesTask, CompositesResult];
  positions: [PositionsTask, PositionsResult];
  hash: [HashTask, HashResult];
  bases: [BasesTask, BasesResult];
  release: [ReleaseTask, null];
}
export type KernelName = keyof Kernels;
export type KernelInput<K extends KernelName> = Kernels[K][0];
export type KernelOutput<K extends KernelName> = Kernels[K][1];

/** Options of one {@link Executor.map}. */
export interface MapOptions<K extends KernelName> {
  /** Called once per chunk as its result arrives (in completion order). */
  onResult?: (index: number, result: KernelOutput<K>) => void;
  /**
   * The caller takes every result in `onResult` and wants none kept: `map` may resolve with an
   * array of `undefined` (so a round's results are not held twice; executors that keep them
   * anyway are still correct).
   */
  discardResults?: boolean;
}

/**
 * Runs kernels over chunks. `map(kernel, count, input)` asks `input(i)` for chunk `i` when it is
 * about to be run (so at most a few chunks exist at a time) and resolves with the `count`
 * results in chunk order, or rejects with the first error. Input bytes may be transferred to
 * another thread (and their buffers detached here): pass fresh copies.
 *
 * Chunk `i` of every `map` runs on worker `i mod workers`, so that a chunk's decoded points kept
 * by one task ({@link HoldKey}) are there for the next task of the same job; an executor that
 * does not do this is still correct (the points are decoded again).
 */
export interface Executor {
  /** Threads the chunks run on (1 for {@link inThreadExecutor}). */
  readonly workers: number;
  map<K extends KernelName>(
    kernel: K,
    count: number,
    input: (index: number) => KernelInput<K>,
    opts?: MapOptions<K>,
  ): Promise<KernelOutput<K>[]>;
}

/** How many jobs' held points a thread keeps at most (older jobs are dropped first). */
const MAX_HELD_JOBS = 4;

/** State a thread keeps between kernel calls: decoded points held for a later task of a job. */
export class KernelContext {
  readonly #held = new Map<
    string,
    Map<number, { from: number; count: number; suite: Suite; raw: Uint8Array }>
  >();

  #job(key: HoldKey) {
    let job = this.#held.get(key.job);
    if (!job) {
      job = new Map();
      this.#held.set(key.job, job);
      for (const old of this.#held.keys()) {
        if (this.#held.size <= MAX_HELD_JOBS) break;
        this.#held.delete(old);
      }
    }
    return job;
  }

  /** Hold `points` (as raw points, {@link pointsToRaw}) for a later task of the same job. */
  hold(key: HoldKey, from: number, points: readonly Element[], suite: Suite): void {
    this.holdRaw(key, from, pointsToRaw(suite, points), suite);
  }

  /** Hold `raw` points ({@link pointsToRaw}; kept as they are, not copied) for a later task. */
  holdRaw(key: HoldKey, from: number, raw: Uint8Array, suite: Suite): void {
    const count = raw.length / rawPointBytes(suite);
    if (!Number.isInteger(count)) throw new RangeError('holdRaw: not a whole number of points');
    this.#job(key).set(key.chunk, { from, count, suite, raw });
  }

  /** The points held under `key` if they are those of `[from, from + count)` (and forget them). */
  take(key: HoldKey, from: number, count: number): Element[] | null {
    const e = this.#take(key, from, count);
    return e ? rawToPoints(e.suite, e.raw) : null;
  }

  /** {@link take} as raw points ({@link pointsToRaw}). */
  takeRaw(key: HoldKey, from: number, count: number): Uint8Array | null {
    return this.#take(key, from, count)?.raw ?? null;
  }

  #take(key: HoldKey, from: number, count: number) {
    const job = this.#held.get(key.job);
    const e = job?.get(key.chunk);
    if (!job || !e) return null;
    job.delete(key.chunk);
    if (job.size === 0) this.#held.delete(key.job);
    return e.from === from && e.count === count ? e : null;
  }

  /** Forget what is held under `key` without unpacking it. */
  forget(key: HoldKey): void {
    const job = this.#held.get(key.job);
    job?.delete(key.chunk);
    if (job?.size === 0) this.#held.delete(key.job);
  }

  release(jobId: string): void {
    this.#held.delete(jobId);
  }

  /** Number of jobs with held points (tests). */
  get heldJobs(): number {
    return this.#held.size;
  }
}

/** A partial sum for the wire: its encoding, or zero bytes for the identity. */
export function encodePartial(suite: Suite, P: Element): Uint8Array {
  return P.is0() ? new Uint8Array(0) : suite.encode(P);
}

/** The sum of encoded partial sums ({@link encodePartial}); a missing part is an error. */
export function sumPartials(suite: Suite, parts: readonly (Uint8Array | null)[]): Element {
  let acc = suite.identity;
  for (const p of parts) {
    if (p === null) throw new Error('sumPartials: a chunk has no partial sum');
    if (p.length > 0) acc = acc.add(suite.decode(p));
  }
  return acc;
}

/**
 * The error of the element with the lowest index among chunk errors (each chunk reports its
 * first), or `null`.
 */
export function firstError<E extends ElementError>(errors: readonly (E | null)[]): E | null {
  let best: E | null = null;
  for (const e of errors) if (e !== null && (best === null || e.index < best.index)) best = e;
  return best;
}

/**
 * The {@link DecodeError} a whole-list decoder (`decodeElementList`) throws for this element:
 * same code, same message (`element i: …`).
 */
export function elementDecodeError(e: ElementError): DecodeError {
  return new DecodeError(e.code, `element ${e.index}: ${e.message}`, {
    cause: new DecodeError(e.code, e.message),
  });
}

/**
 * {@link decodeChunk} to raw points on limbs (ristretto255): the same decisions; an element the
 * limbs refuse, and the identity, go through the suite's decode for its own error.
 */
function decodeChunkRaw(
  suite: Suite,
  bytes: Uint8Array,
  from: number,
): { points: Uint8Array; error: null } | { points: null; error: ElementError } {
  const Ne = suite.elementLength;
  if (bytes.length % Ne !== 0) throw new RangeError('chunk: not a whole number of elements');
  const c = bytes.length / Ne;
  const out = new Uint8Array(c * RISTRETTO_RAW_BYTES);
  for (let i = 0; i < c; i++) {
    const at = i * RISTRETTO_RAW_BYTES;
    const b = bytes.subarray(i * Ne, (i + 1) * Ne);
    if (decodeRistrettoRaw(b, out, at) && !isRawIdentity(out, at)) continue;
    try {
      out.set(pointsToRaw(suite, [suite.decode(b)]), at); // throws for what the limbs refused
    } catch (e) {
      if (e instanceof DecodeError)
        return { points: null, error: { index: from + i, code: e.code, message: e.message } };
      throw e;
    }
  }
  return { points: out, error: null };
}

/** Decode `count` elements of `bytes`; the first failure as an {@link ElementError} (global index). */
function decodeChunk(
  suite: Suite,
  bytes: Uint8Array,
  from: number,
): { points: Element[]; error: null } | { points: null; error: ElementError } {
  const Ne = suite.elementLength;
  if (bytes.length % Ne !== 0) throw new RangeError('chunk: not a whole number of elements');
  const c = bytes.length / Ne;
  const codec = bulkCodec(suite);
  const points: Element[] = new Array(c);
  for (let i = 0; i < c; i++) {
    try {
      points[i] = codec.decode(bytes.subarray(i * Ne, (i + 1) * Ne));
    } catch (e) {
      if (e instanceof DecodeError)
        return { points: null, error: { index: from + i, code: e.code, message: e.message } };
      throw e;
    }
  }
  return { points, error: null };
}

function views(bytes: Uint8Array, Ne: number): Uint8Array[] {
  const c = bytes.length / Ne;
  const out: Uint8Array[] = new Array(c);
  for (let i = 0; i < c; i++) out[i] = bytes.subarray(i * Ne, (i + 1) * Ne);
  return out;
}

function concatEncodings(encs: readonly Uint8Array[], Ne: number): Uint8Array {
  const out = new Uint8Array(encs.length * Ne);
  for (let i = 0; i < encs.length; i++) out.set(encs[i] as Uint8Array, i * Ne);
  return out;
}

function mask(suite: Suite, t: MaskTask): MaskResult {
  if (t.width < 1 || t.items.length % t.width !== 0)
    throw new RangeError('mask: not a whole number of items');
  const c = t.items.length / t.width;
  const pts: Element[] = new Array(c);
  const codec = bulkCodec(suite);
  const mul = secretMultiplier(suite, t.k);
  for (let i = 0; i < c; i++) {
    const x = t.items.subarray(i * t.width, (i + 1) * t.width);
    pts[i] = mul(codec.hashToGroup(x, t.dst));
  }
  return { list: concatEncodings(codec.encodeAll(pts), suite.elementLength) };
}

function hop(ctx: KernelContext, suite: Suite, t: HopTask): HopResult {
  const Ne = suite.elementLength;
  const D = decodeChunk(suite, t.list, t.from);
  if (D.error) return { list: null, M: null, Z: null, error: { ...D.error, stage: 'list' } };
  let M: Uint8Array | null = null;
  let Z: Uint8Array | null = null;
  if (t.verify) {
    const C = decodeChunk(suite, t.verify.prev, t.from);
    if (C.error) return { list: null, M: null, Z: null, error: { ...C.error, stage: 'prev' } };
    const { cfg, seed } = t.verify;
    const d = compositeWeightsAt(
      suite,
      cfg,
      seed,
      t.from,
      views(t.verify.prev, Ne),
      views(t.list, Ne),
      t.total,
    );
    const codec = bulkCodec(suite);
    M = encodePartial(suite, codec.msmVartime(C.points, d));
    Z = encodePartial(suite, codec.msmVartime(D.points, d));
  }
  const out: Element[] = new Array(D.points.length);
  const mul = secretMultiplier(suite, t.k);
  for (let i = 0; i < out.length; i++) out[i] = mul(D.points[i] as Element);
  if (t.hold) ctx.hold(t.hold, t.from, D.points, suite);
  return { list: concatEncodings(bulkCodec(suite).encodeAll(out), Ne), M, Z, error: null };
}

function composites(ctx: KernelContext, suite: Suite, t: CompositesTask): CompositesResult {
  const Ne = suite.elementLength;
  const S = t.stages.length;
  const need = new Array<boolean>(S).fill(false);
  for (const p of t.proofs) {
    need[p.C] = true;
    if (p.withZ) need[p.D] = true;
  }
  const c = (t.stages.find((s) => s !== null)?.length ?? 0) / Ne;
  // On ristretto255 every stage stays raw points on limbs (decoded, held, summed with no bigint).
  const raw = rawOnLimbs(suite);
  const points: (Element[] | Uint8Array | null)[] = new Array(S).fill(null);
  const errors: (ElementError | null)[] = new Array(S).fill(null);
  for (let s = 0; s < S; s++) {
    if (!need[s]) continue;
    const bytes = t.stages[s];
    if (!bytes || bytes.length !== c * Ne) throw new RangeError(`composites: stage ${s} missing`);
    const key = t.held?.stage === s ? t.held.key : null;
    const held = key && (raw ? ctx.takeRaw(key, t.from, c) : ctx.take(key, t.from, c));
    if (held) {
      points[s] = held;
      continue;
    }
    const r = raw ? decodeChunkRaw(suite, bytes, t.from) : decodeChunk(suite, bytes, t.from);
    points[s] = r.points;
    errors[s] = r.error;
  }
  if (t.held && !need[t.held.stage]) ctx.forget(t.held.key);
  const msm = (pts: Element[] | Uint8Array, d: bigint[]): Element =>
    pts instanceof Uint8Array
      ? (new ristrettoPoint(msmEd25519Raw(pts, d)) as unknown as Element)
      : bulkCodec(suite).msmVartime(pts, d);
  const M: (Uint8Array | null)[] = [];
  const Z: (Uint8Array | null)[] = [];
  for (const p of t.proofs) {
    const Cp = points[p.C];
    const Dp = p.withZ ? points[p.D] : [];
    const Cb = t.stages[p.C];
    const Db = t.stages[p.D];
    if (!Cp || !Dp || !Cb || !Db) {
      M.push(null);
      Z.push(null);
      continue;
    }
    const d = compositeWeightsAt(
      suite,
      p.cfg,
      p.seed,
      t.from,
      views(Cb, Ne),
      views(Db, Ne),
      t.total,
    );
    M.push(encodePartial(suite, msm(Cp, d)));
    Z.push(p.withZ ? encodePartial(suite, msm(Dp, d)) : null);
  }
  return { errors, M, Z };
}

// biome-ignore lint/suspicious/noExplicitAny: noble's point classes (two curve types) behind Element.
type AnyPoint = any;

/**
 * Coordinates per point in {@link elementCoords}: 4 for ristretto255 (the extended coordinates
 * `X, Y, Z, T` of its Edwards representative), 3 for P-256 (projective `X, Y, Z`).
 */
export function coordsPerElement(suite: Suite): number {
  return (suite.G as AnyPoint).ep ? 4 : 3;
}

/**
 * The points' internal coordinates, concatenated (`coordsPerElement` each): a representation for
 * passing points between threads without encoding and decoding them (an encoding costs a field
 * inversion or square root each way). Not canonical, never on the wire, never compared: only
 * {@link elementsFromCoords} reads it, and every output is encoded canonically.
 */
export function elementCoords(suite: Suite, points: readonly Element[]): bigint[] {
  const w = coordsPerElement(suite);
  const out: bigint[] = new Array(points.length * w);
  for (let i = 0; i < points.length; i++) {
    const P = points[i] as AnyPoint;
    const c = w === 4 ? P.ep : P;
    out[i * w] = c.X;
    out[i * w + 1] = c.Y;
    out[i * w + 2] = c.Z;
    if (w === 4) out[i * w + 3] = c.T;
  }
  return out;
}

/** The points of {@link elementCoords} (the coordinates are checked in range by noble). */
export function elementsFromCoords(suite: Suite, coords: readonly bigint[]): Element[] {
  const w = coordsPerElement(suite);
  if (coords.length % w !== 0) throw new RangeError('coordinates: not a whole number of points');
  const G = suite.G as AnyPoint;
  const Outer = G.constructor;
  const Inner = w === 4 ? G.ep.constructor : null;
  const out: Element[] = new Array(coords.length / w);
  for (let i = 0; i < out.length; i++) {
    const [X, Y, Z] = [coords[i * w], coords[i * w + 1], coords[i * w + 2]];
    out[i] = Inner ? new Outer(new Inner(X, Y, Z, coords[i * w + 3])) : new Outer(X, Y, Z);
  }
  return out;
}

/** Bytes per raw point ({@link pointsToRaw}): 32 per coordinate. */
export function rawPointBytes(suite: Suite): number {
  return coordsPerElement(suite) * 32;
}

const ristrettoPoint = ristretto255.Point;

/**
 * Whether `suite`'s raw points are read and written on limbs (src/core/ristretto-limbs.ts):
 * ristretto255; on any other suite they go through the suite's points.
 */
export function rawOnLimbs(suite: Suite): boolean {
  return suite.shortName === 'ristretto255' && rawPointBytes(suite) === RISTRETTO_RAW_BYTES;
}

/**
 * Raw points: each point's internal coordinates ({@link elementCoords}), each as 32
 * little-endian bytes, concatenated. One typed array instead of point objects with bigint
 * fields: it moves between threads without copying and holds a million bases in 128 MB
 * (ristretto255; 96 bytes a point on P-256). Like {@link elementCoords}, not canonical, never on
 * the wire: every output is encoded canonically. On ristretto255 the database's rounds write and
 * read it on limbs (src/core/ristretto-limbs.ts), with no bigint on the way.
 */
export function pointsToRaw(suite: Suite, points: readonly Element[]): Uint8Array {
  const coords = elementCoords(suite, points);
  const out = new Uint8Array(coords.length * 32);
  const view = new DataView(out.buffer);
  for (let i = 0; i < coords.length; i++) {
    let x = coords[i] as bigint;
    if (x < 0n || x >> 256n !== 0n) throw new RangeError('pointsToRaw: coordinate out of range');
    for (let w = 0; w < 4; w++, x >>= 64n)
      view.setBigUint64(i * 32 + w * 8, BigInt.asUintN(64, x), true);
  }
  return out;
}

/** The points of {@link pointsToRaw} (the coordinates are checked in range by noble). */
export function rawToPoints(suite: Suite, raw: Uint8Array): Element[] {
  if (raw.length % rawPointBytes(suite) !== 0)
    throw new RangeError('raw points: not a whole number of points');
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const coords: bigint[] = new Array(raw.length / 32);
  for (let i = 0; i < coords.length; i++) {
    const o = i * 32;
    coords[i] =
      (view.getBigUint64(o + 24, true) << 192n) |
      (view.getBigUint64(o + 16, true) << 128n) |
      (view.getBigUint64(o + 8, true) << 64n) |
      view.getBigUint64(o, true);
  }
  return elementsFromCoords(suite, coords);
}

function positionsKernel(t: PositionsTask): PositionsResult {
  return { positions: itemPositions(t.nonces, t.items, t.width, t.nPrime) };
}

function hashKernel(suite: Suite, t: HashTask): HashResult {
  if (t.width < 1 || t.msgs.length % t.width !== 0)
    throw new RangeError('hash: not a whole number of messages');
  const c = t.msgs.length / t.width;
  const msg = (i: number) => t.msgs.subarray(i * t.width, (i + 1) * t.width);
  if (rawOnLimbs(suite)) {
    const out = new Uint8Array(c * RISTRETTO_RAW_BYTES);
    for (let i = 0; i < c; i++) hashToRistrettoRaw(msg(i), t.dst, out, i * RISTRETTO_RAW_BYTES);
    return { points: out };
  }
  const codec = bulkCodec(suite);
  const pts: Element[] = new Array(c);
  for (let i = 0; i < c; i++) pts[i] = codec.hashToGroup(msg(i), t.dst);
  return { points: pointsToRaw(suite, pts) };
}

/** `encode` of every raw point, concatenated (the suite's own error for the identity). */
function encodeRaw(suite: Suite, raw: Uint8Array): Uint8Array {
  const Ne = suite.elementLength;
  if (rawOnLimbs(suite)) {
    const c = raw.length / RISTRETTO_RAW_BYTES;
    const out = new Uint8Array(c * Ne);
    for (let i = 0; i < c; i++) {
      if (!encodeRawPoint(raw, i * RISTRETTO_RAW_BYTES, out, i * Ne)) {
        const [P] = rawToPoints(
          suite,
          raw.subarray(i * RISTRETTO_RAW_BYTES, (i + 1) * RISTRETTO_RAW_BYTES),
        );
        bulkCodec(suite).encode(P as Element); // throws the suite's error for the identity
      }
    }
    return out;
  }
  return concatEncodings(bulkCodec(suite).encodeAll(rawToPoints(suite, raw)), Ne);
}

function basesKernel(ctx: KernelContext, suite: Suite, t: BasesTask): BasesResult {
  const Ne = suite.elementLength;
  const bases = encodeRaw(suite, t.points);
  let cells: Uint8Array | null = null;
  if (t.k !== null) {
    const B = rawToPoints(suite, t.points);
    const P: Element[] = new Array(B.length);
    const mul = secretMultiplier(suite, t.k);
    for (let i = 0; i < B.length; i++) P[i] = mul(B[i] as Element);
    cells = concatEncodings(bulkCodec(suite).encodeAll(P), Ne);
  }
  if (t.hold) ctx.holdRaw(t.hold, t.from, t.points, suite);
  return { bases, cells };
}

/**
 * Run one kernel in this thread. `suiteOf` resolves a wire id (default: the suites loaded here,
 * `registeredSuite`).
 */
export function runKernel<K extends KernelName>(
  ctx: KernelContext,
  kernel: K,
  input: KernelInput<K>,
  suiteOf: (id: number) => Suite = registeredSuite,
): KernelOutput<K> {
  switch (kernel) {
    case 'mask': {
      const t = input as MaskTask;
      return mask(suiteOf(t.suite), t) as KernelOutput<K>;
    }
    case 'hop': {
      const t = input as HopTask;
      return hop(ctx, suiteOf(t.suite), t) as KernelOutput<K>;
    }
    case 'composites': {
      const t = input as CompositesTask;
      return composites(ctx, suiteOf(t.suite), t) as KernelOutput<K>;
    }
    case 'positions':
      return positionsKernel(input as PositionsTask) as KernelOutput<K>;
    case 'hash': {
      const t = input as HashTask;
      return hashKernel(suiteOf(t.suite), t) as KernelOutput<K>;
    }
    case 'bases': {
      const t = input as BasesTask;
      return basesKernel(ctx, suiteOf(t.suite), t) as KernelOutput<K>;
    }
    case 'release':
      ctx.release((input as ReleaseTask).job);
      return null as KernelOutput<K>;
    default:
      throw new RangeError(`unknown kernel ${String(kernel)}`);
  }
}

/** Let the event loop run (timers, I/O, rendering) between chunks, where the platform allows. */
function yieldToEventLoop(): Promise<void> {
  return typeof setTimeout === 'function'
    ? new Promise((resolve) => setTimeout(resolve, 0))
    : Promise.resolve();
}

/**
 * An {@link Executor} that runs every chunk in this thread, one after the other, yielding to the
 * event loop between chunks. No Node.js API: browsers, React Native, Node.
 */
export function createInThreadExecutor(): Executor {
  const ctx = new KernelContext();
  return Object.freeze({
    workers: 1,
    async map<K extends KernelName>(
      kernel: K,
      count: number,
      input: (index: number) => KernelInput<K>,
      opts: MapOptions<K> = {},
    ): Promise<KernelOutput<K>[]> {
      const out: KernelOutput<K>[] = new Array(count);
      for (let i = 0; i < count; i++) {
        if (i > 0) await yieldToEventLoop();
        const r = runKernel(ctx, kernel, input(i));
        if (!opts.discardResults) out[i] = r;
        opts.onResult?.(i, r);
      }
      return out;
    },
  });
}

let shared: Executor | null = null;

/** The shared in-thread executor (created on first use). */
export function inThreadExecutor(): Executor {
  shared ??= createInThreadExecutor();
  return shared;
}

/** Largest default chunk: big enough for the MSMs to stay efficient, small enough to interleave. */
export const MAX_DEFAULT_CHUNK = 8192;
/** Smallest default chunk (below it the per-chunk overhead shows). */
export const MIN_DEFAULT_CHUNK = 16;

/**
 * The chunk size for `n` elements on `workers` threads: about four chunks per thread, within
 * [{@link MIN_DEFAULT_CHUNK}, {@link MAX_DEFAULT_CHUNK}], then evened out so that every thread
 * gets the same number of chunks of nearly the same size (chunk `i` runs on thread
 * `i mod workers`); or `requested` (a positive integer). Outputs never depend on it.
 */
export function chunkSizeFor(n: number, workers: number, requested?: number): number {
  if (requested !== undefined) {
    if (!Number.isSafeInteger(requested) || requested < 1)
      throw new RangeError(`chunk size must be a positive integer, got ${requested}`);
    return requested;
  }
  const w = Math.max(1, workers);
  const size = Math.min(MAX_DEFAULT_CHUNK, Math.max(MIN_DEFAULT_CHUNK, Math.ceil(n / (4 * w))));
  const count = Math.ceil(Math.ceil(n / size) / w) * w;
  return Math.max(1, Math.ceil(n / count));
}

let jobCounter = 0;

/** A job id unique in this process (names what a job's tasks hold in each thread). */
export function newJobId(): string {
  jobCounter++;
  return `${jobCounter.toString(36)}.${Math.floor(Math.random() * 2 ** 52).toString(36)}`;
}

/** Progress of a long step of an asynchronous method. */
export interface Progress {
  /**
   * The NGO ring: `mask` (stage 0), `hop` (verify the incoming proof, multiply), `prove` (the
   * outgoing proof's composites), `verify` (board proofs). The database build: `layout` (the
   * items' cell positions), `hash` (items and fillers to the group), `blind` (cells `α·B_j`,
   * encoded with their bases), `prove` (the audit proof's composite). The audit: `layout` and
   * `hash` (the same), `encode` (the rebuilt bases), `verify` (cells decoded, the audit proof's
   * composites).
   */
  readonly phase: 'mask' | 'hop' | 'prove' | 'verify' | 'layout' | 'hash' | 'blind' | 'encode';
  /** Elements done and to do in this phase. */
  readonly done: number;
  readonly total: number;
}

/** Options of the asynchronous party, database build and audit methods. */
export interface ParallelOptions {
  /** Where the chunks run (default: {@link inThreadExecutor}). */
  executor?: Executor;
  /** Elements per chunk (default {@link chunkSizeFor}); never changes the output. */
  chunkSize?: number;
  /** Called as chunks complete. */
  onProgress?: (p: Progress) => void;
}
