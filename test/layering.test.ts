/**
 * The source layout (docs/decisions.md "Source layout"), checked on the import graph of src/:
 *
 * 1. Every module except src/index.ts lives in a layer folder, and imports only from its own
 *    layer or a layer below it: core < threshold < quorum < database < voucher < web < node < cli.
 *    node/ (the Node.js worker pool, `quorum-psi/workers`) is imported by cli/ only, never by
 *    src/index.ts: what a client imports never reaches Node.js APIs. web/ (the Web Worker pool
 *    and its script) is imported by no module: it is reached through its subpaths only, and
 *    it names no Node.js module.
 * 2. A protocol role never imports another role. What two roles share (the voucher format, the
 *    item hashes, the shape of a build, the client's validated public data, the quorum's wire
 *    messages and board checks) lives in a module below or beside them that is not a role. The
 *    only modules that import a role are src/index.ts (the root re-exports), cli/ (which may call
 *    anything) and the few declared in ROLE_IMPORTERS.
 *
 * Imports are read with TypeScript's own pre-processor, so `import type`, `export … from` and
 * dynamic `import()` all count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** Layer folders, lowest first. */
const LAYERS = [
  'core',
  'threshold',
  'quorum',
  'database',
  'voucher',
  'web',
  'node',
  'cli',
] as const;

/**
 * The protocol roles. Not roles, and so free to be imported by the roles of their layer and
 * above: voucher/voucher.ts (the format client and server both derive from), database/items.ts,
 * built-database.ts, client-database.ts, pdata.ts, table.ts, merkle.ts, and manifest.ts (the
 * manifest format and the client's acceptance rule, shared by the auditor who signs and the
 * client who accepts), and quorum/ngo-messages.ts, run.ts, board.ts, lists.ts, culprit.ts.
 */
const ROLES = new Set([
  'database/builder.ts',
  'database/audit.ts',
  'voucher/client.ts',
  'voucher/server.ts',
  'quorum/party.ts',
  'quorum/contributions.ts',
  'quorum/arbiter.ts',
]);

/** Modules besides src/index.ts and cli/ that may import roles, and which ones. */
const ROLE_IMPORTERS: Readonly<Record<string, readonly string[]>> = {
  // The module behind `quorum-psi/ngo`: re-exports the quorum's API.
  'quorum/ngo.ts': ['quorum/party.ts', 'quorum/contributions.ts', 'quorum/arbiter.ts'],
  // Local orchestration (tests, demo) drives the parties of one process.
  'quorum/local.ts': ['quorum/party.ts'],
};

interface Edge {
  /** Importing module, relative to src/ (posix). */
  readonly from: string;
  /** Imported module, relative to src/ (posix, `.ts`). */
  readonly to: string;
}

function layerOf(file: string): (typeof LAYERS)[number] | undefined {
  const [dir, ...rest] = file.split('/');
  return rest.length === 1 ? LAYERS.find((l) => l === dir) : undefined;
}

/** Every rule broken by an import graph, one line each (empty when the layout holds). */
function violations(files: readonly string[], edges: readonly Edge[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    if (f !== 'index.ts' && layerOf(f) === undefined) out.push(`${f} is not in a layer folder`);
  }
  for (const { from, to } of edges) {
    if (from === 'index.ts') continue; // the root module re-exports from every layer
    const lf = layerOf(from);
    const lt = layerOf(to);
    if (lf === undefined) continue; // reported above
    if (lt === undefined) {
      out.push(`${from} imports ${to}, which is not in a layer folder`);
      continue;
    }
    if (LAYERS.indexOf(lt) > LAYERS.indexOf(lf)) {
      out.push(`${from} (${lf}) imports ${to} from the higher layer ${lt}`);
    }
    if (ROLES.has(to) && lf !== 'cli' && !ROLE_IMPORTERS[from]?.includes(to)) {
      out.push(`${from} imports the role ${to}`);
    }
  }
  return out;
}

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sourceFiles(dir = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(SRC + dir, { withFileTypes: true })) {
    const rel = dir === '' ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sourceFiles(rel));
    else if (e.name.endsWith('.ts')) out.push(rel);
  }
  return out.sort();
}

/** Relative imports of a module, resolved to paths relative to src/. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(SRC + file, 'utf8'), true, true);
  return importedFiles
    .map((r) => r.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, '.ts'));
}

/**
 * Where a module's code (not its comments) names a Node.js API: the identifiers `process`,
 * `Buffer`, `require`, `__dirname`, `__filename`, and any string starting with `node:`.
 */
function nodeApiUses(file: string): string[] {
  const src = ts.createSourceFile(file, readFileSync(SRC + file, 'utf8'), ts.ScriptTarget.Latest);
  const names = new Set(['process', 'Buffer', 'require', '__dirname', '__filename']);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isIdentifier(n) && names.has(n.text)) out.push(n.text);
    if (ts.isStringLiteralLike(n) && n.text.startsWith('node:')) out.push(n.text);
    ts.forEachChild(n, visit);
  };
  visit(src);
  return out;
}

const FILES = sourceFiles();
const EDGES: Edge[] = FILES.flatMap((from) => importsOf(from).map((to) => ({ from, to })));

describe('source layout', () => {
  it('reads a real import graph (every import resolves to a module of src/)', () => {
    expect(FILES.length).toBeGreaterThan(40);
    expect(EDGES.length).toBeGreaterThan(150);
    const files = new Set(FILES);
    expect(EDGES.filter((e) => !files.has(e.to))).toEqual([]);
  });

  it('every module but src/index.ts is in a layer folder', () => {
    expect(FILES.filter((f) => f !== 'index.ts' && layerOf(f) === undefined)).toEqual([]);
    for (const layer of LAYERS)
      expect(
        FILES.some((f) => layerOf(f) === layer),
        layer,
      ).toBe(true);
  });

  it(`a module imports only its own layer or those below it (${LAYERS.join(' < ')}), and no role imports another role`, () => {
    expect(violations(FILES, EDGES)).toEqual([]);
  });

  it('node/ (the worker pool) is imported by cli/ only, never by the root module or a lower layer', () => {
    expect(FILES).toContain('node/worker-pool.ts');
    expect(FILES).toContain('node/worker.ts');
    const intoNode = EDGES.filter(
      (e) => layerOf(e.to) === 'node' && layerOf(e.from) !== 'node' && layerOf(e.from) !== 'cli',
    );
    expect(intoNode).toEqual([]);
    // The pool starts its threads on worker.ts by path: no module imports it.
    expect(EDGES.filter((e) => e.to === 'node/worker.ts')).toEqual([]);
    // The rule catches the root module too.
    expect(
      [{ from: 'index.ts', to: 'node/worker-pool.ts' }].filter(
        (e) => layerOf(e.to) === 'node' && layerOf(e.from) !== 'node' && layerOf(e.from) !== 'cli',
      ),
    ).toHaveLength(1);
  });

  it('web/ (the Web Worker pool and its script) is imported by no module and imports no Node.js module', () => {
    expect(FILES).toContain('web/worker-pool.ts');
    expect(FILES).toContain('web/worker.ts');
    expect(EDGES.filter((e) => layerOf(e.to) === 'web' && layerOf(e.from) !== 'web')).toEqual([]);
    for (const f of FILES.filter((x) => layerOf(x) === 'web')) {
      const { importedFiles } = ts.preProcessFile(readFileSync(SRC + f, 'utf8'), true, true);
      const specs = importedFiles.map((r) => r.fileName);
      expect(
        specs.filter((x) => !x.startsWith('.')),
        f,
      ).toEqual([]);
      // Nor does anything it imports, transitively (the core modules it reaches).
      const seen = new Set<string>();
      const walk = (m: string) => {
        if (seen.has(m)) return;
        seen.add(m);
        for (const e of EDGES) if (e.from === m) walk(e.to);
      };
      walk(f);
      for (const m of seen) expect(nodeApiUses(m), `${f} reaches ${m}`).toEqual([]);
    }
    // The check sees a use in code, and not a mention in a comment.
    expect(nodeApiUses('node/worker-pool.ts').length).toBeGreaterThan(0);
    expect(nodeApiUses('core/pool-messages.ts')).toEqual([]);
  });

  it('voucher/: the client and the server import only voucher.ts and lower layers, never each other', () => {
    const roles = ['voucher/client.ts', 'voucher/server.ts'];
    expect(EDGES.filter((e) => layerOf(e.from) === 'voucher' && roles.includes(e.to))).toEqual([]);
    for (const role of roles) {
      const same = EDGES.filter((e) => e.from === role && layerOf(e.to) === 'voucher');
      expect([...new Set(same.map((e) => e.to))], role).toEqual(['voucher/voucher.ts']);
    }
  });

  it('database/: the audit and the manifest never import the builder (they share items.ts and built-database.ts), nor the builder the audit', () => {
    const pairs = EDGES.filter(
      (e) =>
        (['database/audit.ts', 'database/manifest.ts'].includes(e.from) &&
          e.to === 'database/builder.ts') ||
        (e.from === 'database/builder.ts' && e.to === 'database/audit.ts'),
    );
    expect(pairs).toEqual([]);
    const uses = (from: string, to: string) => EDGES.some((e) => e.from === from && e.to === to);
    expect(uses('database/audit.ts', 'database/items.ts')).toBe(true);
    expect(uses('database/audit.ts', 'database/built-database.ts')).toBe(true);
    expect(uses('voucher/client.ts', 'database/items.ts')).toBe(true);
  });

  it('the rules catch the old flat layout and its cross-role imports', () => {
    // The old tree: modules side by side in src/.
    expect(violations(['manifest.ts', 'client.ts'], [])).toEqual([
      'manifest.ts is not in a layer folder',
      'client.ts is not in a layer folder',
    ]);
    // Its imports, placed in the new folders.
    const old: Edge[] = [
      { from: 'database/manifest.ts', to: 'voucher/client.ts' }, // ClientDatabase
      { from: 'voucher/client.ts', to: 'database/builder.ts' }, // hashItem
      { from: 'voucher/server.ts', to: 'database/builder.ts' }, // BuiltDatabase
      { from: 'database/audit.ts', to: 'database/builder.ts' }, // cellBases, auditProofBinding
      { from: 'quorum/ngo.ts', to: 'database/pdata.ts' }, // a layer the quorum must not need
    ];
    expect(violations([], old)).toEqual([
      'database/manifest.ts (database) imports voucher/client.ts from the higher layer voucher',
      'database/manifest.ts imports the role voucher/client.ts',
      'voucher/client.ts imports the role database/builder.ts',
      'voucher/server.ts imports the role database/builder.ts',
      'database/audit.ts imports the role database/builder.ts',
      'quorum/ngo.ts (quorum) imports database/pdata.ts from the higher layer database',
    ]);
  });
});
