/**
 * Hostile input to every decoder of the voucher protocol (SPEC §9: "All decoders reject
 * malformed input with a typed error and never throw anything else"): random bytes,
 * truncations, extensions, bit flips and cross-suite inputs. Each case must either decode to a
 * valid object (a flip can land on a still-valid encoding) or throw a DecodeError — never any
 * other exception. Hundreds of cases here; thousands under `npm run test:slow`.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecodeError, QuorumPsiError } from '../src/core/errors.js';
import { p256Sha256, ristretto255Sha512 } from '../src/core/group.js';
import { concatBytes } from '../src/core/utils.js';
import { ClientAccount, ClientDatabase } from '../src/voucher/client.js';
import { ServerAccount, ServerDatabase } from '../src/voucher/server.js';
import { decodeVoucher } from '../src/voucher/voucher.js';
import { makeWorld, upload, type World } from './helpers/protocol.js';

const RUNS = process.env.QPSI_SLOW ? 3000 : 150;

type Decoder = (b: Uint8Array) => unknown;

/** Run `decode` on `bytes`; assert it returns or throws a DecodeError / QuorumPsiError. */
function expectTyped(decode: Decoder, bytes: Uint8Array, allowVerification = false): void {
  try {
    decode(bytes);
  } catch (e) {
    if (e instanceof DecodeError) return;
    if (allowVerification && e instanceof QuorumPsiError) return;
    throw new Error(`decoder threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
}

function mutations(sample: Uint8Array) {
  return fc.oneof(
    fc.uint8Array({ maxLength: sample.length + 8 }),
    fc.nat({ max: sample.length }).map((n) => sample.slice(0, n)),
    fc.uint8Array({ minLength: 1, maxLength: 8 }).map((ext) => new Uint8Array([...sample, ...ext])),
    fc.tuple(fc.nat({ max: sample.length - 1 }), fc.integer({ min: 0, max: 7 })).map(([i, bit]) => {
      const c = sample.slice();
      c[i] = (c[i] as number) ^ (1 << bit);
      return c;
    }),
    fc
      .tuple(fc.nat({ max: sample.length - 1 }), fc.uint8Array({ minLength: 1, maxLength: 4 }))
      .map(([i, junk]) => {
        const c = sample.slice();
        c.set(junk.subarray(0, Math.max(0, c.length - i)), i);
        return c;
      }),
  );
}

describe.each([ristretto255Sha512, p256Sha256])('decoders on $name', (suite) => {
  let w: World;
  let samples: Record<string, { bytes: Uint8Array; decode: Decoder; verification?: boolean }>;
  beforeAll(() => {
    w = makeWorld(suite, { threshold: 3, sMax: 2, rate: 0.3, members: 12 });
    const v = upload(w, w.members[0] as Uint8Array, 0);
    w.server.ingest(v, w.registry);
    w.server.ingest(upload(w, new Uint8Array(32).fill(9), 1), w.registry);
    samples = {
      voucher: { bytes: v, decode: decodeVoucher },
      'account state': { bytes: w.account.toBytes(), decode: (b) => ClientAccount.fromBytes(b) },
      'server account state': {
        bytes: w.server.toBytes(),
        decode: (b) => ServerAccount.fromBytes(b),
      },
      'server database secret': {
        bytes: w.serverDb.toBytes(),
        decode: (b) => ServerDatabase.fromBytes(b),
      },
      'public data': { bytes: w.built.publicData, decode: (b) => ClientDatabase.load(b) },
      'public data with root': {
        bytes: w.built.publicData,
        decode: (b) => ClientDatabase.load(b, w.built.root),
        verification: true,
      },
    };
  });

  it.each([
    'voucher',
    'account state',
    'server account state',
    'server database secret',
    'public data',
    'public data with root',
  ])(
    '%s: the sample round-trips and every mutation gives a typed error or a valid object',
    (name) => {
      const s = samples[name];
      if (!s) throw new Error('missing sample');
      expect(() => s.decode(s.bytes)).not.toThrow();
      fc.assert(
        fc.property(mutations(s.bytes), (m) => expectTyped(s.decode, m, s.verification)),
        { numRuns: name.startsWith('public data') ? Math.ceil(RUNS / 5) : RUNS },
      );
    },
  );

  it('a voucher of the other suite is a typed outcome, not a crash', () => {
    const other = suite === ristretto255Sha512 ? p256Sha256 : ristretto255Sha512;
    const w2 = makeWorld(other, { threshold: 3, sMax: 2, members: 8 });
    const v = upload(w2, w2.members[0] as Uint8Array, 0);
    // Unknown database for this registry; and with the other database registered, a suite mismatch.
    expect(w.server.ingest(v, w.registry).kind).toBe('unknown-database');
    w.registry.add(w2.serverDb);
    expect(w.server.ingest(v, w.registry).kind).toBe('parameter-mismatch');
    w.registry.remove(w2.serverDb.databaseId);
    // Other-suite state bytes decode to the other suite or are rejected, never confused.
    expect(ClientAccount.fromBytes(w2.account.toBytes()).suite).toBe(other);
  });

  // The exact effect of every single-bit mutation on the server state (outside and inside the
  // id) is checked in test/server-mutation.test.ts; here: random mutations of every shape.
  it('server ingest never throws on mutated vouchers (random bytes, truncations, extensions, flips, overwrites); outcomes other than match, non-match and duplicate leave the state byte-identical', () => {
    const v = upload(w, w.members[1] as Uint8Array, 7);
    fc.assert(
      fc.property(mutations(v), (m) => {
        const acct = ServerAccount.fromBytes(w.server.toBytes());
        const out = acct.ingest(m, w.registry);
        if (out.kind !== 'match' && out.kind !== 'non-match' && out.kind !== 'duplicate') {
          expect(acct.toBytes()).toEqual(w.server.toBytes());
        }
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  it('a voucher carries exactly one slot (SPEC v2): a second slot, or none, is malformed and changes nothing', async () => {
    const bytes = upload(w, w.members[2] as Uint8Array, 9);
    const env = decodeVoucher(bytes);
    const { encodeVoucher } = await import('../src/voucher/voucher.js');
    const plain = encodeVoucher(env);
    expect(plain).toEqual(bytes);
    // The slot sits right before rct: insert a copy of it, or cut it out.
    const slotLen = env.slot.Q.length + env.slot.ct.length;
    const at = bytes.length - env.rct.length;
    const twoSlots = concatBytes(bytes.subarray(0, at), bytes.subarray(at - slotLen, at), env.rct);
    const noSlot = concatBytes(bytes.subarray(0, at - slotLen), env.rct);
    const before = w.server.toBytes();
    for (const v of [twoSlots, noSlot]) {
      expect(w.server.ingest(v, w.registry).kind).toBe('malformed');
    }
    expect(w.server.toBytes()).toEqual(before);
  });
});
