#!/usr/bin/env node
// Browser check: run the whole protocol on both suites in a real headless Chromium, from the
// BUILT package, on a plain-http origin that is not localhost (so not a secure context: no
// `crypto.subtle`), and fail on any wrong result.
//
// Usage: node scripts/browser-check.mjs [scratchDir] [--verbose]
//   scratchDir  a project with quorum-psi installed in its node_modules (CI: the scratch install
//               of the packed tarball); without it, quorum-psi/* resolves to this repository's
//               dist/ through package.json "exports" (run `npm run build` first).
//   --verbose   also forward the page's console.log lines (progress) as they happen.
// Environment: QPSI_CHROMIUM (default /usr/bin/chromium), QPSI_BROWSER_TIMEOUT_MS (default 120000).
//
// 1. esbuild bundles test/browser/protocol.ts for the browser (iife, es2020); every quorum-psi/*
//    import is resolved as a package import from the scratch project (or from a temporary
//    node_modules/quorum-psi symlink to this repository), so the package's "exports" map picks
//    dist/*.js; a bundle that pulled in anything from src/ is refused.
// 2. A tiny node:http server on 127.0.0.1 (random port) serves index.html and the bundle.
// 3. puppeteer-core launches the system Chromium headless (it never downloads a browser) with
//    `--host-resolver-rules=MAP qpsi.test 127.0.0.1` and opens http://qpsi.test:<port>/; every
//    request to another origin is aborted and fails the check.
// 4. The page writes its result to window.__result; this script prints one line per suite with
//    the timings, the page's errors (stack frames mapped back to the package's files and, through
//    the package's source maps, to src/), and exits 1 unless everything was right.
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import puppeteer from 'puppeteer-core';
import { decodeMappings } from './source-map.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PKG = 'quorum-psi';
const HOST = 'qpsi.test';
const ENTRY = join(ROOT, 'test', 'browser', 'protocol.ts');
const HTML = join(ROOT, 'test', 'browser', 'index.html');
const CHROMIUM = process.env.QPSI_CHROMIUM || '/usr/bin/chromium';
const TIMEOUT_MS = Number(process.env.QPSI_BROWSER_TIMEOUT_MS || 120_000);

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const positional = args.filter((a) => !a.startsWith('--'));
const say = (s) => console.log(`browser: ${s}`);
const problems = [];
const fail = (s) => {
  problems.push(s);
  console.error(`browser: FAIL ${s}`);
};
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const cleanups = [];

async function main() {
  // ── Where quorum-psi/* comes from ────────────────────────────────────────────────────────
  let resolveDir;
  let source;
  if (positional[0]) {
    resolveDir = resolve(positional[0]);
    const pkgDir = join(resolveDir, 'node_modules', PKG);
    try {
      statSync(join(pkgDir, 'package.json'));
    } catch {
      throw new Error(`${pkgDir}/package.json not found: install the packed tarball there first`);
    }
    source = `installed package ${pkgDir}`;
  } else {
    try {
      statSync(join(ROOT, 'dist'));
    } catch {
      throw new Error(`${ROOT}/dist not found: run \`npm run build\` first`);
    }
    // A throw-away project whose node_modules/quorum-psi is this repository: resolution goes
    // through package.json "exports" exactly as for an installed package (and never through
    // tsconfig "paths", which map quorum-psi/* to src/).
    resolveDir = mkdtempSync(join(tmpdir(), 'qpsi-browser-'));
    cleanups.push(() => rmSync(resolveDir, { recursive: true, force: true }));
    mkdirSync(join(resolveDir, 'node_modules'));
    symlinkSync(ROOT, join(resolveDir, 'node_modules', PKG), 'dir');
    source = `this repository's dist/ via "exports" (${ROOT})`;
  }
  const pkgVersion = JSON.parse(
    readFileSync(join(resolveDir, 'node_modules', PKG, 'package.json'), 'utf8'),
  ).version;
  say(`${PKG}@${pkgVersion} from ${source}`);

  // ── Bundle ───────────────────────────────────────────────────────────────────────────────
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
  const common = {
    entryPoints: [ENTRY],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    // The page's own types only; never the repository's tsconfig "paths" (they point at src/).
    tsconfigRaw: '{}',
    plugins: [viaPackage],
    outfile: join(ROOT, 'bundle.js'), // nothing is written (write: false); names the outputs
    write: false,
    logLevel: 'silent',
    absWorkingDir: ROOT,
  };
  const tb = performance.now();
  const out = await esbuild.build({ ...common, sourcemap: 'external', metafile: true });
  const min = await esbuild.build({ ...common, minify: true });
  const bundleMs = performance.now() - tb;
  const js = out.outputFiles.find((f) => f.path.endsWith('.js'));
  const map = out.outputFiles.find((f) => f.path.endsWith('.js.map'));
  const minJs = min.outputFiles.find((f) => f.path.endsWith('.js'));
  // One line per kind of warning (tsup's code splitting leaves `import './chunk-X.js'` lines
  // that esbuild drops, one warning each, because the package's "sideEffects" list names no chunk).
  const kinds = new Map();
  for (const w of out.warnings) {
    const k = w.text.replace(/chunk-[A-Z0-9]+\.js/g, 'chunk-*.js');
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
  }
  for (const [k, n] of kinds) say(`esbuild warning ×${n}: ${k}`);
  const inputs = Object.keys(out.metafile.inputs);
  const fromSrc = inputs.filter((p) => resolve(ROOT, p).startsWith(join(ROOT, 'src') + sep));
  if (fromSrc.length > 0) fail(`the bundle includes repository sources: ${fromSrc.join(', ')}`);
  const pkgDist = realpathSync(join(resolveDir, 'node_modules', PKG, 'dist'));
  const pkgInputs = inputs.filter((p) => resolve(ROOT, p).startsWith(pkgDist + sep));
  if (pkgInputs.length === 0) fail(`nothing in the bundle comes from ${pkgDist}`);
  say(
    `bundle ${kb(js.contents.length)} (minified ${kb(minJs.contents.length)}, minified+gzip ${kb(gzipSync(minJs.contents).length)}), ${inputs.length} modules (${pkgInputs.length} from the package's dist/), esbuild ${esbuild.version}, ${bundleMs.toFixed(0)} ms`,
  );
  // The Web Worker script, as an application's bundler would emit it: its own classic-script
  // bundle of `quorum-psi/web-worker` (kept by the package's "sideEffects" list), served beside
  // the page; the page's Web Worker pool starts its workers on it.
  const workerBuild = await esbuild.build({
    ...common,
    entryPoints: undefined,
    stdin: { contents: "import 'quorum-psi/web-worker';", resolveDir: ROOT, loader: 'js' },
    outfile: join(ROOT, 'web-worker.js'),
    metafile: true,
  });
  const workerJs = workerBuild.outputFiles.find((f) => f.path.endsWith('.js'));
  const workerInputs = Object.keys(workerBuild.metafile.inputs);
  const workerScript = join(pkgDist, 'web', 'worker.js');
  if (!workerInputs.some((p) => resolve(ROOT, p) === workerScript))
    fail(`the worker bundle lacks ${workerScript} (inputs: ${workerInputs.join(', ')})`);
  say(`web worker bundle ${kb(workerJs.contents.length)}, ${workerInputs.length} modules`);
  const bundleText = js.text;
  const mapper = stackMapper(bundleText, map ? JSON.parse(map.text) : null);

  // ── Serve ────────────────────────────────────────────────────────────────────────────────
  const html = readFileSync(HTML);
  const hostsSeen = new Set();
  const served = [];
  const server = createServer((req, res) => {
    hostsSeen.add(req.headers.host);
    const path = new URL(req.url, 'http://x').pathname;
    served.push(path);
    const send = (status, type, body) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (path === '/' || path === '/index.html') send(200, 'text/html; charset=utf-8', html);
    else if (path === '/bundle.js') send(200, 'text/javascript; charset=utf-8', js.contents);
    else if (path === '/bundle.js.map' && map) send(200, 'application/json', map.contents);
    else if (path === '/web-worker.js')
      send(200, 'text/javascript; charset=utf-8', workerJs.contents);
    else send(404, 'text/plain', 'not found');
  });
  await new Promise((ok, ko) => {
    server.once('error', ko);
    server.listen(0, '127.0.0.1', ok);
  });
  cleanups.push(() => new Promise((ok) => server.close(ok)));
  const port = server.address().port;
  const origin = `http://${HOST}:${port}`;
  say(
    `serving on 127.0.0.1:${port}, opened as ${origin}/ (host resolver rule MAP ${HOST} 127.0.0.1)`,
  );

  // ── Browser ──────────────────────────────────────────────────────────────────────────────
  try {
    statSync(CHROMIUM);
  } catch {
    throw new Error(`${CHROMIUM} not found (scripts/ci-browser.sh installs Debian's chromium)`);
  }
  const tl = performance.now();
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    protocolTimeout: TIMEOUT_MS + 60_000,
    args: [
      // Our own page only; the sandbox cannot start as root (nor in most CI containers).
      '--no-sandbox',
      `--host-resolver-rules=MAP ${HOST} 127.0.0.1`,
      '--no-proxy-server',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--no-default-browser-check',
      // Never try https:// first for the http:// origin.
      '--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,HttpsFirstModeV2ForTypicallySecureUsers',
    ],
  });
  cleanups.push(() => browser.close());
  const version = await browser.version();
  say(`${version} (${CHROMIUM}) launched in ${(performance.now() - tl).toFixed(0)} ms`);
  const page = await browser.newPage();
  const blocked = [];
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    const url = req.url();
    if (url.startsWith(`${origin}/`) || url.startsWith('data:')) req.continue();
    else {
      blocked.push(url);
      req.abort('blockedbyclient');
    }
  });
  const pageErrors = [];
  page.on('console', (msg) => {
    const type = msg.type();
    const text = mapper.annotate(msg.text());
    if (type === 'error' || type === 'assert') {
      pageErrors.push(text);
      console.error(`browser: page console.${type}: ${text}`);
    } else if (type === 'warn') console.error(`browser: page console.warn: ${text}`);
    else if (verbose) say(`page: ${text}`);
  });
  page.on('pageerror', (err) => {
    const text = mapper.annotate(
      `${err?.name ?? 'Error'}: ${err?.message ?? err}\n${err?.stack ?? ''}`,
    );
    pageErrors.push(text);
    console.error(`browser: uncaught in page: ${text}`);
  });
  page.on('requestfailed', (req) => {
    if (!blocked.includes(req.url()))
      fail(`request failed: ${req.url()} (${req.failure()?.errorText})`);
  });

  const tp = performance.now();
  const resp = await page.goto(`${origin}/`, { waitUntil: 'load', timeout: 30_000 });
  if (resp?.status() !== 200) fail(`GET ${origin}/ answered ${resp?.status()}`);
  let result;
  try {
    await page.waitForFunction(() => window.__result !== undefined, {
      timeout: TIMEOUT_MS,
      polling: 250,
    });
    result = await page.evaluate(() => window.__result);
  } catch (e) {
    // A page stuck in a synchronous loop never answers: give it 5 s.
    const progress = await Promise.race([
      page.evaluate(() => window.__progress ?? []).catch(() => ['(page gone)']),
      new Promise((ok) => setTimeout(() => ok(['(page unresponsive)']), 5_000)),
    ]);
    fail(
      `no result after ${TIMEOUT_MS} ms (${e.message}); page progress:\n  ${progress.join('\n  ')}`,
    );
  }
  const pageMs = performance.now() - tp;

  // ── Verdict ──────────────────────────────────────────────────────────────────────────────
  if (![...hostsSeen].every((h) => h === `${HOST}:${port}`))
    fail(`requests arrived with Host ${[...hostsSeen].join(', ')}, expected ${HOST}:${port}`);
  if (!served.includes('/bundle.js')) fail('the page never loaded /bundle.js');
  if (!served.includes('/web-worker.js')) fail('no Web Worker loaded /web-worker.js');
  if (blocked.length > 0) fail(`the page tried to reach other origins: ${blocked.join(', ')}`);
  if (result) {
    say(
      `page ${result.origin}: isSecureContext=${result.isSecureContext}, crypto.subtle ${result.hasSubtle ? 'PRESENT' : 'absent'}, crypto.getRandomValues ${result.hasGetRandomValues ? 'present' : 'ABSENT'}`,
    );
    if (result.isSecureContext !== false) fail('the page is a secure context');
    if (result.hasSubtle !== false) fail('crypto.subtle is available in the page');
    for (const [name, s] of Object.entries(result.suites)) {
      const t = Object.entries(s.timings)
        .map(([k, v]) => `${k} ${Math.round(v)}`)
        .join(', ');
      say(
        `${s.ok ? 'ok  ' : 'FAIL'} ${name}: lists ${s.lists.join('/')} → ${s.intersection} items (${s.dropped} dropped, ${s.cells} cells), audits ${s.audits.filter((a) => a.endsWith(': ok')).length}/${s.audits.length} ok, ${s.manifestSigners} signers, ${s.vouchers} vouchers of ${s.voucherBytes} B (${s.synthetic} synthetic), T−1: ${s.belowThreshold}, T: ${s.atThreshold} ${s.revealed} ids, reviewer opened ${s.opened}; Web Workers: ${s.webWorkers}; ${s.totalMs} ms [${t}]`,
      );
      for (const f of s.failures) fail(`${name}: ${f}`);
      if (s.webWorkers !== 'audit and build ok')
        fail(`${name}: Web Workers: ${s.webWorkers} (expected: audit and build ok)`);
    }
    if (Object.keys(result.suites).length !== 2)
      fail(`expected 2 suites, the page ran ${Object.keys(result.suites).length}`);
    for (const e of result.errors) {
      fail(
        `${e.suite} / ${e.phase}: ${e.name}: ${e.message}${e.stack ? `\n${indent(mapper.annotate(e.stack))}` : ''}`,
      );
    }
    if (!result.ok && problems.length === 0) fail('the page reported ok = false');
  }
  for (const e of pageErrors) {
    if (!result?.errors?.some((x) => e.includes(x.message)))
      fail(`page error: ${e.split('\n')[0]}`);
  }
  say(`page ran in ${(pageMs / 1000).toFixed(1)} s`);
  if (problems.length > 0) {
    say(`FAILED (${problems.length} problem${problems.length === 1 ? '' : 's'})`);
    return 1;
  }
  say('OK: both suites, whole protocol, right results, no crypto.subtle');
  return 0;
}

const indent = (s) =>
  s
    .split('\n')
    .map((l) => `    ${l.trim()}`)
    .join('\n');

/**
 * Maps `bundle.js:line:col` in stack traces to the bundled module (esbuild's `// path` comments)
 * and, through the bundle's source map (which esbuild composed with the package's own maps), to
 * the original source file and line.
 */
function stackMapper(text, map) {
  // Paths relative to the package (`quorum-psi/dist/chunk-X.js`, `quorum-psi/src/pdata.ts`).
  const short = (p) => p.replace(/^(\.\.\/)+/, '').replace(/^.*node_modules\//, '');
  const lines = text.split('\n');
  const modules = []; // [line index, path]
  for (const [i, l] of lines.entries()) {
    const m = /^\s*\/\/ (\S+\.(?:m?js|ts))$/.exec(l);
    if (m) modules.push([i, short(m[1])]);
  }
  const moduleAt = (line0) => {
    let found = null;
    for (const [i, p] of modules) {
      if (i > line0) break;
      found = p;
    }
    return found;
  };
  const decoded = map ? decodeMappings(map.mappings) : null;
  const originalAt = (line0, col0) => {
    const segs = decoded?.[line0];
    if (!segs) return null;
    let best = null;
    for (const s of segs) {
      if (s[0] > col0) break;
      if (s.length >= 4) best = s;
    }
    if (!best) return null;
    return `${short(map.sources[best[1]])}:${best[2] + 1}`;
  };
  return {
    annotate(s) {
      return String(s).replace(/(?:https?:\/\/[^\s)]*)?\/bundle\.js:(\d+):(\d+)/g, (_all, l, c) => {
        const line0 = Number(l) - 1;
        const mod = moduleAt(line0);
        const orig = originalAt(line0, Number(c) - 1);
        return `bundle.js:${l}:${c}${mod ? ` [${mod}]` : ''}${orig ? ` ← ${orig}` : ''}`;
      });
    },
  };
}

// Never hang CI: whatever happens, give up a minute after the page's own deadline.
setTimeout(() => {
  console.error('browser: FAIL watchdog: the check did not finish; exiting');
  process.exit(1);
}, TIMEOUT_MS + 90_000).unref();

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(`browser: FAIL ${e instanceof Error ? e.stack : e}`);
  code = 1;
} finally {
  for (const c of cleanups.reverse()) {
    try {
      await c();
    } catch {}
  }
}
process.exit(code);
