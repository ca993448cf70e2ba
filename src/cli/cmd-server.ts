/**
 * `quorum-psi` commands: server ingest, server reveal, reviewer open (issue 14; docs/cli-design.md). Node only.
 * @module
 */
import type { Command } from './io.js';

export const SERVER_COMMANDS: readonly Command[] = [];
