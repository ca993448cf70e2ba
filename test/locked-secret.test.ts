/**
 * Secrets at rest under a passphrase (src/core/locked-secret.ts; issue 14): scrypt + XChaCha20-
 * Poly1305 over an authenticated header. A wrong passphrase is one clear typed error; every
 * corruption is a typed error, never a wrong secret; a crafted header cannot demand unbounded
 * memory; the inner kind is checked. Tests use `log2 N = 10` (fast); one test runs the default.
 */
import { describe, expect, it } from 'vitest';
import { KIND } from '../src/core/constants.js';
import { DecodeError, ParameterError, VerificationError } from '../src/core/errors.js';
import {
  DEFAULT_SCRYPT,
  lockSecret,
  readLockedHeader,
  unlockSecret,
} from '../src/core/locked-secret.js';
import { thrown } from './helpers/assert.js';
import { seededRng } from './helpers/rng.js';

const FAST = { logN: 10, r: 8, p: 1 };
const SECRET = Uint8Array.from({ length: 48 }, (_, i) => (i * 13 + 5) & 0xff);
const lock = (
  pass: string | Uint8Array = 'correct horse',
  secret = SECRET,
  rng = seededRng('ls'),
) => lockSecret(KIND.serverDatabaseSecret, secret, pass, { scrypt: FAST, rng });

describe('lockSecret / unlockSecret', () => {
  it('round-trips under the passphrase (string or bytes), and the same rng gives the same bytes', () => {
    const locked = lock();
    expect(unlockSecret(locked, 'correct horse', KIND.serverDatabaseSecret)).toEqual(SECRET);
    expect(lock()).toEqual(locked);
    const bytesPass = Uint8Array.of(0, 1, 2, 255);
    expect(unlockSecret(lock(bytesPass), bytesPass, KIND.serverDatabaseSecret)).toEqual(SECRET);
    expect(readLockedHeader(locked)).toEqual({
      innerKind: KIND.serverDatabaseSecret,
      scrypt: FAST,
    });
    // The ciphertext hides the secret: it is not a substring of the locked bytes.
    expect(Buffer.from(locked).includes(Buffer.from(SECRET))).toBe(false);
  });

  it('a wrong passphrase is VerificationError secret.passphrase with one clear line', () => {
    const e = thrown(() => unlockSecret(lock(), 'correct horsE', KIND.serverDatabaseSecret));
    expect(e).toBeInstanceOf(VerificationError);
    expect((e as VerificationError).code).toBe('secret.passphrase');
    expect((e as Error).message).toMatch(/wrong passphrase/);
    expect((e as Error).message).not.toMatch(/\n/);
  });

  it('normalises a string passphrase to NFC (composed and decomposed "é" unlock alike)', () => {
    const composed = 'caf\u00e9';
    const decomposed = 'cafe\u0301';
    expect(composed).not.toBe(decomposed);
    expect(unlockSecret(lock(composed), decomposed, KIND.serverDatabaseSecret)).toEqual(SECRET);
  });

  it('every single-bit change of the locked bytes is a typed error, never a secret', () => {
    const locked = lock();
    for (let i = 0; i < locked.length; i++) {
      const m = locked.slice();
      m[i] = (m[i] as number) ^ (1 << (i % 8));
      const e = thrown(() => unlockSecret(m, 'correct horse', KIND.serverDatabaseSecret));
      expect(
        e instanceof DecodeError || e instanceof VerificationError,
        `byte ${i}: ${String(e)}`,
      ).toBe(true);
    }
  });

  it('every truncation and an extension fail with a typed error', () => {
    const locked = lock();
    for (let n = 0; n < locked.length; n++) {
      const e = thrown(() =>
        unlockSecret(locked.subarray(0, n), 'correct horse', KIND.serverDatabaseSecret),
      );
      expect(e instanceof DecodeError || e instanceof VerificationError, `length ${n}`).toBe(true);
    }
    const longer = Uint8Array.of(...locked, 0);
    expect(
      thrown(() => unlockSecret(longer, 'correct horse', KIND.serverDatabaseSecret)),
    ).toBeInstanceOf(VerificationError);
  });

  it('refuses a locked secret of another inner kind, and another object, with decode.kind', () => {
    const e = thrown(() => unlockSecret(lock(), 'correct horse', KIND.accountState));
    expect(e).toBeInstanceOf(DecodeError);
    expect((e as DecodeError).code).toBe('decode.kind');
    expect((e as Error).message).toMatch(/server database secret, not a client account state/);
    const other = lock().slice();
    other[2] = KIND.voucher;
    const e2 = thrown(() => unlockSecret(other, 'correct horse', KIND.serverDatabaseSecret));
    expect((e2 as DecodeError).code).toBe('decode.kind');
  });

  it('a header demanding more than 1 GiB or an unknown KDF is refused before any work', () => {
    const locked = lock();
    // Offsets: header 5, inner kind 5, KDF 6, log2 N 7, r 8, p 9.
    for (const [at, v] of [
      [7, 21],
      [7, 9],
      [8, 33],
      [9, 0],
      [6, 2],
    ] as const) {
      const m = locked.slice();
      m[at] = v;
      const t0 = performance.now();
      const e = thrown(() => unlockSecret(m, 'correct horse', KIND.serverDatabaseSecret));
      expect(e, `offset ${at} = ${v}`).toBeInstanceOf(DecodeError);
      expect(performance.now() - t0).toBeLessThan(50);
    }
    // log2 N = 20 with r = 16 would need 2 GiB.
    const big = locked.slice();
    big[7] = 20;
    big[8] = 16;
    expect(thrown(() => readLockedHeader(big))).toBeInstanceOf(DecodeError);
  });

  it('refuses weak work factors and an empty passphrase when locking (ParameterError)', () => {
    for (const scrypt of [
      { logN: 9, r: 8, p: 1 },
      { logN: 21, r: 8, p: 1 },
      { logN: 10, r: 0, p: 1 },
      { logN: 10, r: 8, p: 17 },
    ]) {
      expect(
        thrown(() => lockSecret(KIND.serverDatabaseSecret, SECRET, 'x', { scrypt })),
      ).toBeInstanceOf(ParameterError);
    }
    expect(thrown(() => lock(''))).toBeInstanceOf(ParameterError);
    expect(thrown(() => lock(new Uint8Array(0)))).toBeInstanceOf(ParameterError);
  });

  it('copies its inputs and returns a fresh secret', () => {
    const secret = SECRET.slice();
    const locked = lock('pw', secret);
    secret.fill(0);
    const out = unlockSecret(locked, 'pw', KIND.serverDatabaseSecret);
    expect(out).toEqual(SECRET);
    out.fill(1);
    expect(unlockSecret(locked, 'pw', KIND.serverDatabaseSecret)).toEqual(SECRET);
  });

  it('uses scrypt N = 2^17, r = 8, p = 1 by default, and that round-trips', () => {
    expect(DEFAULT_SCRYPT).toEqual({ logN: 17, r: 8, p: 1 });
    const locked = lockSecret(KIND.accountState, SECRET, 'default work', { rng: seededRng('d') });
    expect(readLockedHeader(locked).scrypt).toEqual(DEFAULT_SCRYPT);
    expect(unlockSecret(locked, 'default work', KIND.accountState)).toEqual(SECRET);
  });
});
