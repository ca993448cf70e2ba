/**
 * `quorum-psi keygen` (src/cli/keys.ts; issue 14): key pairs written as a locked secret key and a
 * hex public key, the passphrase from `QPSI_PASSPHRASE` (never a flag), never overwriting, and
 * exit status 2 with one line and nothing written on bad input. Spawns the CLI through
 * test/helpers/cli.ts.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KIND } from '../src/core/constants.js';
import { VerificationError } from '../src/core/errors.js';
import { readLockedHeader, unlockSecret } from '../src/core/locked-secret.js';
import { reviewerPublicKey } from '../src/core/seal.js';
import { signingPublicKey } from '../src/core/sign.js';
import { bytesToHex } from '../src/core/utils.js';
import { thrown } from './helpers/assert.js';
import { expectOneLine, runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'qpsi-keygen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[], passphrase: string | undefined) =>
  runCli(args, { QPSI_PASSPHRASE: passphrase });
describe('quorum-psi keygen', () => {
  it('ngo: a locked signing key and its hex public key; the passphrase unlocks it, another does not', async () => {
    const out = join(dir, 'ngo');
    const r = await cli(['keygen', 'ngo', '--out', out], 'correct horse');
    expect(r.code, r.stderr).toBe(0);
    const locked = new Uint8Array(readFileSync(join(out, 'ngo-signing.key')));
    const pub = readFileSync(join(out, 'ngo-signing.pub'), 'utf8');
    expect(pub).toMatch(/^[0-9a-f]{64}\n$/);
    expect(readLockedHeader(locked)).toMatchObject({ innerKind: KIND.signingSecretKey });
    const sk = unlockSecret(locked, 'correct horse', KIND.signingSecretKey);
    expect(bytesToHex(signingPublicKey(sk))).toBe(pub.trim());
    expect(thrown(() => unlockSecret(locked, 'wrong horse', KIND.signingSecretKey))).toBeInstanceOf(
      VerificationError,
    );
    // The secret file is readable by its owner only.
    expect(statSync(join(out, 'ngo-signing.key')).mode & 0o077).toBe(0);
  });

  it('reviewer: an X25519 key pair whose public half matches the locked secret', async () => {
    const out = join(dir, 'reviewer');
    const r = await cli(['keygen', 'reviewer', '--out', out], 'pw');
    expect(r.code, r.stderr).toBe(0);
    const sk = unlockSecret(
      new Uint8Array(readFileSync(join(out, 'reviewer.key'))),
      'pw',
      KIND.reviewerSecretKey,
    );
    expect(bytesToHex(reviewerPublicKey(sk))).toBe(
      readFileSync(join(out, 'reviewer.pub'), 'utf8').trim(),
    );
  });

  it('never overwrites: a second keygen into the same directory exits 2 and changes nothing', async () => {
    const out = join(dir, 'twice');
    expect((await cli(['keygen', 'auditor', '--out', out], 'pw')).code).toBe(0);
    const before = readFileSync(join(out, 'auditor-signing.key'));
    expectOneLine(await cli(['keygen', 'auditor', '--out', out], 'pw'), /already exists/);
    expect(readFileSync(join(out, 'auditor-signing.key'))).toEqual(before);
  });

  it('bad input: exit 2, one line, nothing written', async () => {
    const out = join(dir, 'bad');
    expectOneLine(
      await cli(['keygen', 'ngo', '--out', out], undefined),
      /no passphrase: set QPSI_PASSPHRASE/,
    );
    expectOneLine(
      await cli(['keygen', 'ngo', '--out', out], ''),
      /QPSI_PASSPHRASE is set but empty/,
    );
    expectOneLine(
      await cli(['keygen', 'wizard', '--out', out], 'pw'),
      /keygen needs one kind: ngo, auditor, reviewer/,
    );
    expectOneLine(await cli(['keygen', 'ngo'], 'pw'), /--out DIR is required/);
    expectOneLine(
      await cli(['keygen', 'ngo', '--out', out, '--passphrase', 'x'], 'pw'),
      /Unknown option '--passphrase'/,
    );
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('--help describes the kinds, the files, the passphrase source and the exit status', async () => {
    const r = await cli(['keygen', '--help'], undefined);
    expect(r.code).toBe(0);
    for (const s of [
      'ngo',
      'auditor',
      'reviewer',
      '--out DIR',
      'QPSI_PASSPHRASE',
      'never taken from a flag',
      'Exit status',
    ]) {
      expect(r.stdout).toContain(s);
    }
  });
});
