/**
 * `quorum-psi keygen` (issue 14, first command): key pairs for the roles that hold long-lived
 * keys, written as files a person can hand on. The secret half is a locked secret
 * (src/core/locked-secret.ts: scrypt + XChaCha20-Poly1305 under a passphrase); the public half is
 * one line of hex (it goes into other parties' configuration by hand).
 *
 * The passphrase comes from the environment variable `QPSI_PASSPHRASE`, or from a prompt when
 * standard input is a terminal; never from a flag (flags end up in shell histories and process
 * lists). Files are written atomically (temporary file, then rename) and never overwrite an
 * existing file; nothing is written when a step fails. Node only.
 * @module
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KIND } from '../core/constants.js';
import { generateReviewerKeyPair } from '../core/seal.js';
import { generateSigningKeyPair } from '../core/sign.js';
import { bytesToHex } from '../core/utils.js';
import {
  CliUsageError,
  getPassphrase,
  lock,
  PASSPHRASE_ENV,
  refuseExisting,
  SCRYPT_ENV,
  writeFiles,
} from './io.js';

export { CliUsageError, PASSPHRASE_ENV } from './io.js';

/** Key kinds `keygen` makes: file stem, locked inner kind, how to generate. */
const KEY_KINDS = {
  ngo: {
    stem: 'ngo-signing',
    what: "an NGO's Ed25519 signing key (commitments, hops, contributions, manifests)",
    innerKind: KIND.signingSecretKey,
    generate: () => generateSigningKeyPair(),
  },
  auditor: {
    stem: 'auditor-signing',
    what: "an auditing NGO's Ed25519 signing key for manifests (may be the NGO's own key)",
    innerKind: KIND.signingSecretKey,
    generate: () => generateSigningKeyPair(),
  },
  reviewer: {
    stem: 'reviewer',
    what: "a reviewer's X25519 key (payloads are sealed to its public half)",
    innerKind: KIND.reviewerSecretKey,
    generate: () => generateReviewerKeyPair(),
  },
} as const;
type KeyKind = keyof typeof KEY_KINDS;

export const KEYGEN_HELP = `usage: quorum-psi keygen ngo|auditor|reviewer --out DIR

Makes a key pair and writes two files into DIR (created if missing):
  DIR/<name>.key   the secret key, locked under a passphrase (binary; keep it secret and backed up)
  DIR/<name>.pub   the public key, one line of hex (hand it to the parties that must trust it)
where <name> is ${Object.values(KEY_KINDS)
  .map((k) => k.stem)
  .join(', ')} for ngo, auditor, reviewer.

kinds:
${Object.entries(KEY_KINDS)
  .map(([k, v]) => `  ${k.padEnd(9)} ${v.what}`)
  .join('\n')}

options:
  --out DIR    directory to write into (required); existing key files are never overwritten

The passphrase is read from the environment variable ${PASSPHRASE_ENV}, or asked for on the
terminal (twice); it is never taken from a flag. The secret key is encrypted with scrypt
(N = 2^17, r = 8, p = 1) and XChaCha20-Poly1305 (docs/wire-format.md "Locked secret").
${SCRYPT_ENV} (10..20, default 17) sets log2 N: lower values are for tests and demos only.
Exit status: 0 on success, 2 for bad usage or input (nothing is written).`;

/** `quorum-psi keygen KIND --out DIR`. */
export async function cmdKeygen(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: { out: { type: 'string' } },
  });
  const kind = positionals[0];
  if (positionals.length !== 1 || kind === undefined || !(kind in KEY_KINDS)) {
    throw new CliUsageError(
      `keygen needs one kind: ${Object.keys(KEY_KINDS).join(', ')} (got ${positionals.length === 0 ? 'none' : `"${positionals.join(' ')}"`})`,
    );
  }
  if (values.out === undefined || values.out === '')
    throw new CliUsageError('--out DIR is required');
  const spec = KEY_KINDS[kind as KeyKind];
  const dir = values.out;
  const keyPath = join(dir, `${spec.stem}.key`);
  const pubPath = join(dir, `${spec.stem}.pub`);
  refuseExisting([keyPath, pubPath]); // before asking for a passphrase in vain
  const passphrase = await getPassphrase({ confirm: true, what: 'the new secret key' });
  const { secretKey, publicKey } = spec.generate();
  const locked = lock(spec.innerKind, secretKey, passphrase);
  writeFiles([
    [keyPath, locked, 0o600],
    [pubPath, `${bytesToHex(publicKey)}\n`, 0o644],
  ]);
  process.stdout.write(`${keyPath}: ${spec.what}, locked under the passphrase\n`);
  process.stdout.write(`${pubPath}: ${bytesToHex(publicKey)}\n`);
}
