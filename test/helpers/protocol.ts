/** Shared set-up for the voucher protocol tests: a database, a client, a server. */
import { expect } from 'vitest';
import { STATE_CHECKSUM_LENGTH } from '../../src/core/constants.js';
import { DecodeError } from '../../src/core/errors.js';
import type { Suite } from '../../src/core/group.js';
import type { Rng } from '../../src/core/utils.js';
import { buildDatabase } from '../../src/database/builder.js';
import { rateToU32 } from '../../src/database/pdata.js';
import { ClientAccount, ClientDatabase, createVoucher } from '../../src/voucher/client.js';
import { DatabaseRegistry, ServerAccount, ServerDatabase } from '../../src/voucher/server.js';
import { seededRng } from './rng.js';

export interface World {
  suite: Suite;
  members: Uint8Array[];
  /** The members the table placed (`members` minus `built.dropped`): these always match. */
  placed: Uint8Array[];
  built: ReturnType<typeof buildDatabase>;
  clientDb: ClientDatabase;
  serverDb: ServerDatabase;
  registry: DatabaseRegistry;
  account: ClientAccount;
  server: ServerAccount;
  rng: Rng;
}

/**
 * A fixed X25519 reviewer public key for tests that never open payloads (every database names at
 * least one reviewer key, SPEC v2 §5). Tests that open payloads make real key pairs.
 */
export const TEST_REVIEWER_KEY: Uint8Array = Uint8Array.from(
  { length: 32 },
  (_, i) => (i * 37 + 11) & 0xff,
);

export function item(tag: string, i: number): Uint8Array {
  const b = new Uint8Array(32);
  const t = new TextEncoder().encode(`${tag}:${i}`);
  b.set(t.subarray(0, 32));
  return b;
}

export function id(i: number, prefix = 0): Uint8Array {
  return Uint8Array.of(prefix, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff);
}

export function makeWorld(
  suite: Suite,
  opts: {
    threshold: number;
    sMax: number;
    rate?: number;
    members?: number;
    payloadSize?: number;
    seed?: string;
    reviewerKeys?: Uint8Array[];
  },
): World {
  const rng = seededRng(opts.seed ?? `world-${suite.shortName}`);
  const members = Array.from({ length: opts.members ?? 40 }, (_, i) => item('member', i));
  const built = buildDatabase(members, {
    suite,
    rng,
    params: {
      threshold: opts.threshold,
      sMax: opts.sMax,
      syntheticRate32: rateToU32(opts.rate ?? 0),
      payloadSize: opts.payloadSize ?? 32,
      reviewerKeys: opts.reviewerKeys ?? [TEST_REVIEWER_KEY],
    },
  });
  const clientDb = ClientDatabase.load(built.publicData, built.root);
  const serverDb = ServerDatabase.fromBuild(built);
  const registry = new DatabaseRegistry().add(serverDb);
  // The account pins the accepted database's suite, T, s_max and p (SPEC v2 §6).
  const account = ClientAccount.create({ database: clientDb, rng });
  const server = new ServerAccount({ database: serverDb });
  const dropped = new Set(built.dropped.map((d) => d.join(',')));
  const placed = members.filter((m) => !dropped.has(m.join(',')));
  return { suite, members, placed, built, clientDb, serverDb, registry, account, server, rng };
}

/**
 * A second build (another database version: fresh nonces, α and root) of the same members and
 * parameters, registered at the world's server; returns the client's view of it.
 */
export function addVersion(w: World, seed = 'version-2'): ClientDatabase {
  const p = w.clientDb.params;
  const built = buildDatabase(w.members, {
    suite: w.suite,
    rng: seededRng(`${seed}-${w.suite.shortName}`),
    params: {
      threshold: p.threshold,
      sMax: p.sMax,
      syntheticRate32: p.syntheticRate32,
      payloadSize: p.payloadSize,
      reviewerKeys: [...p.reviewerKeys],
    },
  });
  w.registry.add(ServerDatabase.fromBuild(built));
  return ClientDatabase.load(built.publicData, built.root);
}

export function payloadFor(i: number): Uint8Array {
  return new TextEncoder().encode(`payload #${i}`);
}

/** The voucher for `(itm, id(i), payloadFor(i))`, bound to `context` (default empty). */
export function upload(
  w: World,
  itm: Uint8Array,
  i: number,
  acct = w.account,
  db = w.clientDb,
  context?: Uint8Array,
): Uint8Array {
  return createVoucher(acct, db, { item: itm, id: id(i), payload: payloadFor(i), context }, w.rng);
}

// ── Stored-state corruption (SPEC v2 §6, §7: "a corrupted stored state fails to load") ───────

function expectDecodeError(
  load: (b: Uint8Array) => unknown,
  b: Uint8Array,
  codes: string[],
  what: string,
): void {
  let err: unknown;
  let loaded = false;
  try {
    load(b);
    loaded = true;
  } catch (e) {
    err = e;
  }
  if (loaded) expect.fail(`${what}: a corrupted state loaded`);
  if (!(err instanceof DecodeError)) {
    expect.fail(
      `${what}: threw ${(err as Error)?.name} (${(err as Error)?.message}), not a DecodeError`,
    );
  }
  expect(codes, `${what}: code ${(err as DecodeError).code}`).toContain((err as DecodeError).code);
}

/**
 * For every byte position of `bytes`: each of the 8 single-bit flips, and the byte set to a
 * different random value; then every truncation and 1..8-byte extensions. Each must throw a
 * DecodeError (`decode.integrity`; `decode.truncated` for fewer bytes than the checksum).
 * Returns the number of corrupted inputs tried.
 */
export function expectCorruptionRefused(
  bytes: Uint8Array,
  load: (b: Uint8Array) => unknown,
  seed: string,
): number {
  const rng = seededRng(seed);
  const integrity = ['decode.integrity'];
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const c = bytes.slice();
      c[i] = (c[i] as number) ^ (1 << bit);
      expectDecodeError(load, c, integrity, `bit ${bit} of byte ${i}`);
      n++;
    }
    const c = bytes.slice();
    c[i] = ((c[i] as number) + 1 + ((rng(1)[0] as number) % 255)) & 0xff; // any other value
    expect(c[i]).not.toBe(bytes[i]);
    expectDecodeError(load, c, integrity, `byte ${i} overwritten`);
    n++;
  }
  for (let len = 0; len < bytes.length; len++) {
    const codes = len < STATE_CHECKSUM_LENGTH ? ['decode.truncated'] : integrity;
    expectDecodeError(load, bytes.slice(0, len), codes, `truncated to ${len}`);
    n++;
  }
  for (let k = 1; k <= 8; k++) {
    const ext = new Uint8Array(bytes.length + k);
    ext.set(bytes);
    ext.set(rng(k), bytes.length);
    expectDecodeError(load, ext, integrity, `extended by ${k}`);
    // The checksum moved to the end of the extension: still refused.
    const moved = ext.slice();
    moved.set(
      bytes.subarray(bytes.length - STATE_CHECKSUM_LENGTH),
      ext.length - STATE_CHECKSUM_LENGTH,
    );
    expectDecodeError(load, moved, integrity, `extended by ${k}, checksum moved`);
    n += 2;
  }
  return n;
}

// ── Pooled Buffer views (SPEC v2 §5: "inputs are copied at the boundary, never aliased") ─────

/**
 * Hands out views of one Node `Buffer` pool at odd offsets, as Node's own pooled Buffers are
 * (`Buffer.prototype.slice` of such a view is another view, not a copy).
 */
export class BufferPool {
  readonly pool: Buffer = Buffer.allocUnsafe(1 << 18);
  #off = 37;
  /** A view of the pool holding a copy of `b`. */
  view(b: Uint8Array): Buffer {
    if (this.#off + b.length > this.pool.length) throw new Error('pool exhausted');
    const v = this.pool.subarray(this.#off, this.#off + b.length);
    v.set(b);
    this.#off += b.length + 13;
    return v;
  }
  /** Overwrite every byte handed out so far (the caller reusing its buffers). */
  scribble(value = 0x5a): void {
    this.pool.fill(value);
  }
}

/**
 * An `rng` that returns the bytes of `inner` in views of ONE reused buffer: each call overwrites
 * the previous output, as a pooled generator may. Code that keeps an rng output without copying
 * it sees it change.
 */
export function reusingRng(inner: Rng): Rng {
  const buf = Buffer.allocUnsafe(1 << 14);
  return (n: number) => {
    const v = buf.subarray(11, 11 + n);
    v.set(inner(n));
    return v;
  };
}
