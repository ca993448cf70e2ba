/**
 * Spawning the `quorum-psi` CLI from tests, through tsx's own entry point (`node …/tsx/dist/cli.mjs
 * src/cli/cli.ts`, what `npx tsx src/cli/cli.ts` runs, minus npm's start-up and its warnings on
 * stderr). At most three run at once: the machine has two cores and tsx start-up is about 1 s.
 * Standard input is an ended pipe, never a terminal, so the CLI never prompts.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX_CLI = createRequire(import.meta.url).resolve('tsx/cli');

/** What a CLI run gave: exit status (-1 for a signal or time-out), stdout, stderr. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

let running = 0;
const queue: (() => void)[] = [];

/**
 * Run `quorum-psi ARGS…`. `env` entries override the test's environment; an `undefined` value
 * removes the variable.
 */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<CliRun> {
  if (running >= 3) await new Promise<void>((resolve) => queue.push(resolve));
  running++;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }
  try {
    return await new Promise<CliRun>((resolve) => {
      const child = execFile(
        process.execPath,
        [TSX_CLI, 'src/cli/cli.ts', ...args],
        { cwd: ROOT, timeout: 60_000, maxBuffer: 16 << 20, env: childEnv },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      child.stdin?.end();
    });
  } finally {
    running--;
    queue.shift()?.();
  }
}

/** A refusal: exit status 2 and exactly one line on stderr, `quorum-psi: …` matching `message`. */
export function expectOneLine(r: CliRun, message: RegExp): void {
  expect(r.code, `${r.stdout}${r.stderr}`).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^quorum-psi: /);
  expect(lines[0]).toMatch(message);
}
