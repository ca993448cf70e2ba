#!/usr/bin/env node
/**
 * React Native / Hermes check of the client role (docs/react-native.md).
 *
 *   npm run build   # once: the check uses the BUILT package (dist/) through its "exports"
 *   node scripts/hermes-check.mjs
 *
 * Steps (one line each; any failure exits 1):
 *  1. fixture        A real deployment made in Node with full globals: a 3-NGO quorum run, the
 *                    database built and audited by each NGO, a manifest co-signed by all three,
 *                    a reviewer key, a server database.
 *  2. node-hermes    The client flow (test/hermes/client-flow.js, package subpaths only) in a child
 *                    Node process that first removed what Hermes lacks: crypto.subtle (crypto holds
 *                    only getRandomValues), TextDecoder, structuredClone, Buffer. Its vouchers are
 *                    ingested by the server and the real matches' payloads opened by the reviewer.
 *  3. control        The same child without TextEncoder must fail (the library needs TextEncoder;
 *                    this also proves the removal reaches the library).
 *  4. injected-rng   The same child with no crypto at all and an `rng` passed in: must succeed.
 *  5. bundle         esbuild bundles test/hermes/hermes-entry.js from dist/ into one IIFE script
 *                    (platform neutral: a Node built-in anywhere fails the bundle); no syntax is
 *                    lowered below the package's own es2022 (see LOWERED).
 *  6. vm             That bundle runs in a bare `vm` context whose only non-ECMAScript globals are
 *                    crypto.getRandomValues and TextEncoder (what a React Native app on Hermes has
 *                    once it installed the getRandomValues polyfill); its vouchers are checked too.
 *  7. scan           The minified bundle names no crypto.subtle, TextDecoder, structuredClone or
 *                    Buffer, and reads no global through globalThis except `crypto`.
 *  8. hermesc        hermesc (npm hermes-compiler) compiles the bundle and its minified form with
 *                    -strict -Wundefined-variable -Werror -O: a syntax Hermes rejects, or a free
 *                    reference to a global Hermes does not declare (TextDecoder, structuredClone,
 *                    Buffer, process, ...), fails the step. Prints the bundle and bytecode sizes.
 *  9. globals        hermesc -fno-std-globals -Wundefined-variable lists every free global name of
 *                    the bundle: beyond ECMAScript (as Hermes has it), only TextEncoder may appear.
 * hermesc cannot execute bytecode (the hermes-compiler package ships no runtime), so step 6 is
 * where the bundle runs.
 *
 * Environment: HERMES_CHECK_KEEP=1 keeps the temporary directory (it is kept on failure anyway).
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HERMES_DIR = join(ROOT, 'test', 'hermes');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/**
 * esbuild `supported` overrides: syntax features lowered for hermesc. None: hermesc
 * 260318099.0.8 (Hermes V1) accepts the package's es2022 output as it is (classes, private
 * fields and methods, `#x in o`, static blocks, `?.`, `??`, `**`, BigInt literals).
 */
const LOWERED = {};
/** Globals the client bundle may read through `globalThis.X`. */
const GLOBALTHIS_READS_ALLOWED = new Set(['crypto']);
/** Names the minified client bundle must not contain at all. */
const FORBIDDEN_NAMES = ['subtle', 'TextDecoder', 'structuredClone', 'Buffer'];
/**
 * Globals V8 puts in every context that a React Native app on Hermes cannot count on: Hermes has
 * no console of its own (React Native installs one), no WebAssembly, SharedArrayBuffer or
 * Atomics, and Intl only in part.
 */
const NOT_ON_HERMES = ['console', 'WebAssembly', 'SharedArrayBuffer', 'Atomics', 'Intl'];
/** ECMAScript globals a client may use: a fresh V8 context's, less NOT_ON_HERMES. */
const ECMASCRIPT_GLOBALS = new Set(
  vm
    .runInContext('Object.getOwnPropertyNames(globalThis)', vm.createContext({}))
    .filter((n) => !NOT_ON_HERMES.includes(n)),
);
/** Globals beyond ECMAScript the client may name freely (crypto is read via globalThis). */
const PLATFORM_GLOBALS_ALLOWED = new Set(['TextEncoder']);

const te = new TextEncoder();
const hex = (b) => Buffer.from(b).toString('hex');
const fromHex = (h) => new Uint8Array(Buffer.from(h, 'hex'));
const kib = (n) => `${n} B (${(n / 1024).toFixed(1)} KiB)`;

// ── Step bookkeeping ─────────────────────────────────────────────────────────────────────────
let passed = 0;
let failed = 0;
function ok(name, detail) {
  passed++;
  console.log(`hermes-check: ok   ${name}: ${detail}`);
}
function fail(name, detail) {
  failed++;
  console.log(`hermes-check: FAIL ${name}: ${detail}`);
}
function skip(name, why) {
  failed++;
  console.log(`hermes-check: SKIP ${name}: ${why} (counted as a failure)`);
}
/** Run a step; returns its value, or undefined after printing FAIL. */
async function step(name, fn) {
  try {
    return await fn();
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    fail(name, err.message);
    if (process.env.HERMES_CHECK_DEBUG) console.log(err.stack);
    return undefined;
  }
}
const indent = (text) =>
  text
    .trimEnd()
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => `      | ${l}`)
    .join('\n');

// ── 0. The built package ─────────────────────────────────────────────────────────────────────
for (const sub of ['./client', './manifest', './server', './ngo']) {
  const imp = PKG.exports?.[sub]?.import;
  const target = typeof imp === 'string' ? imp : imp?.default;
  if (!target || !existsSync(join(ROOT, target))) {
    console.log(
      `hermes-check: FAIL dist: package.json exports ${sub} -> ${target ?? '(none)'} is missing; run \`npm run build\` first`,
    );
    process.exit(1);
  }
}
// The package's own name resolves to this repository (Node's package self-reference).
const load = (sub) => import(`${PKG.name}/${sub}`);
const [audit, builder, clientMod, group, manifestMod, ngo, pdata, seal, server, sign] =
  await Promise.all(
    [
      'audit',
      'builder',
      'client',
      'group',
      'manifest',
      'ngo',
      'pdata',
      'seal',
      'server',
      'sign',
    ].map(load),
  );

const work = mkdtempSync(join(tmpdir(), 'qpsi-hermes-'));

// ── 1. Fixture: a real, small deployment ─────────────────────────────────────────────────────
const M = 2;
const T = 3;
const S_MAX = 1;
const VERSION = 1;
const sha = (s) => new Uint8Array(createHash('sha256').update(s).digest());
const fx = await step('fixture', () => {
  const suite = group.ristretto255Sha512;
  const deploymentId = te.encode('hermes-check photo service');
  const known = Array.from({ length: 8 }, (_, i) => sha(`hermes-check/known/${i}`));
  const own = (tag) => Array.from({ length: 2 }, (_, i) => sha(`hermes-check/${tag}/${i}`));
  const ngos = [
    { name: 'NGO Alpha', jurisdiction: 'UK', items: [...known, ...own('a')] },
    { name: 'NGO Beta', jurisdiction: 'CA', items: [...known, ...own('b')] },
    { name: 'NGO Gamma', jurisdiction: 'NL', items: [...known, ...own('c')] },
  ].map((n) => ({ ...n, ...sign.generateSigningKeyPair() }));
  const trust = ngos.map(({ name, jurisdiction, publicKey }) => ({
    name,
    jurisdiction,
    signingPublicKey: publicKey,
  }));
  const reviewer = seal.generateReviewerKeyPair();

  const roster = ngo.createQuorumRoster({
    suite,
    deploymentId,
    m: M,
    itemWidth: 32,
    members: ngos.map((n) => ({ jurisdiction: n.jurisdiction, signingPublicKey: n.publicKey })),
  });
  const { config, runId } = ngo.startRunLocally(
    roster,
    ngos.map((n) => n.secretKey),
  );
  const { contributions } = ngo.runQuorumLocally(
    ngos.map((n, i) => new ngo.NgoParty(config, i, n.secretKey, n.items)),
  );
  const qualifiedItems = (c) =>
    ngo.intersectContributions(c, trust, M, { deploymentId, runId }).items;
  const built = builder.buildDatabase(qualifiedItems(contributions), {
    suite,
    params: {
      threshold: T,
      sMax: S_MAX,
      syntheticRate32: pdata.rateToU32(0.05),
      payloadSize: 64,
      reviewerKeys: [reviewer.publicKey],
    },
    ratio: 1.25,
    contributions,
    runId,
  });
  const bundle = audit.encodeAuditBundle(built, { version: VERSION });
  const policy = {
    deploymentId,
    runId,
    reviewerKeys: [reviewer.publicKey],
    threshold: { min: 2, max: 40 },
    sMax: { min: 1, max: 100 },
    syntheticRate: { min: 0.01, max: 0.5 },
    payloadSize: { min: 16, max: 1024 },
    ratio: { min: 1.23, max: 1.5 },
    lastSignedVersion: VERSION - 1,
  };
  const now = Math.floor(Date.now() / 1000);
  let body;
  const signatures = ngos.map((n) => {
    const verdict = audit.auditDatabase(built.publicData, bundle, {
      claimedRoot: built.root,
      qualifiedItems,
      policy,
    });
    if (!verdict.ok) throw new Error(`audit by ${n.name} failed: ${verdict.failure}`);
    body ??= manifestMod.encodeManifestBody(
      audit.manifestBodyFor(built.publicData, verdict, {
        notBefore: now - 3600,
        notAfter: now + 7 * 86400,
      }),
    );
    return { publicKey: n.publicKey, signature: manifestMod.signManifest(n.secretKey, body) };
  });
  const manifest = manifestMod.encodeManifest(body, signatures);
  // The server's secret database, through its serialized form as a platform would store it.
  const serverDb = server.ServerDatabase.fromBytes(
    server.ServerDatabase.fromBuild(built).toBytes(),
  );

  // Photos: 4 of the known (placed) items and 4 others, interleaved; ids and payloads per photo.
  const dropped = new Set(built.dropped.map(hex));
  const placed = known.filter((x) => !dropped.has(hex(x)));
  if (placed.length < 4) throw new Error(`only ${placed.length} known items placed`);
  const context = te.encode('account 42');
  const photos = Array.from({ length: 8 }, (_, i) => {
    const matching = i % 2 === 0;
    return {
      matching,
      item: matching ? placed[i / 2] : sha(`hermes-check/holiday/${i}`),
      id: te.encode(`IMG_${1000 + i}`),
      payload: te.encode(`IMG_${1000 + i}.jpg, thumbnail ${i} (café ✓)`),
      context,
    };
  });
  const fixtureJson = JSON.stringify({
    pdata: hex(built.publicData),
    manifest: hex(manifest),
    deploymentId: hex(deploymentId),
    m: M,
    minVersion: 0,
    trust: trust.map((t) => ({ ...t, signingPublicKey: hex(t.signingPublicKey) })),
    items: photos.map((p) => ({
      item: hex(p.item),
      id: hex(p.id),
      payload: hex(p.payload),
      context: hex(p.context),
    })),
  });
  writeFileSync(join(work, 'fixture.json'), fixtureJson);
  ok(
    'fixture',
    `3-NGO quorum (m = ${M}) → ${built.publicData.length}-byte pdata (T = ${T}, s_max = ${S_MAX}, ` +
      `${placed.length}/${known.length} items placed), manifest co-signed by 3 (${manifest.length} bytes), ` +
      `${photos.length} photos (4 matching)`,
  );
  return { built, serverDb, reviewer, photos, fixtureJson };
});

/**
 * Check a client run's result: one voucher per photo, all of one length; the server finds
 * exactly the matching photos (and the synthetic ones) as candidates, reveals exactly the real
 * matches, and the reviewer opens each revealed payload to the bytes the photo carried.
 */
function verify(label, resultJson) {
  const r = JSON.parse(resultJson);
  const { photos, built, serverDb, reviewer } = fx;
  if (r.acceptedVersion !== VERSION) throw new Error(`accepted version ${r.acceptedVersion}`);
  if (r.databaseId !== hex(built.databaseId)) throw new Error('accepted another database id');
  if (r.vouchers.length !== photos.length) throw new Error(`${r.vouchers.length} vouchers`);
  const lengths = new Set(r.vouchers.map((v) => v.length));
  if (lengths.size !== 1) throw new Error('vouchers differ in length');
  // The account state the phone would persist loads (checksum) with the full library.
  const account = clientMod.ClientAccount.fromBytes(fromHex(r.accountState));
  const synthetic = new Set(account.syntheticIds.map(hex));
  if (account.syntheticCount !== r.syntheticCount) throw new Error('synthetic count differs');

  const registry = new server.DatabaseRegistry().add(serverDb);
  const acct = new server.ServerAccount({ database: serverDb });
  for (const [i, v] of r.vouchers.entries()) {
    const p = photos[i];
    const outcome = acct.ingest(fromHex(v), registry);
    const expected = p.matching || synthetic.has(hex(p.id)) ? 'match' : 'non-match';
    if (outcome.kind !== expected) {
      throw new Error(
        `photo ${i} (${p.matching ? 'matching' : 'not matching'}): ingest → ${outcome.kind}, expected ${expected}`,
      );
    }
  }
  const real = photos.filter((p) => p.matching && !synthetic.has(hex(p.id)));
  const reveal = acct.reveal();
  if (reveal.kind !== 'revealed')
    throw new Error(`reveal → ${reveal.kind} (${real.length} real, T = ${T})`);
  const revealedIds = reveal.revealed.map((x) => hex(x.id)).sort();
  const realIds = real.map((p) => hex(p.id)).sort();
  if (revealedIds.join() !== realIds.join())
    throw new Error('revealed ids differ from the real matches');
  if (reveal.syntheticIds.map(hex).sort().join() !== [...synthetic].sort().join())
    throw new Error('synthetic candidates differ from the account state');
  for (const x of reveal.revealed) {
    const p = photos.find((q) => hex(q.id) === hex(x.id));
    const padded = seal.openAsReviewer(reviewer.secretKey, 0, x.ad, {
      databaseId: x.databaseId,
      voucherId: x.id,
      context: p.context,
    });
    if (hex(server.unpadPayload(padded)) !== hex(p.payload))
      throw new Error(`reviewer opened another payload for ${new TextDecoder().decode(p.id)}`);
  }
  ok(
    label,
    `${r.vouchers.length} vouchers of ${r.vouchers[0].length / 2} bytes; server: ` +
      `${real.length + synthetic.size} candidates (${synthetic.size} synthetic), revealed exactly ` +
      `the ${real.length} real matches; reviewer opened all ${real.length} payloads`,
  );
}

// ── 2-4. Node child processes without Hermes' missing globals ────────────────────────────────
function child(mode) {
  const res = spawnSync(
    process.execPath,
    [join(HERMES_DIR, 'run-without-globals.mjs'), work, mode],
    { cwd: ROOT, encoding: 'utf8', timeout: 300_000 },
  );
  return {
    status: res.status,
    out: `${res.stdout ?? ''}${res.stderr ?? ''}${res.error ? `\n${res.error}` : ''}`,
  };
}

if (fx) {
  await step('node-hermes', () => {
    const c = child('hermes');
    if (c.status !== 0) throw new Error(`child exited ${c.status}\n${indent(c.out)}`);
    console.log(indent(c.out));
    verify('node-hermes', readFileSync(join(work, 'result-hermes.json'), 'utf8'));
  });
  await step('control', () => {
    const c = child('no-text-encoder');
    if (c.status === 0) {
      throw new Error(
        'the client flow ran without TextEncoder: the library no longer needs it; update docs/react-native.md and this control',
      );
    }
    const first = c.out.split('\n').find((l) => l.startsWith('client flow threw')) ?? '';
    if (c.status !== 1 || !/ReferenceError: TextEncoder is not defined/.test(first))
      throw new Error(
        `expected a ReferenceError for TextEncoder, got exit ${c.status}\n${indent(c.out)}`,
      );
    ok(
      'control',
      `without TextEncoder the client fails as expected (${first.replace('client flow threw: ', '')})`,
    );
  });
  await step('injected-rng', () => {
    const c = child('injected-rng');
    if (c.status !== 0) throw new Error(`child exited ${c.status}\n${indent(c.out)}`);
    console.log(indent(c.out));
    verify('injected-rng', readFileSync(join(work, 'result-injected-rng.json'), 'utf8'));
  });
} else {
  for (const s of ['node-hermes', 'control', 'injected-rng']) skip(s, 'no fixture');
}

// ── 5. Bundle ────────────────────────────────────────────────────────────────────────────────
const esbuild = await import('esbuild');
async function bundle(minify) {
  const outfile = join(work, minify ? 'client-flow.min.js' : 'client-flow.js');
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [join(HERMES_DIR, 'hermes-entry.js')],
    bundle: true,
    format: 'iife',
    globalName: 'QuorumPsiHermes',
    // No Node built-ins, no browser field: what Metro would have to resolve, from dist/.
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['react-native'],
    // Ignore tsconfig.json: its "paths" map quorum-psi/* to src/*.ts (for tsc and vitest); the
    // bundle must come from the built package, as an app gets it.
    tsconfigRaw: {},
    target: 'es2022',
    supported: LOWERED,
    minify,
    legalComments: 'none',
    charset: 'utf8',
    metafile: true,
    logLevel: 'silent',
    outfile,
  });
  return { outfile, result };
}
const bundled = await step('bundle', async () => {
  const plain = await bundle(false);
  const min = await bundle(true);
  const inputs = Object.keys(plain.result.metafile.inputs);
  const stray = inputs.filter(
    (f) =>
      !f.startsWith('dist/') &&
      !f.startsWith('node_modules/@noble/') &&
      !f.startsWith('test/hermes/'),
  );
  if (stray.length > 0)
    throw new Error(`bundle reads modules outside dist/ and @noble: ${stray.join(', ')}`);
  const entries = inputs.filter((f) => f.startsWith('dist/') && !/(^|\/)chunk-[^/]*$/.test(f));
  const noble = new Set(inputs.filter((f) => f.includes('@noble/')).map((f) => f.split('/')[2]));
  const warnings = [...new Set(plain.result.warnings.map((w) => w.id || w.text))];
  const lowered = Object.keys(LOWERED);
  ok(
    'bundle',
    `${relative(ROOT, join(HERMES_DIR, 'hermes-entry.js'))} → ${inputs.length} modules (package entries ${entries.join(', ')}; ` +
      `@noble/${[...noble].sort().join(', @noble/')}), target es2022, lowered: ${lowered.length ? lowered.join(', ') : 'nothing'}` +
      (warnings.length ? `; esbuild warnings: ${warnings.join(', ')}` : ''),
  );
  return { plain: plain.outfile, min: min.outfile };
});

// ── 6. The bundle in a bare vm context (only ECMAScript + getRandomValues + TextEncoder) ──────
await step('vm', () => {
  if (!bundled || !fx) return skip('vm', 'no bundle or no fixture');
  const context = vm.createContext({});
  vm.runInContext(
    `for (const n of ${JSON.stringify(NOT_ON_HERMES)}) delete globalThis[n];`,
    context,
  );
  // Install, inside the context (its own Uint8Array), what a React Native app on Hermes has:
  // crypto.getRandomValues (react-native-get-random-values) and TextEncoder (Hermes ≥ RN 0.74).
  vm.runInContext(
    `(function (hostFill, hostEncode) {
      'use strict';
      globalThis.crypto = { getRandomValues(a) {
        if (!ArrayBuffer.isView(a) || a instanceof DataView || a instanceof Float32Array || a instanceof Float64Array)
          throw new TypeError('getRandomValues: expected an integer TypedArray');
        if (a.byteLength > 65536) throw new RangeError('getRandomValues: more than 65536 bytes');
        hostFill(a);
        return a;
      } };
      globalThis.TextEncoder = class TextEncoder {
        get encoding() { return 'utf-8'; }
        encode(s = '') {
          const b = hostEncode(String(s));
          const out = new Uint8Array(b.length);
          for (let i = 0; i < b.length; i++) out[i] = b[i];
          return out;
        }
      };
    })`,
    context,
  )(
    (a) => randomFillSync(a),
    (s) => new TextEncoder().encode(s),
  );
  const globals = vm.runInContext('Object.getOwnPropertyNames(globalThis)', context);
  for (const absent of [
    'TextDecoder',
    'structuredClone',
    'Buffer',
    'process',
    'require',
    'setTimeout',
    'console',
    'atob',
    'queueMicrotask',
  ]) {
    if (globals.includes(absent)) throw new Error(`the vm context has ${absent}`);
  }
  if (vm.runInContext('typeof crypto.subtle', context) !== 'undefined')
    throw new Error('crypto.subtle in vm');
  const extra = globals.filter((n) => !ECMASCRIPT_GLOBALS.has(n));
  if (extra.sort().join() !== 'TextEncoder,crypto')
    throw new Error(`vm globals: ${extra.join(', ')}`);
  console.log(
    indent(
      `vm context: ECMAScript built-ins (less console, WebAssembly, SharedArrayBuffer, Atomics, Intl) + ${extra.join(', ')}`,
    ),
  );
  const code = readFileSync(bundled.plain, 'utf8');
  new vm.Script(code, { filename: bundled.plain }).runInContext(context, { timeout: 300_000 });
  const run = vm.runInContext('QuorumPsiHermes.runClientFlowJson', context);
  let result;
  try {
    result = run(fx.fixtureJson);
  } catch (e) {
    // An error from the context: not an instance of this realm's Error.
    throw new Error(
      `client flow threw in the vm: ${e?.name}: ${e?.message}\n${indent(String(e?.stack))}`,
    );
  }
  verify('vm', result);
});

// ── 7. Scan the minified bundle ──────────────────────────────────────────────────────────────
await step('scan', () => {
  if (!bundled) return skip('scan', 'no bundle');
  const code = readFileSync(bundled.min, 'utf8');
  const hits = FORBIDDEN_NAMES.filter((n) => new RegExp(`\\b${n}\\b`).test(code));
  if (hits.length > 0) throw new Error(`the client bundle names ${hits.join(', ')}`);
  const reads = new Set(
    [...code.matchAll(/globalThis\s*\.\s*([A-Za-z_$][\w$]*)/g)].map((m) => m[1]),
  );
  const bad = [...reads].filter((n) => !GLOBALTHIS_READS_ALLOWED.has(n));
  if (bad.length > 0)
    throw new Error(`the client bundle reads globalThis.${bad.join(', globalThis.')}`);
  ok(
    'scan',
    `no ${FORBIDDEN_NAMES.join('/')}; globalThis reads: ${[...reads].join(', ') || 'none'}`,
  );
});

// ── 8. hermesc ───────────────────────────────────────────────────────────────────────────────
function findHermesc() {
  const binDir = { linux: 'linux64-bin', darwin: 'osx-bin', win32: 'win64-bin' }[process.platform];
  const exe = process.platform === 'win32' ? 'hermesc.exe' : 'hermesc';
  const hermesc = join(ROOT, 'node_modules', 'hermes-compiler', 'hermesc', binDir ?? '?', exe);
  if (!binDir || !existsSync(hermesc))
    throw new Error(`no hermesc for ${process.platform} at ${hermesc} (npm ci?)`);
  return hermesc;
}
await step('hermesc', () => {
  if (!bundled) return skip('hermesc', 'no bundle');
  const hermesc = findHermesc();
  const compilerVersion = JSON.parse(
    readFileSync(join(ROOT, 'node_modules', 'hermes-compiler', 'package.json'), 'utf8'),
  ).version;
  const v = spawnSync(hermesc, ['-version'], { encoding: 'utf8' });
  const release = /Hermes release version: (\S+)/.exec(v.stdout ?? '')?.[1] ?? '?';
  const hbcVersion = /HBC bytecode version: (\d+)/.exec(v.stdout ?? '')?.[1] ?? '?';
  const sizes = [];
  for (const src of [bundled.plain, bundled.min]) {
    const out = src.replace(/\.js$/, '.hbc');
    const args = [
      '-strict',
      '-Wundefined-variable',
      '-Werror',
      '-O',
      '-emit-binary',
      '-out',
      out,
      src,
    ];
    const c = spawnSync(hermesc, args, { encoding: 'utf8', timeout: 300_000 });
    const diag = `${c.stdout ?? ''}${c.stderr ?? ''}`;
    if (c.status !== 0 || /\b(error|warning):/.test(diag) || !existsSync(out)) {
      throw new Error(`hermesc ${args.join(' ')} exited ${c.status}\n${indent(diag)}`);
    }
    // HBC files start with the Hermes bytecode magic 0x1F1903C103BC1FC6 (little-endian).
    if (readFileSync(out).subarray(0, 8).toString('hex') !== 'c61fbc03c103191f')
      throw new Error(`${out} is not Hermes bytecode`);
    sizes.push(
      `${relative(work, src)} ${kib(statSync(src).size)} → .hbc ${kib(statSync(out).size)}`,
    );
  }
  ok(
    'hermesc',
    `hermes-compiler ${compilerVersion} (Hermes ${release}, HBC v${hbcVersion}), -strict -Wundefined-variable -Werror -O: ${sizes.join('; ')}`,
  );
});

// ── 9. Every free global the client bundle names ─────────────────────────────────────────────
await step('globals', () => {
  if (!bundled) return skip('globals', 'no bundle');
  // Without Hermes' standard globals declared, -Wundefined-variable reports every free name.
  const args = [
    '-strict',
    '-fno-std-globals',
    '-Wundefined-variable',
    '-emit-binary',
    '-out',
    join(work, 'globals.hbc'),
    bundled.plain,
  ];
  const c = spawnSync(findHermesc(), args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (c.status !== 0) throw new Error(`hermesc ${args.join(' ')} exited ${c.status}`);
  const names = [
    ...new Set(
      [...(c.stderr ?? '').matchAll(/the variable "([^"]+)" was not declared/g)].map((m) => m[1]),
    ),
  ].sort();
  if (!names.includes('Uint8Array')) throw new Error('hermesc reported no free globals at all');
  const platform = names.filter((n) => !ECMASCRIPT_GLOBALS.has(n));
  const bad = platform.filter((n) => !PLATFORM_GLOBALS_ALLOWED.has(n));
  if (bad.length > 0)
    throw new Error(`the client bundle names globals beyond ECMAScript: ${bad.join(', ')}`);
  ok(
    'globals',
    `beyond ECMAScript: ${platform.join(', ') || 'none'} (+ globalThis.crypto); ECMAScript: ${names.filter((n) => ECMASCRIPT_GLOBALS.has(n)).join(', ')}`,
  );
});

console.log(
  'hermes-check: note: hermes-compiler ships no runtime (hermesc does not execute bytecode); the vm step runs the same bundle',
);
if (failed > 0 || process.env.HERMES_CHECK_KEEP)
  console.log(`hermes-check: artifacts kept in ${work}`);
else rmSync(work, { recursive: true, force: true });
console.log(`hermes-check: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
