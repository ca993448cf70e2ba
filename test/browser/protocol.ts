/**
 * Browser page entry (bundled by scripts/browser-check.mjs, run in headless Chromium on a
 * plain-http origin that is not localhost, so not a secure context and without `crypto.subtle`).
 *
 * Runs the whole protocol on both suites, importing the library ONLY through its public package
 * subpaths (resolved to the built package, never to src/): NGO quorum → builder → audit by every
 * NGO against its own policy → co-signed manifest → client acceptance and vouchers → server
 * ingest and reveal → the reviewer opens the payloads; the audit and a build also run on a pool
 * of 2 Web Workers (`quorum-psi/web-workers`, each worker on /web-worker.js, the bundle of
 * `quorum-psi/web-worker`). Randomness is the platform CSPRNG
 * (`crypto.getRandomValues`, the library's default rng), so nothing here is seeded.
 *
 * Writes `{ ok, suites, errors, isSecureContext, hasSubtle, … }` to `window.__result` and to the
 * DOM (`<pre id="result">`); `ok` is false on any wrong result or exception.
 */
import {
  type AuditPolicy,
  auditDatabase,
  auditDatabaseAsync,
  encodeAuditBundle,
  manifestBodyFor,
} from 'quorum-psi/audit';
import { buildDatabase, buildDatabaseAsync } from 'quorum-psi/builder';
import { ClientAccount, createVoucher } from 'quorum-psi/client';
import { p256Sha256, ristretto255Sha512, type Suite } from 'quorum-psi/group';
import {
  acceptDatabase,
  encodeManifest,
  encodeManifestBody,
  type ManifestSignature,
  signManifest,
  type TrustedNgo,
} from 'quorum-psi/manifest';
import {
  createQuorumRoster,
  intersectContributions,
  NgoParty,
  runQuorumLocally,
  startRunLocally,
} from 'quorum-psi/ngo';
import { rateToU32 } from 'quorum-psi/pdata';
import { generateReviewerKeyPair, openAsReviewer } from 'quorum-psi/seal';
import { DatabaseRegistry, ServerAccount, ServerDatabase, unpadPayload } from 'quorum-psi/server';
import { generateSigningKeyPair } from 'quorum-psi/sign';
import { createWebWorkerPool } from 'quorum-psi/web-workers';

declare global {
  interface Window {
    __result?: PageResult;
    __progress?: string[];
  }
}

interface SuiteReport {
  ok: boolean;
  failures: string[];
  /** Phase → milliseconds. */
  timings: Record<string, number>;
  totalMs: number;
  lists: number[];
  intersection: number;
  dropped: number;
  cells: number;
  audits: string[];
  manifestSigners: number;
  vouchers: number;
  voucherBytes: number;
  synthetic: number;
  belowThreshold: string;
  atThreshold: string;
  revealed: number;
  opened: number;
  /** The audit and a build on a pool of 2 Web Workers. */
  webWorkers: string;
}

interface PageResult {
  ok: boolean;
  suites: Record<string, SuiteReport>;
  errors: { suite: string; phase: string; name: string; message: string; stack: string }[];
  isSecureContext: boolean;
  hasSubtle: boolean;
  hasGetRandomValues: boolean;
  origin: string;
  protocol: string;
  userAgent: string;
  totalMs: number;
}

const te = new TextEncoder();
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const sortedHex = (xs: readonly Uint8Array[]) => xs.map(hex).sort();
const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const equalBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
/** Let the page render and the driver poll between heavy synchronous phases. */
const tick = () => new Promise<void>((r) => setTimeout(r, 0));

function log(line: string): void {
  console.log(line);
  if (!window.__progress) window.__progress = [];
  window.__progress.push(line);
  const el = document.getElementById('progress');
  if (el) el.textContent += `${line}\n`;
}

/** A 16-byte item `tag#i` (zero-padded). */
function item16(tag: string, i: number): Uint8Array {
  const b = new Uint8Array(16);
  b.set(te.encode(`${tag}#${i}`).subarray(0, 16));
  return b;
}

/** Three jurisdictions: `shared` items held by all, `pair` by UK and CA only, `single` alone. */
function lists(shared: number, pair: number, single: number) {
  const range = (tag: string, n: number) => Array.from({ length: n }, (_, i) => item16(tag, i));
  const s = range('all', shared);
  const p = range('uk+ca', pair);
  return {
    UK: [...s, ...p, ...range('uk', single)],
    CA: [...s, ...p, ...range('ca', single)],
    NL: [...s, ...range('nl', single)],
    qualifying: [...s, ...p],
  };
}

class PhaseError extends Error {
  constructor(
    readonly phase: string,
    readonly inner: unknown,
  ) {
    super(inner instanceof Error ? inner.message : String(inner));
  }
}

async function runSuite(suite: Suite, report: SuiteReport): Promise<void> {
  const expect = (cond: boolean, what: string) => {
    if (!cond) {
      report.failures.push(what);
      log(`  [${suite.name}] WRONG: ${what}`);
    }
  };
  const phase = async <T>(name: string, fn: () => T): Promise<T> => {
    await tick();
    const t0 = performance.now();
    let out: T;
    try {
      out = fn();
    } catch (e) {
      throw new PhaseError(name, e);
    }
    const ms = performance.now() - t0;
    report.timings[name] = Math.round(ms * 10) / 10;
    log(`  [${suite.name}] ${name}: ${ms.toFixed(0)} ms`);
    return out;
  };

  const m = 2;
  const T = 4;
  const sMax = 2;
  // High enough that most runs issue synthetic vouchers (at most s_max), so the reveals below
  // and at T also exercise the detection of synthetic candidates.
  const syntheticRate = 0.25;
  const ratio = 1.25;
  const payloadSize = 64;
  const itemWidth = 16;
  const L = lists(6, 3, 5); // UK 14, CA 14, NL 11 items; 9 backed by ≥ 2 jurisdictions
  const deploymentId = te.encode(`browser-check-${suite.shortName}`);
  const context = te.encode('account-browser-check');

  // ── NGO quorum (SPEC §3) ──────────────────────────────────────────────────────────────────
  const ngos = [
    { name: 'NGO Alpha', jurisdiction: 'UK', items: L.UK },
    { name: 'NGO Beta', jurisdiction: 'CA', items: L.CA },
    { name: 'NGO Gamma', jurisdiction: 'NL', items: L.NL },
  ].map((n) => ({ ...n, keys: generateSigningKeyPair() }));
  report.lists = ngos.map((n) => n.items.length);
  const trust: TrustedNgo[] = ngos.map((n) => ({
    name: n.name,
    jurisdiction: n.jurisdiction,
    signingPublicKey: n.keys.publicKey,
  }));
  const quorum = await phase('ngo-quorum', () => {
    const roster = createQuorumRoster({
      suite,
      deploymentId,
      m,
      itemWidth,
      members: ngos.map((n) => ({
        jurisdiction: n.jurisdiction,
        signingPublicKey: n.keys.publicKey,
      })),
    });
    const { config } = startRunLocally(
      roster,
      ngos.map((n) => n.keys.secretKey),
    );
    const parties = ngos.map((n, i) => new NgoParty(config, i, n.keys.secretKey, n.items));
    return { config, run: runQuorumLocally(parties) };
  });
  const scope = { deploymentId: quorum.config.deploymentId, runId: quorum.config.runId };
  const qualifiedItems = (contributions: readonly Uint8Array[]) =>
    intersectContributions(contributions, trust, m, scope).items;
  const xInt = await phase('intersect', () => qualifiedItems(quorum.run.contributions));
  report.intersection = xInt.length;
  expect(
    sameList(sortedHex(xInt), sortedHex(L.qualifying)),
    `intersection: got ${xInt.length} items, expected exactly the ${L.qualifying.length} planted overlaps`,
  );

  // ── Builder (SPEC §4) ──────────────────────────────────────────────────────────────────────
  const reviewer = generateReviewerKeyPair();
  const buildOptions = {
    suite,
    params: {
      threshold: T,
      sMax,
      syntheticRate32: rateToU32(syntheticRate),
      payloadSize,
      reviewerKeys: [reviewer.publicKey],
    },
    ratio,
    itemWidth,
    contributions: quorum.run.contributions,
    runId: quorum.config.runId,
  };
  const built = await phase('build', () => buildDatabase(xInt, buildOptions));
  report.dropped = built.dropped.length;

  // ── Audit by every NGO against its own policy, manifest (SPEC §5) ─────────────────────────
  const policy: AuditPolicy = {
    deploymentId,
    runId: quorum.config.runId,
    reviewerKeys: [reviewer.publicKey],
    threshold: { min: T, max: T },
    sMax: { min: sMax, max: sMax },
    syntheticRate: { min: syntheticRate, max: syntheticRate },
    payloadSize: { min: payloadSize, max: payloadSize },
    ratio: { min: ratio, max: ratio },
    lastSignedVersion: 0,
  };
  const bundle = encodeAuditBundle(built, { version: 1 });
  const verdicts = await phase('audit', () =>
    ngos.map((n) => ({
      ngo: n,
      v: auditDatabase(built.publicData, bundle, {
        claimedRoot: built.root,
        qualifiedItems,
        policy,
      }),
    })),
  );
  report.audits = verdicts.map(
    ({ ngo, v }) => `${ngo.name}: ${v.ok ? 'ok' : `FAIL ${v.failure}: ${v.reason}`}`,
  );
  for (const { ngo, v } of verdicts) {
    expect(v.ok, `audit by ${ngo.name}: ${v.ok ? '' : `${v.failure}: ${v.reason}`}`);
  }
  const first = verdicts[0]?.v;
  if (!first?.ok) throw new PhaseError('audit', new Error('no audit passed: nothing to sign'));
  report.cells = first.cells;
  expect(first.dropped === built.dropped.length, 'audit and builder disagree on dropped items');

  // ── The same audit, and a build, on a pool of 2 Web Workers (quorum-psi/web-workers) ───────
  await tick();
  const tw = performance.now();
  const pool = createWebWorkerPool({
    workers: 2,
    createWorker: () => new Worker('/web-worker.js'),
  });
  try {
    // Chunks of 2 cells: every round runs several chunks on both workers.
    const onPool = await auditDatabaseAsync(built.publicData, bundle, {
      claimedRoot: built.root,
      qualifiedItems,
      policy,
      executor: pool,
      chunkSize: 2,
    });
    const sameVerdict =
      onPool.ok && equalBytes(onPool.root, first.root) && onPool.cells === first.cells;
    expect(
      sameVerdict,
      `audit on Web Workers: ${onPool.ok ? 'another root or cell count' : `${onPool.failure}: ${onPool.reason}`}`,
    );
    const builtThere = await buildDatabaseAsync(xInt, {
      ...buildOptions,
      executor: pool,
      chunkSize: 2,
    });
    const again = auditDatabase(
      builtThere.publicData,
      encodeAuditBundle(builtThere, { version: 1 }),
      { claimedRoot: builtThere.root, qualifiedItems, policy },
    );
    expect(
      again.ok,
      `a build on Web Workers, audited here: ${again.ok ? '' : `${again.failure}: ${again.reason}`}`,
    );
    report.webWorkers = sameVerdict && again.ok ? 'audit and build ok' : 'FAIL';
  } catch (e) {
    throw new PhaseError('web-workers', e);
  } finally {
    await pool.close();
  }
  report.timings['web-workers'] = Math.round((performance.now() - tw) * 10) / 10;
  log(`  [${suite.name}] web-workers: ${(performance.now() - tw).toFixed(0)} ms`);
  const now = Math.floor(Date.now() / 1000);
  const manifest = await phase('manifest', () => {
    const body = encodeManifestBody(
      manifestBodyFor(built.publicData, first, { notBefore: now - 60, notAfter: now + 86_400 }),
    );
    const sigs: ManifestSignature[] = verdicts
      .filter(({ v }) => v.ok)
      .map(({ ngo }) => ({
        publicKey: ngo.keys.publicKey,
        signature: signManifest(ngo.keys.secretKey, body),
      }));
    report.manifestSigners = sigs.length;
    return encodeManifest(body, sigs);
  });

  // ── Client: acceptance and vouchers (SPEC §5, §6) ─────────────────────────────────────────
  const db = await phase('client-accept', () =>
    acceptDatabase(built.publicData, manifest, { trust, m, deploymentId, minVersion: 0 }),
  );
  expect(db.accepted.version === 1, `accepted version ${db.accepted.version}, expected 1`);
  const account = ClientAccount.create({ database: db });
  const dropped = new Set(built.dropped.map(hex));
  const placed = L.qualifying.filter((x) => !dropped.has(hex(x)));
  // Non-matching uploads: items of one jurisdiction only (not in X_int) and unknown items.
  const nonMatching = [
    ...[0, 1].map((i) => item16('uk', i)),
    item16('nl', 0),
    ...Array.from({ length: 4 }, () => random(16)),
  ].map((item, i) => ({ id: Uint8Array.of(2, i), item, payload: random(1 + i * 7) }));
  // Matching uploads: one per placed X_int item until T of them are real (an id's fate may
  // make it synthetic, at most s_max of them; the fate comes from the account's secret seed).
  type Upload = { id: Uint8Array; item: Uint8Array; payload: Uint8Array; voucher: Uint8Array };
  const made = await phase('vouchers', () => {
    const mk = (u: { id: Uint8Array; item: Uint8Array; payload: Uint8Array }): Upload => ({
      ...u,
      voucher: createVoucher(account, db, { ...u, context }),
    });
    const non = nonMatching.map(mk);
    const real: Upload[] = [];
    const synthMatching: Upload[] = [];
    for (const [i, item] of placed.entries()) {
      if (real.length === T) break;
      const u = mk({
        id: Uint8Array.of(1, i),
        item,
        payload: te.encode(`photo ${i} / ${suite.shortName} / ${hex(random(8))}`),
      });
      const synthetic = account.syntheticIds.some((s) => equalBytes(s, u.id));
      (synthetic ? synthMatching : real).push(u);
    }
    return { non, real, synthMatching };
  });
  const all = [...made.non, ...made.real, ...made.synthMatching];
  report.vouchers = all.length;
  report.voucherBytes = made.real[0]?.voucher.length ?? 0;
  report.synthetic = account.syntheticCount;
  expect(made.real.length === T, `only ${made.real.length} real matching vouchers, need T = ${T}`);
  expect(
    all.every((u) => u.voucher.length === report.voucherBytes),
    'vouchers differ in length',
  );

  // ── Server: ingest and reveal (SPEC §7) ───────────────────────────────────────────────────
  const serverDb = ServerDatabase.fromBuild(built);
  const registry = new DatabaseRegistry().add(serverDb);
  const server = new ServerAccount({ database: serverDb });
  const last = made.real[made.real.length - 1] as Upload;
  const beforeLast = all.filter((u) => u !== last);
  const below = await phase('ingest+reveal<T', () => {
    const outcomes = server.ingestBatch(
      beforeLast.map((u) => u.voucher),
      registry,
    );
    return { outcomes, reveal: server.reveal() };
  });
  const bad = below.outcomes.filter((o) => o.kind !== 'match' && o.kind !== 'non-match');
  expect(bad.length === 0, `ingest outcomes: ${bad.map((o) => o.kind).join(', ')}`);
  const matchIds = new Set(below.outcomes.flatMap((o) => (o.kind === 'match' ? [hex(o.id)] : [])));
  for (const u of made.real.slice(0, -1)) {
    expect(matchIds.has(hex(u.id)), `real matching id ${hex(u.id)} was not a candidate`);
  }
  report.belowThreshold = below.reveal.kind;
  const wantCandidates = T - 1 + account.syntheticCount;
  expect(
    below.reveal.kind === 'below-threshold' && below.reveal.candidates === wantCandidates,
    `below T: ${below.reveal.kind === 'below-threshold' ? below.reveal.candidates : '-'} candidates, expected ${wantCandidates} (T − 1 real + every synthetic)`,
  );
  expect(
    below.reveal.kind === 'below-threshold',
    `reveal with T − 1 = ${T - 1} real matches: ${below.reveal.kind}, expected below-threshold`,
  );
  const at = await phase('ingest+reveal=T', () => {
    const outcome = server.ingest(last.voucher, registry);
    return { outcome, reveal: server.reveal() };
  });
  expect(at.outcome.kind === 'match', `the T-th real match ingested as ${at.outcome.kind}`);
  report.atThreshold = at.reveal.kind;
  expect(at.reveal.kind === 'revealed', `reveal at T: ${at.reveal.kind}, expected revealed`);
  if (at.reveal.kind !== 'revealed') return;
  const { revealed, syntheticIds } = at.reveal;
  report.revealed = revealed.length;
  expect(
    sameList(sortedHex(revealed.map((r) => r.id)), sortedHex(made.real.map((u) => u.id))),
    `revealed ids ${sortedHex(revealed.map((r) => r.id)).join(',')} ≠ the real matches ${sortedHex(made.real.map((u) => u.id)).join(',')}`,
  );
  expect(
    sameList(sortedHex(syntheticIds), sortedHex(account.syntheticIds)),
    `the server's synthetic ids ${sortedHex(syntheticIds).join(',')} ≠ the client's ${sortedHex(account.syntheticIds).join(',')}`,
  );

  // ── Reviewer opens the payloads (SPEC §7, reviewer sealing) ──────────────────────────────
  const opened = await phase('review', () =>
    revealed.map((r) => ({
      id: hex(r.id),
      payload: unpadPayload(
        openAsReviewer(reviewer.secretKey, 0, r.ad, {
          databaseId: r.databaseId,
          voucherId: r.id,
          context,
        }),
      ),
    })),
  );
  report.opened = opened.length;
  const uploaded = new Map(made.real.map((u) => [hex(u.id), u.payload]));
  for (const o of opened) {
    const want = uploaded.get(o.id);
    expect(
      want !== undefined && equalBytes(o.payload, want),
      `payload of ${o.id} opened as ${hex(o.payload)}, uploaded ${want ? hex(want) : '(none)'}`,
    );
  }
  expect(opened.length === T, `the reviewer opened ${opened.length} payloads, expected ${T}`);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const hasSubtle = typeof globalThis.crypto?.subtle !== 'undefined';
  const result: PageResult = {
    ok: false,
    suites: {},
    errors: [],
    isSecureContext: window.isSecureContext,
    hasSubtle,
    hasGetRandomValues: typeof globalThis.crypto?.getRandomValues === 'function',
    origin: location.origin,
    protocol: location.protocol,
    userAgent: navigator.userAgent,
    totalMs: 0,
  };
  const setup: string[] = [];
  if (result.isSecureContext) setup.push('the page is a secure context');
  if (hasSubtle) setup.push('crypto.subtle is available');
  if (result.protocol !== 'http:') setup.push(`protocol is ${result.protocol}, expected http:`);
  if (/^http:\/\/(localhost|127\.|\[::1\])/.test(result.origin))
    setup.push(`origin ${result.origin} is loopback`);
  for (const s of setup) {
    result.errors.push({ suite: '-', phase: 'setup', name: 'SetupError', message: s, stack: '' });
  }
  log(
    `origin ${result.origin}, isSecureContext=${result.isSecureContext}, crypto.subtle=${hasSubtle ? 'present' : 'absent'}`,
  );
  for (const suite of [ristretto255Sha512, p256Sha256]) {
    const report: SuiteReport = {
      ok: false,
      failures: [],
      timings: {},
      totalMs: 0,
      lists: [],
      intersection: 0,
      dropped: 0,
      cells: 0,
      audits: [],
      manifestSigners: 0,
      vouchers: 0,
      voucherBytes: 0,
      synthetic: 0,
      belowThreshold: 'not-run',
      atThreshold: 'not-run',
      revealed: 0,
      opened: 0,
      webWorkers: 'not-run',
    };
    result.suites[suite.name] = report;
    log(`suite ${suite.name}`);
    const s0 = performance.now();
    try {
      await runSuite(suite, report);
    } catch (e) {
      const phase = e instanceof PhaseError ? e.phase : 'unknown';
      const err = e instanceof PhaseError ? e.inner : e;
      const x = err instanceof Error ? err : new Error(`non-Error thrown: ${String(err)}`);
      result.errors.push({
        suite: suite.name,
        phase,
        name: `${x.name}${(x as { code?: string }).code ? ` (${(x as { code?: string }).code})` : ''}`,
        message: x.message,
        stack: x.stack ?? '',
      });
      report.failures.push(`${phase}: ${x.name}: ${x.message}`);
      console.error(`[${suite.name}] ${phase} threw ${x.name}: ${x.message}\n${x.stack ?? ''}`);
    }
    report.totalMs = Math.round(performance.now() - s0);
    report.ok = report.failures.length === 0;
  }
  result.totalMs = Math.round(performance.now() - t0);
  result.ok =
    result.errors.length === 0 &&
    Object.values(result.suites).every((s) => s.ok) &&
    Object.keys(result.suites).length === 2;
  const pre = document.getElementById('result');
  if (pre) pre.textContent = JSON.stringify(result, null, 2);
  document.title = result.ok ? 'quorum-psi browser check: OK' : 'quorum-psi browser check: FAIL';
  window.__result = result;
}

main().catch((e: unknown) => {
  // Only a bug of this page gets here (runSuite's errors are caught per suite).
  const x = e instanceof Error ? e : new Error(String(e));
  window.__result = {
    ok: false,
    suites: {},
    errors: [{ suite: '-', phase: 'page', name: x.name, message: x.message, stack: x.stack ?? '' }],
    isSecureContext: window.isSecureContext,
    hasSubtle: typeof globalThis.crypto?.subtle !== 'undefined',
    hasGetRandomValues: typeof globalThis.crypto?.getRandomValues === 'function',
    origin: location.origin,
    protocol: location.protocol,
    userAgent: navigator.userAgent,
    totalMs: 0,
  };
});
