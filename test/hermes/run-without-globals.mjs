/**
 * Child process of scripts/hermes-check.mjs: the client flow in Node with the globals that Hermes
 * (React Native) lacks removed BEFORE the library loads (it is imported dynamically, afterwards).
 *
 *   node test/hermes/run-without-globals.mjs <dir> [mode]
 *
 * Reads <dir>/fixture.json, writes <dir>/result-<mode>.json (see ./hermes-entry.js).
 * Modes:
 * - `hermes` (default): `crypto` is replaced by an object holding only `getRandomValues` (no
 *   `subtle`, no `randomUUID`); `TextDecoder`, `structuredClone` and `Buffer` are deleted;
 *   `TextEncoder` stays (Hermes has it since React Native 0.74).
 * - `no-text-encoder`: as `hermes`, and `TextEncoder` deleted too (a control: must fail).
 * - `injected-rng`: as `hermes`, but no `crypto` at all; the flow gets an `rng` argument.
 * Exits 0 after writing the result, 2 if the globals could not be removed, 1 if the flow threw
 * (the error is printed as `client flow threw: <name>: <message>` followed by the stack).
 */
import { randomFillSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, mode = 'hermes'] = process.argv.slice(2);
if (!dir || !['hermes', 'no-text-encoder', 'injected-rng'].includes(mode)) {
  console.error('usage: run-without-globals.mjs <dir> [hermes|no-text-encoder|injected-rng]');
  process.exit(2);
}

// ── Remove the globals (nothing of the library has been evaluated yet). ─────────────────────
const nodeGetRandomValues = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
const secureRandom = (n) => randomFillSync(new Uint8Array(n));
let randomCalls = 0;

function remove(name) {
  delete globalThis[name];
  // Some globals are accessors or non-configurable on some Node versions: shadow them then.
  if (name in globalThis) {
    Object.defineProperty(globalThis, name, {
      value: undefined,
      writable: true,
      configurable: true,
    });
  }
}

remove('crypto');
if (mode !== 'injected-rng') {
  // What react-native-get-random-values installs: crypto.getRandomValues, nothing else.
  Object.defineProperty(globalThis, 'crypto', {
    value: Object.freeze({
      getRandomValues: (array) => {
        randomCalls++;
        return nodeGetRandomValues(array);
      },
    }),
    writable: true,
    configurable: true,
  });
}
for (const name of ['TextDecoder', 'structuredClone', 'Buffer']) remove(name);
if (mode === 'no-text-encoder') remove('TextEncoder');

// ── Assert they are really gone, as the library will see them. ──────────────────────────────
const problems = [];
const expectUndefined = (what, value) => {
  if (value !== undefined) problems.push(`${what} is still defined`);
};
expectUndefined('TextDecoder', globalThis.TextDecoder);
expectUndefined('structuredClone', globalThis.structuredClone);
expectUndefined('Buffer', globalThis.Buffer);
if (mode === 'injected-rng') {
  expectUndefined('crypto', globalThis.crypto);
} else {
  expectUndefined('crypto.subtle', globalThis.crypto?.subtle);
  const keys = Object.keys(globalThis.crypto ?? {});
  if (keys.join() !== 'getRandomValues') problems.push(`crypto has ${keys.join(', ')}`);
  if (typeof globalThis.crypto?.getRandomValues !== 'function')
    problems.push('crypto.getRandomValues is missing');
}
if (mode === 'no-text-encoder') expectUndefined('TextEncoder', globalThis.TextEncoder);
else if (typeof globalThis.TextEncoder !== 'function') problems.push('TextEncoder is missing');
try {
  new Function('return TextDecoder')();
  problems.push('TextDecoder still resolves as a free variable');
} catch (e) {
  if (!(e instanceof ReferenceError)) problems.push(`TextDecoder lookup: ${e}`);
}
if (problems.length > 0) {
  console.error(`globals not removed: ${problems.join('; ')}`);
  process.exit(2);
}
const present = ['crypto', 'TextEncoder', 'TextDecoder', 'structuredClone', 'Buffer']
  .filter((n) => globalThis[n] !== undefined)
  .map((n) => (n === 'crypto' ? `crypto{${Object.keys(globalThis.crypto).join(',')}}` : n));
console.log(`globals removed (${mode}); present: ${present.join(', ') || 'none of them'}`);

// ── Only now load the library (through the package's exports) and run the client flow. ──────
try {
  const { runClientFlowJson } = await import('./hermes-entry.js');
  const fixture = readFileSync(join(dir, 'fixture.json'), 'utf8');
  const result = runClientFlowJson(
    fixture,
    mode === 'injected-rng' ? { rng: secureRandom } : undefined,
  );
  writeFileSync(join(dir, `result-${mode}.json`), result);
  const calls =
    mode === 'injected-rng' ? 'no crypto' : `${randomCalls} crypto.getRandomValues calls`;
  console.log(`client flow ok: ${JSON.parse(result).vouchers.length} vouchers (${calls})`);
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  console.error(`client flow threw: ${err.name}: ${err.message}`);
  console.error(err.stack);
  process.exit(1);
}
