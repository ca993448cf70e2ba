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
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KIND } from '../core/constants.js';
import { lockSecret } from '../core/locked-secret.js';
import { generateReviewerKeyPair } from '../core/seal.js';
import { generateSigningKeyPair } from '../core/sign.js';
import { bytesToHex } from '../core/utils.js';

/** Bad usage or input: the CLI prints one line and exits with status 2. */
export class CliUsageError extends Error {}

/** Environment variable holding the passphrase of locked secrets. */
export const PASSPHRASE_ENV = 'QPSI_PASSPHRASE';

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
Exit status: 0 on success, 2 for bad usage or input (nothing is written).`;

/** Read a passphrase without echo from a terminal. */
async function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  let text = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            resolve(text);
            return;
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            reject(new CliUsageError('cancelled'));
            return;
          }
          if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
          else text += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}

/** The passphrase for a new locked secret: the environment variable, or asked twice. */
async function newPassphrase(): Promise<string> {
  const env = process.env[PASSPHRASE_ENV];
  if (env !== undefined) {
    if (env.length === 0) throw new CliUsageError(`${PASSPHRASE_ENV} is set but empty`);
    return env;
  }
  if (!process.stdin.isTTY) {
    throw new CliUsageError(
      `no passphrase: set ${PASSPHRASE_ENV} or run in a terminal to be asked for one`,
    );
  }
  const a = await promptHidden('passphrase for the new secret key: ');
  if (a.length === 0) throw new CliUsageError('empty passphrase');
  const b = await promptHidden('again: ');
  if (a !== b) throw new CliUsageError('the two passphrases differ');
  return a;
}

/** Refuse to go on when any of `paths` exists: files are never overwritten. */
function refuseExisting(paths: readonly string[]): void {
  for (const path of paths) {
    if (existsSync(path)) throw new CliUsageError(`${path} already exists (not overwritten)`);
  }
}

/**
 * Write every `[path, bytes, mode]` atomically (temporary file, then rename), or none: an existing
 * target is refused before anything is written, and a failure removes what was written.
 */
function writeAllOrNothing(
  files: readonly [path: string, data: Uint8Array | string, mode: number][],
): void {
  refuseExisting(files.map(([path]) => path));
  const done: string[] = [];
  try {
    for (const [path, data, mode] of files) {
      const tmp = `${path}.tmp-${process.pid}`;
      writeFileSync(tmp, data, { mode, flag: 'wx' });
      renameSync(tmp, path);
      done.push(path);
    }
  } catch (e) {
    for (const p of done) rmSync(p, { force: true });
    for (const [path] of files) rmSync(`${path}.tmp-${process.pid}`, { force: true });
    throw new CliUsageError(`cannot write: ${(e as Error).message.split('\n')[0]}`);
  }
}

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
  const passphrase = await newPassphrase();
  const { secretKey, publicKey } = spec.generate();
  const locked = lockSecret(spec.innerKind, secretKey, passphrase);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new CliUsageError(`cannot create ${dir}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  writeAllOrNothing([
    [keyPath, locked, 0o600],
    [pubPath, `${bytesToHex(publicKey)}\n`, 0o644],
  ]);
  process.stdout.write(`${keyPath}: ${spec.what}, locked under the passphrase\n`);
  process.stdout.write(`${pubPath}: ${bytesToHex(publicKey)}\n`);
}
