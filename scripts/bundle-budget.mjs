#!/usr/bin/env node
// Bundle budgets (issue 12), measured on the BUILT package: what an application's bundler ships
// when it imports quorum-psi.
//
// Usage: node scripts/bundle-budget.mjs [dir] [--markdown] [--verbose]
//   dir         a project with quorum-psi installed in its node_modules (CI: the scratch install
//               of the packed tarball), or the root of an unpacked/built quorum-psi package;
//               without it, quorum-psi/* resolves to this repository's dist/ through package.json
//               "exports" (run `npm run build` first).
//   --markdown  print the size table as Markdown (for the README) instead of plain text.
//   --verbose   also list, per scenario, the largest contributing source modules.
//
// For every public entry point (each "exports" subpath, bundled alone as `export * from …`) and
// every scenario below, esbuild bundles a small generated entry file for the browser (ESM,
// minified, tree-shaken, every quorum-psi/* import resolved through the package's "exports" map,
// never through tsconfig "paths"), and the output is gzipped (node:zlib, level 9).
//
// Which source modules end up in a bundle is read from the bundle's source map: esbuild chains
// the package's own source maps (dist/*.js.map → src/*.ts), so every byte of output maps back to
// src/core/msm-p256.ts, node_modules/@noble/curves/nist.js, …; a module "is in the bundle" when
// at least one byte of the minified output maps to it. (The metafile alone names dist chunks,
// which mix several source modules.)
//
// Checks (exit 1 if any fails):
//   client flow, ristretto255 only   acceptDatabase + ClientAccount.create + createVoucher, the
//                                    suite from quorum-psi/group/ristretto255: ≤ 40,000 bytes
//                                    gzipped; no P-256 code; no limb arithmetic (ct25519).
//   client flow, P-256 only          the same with quorum-psi/group/p256: no ristretto255 code
//                                    (noble's ed25519.js stays: Ed25519 signs the manifests).
//   client flow from 'quorum-psi'    the first, imported from the root module: no P-256 code.
//   server only                      ServerAccount, ServerDatabase, DatabaseRegistry: no sealing
//                                    code (core/seal.ts, core/hpke.ts, X25519).
// and, at runtime, each single-suite client bundle (the minified output measured) is imported and
// run on a small deployment of each suite set up by the package itself (quorum-psi/simulate): it
// must accept its own suite's database and create a voucher (the suite's self-registration
// survived tree shaking), and refuse the other suite's with DecodeError `decode.suite` naming the
// subpath to import.
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { decodeMappings } from './source-map.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PKG = 'quorum-psi';
const CLIENT_BUDGET_GZIP = 40_000;

const args = process.argv.slice(2);
const markdown = args.includes('--markdown');
const verbose = args.includes('--verbose');
const positional = args.filter((a) => !a.startsWith('--'));
// With --markdown, stdout is the table only; everything else goes to stderr.
const say = (s) => (markdown ? console.error : console.log)(`budget: ${s}`);
const problems = [];
const fail = (s) => {
  problems.push(s);
  console.error(`budget: FAIL ${s}`);
};
const cleanups = [];

// ── Module groups, matched against source paths from the bundle's source map ──────────────────
// Paths look like `../src/core/msm-p256.ts` (our sources, through dist/*.js.map) or
// `node_modules/@noble/curves/nist.js` (noble ships no source maps).
const ours = (name) => new RegExp(`(^|/)src/core/${name}\\.ts$`);
const noble = (pkg, name) => new RegExp(`(^|/)node_modules/@noble/${pkg}/(esm/)?${name}\\.js$`);
const P256_MODULES = [
  ours('p256'),
  ours('msm-p256'),
  noble('curves', 'nist'),
  noble('curves', 'abstract/weierstrass'),
];
const RISTRETTO_MODULES = [
  ours('ristretto255'),
  ours('ristretto-codec'),
  ours('fe25519'),
  ours('msm25519'),
  ours('ct25519'),
  ours('secret-mul'),
  ours('ristretto-limbs'),
  ours('bulk-codec'),
];
/**
 * The limb arithmetic of the NGO, builder and server multiplications (issue 15): a client
 * multiplies a handful of points per voucher with noble's, and its budget has no room for a
 * second field.
 */
const LIMB_MODULES = [
  ours('ct25519'),
  ours('secret-mul'),
  ours('ristretto-limbs'),
  ours('bulk-codec'),
];
/**
 * noble's ed25519.js holds Ed25519 (signatures: manifests, NGO statements; every client needs
 * it), X25519 and ristretto255, so the module itself is in every client bundle: its ristretto255
 * part is recognised by its constants and messages instead (all tree-shaken away when unused).
 */
const RISTRETTO_MARKERS = [
  // SQRT_AD_MINUS_ONE and INVSQRT_A_MINUS_D (RFC 9496 constants, noble's ristretto255)
  '25063068953384623474111414158702152701244531502492656460079210482610430750235',
  '54469307008909316920995813868745141605393597292927456921205312896311721017578',
  'RistrettoPoint expected',
];
const SEALING_MODULES = [ours('seal'), ours('hpke'), noble('curves', 'abstract/montgomery')];
const SEALING_MARKERS = ["'x25519'", '"x25519"', 'HPKE-v1'];

// ── Where quorum-psi/* comes from ─────────────────────────────────────────────────────────────
function packageSource() {
  if (positional[0]) {
    const dir = resolve(positional[0]);
    const installed = join(dir, 'node_modules', PKG);
    if (exists(join(installed, 'package.json'))) {
      return { resolveDir: dir, pkgDir: installed, source: `installed package ${installed}` };
    }
    if (readJson(join(dir, 'package.json'))?.name === PKG) {
      return { ...viaSymlink(dir), source: `package root ${dir} via "exports"` };
    }
    throw new Error(`${dir}: neither node_modules/${PKG} nor a ${PKG} package root`);
  }
  return { ...viaSymlink(ROOT), source: `this repository's dist/ via "exports" (${ROOT})` };
}

/** A throw-away project whose node_modules/quorum-psi is `pkgRoot`: resolution goes through "exports". */
function viaSymlink(pkgRoot) {
  if (!exists(join(pkgRoot, 'dist'))) {
    throw new Error(`${pkgRoot}/dist not found: run \`npm run build\` first`);
  }
  const resolveDir = mkdtempSync(join(tmpdir(), 'qpsi-budget-'));
  cleanups.push(() => rmSync(resolveDir, { recursive: true, force: true }));
  mkdirSync(join(resolveDir, 'node_modules'));
  symlinkSync(pkgRoot, join(resolveDir, 'node_modules', PKG), 'dir');
  return { resolveDir, pkgDir: pkgRoot };
}

function exists(p) {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

function readJson(p) {
  try {
    return JSON.parse(readFileSync(p, 'utf8'));
  } catch {
    return undefined;
  }
}

// ── Source-map attribution ────────────────────────────────────────────────────────────────────
/** Output characters attributed to each original source (by the segment that starts them). */
function bytesBySource(js, map) {
  const lines = js.split('\n');
  const out = new Map();
  for (const [line, segs] of decodeMappings(map.mappings).entries()) {
    const len = lines[line]?.length ?? 0;
    for (let i = 0; i < segs.length; i++) {
      const [col, src] = segs[i];
      const end = i + 1 < segs.length ? segs[i + 1][0] : len;
      if (src === undefined || end <= col) continue;
      const name = normalise(map.sources[src]);
      out.set(name, (out.get(name) ?? 0) + (end - col));
    }
  }
  return out;
}

/** `../../node_modules/@noble/curves/nist.js` → `node_modules/@noble/curves/nist.js`; `../src/x.ts` → `src/x.ts`. */
function normalise(p) {
  const s = p.replaceAll('\\', '/');
  const nm = s.lastIndexOf('node_modules/');
  if (nm >= 0) return s.slice(nm);
  const src = s.lastIndexOf('src/');
  return src >= 0 ? s.slice(src) : s;
}

// ── Bundling ──────────────────────────────────────────────────────────────────────────────────
async function bundle(name, code, ctx) {
  const file = join(ctx.entryDir, `${name.replace(/[^a-z0-9-]+/gi, '_')}.mjs`);
  writeFileSync(file, code);
  const r = await esbuild.build({
    entryPoints: [file],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    treeShaking: true,
    sourcemap: 'external',
    metafile: true,
    write: false,
    outfile: join(ctx.entryDir, 'out', `${name.replace(/[^a-z0-9-]+/gi, '_')}.js`),
    // Never the repository's tsconfig "paths" (they map quorum-psi/* to src/).
    tsconfigRaw: '{}',
    plugins: [ctx.viaPackage],
    logLevel: 'silent',
  });
  const js = r.outputFiles.find((f) => f.path.endsWith('.js'));
  const map = JSON.parse(r.outputFiles.find((f) => f.path.endsWith('.js.map')).text);
  const inputs = Object.keys(r.metafile.inputs);
  const fromSrc = inputs.filter((p) =>
    resolve(ctx.entryDir, p).startsWith(join(ROOT, 'src') + sep),
  );
  if (fromSrc.length > 0)
    fail(`${name}: the bundle includes repository sources: ${fromSrc.join(', ')}`);
  const bySource = bytesBySource(js.text, map);
  return {
    name,
    min: js.contents.length,
    gzip: gzipSync(js.contents, { level: 9 }).length,
    text: js.text,
    bySource,
    metafile: r.metafile,
  };
}

function modulesMatching(b, patterns) {
  return [...b.bySource.keys()].filter((s) => patterns.some((re) => re.test(s)));
}

function markersIn(b, markers) {
  return markers.filter((m) => b.text.includes(m));
}

function topSources(b, n = Number(process.env.QPSI_BUDGET_TOP ?? 15)) {
  return [...b.bySource.entries()]
    .sort((x, y) => y[1] - x[1])
    .slice(0, n)
    .map(([s, bytes]) => `    ${String(bytes).padStart(7)}  ${s}`)
    .join('\n');
}

// ── Scenarios ─────────────────────────────────────────────────────────────────────────────────
/**
 * `import { <name> } from <subpath>` for a suite: its own subpath when the package has one
 * (quorum-psi/group/ristretto255), else quorum-psi/group (packages before issue 12).
 */
function suiteImport(exportsMap, short, name, via) {
  const own = `./group/${short}`;
  const spec = via ?? (exportsMap[own] ? `${PKG}/group/${short}` : `${PKG}/group`);
  return `import { ${name} as suite } from '${spec}';`;
}

/** The client flow of an application: accept a database, create the account, create vouchers. */
function clientFlow(exportsMap, short, name, via) {
  return `${suiteImport(exportsMap, short, name, via)}
import { acceptDatabase } from '${PKG}/manifest';
import { ClientAccount, createVoucher } from '${PKG}/client';
export function clientFlow(pdata, manifest, acceptOptions, inputs) {
  const db = acceptDatabase(pdata, manifest, acceptOptions);
  const account = ClientAccount.create({ database: db, suite });
  return { account, vouchers: inputs.map((input) => createVoucher(account, db, input)) };
}
`;
}

/** The same flow through the root module (`import { … } from 'quorum-psi'`). */
function clientFlowFromRoot(name) {
  return `import { acceptDatabase, ClientAccount, createVoucher, ${name} as suite } from '${PKG}';
export function clientFlow(pdata, manifest, acceptOptions, inputs) {
  const db = acceptDatabase(pdata, manifest, acceptOptions);
  const account = ClientAccount.create({ database: db, suite });
  return { account, vouchers: inputs.map((input) => createVoucher(account, db, input)) };
}
`;
}

/**
 * One small accepted deployment per suite (NGO quorum, build, audit, co-signed manifest), set up
 * by the package itself (`quorum-psi/simulate`, plain Node ESM import through its "exports", no
 * bundler), for the runtime check of the bundled client flows.
 */
async function buildFixtures(resolveDir, entryDir) {
  const loaderPath = join(resolveDir, `.budget-loader-${process.pid}.mjs`);
  writeFileSync(loaderPath, 'export default (spec) => import(spec);\n');
  cleanups.push(() => rmSync(loaderPath, { force: true }));
  const { default: load } = await import(pathToFileURL(loaderPath).href);
  const { setupDeployment } = await load(`${PKG}/simulate`);
  const { ristretto255Sha512, p256Sha256 } = await load(`${PKG}/group`);
  const te = new TextEncoder();
  const items = Array.from({ length: 6 }, (_, i) => new Uint8Array(32).fill(i + 1));
  const deploymentId = te.encode('bundle-budget');
  const deployments = {};
  for (const suite of [ristretto255Sha512, p256Sha256]) {
    const d = await setupDeployment({
      suite,
      ngos: [
        { name: 'A', jurisdiction: 'UK', items },
        { name: 'B', jurisdiction: 'CA', items: items.slice(0, 4) },
      ],
      rule: 2,
      uploads: [],
      threshold: 2,
      syntheticRate: 0.05,
      maxSynthetics: 2,
      tableRatio: 1.25,
      payloadSize: 16,
      deploymentId,
    });
    if (d.db === null || d.manifest === null) {
      throw new Error(`fixture for ${suite.name} refused: ${JSON.stringify(d.result)}`);
    }
    deployments[suite.shortName] = {
      pdata: d.publicData,
      manifest: d.manifest,
      acceptOptions: { trust: d.trust, m: 2, deploymentId, minVersion: 0 },
    };
  }
  const inputs = [{ item: items[0], id: te.encode('photo-1'), payload: te.encode('payload') }];
  return { deployments, inputs, entryDir };
}

/**
 * Run a bundled client flow (the very minified output measured above) on both suites'
 * deployments: its own suite must work (so the suite's registration survived tree shaking and
 * minification), the other suite must be a DecodeError `decode.suite` naming the subpath to import.
 */
async function runtimeCheck(label, b, fx, own, other) {
  const file = join(fx.entryDir, `run-${own}-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, b.text);
  const mod = await import(pathToFileURL(file).href);
  const flow = (d) => mod.clientFlow(d.pdata, d.manifest, d.acceptOptions, fx.inputs);
  try {
    const r = flow(fx.deployments[own]);
    if (!(r.vouchers[0] instanceof Uint8Array) || r.vouchers[0].length === 0) {
      fail(`${label}: runtime: no voucher for a ${own} database`);
    }
  } catch (e) {
    fail(
      `${label}: runtime: a ${own} database fails in the bundle: ${e?.code ?? ''} ${e?.message ?? e}`,
    );
  }
  try {
    flow(fx.deployments[other]);
    fail(
      `${label}: runtime: a ${other} database is accepted, but its suite should not be in this bundle`,
    );
  } catch (e) {
    const want = `${PKG}/group/${other}`;
    if (e?.code !== 'decode.suite' || !String(e?.message).includes(want)) {
      fail(
        `${label}: runtime: a ${other} database: expected DecodeError decode.suite naming ${want}, got ${e?.code ?? ''} ${e?.message ?? e}`,
      );
    }
  }
}

const SERVER_ONLY = `import { DatabaseRegistry, ServerAccount, ServerDatabase } from '${PKG}/server';
export { DatabaseRegistry, ServerAccount, ServerDatabase };
`;

async function main() {
  const { resolveDir, pkgDir, source } = packageSource();
  const pkg = readJson(join(pkgDir, 'package.json'));
  say(`${PKG}@${pkg.version} from ${source}; esbuild ${esbuild.version}`);
  const exportsMap = pkg.exports ?? {};
  const entryDir = mkdtempSync(join(tmpdir(), 'qpsi-budget-entries-'));
  cleanups.push(() => rmSync(entryDir, { recursive: true, force: true }));
  const viaPackage = {
    name: 'quorum-psi-from-package',
    setup(build) {
      build.onResolve({ filter: /^quorum-psi(\/.*)?$/ }, async (a) => {
        if (a.pluginData?.viaPackage) return undefined;
        const r = await build.resolve(a.path, {
          kind: a.kind,
          resolveDir,
          pluginData: { viaPackage: true },
        });
        if (r.errors.length > 0) return { errors: r.errors };
        return { path: r.path, sideEffects: r.sideEffects };
      });
    },
  };
  const ctx = { entryDir, viaPackage };
  const fixtures = await buildFixtures(resolveDir, entryDir);

  const rows = [];
  for (const sub of Object.keys(exportsMap)) {
    if (sub === './package.json' || sub.includes('*')) continue;
    const spec = sub === '.' ? PKG : `${PKG}/${sub.slice(2)}`;
    const b = await bundle(`entry ${spec}`, `export * from '${spec}';\n`, ctx);
    rows.push({ kind: 'entry', label: spec, b });
  }

  const scenarios = [
    {
      label: 'client flow, ristretto255 only',
      code: clientFlow(exportsMap, 'ristretto255', 'ristretto255Sha512'),
      check(b) {
        if (b.gzip > CLIENT_BUDGET_GZIP) {
          fail(`${this.label}: ${b.gzip} bytes gzipped > budget ${CLIENT_BUDGET_GZIP}`);
          console.error(`budget: largest sources of "${this.label}":\n${topSources(b)}`);
        }
        const p = modulesMatching(b, P256_MODULES);
        if (p.length > 0) fail(`${this.label}: bundles P-256 code: ${p.join(', ')}`);
        const l = modulesMatching(b, LIMB_MODULES);
        if (l.length > 0) fail(`${this.label}: bundles the NGO's limb arithmetic: ${l.join(', ')}`);
      },
      runtime: ['ristretto255', 'p256'],
      budget: `≤ ${CLIENT_BUDGET_GZIP.toLocaleString('en')} B gz; no P-256, no limb arithmetic`,
    },
    {
      label: 'client flow, P-256 only',
      code: clientFlow(exportsMap, 'p256', 'p256Sha256'),
      check(b) {
        const r = modulesMatching(b, RISTRETTO_MODULES);
        const m = markersIn(b, RISTRETTO_MARKERS);
        if (r.length + m.length > 0) {
          fail(
            `${this.label}: bundles ristretto255 code: ${[...r, ...m.map((x) => `"${x}"`)].join(', ')}`,
          );
        }
      },
      runtime: ['p256', 'ristretto255'],
      budget: 'no ristretto255',
    },
    {
      // quorum-psi/group exports both suites, as before issue 12; importing one of them from it
      // still bundles that one only.
      label: "client flow from 'quorum-psi/group', P-256 only",
      code: clientFlow(exportsMap, 'p256', 'p256Sha256', `${PKG}/group`),
      check(b) {
        const r = modulesMatching(b, RISTRETTO_MODULES);
        const m = markersIn(b, RISTRETTO_MARKERS);
        if (r.length + m.length > 0) {
          fail(
            `${this.label}: bundles ristretto255 code: ${[...r, ...m.map((x) => `"${x}"`)].join(', ')}`,
          );
        }
      },
      budget: 'no ristretto255',
    },
    {
      label: "client flow from 'quorum-psi', ristretto255 only",
      code: clientFlowFromRoot('ristretto255Sha512'),
      check(b) {
        const p = modulesMatching(b, P256_MODULES);
        if (p.length > 0) fail(`${this.label}: bundles P-256 code: ${p.join(', ')}`);
        const l = modulesMatching(b, LIMB_MODULES);
        if (l.length > 0) fail(`${this.label}: bundles the NGO's limb arithmetic: ${l.join(', ')}`);
      },
      budget: 'no P-256, no limb arithmetic',
    },
    {
      label: 'server only',
      code: SERVER_ONLY,
      check(b) {
        const s = modulesMatching(b, SEALING_MODULES);
        const m = markersIn(b, SEALING_MARKERS);
        if (s.length + m.length > 0) {
          fail(
            `${this.label}: bundles sealing code: ${[...s, ...m.map((x) => `"${x}"`)].join(', ')}`,
          );
        }
      },
      budget: 'no sealing (seal, hpke, x25519)',
    },
  ];
  for (const sc of scenarios) {
    const b = await bundle(sc.label, sc.code, ctx);
    sc.check(b);
    if (sc.runtime) await runtimeCheck(sc.label, b, fixtures, ...sc.runtime);
    rows.push({ kind: 'scenario', label: sc.label, b, budget: sc.budget });
    if (verbose) say(`largest sources of "${sc.label}":\n${topSources(b)}`);
  }

  printTable(rows);
  if (problems.length > 0) {
    console.error(`budget: ${problems.length} check(s) failed`);
    process.exitCode = 1;
  } else {
    say(
      `all checks pass: client flow ≤ ${CLIENT_BUDGET_GZIP} B gzipped, one suite never bundles the other (and the bundled flows run: own suite accepted, the other refused with decode.suite), the server bundles no sealing code`,
    );
  }
}

function printTable(rows) {
  const fmt = (n) => n.toLocaleString('en');
  const sep2 = rows.findIndex((r) => r.kind === 'scenario');
  if (markdown) {
    const out = [
      '| Import | Minified | Minified + gzip | Check |',
      '| --- | ---: | ---: | --- |',
      ...rows.map((r) => {
        const label = r.kind === 'entry' ? `\`${r.label}\`` : `_${r.label}_`;
        const check = r.budget
          ? `${r.budget}: ${problems.some((p) => p.startsWith(r.label)) ? 'FAIL' : 'ok'}`
          : '';
        return `| ${label} | ${fmt(r.b.min)} B | ${fmt(r.b.gzip)} B | ${check} |`;
      }),
    ];
    console.log(out.join('\n'));
    return;
  }
  const w = Math.max(...rows.map((r) => r.label.length));
  console.log(`${'import'.padEnd(w)}  ${'minified'.padStart(9)}  ${'gzip -9'.padStart(8)}  check`);
  rows.forEach((r, i) => {
    if (i === sep2) console.log('-'.repeat(w + 40));
    const check = r.budget
      ? `${problems.some((p) => p.startsWith(r.label)) ? 'FAIL' : 'ok  '} ${r.budget}`
      : '';
    console.log(
      `${r.label.padEnd(w)}  ${fmt(r.b.min).padStart(9)}  ${fmt(r.b.gzip).padStart(8)}  ${check}`,
    );
  });
}

try {
  await main();
} catch (e) {
  console.error(`budget: ${e instanceof Error ? (e.stack ?? e.message) : e}`);
  process.exitCode = 1;
} finally {
  for (const c of cleanups.reverse()) await c();
}
