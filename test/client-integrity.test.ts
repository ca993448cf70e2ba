/**
 * SPEC v2 §6: the client account state is integrity-checked. `toBytes` ends with
 * `SHA-256("quorum-psi-v1-state-client-account" ‖ 0x00 ‖ body)`; `fromBytes` verifies it before
 * anything else. For EVERY byte position of a small account state (with recorded synthetic ids):
 * flipping each of its 8 bits, and separately setting it to a different random value, makes
 * `fromBytes` throw a `DecodeError` with code `decode.integrity`; so does every truncation and
 * extension (`decode.truncated` below the checksum's 32 bytes). In v1 one corrupted byte loaded
 * silently as a different account for 171 of 220 positions.
 */
import { describe, expect, it } from 'vitest';
import { p256Sha256, ristretto255Sha512 } from '../src/core/group.js';
import { ClientAccount } from '../src/voucher/client.js';
import { ServerAccount, ServerDatabase } from '../src/voucher/server.js';
import { expectCorruptionRefused, item, makeWorld, upload } from './helpers/protocol.js';

describe.each([ristretto255Sha512, p256Sha256])(
  'client account state integrity on $name',
  (suite) => {
    it('every bit flip, byte overwrite, truncation and extension of a client account state is a DecodeError', () => {
      const w = makeWorld(suite, {
        threshold: 3,
        sMax: 3,
        rate: 0.5,
        members: 12,
        seed: 'integrity',
      });
      for (let i = 0; i < 12 && w.account.syntheticCount < 2; i++) upload(w, item('p', i), i);
      expect(w.account.syntheticCount).toBeGreaterThan(0); // the state carries synthetic ids
      const bytes = w.account.toBytes();
      expect(ClientAccount.fromBytes(bytes).toBytes()).toEqual(bytes);
      const tested = expectCorruptionRefused(
        bytes,
        (b) => ClientAccount.fromBytes(b),
        `acct-${suite.name}`,
      );
      expect(tested).toBeGreaterThan(8 * bytes.length);
    });

    it('a state of another kind never loads as a client account state (and vice versa)', () => {
      const w = makeWorld(suite, { threshold: 3, sMax: 1, members: 8 });
      const others = [w.server.toBytes(), w.serverDb.toBytes()];
      for (const b of others) {
        expect(() => ClientAccount.fromBytes(b)).toThrow(
          expect.objectContaining({ name: 'DecodeError', code: 'decode.kind' }),
        );
      }
      const acct = w.account.toBytes();
      expect(() => ServerAccount.fromBytes(acct)).toThrow(
        expect.objectContaining({ code: 'decode.kind' }),
      );
      expect(() => ServerDatabase.fromBytes(acct)).toThrow(
        expect.objectContaining({ code: 'decode.kind' }),
      );
    });
  },
);
