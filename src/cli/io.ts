/**
 * What every file-driven command shares (issue 14): reading inputs (copied, with one clear line
 * on failure), writing outputs atomically (temporary file, then rename; all or nothing; never
 * over an existing output), the passphrase (environment or terminal prompt, never a flag), locked
 * secrets, the person-written JSON files (roster, run, trust list), item lists and the
 * length-prefixed voucher stream. Node only: the library itself has no Node-specific code.
 *
 * Every failure here is a {@link CliUsageError}: the CLI prints one line and exits with status 2.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { KIND_NAME } from '../core/constants.js';
import { QuorumPsiError, VerificationError } from '../core/errors.js';
import { findSuite, type Suite } from '../core/group.js';
import {
  DEFAULT_SCRYPT,
  lockSecret,
  MAX_LOG_N,
  MIN_LOG_N,
  readLockedHeader,
  type ScryptParams,
  unlockSecret,
} from '../core/locked-secret.js';
import type { TrustedNgo } from '../core/sign.js';
import { bytesToHex, equalBytes, hexToBytes } from '../core/utils.js';
import {
  createQuorumConfig,
  createQuorumRoster,
  type QuorumConfig,
  type QuorumRoster,
} from '../quorum/ngo-messages.js';
import { runIdFromNonces } from '../quorum/run.js';

/** Bad usage or input: the CLI prints one line and exits with status 2. */
export class CliUsageError extends Error {}

/** Environment variable holding the passphrase of locked secrets. */
export const PASSPHRASE_ENV = 'QPSI_PASSPHRASE';
/**
 * Environment variable setting scrypt's `log2 N` for secrets locked from now on (default 17;
 * accepted 10..20). Lower values are for tests and demos only: a key file keeps the work factor
 * it was locked with.
 */
export const SCRYPT_ENV = 'QPSI_SCRYPT_LOG_N';

const te = new TextEncoder();

/** The first line of an error's message (file-system errors carry their code). */
function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  return String((e as Error)?.message ?? e).split('\n')[0] as string;
}

/**
 * Run `fn` (a library decoder or check) on the bytes of `path`; a library error becomes one line
 * naming the file: `PATH: code: message`.
 */
export function about<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof QuorumPsiError) {
      throw new CliUsageError(`${path}: ${e.code}: ${e.message}`, { cause: e });
    }
    if (e instanceof RangeError || e instanceof TypeError) {
      throw new CliUsageError(`${path}: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

// ── Arguments ─────────────────────────────────────────────────────────────────────────────────

/** A flag of a command: string (optionally repeated) or boolean. */
export type FlagSpec = { type: 'string'; multiple?: boolean } | { type: 'boolean' };

/**
 * Strict flag parsing (unknown flags, missing values and positionals are refused) and the
 * required flags checked, each with one line. Returns the values.
 */
export function parseFlags<
  const F extends Record<string, FlagSpec>,
  const R extends readonly (keyof F & string)[] = [],
>(
  argv: string[],
  flags: F,
  required?: R,
): {
  [K in keyof F]: F[K] extends { type: 'boolean' }
    ? boolean | undefined
    : F[K] extends { multiple: true }
      ? K extends R[number]
        ? string[]
        : string[] | undefined
      : K extends R[number]
        ? string
        : string | undefined;
} {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: flags as Record<string, FlagSpec>,
  });
  if (positionals.length > 0)
    throw new CliUsageError(`unexpected argument "${positionals[0]}" (flags start with --)`);
  for (const name of required ?? []) {
    const v = (values as Record<string, unknown>)[name];
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0))
      throw new CliUsageError(`--${name} is required`);
  }
  // biome-ignore lint/suspicious/noExplicitAny: the mapped type above is what parseArgs returns
  return values as any;
}

/** A decimal integer flag in `[min, max]` (or `def` when absent). */
export function intFlag(
  name: string,
  v: string | undefined,
  min: number,
  max: number,
  def?: number,
): number {
  if (v === undefined) {
    if (def === undefined) throw new CliUsageError(`--${name} is required`);
    return def;
  }
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(Number(v)))
    throw new CliUsageError(`--${name} must be an integer in [${min}, ${max}], got "${v}"`);
  const x = Number(v);
  if (x < min || x > max)
    throw new CliUsageError(`--${name} must be an integer in [${min}, ${max}], got ${x}`);
  return x;
}

/** Lower-case hex of even length, at least one byte. */
export function parseHex(s: string, where: string, length?: number): Uint8Array {
  const t = s.trim().toLowerCase();
  if (t.length === 0 || t.length % 2 !== 0 || !/^[0-9a-f]+$/.test(t))
    throw new CliUsageError(`${where}: not a hex string: "${s.trim().slice(0, 40)}"`);
  const b = hexToBytes(t);
  if (length !== undefined && b.length !== length)
    throw new CliUsageError(`${where}: expected ${length} bytes of hex, got ${b.length}`);
  return b;
}

// ── Files ─────────────────────────────────────────────────────────────────────────────────────

/** Largest input file read (bytes): 1.5 GiB, above any public data of 2^25 cells. */
export const MAX_INPUT_BYTES = 3 * 2 ** 29;

/** The bytes of `path` (an owned copy); `-` reads standard input. */
export function readInput(path: string, what = 'file'): Uint8Array {
  let b: Buffer;
  try {
    b = readFileSync(path === '-' ? 0 : path);
  } catch (e) {
    throw new CliUsageError(`cannot read ${what} ${path}: ${reason(e)}`);
  }
  if (b.length > MAX_INPUT_BYTES)
    throw new CliUsageError(`${path}: ${b.length} bytes, more than any ${what} can hold`);
  // A file read whole has a buffer of its own: used as it is (a board of 10^6 items per NGO is
  // 288 MB, not copied). A small file may sit in Node's shared pool: copied out of it.
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer)
    return new Uint8Array(b.buffer);
  return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** The text of `path` (UTF-8, fatal on invalid sequences). */
export function readText(path: string, what = 'file'): string {
  const b = readInput(path, what);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    throw new CliUsageError(`${path}: not UTF-8 text`);
  }
}

/** A JSON file a person wrote: parsed, an object at the top. */
export function readJson(path: string, what: string): Record<string, unknown> {
  const text = readText(path, what);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CliUsageError(`${path}: not valid JSON (${reason(e)})`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new CliUsageError(`${path}: expected a JSON object (${what})`);
  return v as Record<string, unknown>;
}

/**
 * Read fields of a person-written JSON object, each with one clear line when missing or of the
 * wrong type; unknown fields are refused (a typo must not silently fall back to a default).
 */
export class JsonFields {
  readonly #seen = new Set<string>();
  constructor(
    readonly obj: Record<string, unknown>,
    readonly where: string,
  ) {}
  #get(name: string, optional: boolean): unknown {
    this.#seen.add(name);
    const v = this.obj[name];
    if (v === undefined && !optional)
      throw new CliUsageError(`${this.where}: "${name}" is missing`);
    return v;
  }
  string(name: string): string;
  string(name: string, optional: true): string | undefined;
  string(name: string, optional = false): string | undefined {
    const v = this.#get(name, optional);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.length === 0)
      throw new CliUsageError(`${this.where}: "${name}" must be a non-empty string`);
    return v;
  }
  number(name: string): number;
  number(name: string, optional: true): number | undefined;
  number(name: string, optional = false): number | undefined {
    const v = this.#get(name, optional);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new CliUsageError(`${this.where}: "${name}" must be a number`);
    return v;
  }
  integer(name: string, min: number, max: number): number;
  integer(name: string, min: number, max: number, optional: true): number | undefined;
  integer(name: string, min: number, max: number, optional = false): number | undefined {
    const v = optional ? this.number(name, true) : this.number(name);
    if (v === undefined) return undefined;
    if (!Number.isSafeInteger(v) || v < min || v > max)
      throw new CliUsageError(`${this.where}: "${name}" must be an integer in [${min}, ${max}]`);
    return v;
  }
  hex(name: string, length?: number): Uint8Array {
    return parseHex(this.string(name), `${this.where}: "${name}"`, length);
  }
  array(name: string): unknown[] {
    const v = this.#get(name, false);
    if (!Array.isArray(v)) throw new CliUsageError(`${this.where}: "${name}" must be an array`);
    return v;
  }
  object(name: string): JsonFields;
  object(name: string, optional: true): JsonFields | undefined;
  object(name: string, optional = false): JsonFields | undefined {
    const v = this.#get(name, optional);
    if (v === undefined) return undefined;
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      throw new CliUsageError(`${this.where}: "${name}" must be an object`);
    return new JsonFields(v as Record<string, unknown>, `${this.where}: ${name}`);
  }
  /** Refuse fields this reader never asked for. */
  done(): void {
    for (const k of Object.keys(this.obj)) {
      if (!this.#seen.has(k)) throw new CliUsageError(`${this.where}: unknown field "${k}"`);
    }
  }
}

/** An output: path, bytes or text, file mode. */
export type OutputFile = readonly [path: string, data: Uint8Array | string, mode?: number];

/**
 * Write every file atomically (temporary file in the same directory, then rename) or none.
 * Outputs (`replace: false`, the default) never overwrite an existing file: a message of one run
 * must not silently replace another's. State files (`replace: true`) are replaced by the rename,
 * so a crash leaves the old state or the new one, never half of either.
 */
export function writeFiles(files: readonly OutputFile[], opts: { replace?: boolean } = {}): void {
  if (!opts.replace) refuseExisting(files.map(([path]) => path));
  const tmps: string[] = [];
  try {
    for (const [path, data, mode] of files) {
      mkdirSync(dirname(path), { recursive: true });
      const tmp = `${path}.tmp-${process.pid}`;
      writeFileSync(tmp, data, { mode: mode ?? 0o644, flag: 'wx' });
      tmps.push(tmp);
    }
  } catch (e) {
    for (const t of tmps) rmSync(t, { force: true });
    throw new CliUsageError(`cannot write ${files.map(([p]) => p).join(', ')}: ${reason(e)}`);
  }
  // Every temporary file is complete: renaming is the commit.
  files.forEach(([path], i) => {
    renameSync(tmps[i] as string, path);
  });
}

/** Refuse to go on when an output exists: outputs are never overwritten. */
export function refuseExisting(paths: readonly string[]): void {
  for (const path of paths) {
    if (existsSync(path)) throw new CliUsageError(`${path} already exists (not overwritten)`);
  }
}

/**
 * A step's outputs (which must not exist) and its updated state files (replaced), written
 * together as {@link writeFiles} does: the existence check and every temporary file come before
 * any rename, so a refused or failed step leaves the state as it was. The renames go outputs
 * first (an NGO's hop: a crash never records a list as processed without its output), or states
 * first with `statesFirst` (an auditor's signed version, a client's synthetic ids: a crash never
 * lets an output exist that its state does not record).
 */
export function commitStep(
  outputs: readonly OutputFile[],
  states: readonly OutputFile[],
  opts: { statesFirst?: boolean } = {},
): void {
  refuseExisting(outputs.map(([path]) => path));
  writeFiles(opts.statesFirst ? [...states, ...outputs] : [...outputs, ...states], {
    replace: true,
  });
}

// ── Passphrases and locked secrets ────────────────────────────────────────────────────────────

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

/**
 * The passphrase: the environment variable, or asked on the terminal (twice when `confirm`, for
 * a new secret). Never a flag: flags end up in shell histories and process lists.
 */
export async function getPassphrase(opts: { confirm: boolean; what: string }): Promise<string> {
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
  const a = await promptHidden(`passphrase for ${opts.what}: `);
  if (a.length === 0) throw new CliUsageError('empty passphrase');
  if (opts.confirm) {
    const b = await promptHidden('again: ');
    if (a !== b) throw new CliUsageError('the two passphrases differ');
  }
  return a;
}

/** scrypt work factors for a secret locked now: `QPSI_SCRYPT_LOG_N` or the default. */
export function scryptForNewSecrets(): ScryptParams {
  const v = process.env[SCRYPT_ENV];
  if (v === undefined || v === '') return DEFAULT_SCRYPT;
  const n = Number(v);
  if (!Number.isInteger(n) || n < MIN_LOG_N || n > MAX_LOG_N)
    throw new CliUsageError(`${SCRYPT_ENV} must be an integer in [${MIN_LOG_N}, ${MAX_LOG_N}]`);
  return { ...DEFAULT_SCRYPT, logN: n };
}

/** Lock `secret` (of kind `innerKind`) under the passphrase, with `like`'s work factors if given. */
export function lock(
  innerKind: number,
  secret: Uint8Array,
  passphrase: string,
  like?: Uint8Array,
): Uint8Array {
  const scrypt = like ? readLockedHeader(like).scrypt : scryptForNewSecrets();
  return lockSecret(innerKind, secret, passphrase, { scrypt });
}

/**
 * Unlock the locked secret in `path`, of kind `kind`: a wrong passphrase, another kind of file or
 * a damaged file is one line naming the file.
 */
export function unlockFile(
  path: string,
  kind: number,
  passphrase: string,
): { secret: Uint8Array; locked: Uint8Array } {
  const locked = readInput(path, KIND_NAME[kind] ?? 'locked secret');
  try {
    return { secret: unlockSecret(locked, passphrase, kind), locked };
  } catch (e) {
    if (e instanceof VerificationError)
      throw new CliUsageError(`${path}: wrong passphrase (or the file was altered)`, { cause: e });
    return about(path, () => {
      throw e;
    });
  }
}

// ── Person-written configuration ──────────────────────────────────────────────────────────────

/** A suite by its short name. */
export function suiteNamed(name: string, where: string): Suite {
  const s = findSuite(name);
  if (!s) throw new CliUsageError(`${where}: suite must be ristretto255 or p256, got "${name}"`);
  return s;
}

/**
 * `roster.json`, agreed by the NGOs before a run (docs/runbooks.md):
 * `{ "suite", "deploymentId" (text), "rule", "itemWidth",
 *    "members": [{ "jurisdiction", "signingPublicKey" (hex) }, …] }` in ring order.
 */
export function loadRoster(path: string): QuorumRoster {
  const f = new JsonFields(readJson(path, 'roster'), path);
  const suite = suiteNamed(f.string('suite'), path);
  const deploymentId = te.encode(f.string('deploymentId'));
  const m = f.integer('rule', 2, 0xffff);
  const itemWidth = f.integer('itemWidth', 1, 64);
  const members = f.array('members').map((x, i) => {
    if (x === null || typeof x !== 'object' || Array.isArray(x))
      throw new CliUsageError(`${path}: members[${i}] must be an object`);
    const mf = new JsonFields(x as Record<string, unknown>, `${path}: members[${i}]`);
    const member = {
      jurisdiction: mf.string('jurisdiction'),
      signingPublicKey: mf.hex('signingPublicKey', 32),
    };
    mf.done();
    return member;
  });
  f.done();
  return about(path, () => createQuorumRoster({ suite, deploymentId, m, itemWidth, members }));
}

/**
 * `run.json` (written by `quorum-psi run`): `{ "runId": hex, "runNonces": [hex, …] }`. The run
 * id is recomputed from the signed nonces against the reader's own roster, and must equal the
 * one written. Returns the run's configuration.
 */
export function loadRun(
  roster: QuorumRoster,
  path: string,
): { config: QuorumConfig; runNonces: Uint8Array[] } {
  const f = new JsonFields(readJson(path, 'run'), path);
  const claimed = f.hex('runId', 32);
  const runNonces = f.array('runNonces').map((x, i) => {
    if (typeof x !== 'string') throw new CliUsageError(`${path}: runNonces[${i}] must be hex`);
    return parseHex(x, `${path}: runNonces[${i}]`);
  });
  f.done();
  const runId = about(path, () => runIdFromNonces(roster, runNonces));
  if (!equalBytes(runId, claimed))
    throw new CliUsageError(`${path}: the run id does not match its nonces`);
  return { config: createQuorumConfig({ ...roster, runId }), runNonces };
}

/** The text of `run.json` for a verified run. */
export function runJson(runId: Uint8Array, runNonces: readonly Uint8Array[]): string {
  return `${JSON.stringify({ runId: bytesToHex(runId), runNonces: runNonces.map(bytesToHex) }, null, 2)}\n`;
}

/**
 * A trust list (`trust.json`, the application's or an NGO's own configuration):
 * `{ "deploymentId" (text), "rule", "ngos": [{ "name", "jurisdiction", "signingPublicKey" }] }`.
 */
export function loadTrust(path: string): {
  deploymentId: Uint8Array;
  rule: number;
  trust: TrustedNgo[];
} {
  const f = new JsonFields(readJson(path, 'trust list'), path);
  const deploymentId = te.encode(f.string('deploymentId'));
  if (deploymentId.length > 255)
    throw new CliUsageError(`${path}: "deploymentId" must be at most 255 bytes`);
  const rule = f.integer('rule', 1, 0xff);
  const trust = f.array('ngos').map((x, i) => {
    if (x === null || typeof x !== 'object' || Array.isArray(x))
      throw new CliUsageError(`${path}: ngos[${i}] must be an object`);
    const nf = new JsonFields(x as Record<string, unknown>, `${path}: ngos[${i}]`);
    const t = {
      name: nf.string('name'),
      jurisdiction: nf.string('jurisdiction'),
      signingPublicKey: nf.hex('signingPublicKey', 32),
    };
    nf.done();
    return t;
  });
  if (trust.length === 0) throw new CliUsageError(`${path}: "ngos" is empty`);
  const seen = new Set(trust.map((t) => bytesToHex(t.signingPublicKey)));
  if (seen.size !== trust.length) throw new CliUsageError(`${path}: a key is listed twice`);
  f.done();
  return { deploymentId, rule, trust };
}

/**
 * An item list: one hex item per line, all `width` bytes; blank lines and lines starting with
 * `#` are skipped.
 */
export function readItems(path: string, width: number): Uint8Array[] {
  // Line by line into one packed buffer (no array of 10^6 line strings, no buffer per item);
  // the items returned are views of it.
  const text = readText(path, 'item list');
  let packed = new Uint8Array(width * 1024);
  let count = 0;
  let line = 0;
  for (let start = 0; start < text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const t = text.slice(start, end).trim();
    start = end + 1;
    if (t === '' || t.startsWith('#')) continue;
    const x = parseHex(t, `${path}:${line + 1}`, width);
    if ((count + 1) * width > packed.length) {
      const grown = new Uint8Array(packed.length * 2);
      grown.set(packed);
      packed = grown;
    }
    packed.set(x, count * width);
    count++;
  }
  if (count === 0) throw new CliUsageError(`${path}: no items`);
  const out: Uint8Array[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = packed.subarray(i * width, (i + 1) * width);
  return out;
}

// ── Voucher streams ───────────────────────────────────────────────────────────────────────────

/** Largest record of a voucher stream (bytes). */
export const MAX_FRAME = 1 << 20;

/** A voucher stream: `(u32 big-endian length ‖ voucher)*`. */
export function encodeFrames(records: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const r of records) total += 4 + r.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let off = 0;
  for (const r of records) {
    if (r.length > MAX_FRAME) throw new RangeError('record too large for a voucher stream');
    view.setUint32(off, r.length);
    out.set(r, off + 4);
    off += 4 + r.length;
  }
  return out;
}

/**
 * Split a voucher stream into its records (copies). A truncated record or one above
 * {@link MAX_FRAME} is refused, naming its position.
 */
export function decodeFrames(bytes: Uint8Array, where: string): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  let off = 0;
  while (off < bytes.length) {
    if (off + 4 > bytes.length)
      throw new CliUsageError(`${where}: record ${out.length + 1}: truncated length`);
    const n = view.getUint32(off);
    if (n === 0 || n > MAX_FRAME)
      throw new CliUsageError(`${where}: record ${out.length + 1}: length ${n} out of range`);
    if (off + 4 + n > bytes.length)
      throw new CliUsageError(`${where}: record ${out.length + 1}: truncated`);
    out.push(bytes.slice(off + 4, off + 4 + n));
    off += 4 + n;
  }
  return out;
}

/** A command of the CLI: its name (`ngo hop`), one line of summary, `--help` text, and its run. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  run(argv: string[]): Promise<void>;
}

/** One line on standard output. */
export function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

// ── Progress ──────────────────────────────────────────────────────────────────────────────────

/** A step's progress as the library reports it: a phase, elements done and to do. */
export interface ProgressEvent {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
}

/** Phases smaller than this never print a line when stderr is not a terminal. */
export const PROGRESS_MIN_LINES = 10_000;

/**
 * Progress on stderr for a long step (issue 15): on a terminal, one bar redrawn in place and
 * cleared at the end; otherwise one line per tenth of a phase of at least
 * {@link PROGRESS_MIN_LINES} elements (small steps stay silent, so logs hold only what matters);
 * nothing with `quiet`. Standard output stays the step's result.
 */
export function progressReporter(
  label: string,
  opts: { quiet?: boolean; tty?: boolean; write?: (s: string) => void } = {},
): { readonly onProgress: (p: ProgressEvent) => void; done(): void } {
  const write = opts.write ?? ((s: string) => process.stderr.write(s));
  const tty = opts.tty ?? process.stderr.isTTY === true;
  if (opts.quiet) return { onProgress: () => {}, done: () => {} };
  let lastTenth = new Map<string, number>();
  let drawn = false;
  let lastDraw = 0;
  return {
    onProgress(p) {
      if (!(p.total > 0)) return;
      const frac = Math.min(1, p.done / p.total);
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 100 && p.done < p.total) return;
        lastDraw = now;
        const width = 24;
        const fill = Math.round(frac * width);
        write(
          `\r${label}: ${p.phase} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${p.done}/${p.total}\u001b[K`,
        );
        drawn = true;
        return;
      }
      if (p.total < PROGRESS_MIN_LINES) return;
      const tenth = Math.floor(frac * 10);
      if (tenth <= (lastTenth.get(p.phase) ?? 0) && p.done < p.total) return;
      if (lastTenth.get(p.phase) === 10) return;
      lastTenth.set(p.phase, tenth);
      write(`${label}: ${p.phase} ${p.done}/${p.total} (${tenth * 10}%)\n`);
    },
    done() {
      if (drawn) write('\r\u001b[K');
      drawn = false;
      lastTenth = new Map();
    },
  };
}
