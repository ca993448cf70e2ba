#!/usr/bin/env node
// Smoke test for the packed package, in a scratch project that has it installed: every subpath
// of the installed package's "exports" map is loaded both ways an application can load it,
//   import()   (the "import" condition: dist/X.js, ESM)  and
//   require()  (the "require" condition: dist/X.cjs, CommonJS; Node's require(esm) loads the
//               ESM-only @noble/* dependencies, see README "Package"),
// and the two must agree:
//   - each resolves inside the installed package's dist/ (.js for import, .cjs for require);
//   - same export names, and each export has the same typeof both ways;
//   - an export name that several subpaths share is one object in ESM exactly when it is one
//     object in CJS (the CJS build is split into shared chunks like the ESM one, so e.g. the root
//     re-export of QuorumPsiError is the class of quorum-psi/errors in both);
// then a few calls through each format (Ed25519 signatures and suite hash-to-scalar, i.e. noble
// and BigInt) must give identical bytes, and typed errors thrown by one subpath must be instances
// of quorum-psi/errors' QuorumPsiError of the same format.
// Usage: node scripts/smoke-import.mjs [scratchDir]   (scratchDir defaults to cwd; it must
// have quorum-psi installed in its node_modules).
import { readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PKG = 'quorum-psi';
const dir = resolve(process.argv[2] ?? process.cwd());
const pkgDir = join(dir, 'node_modules', PKG);
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const distDir = realpathSync(join(pkgDir, 'dist')) + sep;
const subpaths = Object.keys(pkg.exports ?? {}).filter((s) => s !== './package.json');
if (subpaths.length === 0) {
  console.error(`smoke: ${PKG} has no exports to check`);
  process.exit(1);
}
const specOf = (sub) => (sub === '.' ? PKG : `${PKG}/${sub.slice(2)}`);
console.log(
  `smoke: ${PKG}@${pkg.version} from ${pkgDir}, node ${process.version} ` +
    `(require(esm): ${process.features.require_module ? 'on' : 'off'})`,
);

// Bare specifiers must resolve from the scratch project, not from this script's location: the
// dynamic import() runs in a tiny module placed in the scratch dir, require() is created there.
const loaderPath = join(dir, '.smoke-loader.mjs');
writeFileSync(
  loaderPath,
  'export const load = (spec) => import(spec);\nexport const where = (spec) => import.meta.resolve(spec);\n',
);
let loader;
try {
  loader = await import(pathToFileURL(loaderPath).href);
} finally {
  rmSync(loaderPath, { force: true });
}
const require = createRequire(join(dir, 'package.json'));

let failed = 0;
const fail = (what, err) => {
  failed++;
  console.error(`smoke: FAIL ${what}: ${err instanceof Error ? err.stack : err}`);
};
const inDist = (file, ext) => {
  const real = realpathSync(file);
  if (!real.startsWith(distDir) || !real.endsWith(ext)) {
    throw new Error(`resolved to ${real}, expected ${distDir}*${ext}`);
  }
  return real.slice(distDir.length);
};

/** @type {Map<string, { esm: Record<string, unknown>, cjs: Record<string, unknown> }>} */
const loaded = new Map();
for (const sub of subpaths) {
  const spec = specOf(sub);
  try {
    const esmFile = inDist(fileURLToPath(loader.where(spec)), '.js');
    const cjsFile = inDist(require.resolve(spec), '.cjs');
    const esm = await loader.load(spec);
    const cjs = require(spec);
    const esmNames = Object.keys(esm).sort();
    const cjsNames = Object.keys(cjs)
      .filter((n) => n !== '__esModule')
      .sort();
    if (esmNames.length === 0) throw new Error('module has no exports');
    const onlyEsm = esmNames.filter((n) => !(n in cjs));
    const onlyCjs = cjsNames.filter((n) => !(n in esm));
    if (onlyEsm.length > 0 || onlyCjs.length > 0) {
      throw new Error(
        `export names differ: only import(): [${onlyEsm}], only require(): [${onlyCjs}]`,
      );
    }
    const typeDiff = esmNames.filter((n) => typeof esm[n] !== typeof cjs[n]);
    if (typeDiff.length > 0) throw new Error(`typeof differs for ${typeDiff.join(', ')}`);
    loaded.set(sub, { esm, cjs });
    console.log(
      `smoke: ok   ${spec} (${esmNames.length} exports; import ${esmFile}, require ${cjsFile})`,
    );
  } catch (err) {
    fail(spec, err);
  }
}

// Shared export names: identical objects in ESM exactly when identical in CJS.
const firstSeen = { esm: new Map(), cjs: new Map() };
const sameAsFirst = { esm: new Map(), cjs: new Map() };
for (const [sub, mods] of loaded) {
  for (const format of /** @type {const} */ (['esm', 'cjs'])) {
    for (const [name, value] of Object.entries(mods[format])) {
      const key = `${name} in ${specOf(sub)}`;
      if (!firstSeen[format].has(name)) firstSeen[format].set(name, value);
      else sameAsFirst[format].set(key, firstSeen[format].get(name) === value);
    }
  }
}
let shared = 0;
for (const [key, esmSame] of sameAsFirst.esm) {
  shared++;
  const cjsSame = sameAsFirst.cjs.get(key);
  if (cjsSame !== esmSame) {
    fail(
      `identity of ${key}`,
      `same object as elsewhere: import() ${esmSame}, require() ${cjsSame}`,
    );
  }
}
console.log(`smoke: ${shared} re-exported names checked for the same identity in ESM and CJS`);

// Calls through both formats: noble (Ed25519, SHA-2, hash-to-curve) and BigInt under CJS.
const all = (format) => [...loaded.values()].map((m) => m[format]);
const find = (format, pred) => all(format).find(pred);
const hex = (b) => Buffer.from(b).toString('hex');
let calls = 0;
try {
  const run = (format) => {
    const out = [];
    const sign = find(format, (m) => typeof m.signStatement === 'function');
    if (!sign) throw new Error(`no subpath exports signStatement (${format})`);
    const keys = sign.generateSigningKeyPair((n) => new Uint8Array(n).fill(7));
    const sig = sign.signStatement(keys.secretKey, 'smoke-test', Uint8Array.of(1, 2, 3));
    if (!sign.verifyStatement(keys.publicKey, 'smoke-test', Uint8Array.of(1, 2, 3), sig)) {
      throw new Error(`${format}: signature does not verify`);
    }
    out.push(`ed25519 ${hex(sig)}`);
    const suites = new Map();
    for (const m of all(format)) {
      for (const v of Object.values(m)) {
        if (v && typeof v.hashToScalar === 'function' && typeof v.order === 'bigint') {
          suites.set(v.name, v);
        }
      }
    }
    if (suites.size === 0) throw new Error(`no suite object exported (${format})`);
    for (const [name, suite] of [...suites].sort()) {
      const s = suite.hashToScalar(Uint8Array.of(1, 2, 3), new TextEncoder().encode('smoke-DST'));
      if (typeof s !== 'bigint' || s <= 0n || s >= suite.order) {
        throw new Error(`${format}: ${name}.hashToScalar gave ${s}`);
      }
      out.push(`${name} ${s.toString(16)}`);
    }
    return out;
  };
  const esmOut = run('esm');
  const cjsOut = run('cjs');
  if (JSON.stringify(esmOut) !== JSON.stringify(cjsOut)) {
    throw new Error(`import() and require() computed different results:\n${esmOut}\n${cjsOut}`);
  }
  calls = esmOut.length;
} catch (err) {
  fail('calls through import() and require()', err);
}

// Typed errors: a decoder fed one byte throws a QuorumPsiError of its own format's errors module.
let typed = 0;
for (const format of /** @type {const} */ (['esm', 'cjs'])) {
  const errors = loaded.get('./errors')?.[format];
  if (!errors?.QuorumPsiError) {
    fail(`errors (${format})`, 'quorum-psi/errors exports no QuorumPsiError');
    continue;
  }
  for (const [sub, mods] of loaded) {
    for (const [name, fn] of Object.entries(mods[format])) {
      if (!/^decode[A-Z]/.test(name) || typeof fn !== 'function') continue;
      try {
        fn(Uint8Array.of(0xff));
      } catch (err) {
        if (typeof err?.code !== 'string') continue; // not one of ours (e.g. a TypeError)
        typed++;
        if (!(err instanceof errors.QuorumPsiError)) {
          fail(`${format} ${specOf(sub)} ${name}`, `${err.name} is not a QuorumPsiError`);
        }
      }
    }
  }
}
if (typed === 0) fail('typed errors', 'no decoder threw a typed error');

if (failed > 0) {
  console.error(`smoke: ${failed} check(s) failed (${subpaths.length} subpaths)`);
  process.exit(1);
}
console.log(
  `smoke: all ${subpaths.length} subpaths load with import() and require() and agree ` +
    `(${calls} results computed both ways, ${typed} typed errors checked)`,
);
