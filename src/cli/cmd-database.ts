/**
 * `quorum-psi` commands: build, audit, manifest assemble, manifest verify (issue 14; docs/cli-design.md). Node only.
 * @module
 */
import type { Command } from './io.js';

export const DATABASE_COMMANDS: readonly Command[] = [];
