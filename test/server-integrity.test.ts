/**
 * SPEC v2 §7: the server's stored states are integrity-checked. `ServerAccount.toBytes` and
 * `ServerDatabase.toBytes` end with `SHA-256(label ‖ 0x00 ‖ body)` (one label per kind of state);
 * `fromBytes` verifies it before anything else. For EVERY byte position of a server account
 * state holding candidates (real and synthetic) and non-matching ids, and of a database secret:
 * flipping each of its 8 bits, and separately setting it to a different random value, makes
 * `fromBytes` throw a `DecodeError` (`decode.integrity`); so does every truncation and extension.
 * In v1 about 95% of a server account's positions and 40% of a database secret's loaded silently
 * as a different state.
 */
import { describe, expect, it } from 'vitest';
import { p256Sha256, ristretto255Sha512 } from '../src/core/group.js';
import { ServerAccount, ServerDatabase } from '../src/voucher/server.js';
import { expectCorruptionRefused, item, makeWorld, upload } from './helpers/protocol.js';

describe.each([ristretto255Sha512, p256Sha256])('server state integrity on $name', (suite) => {
  it('every bit flip, byte overwrite, truncation and extension of a server account state (candidates and non-matches) is a DecodeError', () => {
    const w = makeWorld(suite, { threshold: 3, sMax: 1, rate: 0.5, members: 12, seed: 'srv-int' });
    // Two member uploads and two non-members; with p = 1/2 one of them is likely synthetic.
    for (let i = 0; i < 4; i++) {
      const itm = i < 2 ? (w.members[i] as Uint8Array) : item('n', i);
      w.server.ingest(upload(w, itm, i), w.registry);
    }
    expect(w.account.syntheticCount).toBe(1); // one candidate is synthetic
    expect(w.server.candidates.length).toBeGreaterThanOrEqual(2);
    expect(w.server.nonMatchIds.length).toBeGreaterThanOrEqual(1);
    const bytes = w.server.toBytes();
    expect(ServerAccount.fromBytes(bytes).toBytes()).toEqual(bytes);
    const n = expectCorruptionRefused(bytes, (b) => ServerAccount.fromBytes(b), `sa-${suite.name}`);
    expect(n).toBeGreaterThan(8 * bytes.length);
  });

  it('every bit flip, byte overwrite, truncation and extension of a server database secret is a DecodeError', () => {
    const w = makeWorld(suite, { threshold: 3, sMax: 1, members: 8, seed: 'db-int' });
    const bytes = w.serverDb.toBytes();
    expect(ServerDatabase.fromBytes(bytes).toBytes()).toEqual(bytes);
    const n = expectCorruptionRefused(
      bytes,
      (b) => ServerDatabase.fromBytes(b),
      `db-${suite.name}`,
    );
    expect(n).toBeGreaterThan(8 * bytes.length);
  });

  it('a server account state and a database secret never load as each other', () => {
    const w = makeWorld(suite, { threshold: 3, sMax: 1, members: 8 });
    expect(() => ServerAccount.fromBytes(w.serverDb.toBytes())).toThrow(
      expect.objectContaining({ name: 'DecodeError', code: 'decode.kind' }),
    );
    expect(() => ServerDatabase.fromBytes(w.server.toBytes())).toThrow(
      expect.objectContaining({ name: 'DecodeError', code: 'decode.kind' }),
    );
  });
});
